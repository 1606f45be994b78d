package web_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
	"github.com/keycheck/keycheck/web"
)

// Keys used across the tests. cleanKey passes every offline step; the
// others each trip one.
const (
	cleanKey  = "sk-hQ7xK2mP9vR4tL8wN3bJ6cF1yD5gA0sE2uZ7kT4pW9"
	openAIKey = "sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zT3BlbkFJa2B4c6D8e0F2g4H6j8K0m2N4p6Q8"
	testModel = "gpt-image-2"
	imageURL  = "https://cdn.hiapi.example/tasks/task-1/output.png"
)

// fakeProvider is HiAPI as the live runner sees it, scripted per test with
// func fields (WTF's mock pattern). A nil field answers as a healthy HiAPI
// would for a good key. Every call is counted.
type fakeProvider struct {
	ProbeFn      func(ctx context.Context, key string) checks.Answer
	CreateTaskFn func(ctx context.Context, key, model, prompt string) (string, checks.Answer)
	GetTaskFn    func(ctx context.Context, key, taskID string) (checks.TaskView, checks.Answer, bool)

	probes, creates, gets atomic.Int64

	mu   sync.Mutex
	keys []string // every key the runner sent, to prove it got the exact bytes
}

func (p *fakeProvider) saw(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, key)
}

func (p *fakeProvider) sentKeys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.keys...)
}

func (p *fakeProvider) Probe(ctx context.Context, key string) checks.Answer {
	p.probes.Add(1)
	p.saw(key)
	if p.ProbeFn != nil {
		return p.ProbeFn(ctx, key)
	}
	return checks.Answer{HTTPStatus: 200, RequestID: "req_probe_1"}
}

func (p *fakeProvider) CreateTask(ctx context.Context, key, model, prompt string) (string, checks.Answer) {
	p.creates.Add(1)
	p.saw(key)
	if p.CreateTaskFn != nil {
		return p.CreateTaskFn(ctx, key, model, prompt)
	}
	return "task-1", checks.Answer{HTTPStatus: 200, RequestID: "req_create_1"}
}

func (p *fakeProvider) GetTask(ctx context.Context, key, taskID string) (checks.TaskView, checks.Answer, bool) {
	p.gets.Add(1)
	p.saw(key)
	if p.GetTaskFn != nil {
		return p.GetTaskFn(ctx, key, taskID)
	}
	return successTask(taskID), checks.Answer{HTTPStatus: 200, RequestID: "req_get_1"}, true
}

func successTask(taskID string) checks.TaskView {
	return checks.TaskView{TaskID: taskID, Status: "success", Outputs: []checks.Output{{URL: imageURL, Type: "image"}}}
}

// faultStore is the real SQLite store with faults a test can switch on.
type faultStore struct {
	*store.DB
	CreateRunFn func(ctx context.Context, r *run.Run) error
	GetRunFn    func(ctx context.Context, id string) (*run.Run, error)
	// RunUpdatedFn is the one-column read the run cache asks on every read.
	RunUpdatedFn func(ctx context.Context, id string) (time.Time, error)
	PingFn       func(ctx context.Context) error
}

func (f *faultStore) Ping(ctx context.Context) error {
	if f.PingFn != nil {
		return f.PingFn(ctx)
	}
	return f.DB.Ping(ctx)
}

func (f *faultStore) CreateRun(ctx context.Context, r *run.Run) error {
	if f.CreateRunFn != nil {
		return f.CreateRunFn(ctx, r)
	}
	return f.DB.CreateRun(ctx, r)
}

func (f *faultStore) GetRun(ctx context.Context, id string) (*run.Run, error) {
	if f.GetRunFn != nil {
		return f.GetRunFn(ctx, id)
	}
	return f.DB.GetRun(ctx, id)
}

func (f *faultStore) RunUpdated(ctx context.Context, id string) (time.Time, error) {
	if f.RunUpdatedFn != nil {
		return f.RunUpdatedFn(ctx, id)
	}
	return f.DB.RunUpdated(ctx, id)
}

// faultRunner is the real live runner with faults a test can switch on.
type faultRunner struct {
	*run.Runner
	StartFn func(runID, key string) error
	// RunningFn answers Running in the runner's place.
	RunningFn func(runID string) bool
}

func (f *faultRunner) Running(runID string) bool {
	if f.RunningFn != nil {
		return f.RunningFn(runID)
	}
	return f.Runner.Running(runID)
}

func (f *faultRunner) Start(runID, key string) error {
	if f.StartFn != nil {
		return f.StartFn(runID, key)
	}
	return f.Runner.Start(runID, key)
}

// syncBuffer is the log, safe to read while the server writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// clock is a settable time for the key holder's TTL.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup is what a test may change before the server starts. The fakes are
// scripted here, not after: the server's goroutines then start after the
// script is written, which the race detector can see.
type setup struct {
	cfg web.Config
	tls bool
	// dir, when set, holds the database (to share it between servers).
	dir string
	// provider is HiAPI; faults are copied onto the real store, and
	// runnerFaults onto the real runner.
	provider *fakeProvider
	// prober asks every other target (nil: none is wired).
	prober       run.Prober
	faults       faultStore
	runnerFaults faultRunner
}

// env is one keycheck web server on a loopback port, with its real store,
// key holder and live runner, and a fake HiAPI.
type env struct {
	t        testing.TB
	URL      string
	HTTP     *httptest.Server
	Server   *web.Server
	DB       *store.DB
	Dir      string
	Store    *faultStore
	Keys     *run.Keys
	Clock    *clock
	Runner   *run.Runner
	Provider *fakeProvider
	Logs     *syncBuffer
	Config   web.Config

	// record keeps every response when set, for the canary test.
	record atomic.Bool
	mu     sync.Mutex
	seen   []seenResponse
}

type seenResponse struct {
	what   string
	header http.Header
	body   []byte
}

func testSessionKey() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func newEnv(t testing.TB, opts ...func(*setup)) *env {
	t.Helper()
	su := &setup{cfg: web.Config{
		HiAPIURL:      "https://api.hiapi.ai",
		KeyTTL:        15 * time.Minute,
		DefaultModel:  testModel,
		DefaultPrompt: "a red apple on a white table",
		SessionKeys:   [][]byte{testSessionKey()},
		RunsList:      true,
		Version:       "test",
	}, provider: &fakeProvider{}}
	for _, o := range opts {
		o(su)
	}
	dir := su.dir
	if dir == "" {
		dir = t.TempDir()
	}
	e := &env{t: t, Dir: dir, Logs: &syncBuffer{}, Provider: su.provider, Config: su.cfg,
		Clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	log := slog.New(slog.NewJSONHandler(e.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "keycheck.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	e.DB = db
	e.Store = &su.faults
	e.Store.DB = db
	e.Keys = run.NewKeys(su.cfg.KeyTTL, e.Clock.Now)
	e.Runner = run.NewRunner(e.Store, e.Provider, su.prober, run.LiveConfig{
		BaseURL:   su.cfg.HiAPIURL,
		PollEvery: run.MinPoll,
		PollMax:   run.MinPoll,
		Timeout:   60 * time.Second,
	}, log, nil)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := e.Runner.Shutdown(ctx); err != nil {
			t.Errorf("runner shutdown: %v", err)
		}
	})
	su.runnerFaults.Runner = e.Runner
	e.Server, err = web.New(su.cfg, log, e.Store, &su.runnerFaults, e.Keys, nil)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	if su.tls {
		e.HTTP = httptest.NewTLSServer(e.Server)
	} else {
		e.HTTP = httptest.NewServer(e.Server)
	}
	// Cleanups run last first: end the event streams, then the server,
	// then the runner, then the store.
	t.Cleanup(e.HTTP.Close)
	t.Cleanup(e.Server.Close)
	e.URL = e.HTTP.URL
	return e
}

func (e *env) keep(what string, h http.Header, body []byte) {
	if !e.record.Load() {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = append(e.seen, seenResponse{what: what, header: h.Clone(), body: append([]byte(nil), body...)})
}

// browser is one person: a cookie jar that does not follow redirects, so
// tests see the 303s. By default it sends Sec-Fetch-Site: same-origin on
// what it posts, as every current browser does.
type browser struct {
	t        testing.TB
	env      *env
	client   *http.Client
	secFetch string
	// header is added to every request (X-Forwarded-For, a user header).
	header http.Header
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	var transport http.RoundTripper = http.DefaultTransport
	if e.HTTP.TLS != nil {
		transport = e.HTTP.Client().Transport
	}
	return &browser{
		t:   e.t,
		env: e,
		client: &http.Client{
			Jar:       jar,
			Transport: transport,
			Timeout:   60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		secFetch: "same-origin",
		header:   http.Header{},
	}
}

// resp is a response read whole.
type resp struct {
	t      testing.TB
	Status int
	Header http.Header
	Body   string
	URL    string
	raw    *http.Response
}

func (r *resp) Cookies() []*http.Cookie { return r.raw.Cookies() }

func (r *resp) Cookie(name string) *http.Cookie {
	for _, c := range r.raw.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// doc parses the body as HTML.
func (r *resp) doc() *goquery.Document {
	r.t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		r.t.Fatalf("parsing HTML of %s: %v", r.URL, err)
	}
	return d
}

// json decodes the body into v.
func (r *resp) json(v any) {
	r.t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Fatalf("%s: Content-Type %q, want JSON; body: %.300s", r.URL, ct, r.Body)
	}
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		r.t.Fatalf("%s: decoding %q: %v", r.URL, r.Body, err)
	}
}

// apiErr decodes an API error.
func (r *resp) apiErr() apiError {
	r.t.Helper()
	var e apiError
	r.json(&e)
	if e.Error.Code == "" || e.Error.Message == "" {
		r.t.Fatalf("%s: error without code or message: %s", r.URL, r.Body)
	}
	return e
}

func (r *resp) wantStatus(want int) *resp {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("%s: status %d, want %d; body: %.600s", r.URL, r.Status, want, r.Body)
	}
	return r
}

// location is the path a redirect points at.
func (r *resp) location() string {
	r.t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		r.t.Fatalf("%s: no Location; status %d", r.URL, r.Status)
	}
	u, err := url.Parse(loc)
	if err != nil {
		r.t.Fatalf("%s: bad Location %q", r.URL, loc)
	}
	return u.RequestURI()
}

func (b *browser) do(req *http.Request) *resp {
	b.t.Helper()
	for k, vs := range b.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	b.env.keep(req.Method+" "+req.URL.Path, res.Header, body)
	return &resp{t: b.t, Status: res.StatusCode, Header: res.Header, Body: string(body), URL: req.Method + " " + req.URL.String(), raw: res}
}

func (b *browser) newRequest(method, path string, body io.Reader) *http.Request {
	b.t.Helper()
	req, err := http.NewRequest(method, b.env.URL+path, body)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	return req
}

func (b *browser) get(path string, hdr ...string) *resp {
	b.t.Helper()
	req := b.newRequest(http.MethodGet, path, nil)
	setHeaders(req, hdr)
	return b.do(req)
}

// postForm posts a form as a browser does, with Sec-Fetch-Site.
func (b *browser) postForm(path string, form url.Values, hdr ...string) *resp {
	b.t.Helper()
	req := b.newRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if b.secFetch != "" {
		req.Header.Set("Sec-Fetch-Site", b.secFetch)
	}
	setHeaders(req, hdr)
	return b.do(req)
}

// htmx posts the form as htmx does for the as-you-type check.
func (b *browser) htmx(path string, form url.Values) *resp {
	b.t.Helper()
	return b.postForm(path, form, "HX-Request", "true", "HX-Target", "checklist")
}

// postJSON posts a body to the API as curl or a script does.
func (b *browser) postJSON(path, body string, hdr ...string) *resp {
	b.t.Helper()
	req := b.newRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	setHeaders(req, hdr)
	return b.do(req)
}

func setHeaders(req *http.Request, hdr []string) {
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
}

// The JSON API's shapes, as a client reads them.
type apiError struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		RetryAfter int    `json:"retry_after"`
	} `json:"error"`
}

type apiStep struct {
	ID     string               `json:"id"`
	Title  string               `json:"title"`
	Status string               `json:"status"`
	Detail string               `json:"detail"`
	Fix    string               `json:"fix"`
	URL    string               `json:"url"`
	Live   *checks.LiveEvidence `json:"live"`
}

type apiCheck struct {
	Verdict     checks.Verdict     `json:"verdict"`
	Provider    string             `json:"provider"`
	Fingerprint checks.Fingerprint `json:"fingerprint"`
	Summary     string             `json:"summary"`
	Steps       []apiStep          `json:"steps"`
}

// apiRun is a check's answer with the run's own fields.
type apiRun struct {
	apiCheck
	ID      string    `json:"id"`
	URL     string    `json:"url"`
	Created time.Time `json:"created"`
	By      string    `json:"by"`
	Model   string    `json:"model"`
	Live    string    `json:"live"`
	TaskID  string    `json:"task_id"`
	// OwnerProbe offers to ask the provider whose key it is.
	OwnerProbe *struct {
		Provider string `json:"provider"`
		URL      string `json:"url"`
		Offer    string `json:"offer"`
	} `json:"owner_probe"`
}

func (r apiRun) step(t testing.TB, id checks.ID) apiStep {
	t.Helper()
	for _, s := range r.Steps {
		if s.ID == string(id) {
			return s
		}
	}
	t.Fatalf("run %s has no step %s", r.ID, id)
	return apiStep{}
}

type apiRunList struct {
	Runs []apiRun `json:"runs"`
	Next string   `json:"next"`
}

// jsonBody marshals v for a request.
func jsonBody(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// createRun stores a run through the form, as the "Save as a run" button
// does, and returns its id.
func (b *browser) createRun(form url.Values) string {
	b.t.Helper()
	r := b.postForm("/runs", form).wantStatus(http.StatusSeeOther)
	loc := r.location()
	id, ok := strings.CutPrefix(loc, "/runs/")
	if !ok || len(id) != 22 {
		b.t.Fatalf("POST /runs redirected to %q, want /runs/{22-character id}", loc)
	}
	return id
}

// apiCreateRun stores a run through the API and returns it.
func (b *browser) apiCreateRun(body map[string]any) apiRun {
	b.t.Helper()
	var out apiRun
	b.postJSON("/api/v1/runs", jsonBody(b.t, body)).wantStatus(http.StatusCreated).json(&out)
	return out
}

func (b *browser) apiRun(id string) apiRun {
	b.t.Helper()
	var out apiRun
	b.get("/api/v1/runs/" + id).wantStatus(http.StatusOK).json(&out)
	return out
}

// waitLive polls the run until its live test has ended. The deadline is
// generous: a loaded CI machine under -race is slow, and nothing here
// asserts on time.
func (b *browser) waitLive(id string) apiRun {
	b.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		r := b.apiRun(id)
		if r.Live == string(run.LiveDone) || r.Live == string(run.LiveInterrupted) {
			return r
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("run %s: live test still %q after 90 s: %+v", id, r.Live, r.Steps)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not true after 60 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sseEvent is one server-sent event.
type sseEvent struct {
	Name string
	Data string
}

// readEvents reads server-sent events from body until it ends, sending
// each on the returned channel, which closes at the end of the stream.
func readEvents(body io.Reader) <-chan sseEvent {
	out := make(chan sseEvent, 64)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(body)
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Name != "" || data != nil {
					ev.Data = strings.Join(data, "\n")
					out <- ev
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			case line == "data:":
				data = append(data, "")
			}
		}
	}()
	return out
}

// randomAlnum returns n random letters and digits.
func randomAlnum(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for range n {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// randomKey is a fresh clean HiAPI-looking key.
func randomKey() string { return "sk-" + randomAlnum(44) }

// trustLoopback makes the test's own connections come from a trusted proxy.
func trustLoopback(su *setup) {
	_, n, _ := net.ParseCIDR("127.0.0.0/8")
	_, n6, _ := net.ParseCIDR("::1/128")
	su.cfg.TrustedProxies = []*net.IPNet{n, n6}
}

// trustElsewhere trusts a proxy range the test's connections do not
// come from.
func trustElsewhere(su *setup) {
	_, n, _ := net.ParseCIDR("10.0.0.0/8")
	su.cfg.TrustedProxies = []*net.IPNet{n}
}

// stepStatus reads a step's status off a checklist.
func stepStatus(d *goquery.Document, id checks.ID) string {
	s, _ := d.Find(`[data-testid="step-` + string(id) + `"]`).Attr("data-status")
	return s
}

func stepText(d *goquery.Document, id checks.ID, part string) string {
	return strings.TrimSpace(d.Find(`[data-testid="step-` + string(id) + `"] [data-testid="` + part + `"]`).Text())
}

var errTest = errors.New("test fault")
