package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
	"github.com/keycheck/keycheck/static"
	"github.com/keycheck/keycheck/templates"
	"github.com/keycheck/keycheck/web"
)

// The benchmarks measure what a person waits for: the checklist fragment
// each keystroke brings, and the run page. They set up in milliseconds,
// since make test runs each for a few iterations so they cannot rot.

const (
	// benchKey is a clean HiAPI-shaped key: every offline step runs to the
	// end, the usual case while a person types.
	benchKey   = "sk-Zr8mQ2xK7vN4pL9tW3bH6cJ1yF5gD0sA2uE7kR4nM9"
	benchHiAPI = "https://api.hiapi.ai"
	benchModel = "gpt-image-2"
	benchRunID = "bEnChRuN0123456789abcd"
)

// benchInput is a typical check: the key and the fields people fill in.
func benchInput() checks.Input {
	return checks.Input{
		Key:     benchKey,
		VarName: "HIAPI_API_KEY",
		BaseURL: benchHiAPI,
		Header:  "Authorization: Bearer " + benchKey,
	}
}

// benchRun is a finished live test as it is stored: eleven steps, the
// live ones with their evidence, request ids and the image.
func benchRun() *run.Run {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &run.Run{
		ID:          benchRunID,
		Created:     at,
		Updated:     at.Add(9 * time.Second),
		By:          "Ada",
		Fingerprint: checks.FingerprintOf(benchKey),
		Model:       benchModel,
		Prompt:      "a red apple on a white table",
		Steps:       checks.Check(benchInput()),
		Live:        run.LiveDone,
		TaskID:      "task_01JQ3Z8M4N5P6Q7R8S9T0V1W2X",
	}
	r.SetStep(checks.AuthVerdict(checks.Answer{HTTPStatus: 200, RequestID: "req_7f3a9c2b1d", BaseURL: benchHiAPI}))
	r.SetStep(checks.ModelVerdict(benchModel, checks.Answer{HTTPStatus: 200, RequestID: "req_8a4b0d3c2e", BaseURL: benchHiAPI}, r.TaskID))
	exp := at.Add(7 * 24 * time.Hour).Unix()
	r.SetStep(checks.ResultVerdict(checks.TaskView{
		TaskID: r.TaskID,
		Status: "success",
		Outputs: []checks.Output{
			{URL: "https://cdn.hiapi.ai/tasks/" + r.TaskID + "/output.png", Type: "image", ExpireAt: exp},
			{URL: "https://cdn.hiapi.ai/tasks/" + r.TaskID + "/thumb.png", Type: "thumbnail", ExpireAt: exp},
		},
		Waited:  9,
		BaseURL: benchHiAPI,
	}))
	return r
}

// benchRunPage is the run page's view, as handleRunShow fills it.
func benchRunPage(b *testing.B) (templates.Page, templates.RunPage) {
	assets, err := static.Load()
	if err != nil {
		b.Fatal(err)
	}
	r := benchRun()
	p := templates.Page{
		Title:       "✓ No step failed · keycheck",
		Description: checks.Summary(r.Steps),
		CSRF:        "Wq1Ej3kX9mR2tY7uI4oP6aS8dF0gH5jK",
		Name:        "Ada",
		Asset:       assets.URL,
		Path:        "/runs/" + r.ID,
	}
	v := templates.RunPage{
		Run:       r,
		Checklist: templates.Checklist{Results: r.Steps, Fingerprint: r.Fingerprint, RunID: r.ID},
		Now:       r.Updated.Add(time.Minute),
		Curl:      checks.CurlCommand(benchHiAPI, r.Model, r.Prompt),
		ProbeCurl: checks.ProbeCurlCommand(benchHiAPI),
		URL:       "https://keycheck.example.com/runs/" + r.ID,
		BaseURL:   benchHiAPI,
		Model:     r.Model,
		CSRF:      p.CSRF,
		KeyTTL:    "15 minutes",
	}
	return p, v
}

func BenchmarkRenderRunPage(b *testing.B) {
	p, v := benchRunPage(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := templates.RunShow(p, v).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderChecklist(b *testing.B) {
	in := benchInput()
	list := templates.Checklist{
		Results:     checks.Check(in),
		Fingerprint: checks.FingerprintOf(in.Key),
		VarName:     in.VarName,
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := templates.ChecklistBody(list).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// benchProvider is a HiAPI that is never called: no benchmark starts a
// live test.
type benchProvider struct{}

func (benchProvider) Probe(context.Context, string) checks.Answer { return checks.Answer{} }

func (benchProvider) CreateTask(context.Context, string, string, string) (string, checks.Answer) {
	return "", checks.Answer{}
}

func (benchProvider) GetTask(context.Context, string, string) (checks.TaskView, checks.Answer, bool) {
	return checks.TaskView{}, checks.Answer{}, false
}

// benchServer wires a server as keycheck serve does, on a store in a
// temporary directory, with limits off and a logger that drops everything
// (keycheck's --log-level warn: no line per request).
func benchServer(b *testing.B) (*web.Server, *store.DB) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	log := slog.New(slog.DiscardHandler)
	runner := run.NewRunner(db, benchProvider{}, nil, run.LiveConfig{BaseURL: benchHiAPI}, log, nil)
	b.Cleanup(func() { runner.Shutdown(context.Background()) })
	srv, err := web.New(web.Config{
		HiAPIURL:      benchHiAPI,
		KeyTTL:        15 * time.Minute,
		DefaultModel:  benchModel,
		DefaultPrompt: "a red apple on a white table",
		SessionKeys:   [][]byte{[]byte("bench session key, 32 bytes long")},
		Version:       "bench",
	}, log, db, runner, run.NewKeys(15*time.Minute, nil), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	return srv, db
}

// reportCPU, deferred just before a benchmark's loop, reports the CPU time
// of each iteration (cpu-ns/op) beside its wall time. On a machine shared
// with other work, wall time counts the waits for a core too; CPU time
// counts what the request itself costs, garbage collection included.
func reportCPU(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		end, _ := cpuTime()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// benchServe sends one request through the whole handler path and fails
// the benchmark on an unexpected status.
func benchServe(b *testing.B, srv *web.Server, req *http.Request, want int) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	if w.Code != want {
		b.Fatalf("%s %s: status %d, want %d: %.300s", req.Method, req.URL.Path, w.Code, want, w.Body.String())
	}
	return w
}

// benchCheckForm is what htmx posts on a keystroke: the whole form.
var benchCheckForm = url.Values{
	"_csrf": {""}, "key": {benchKey}, "var_name": {""}, "env_file": {""}, "base_url": {""},
	"header": {""}, "expected_last4": {""}, "expected_length": {""},
	"model": {benchModel}, "prompt": {"a red apple on a white table"},
}.Encode()

func benchCheckRequest(cookies []*http.Cookie) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/check", strings.NewReader(benchCheckForm))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return req
}

// BenchmarkServeCheck is POST /check through every middleware: with the
// session cookie a browser sends from its second keystroke on, and
// without (the first keystroke, which makes the session).
func BenchmarkServeCheck(b *testing.B) {
	srv, _ := benchServer(b)
	first := benchServe(b, srv, benchCheckRequest(nil), http.StatusOK)
	if !strings.Contains(first.Body.String(), `id="step-present"`) {
		b.Fatalf("POST /check did not answer the checklist: %.300s", first.Body.String())
	}
	cookies := first.Result().Cookies()
	b.Run("session", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			benchServe(b, srv, benchCheckRequest(cookies), http.StatusOK)
		}
	})
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			benchServe(b, srv, benchCheckRequest(nil), http.StatusOK)
		}
	})
}

// BenchmarkServeRunShow is GET /runs/{id} of a finished live test, with a
// browser's session, through the store and every middleware.
func BenchmarkServeRunShow(b *testing.B) {
	srv, db := benchServer(b)
	if err := db.CreateRun(context.Background(), benchRun()); err != nil {
		b.Fatal(err)
	}
	first := benchServe(b, srv, httptest.NewRequest(http.MethodGet, "/runs/"+benchRunID, nil), http.StatusOK)
	cookies := first.Result().Cookies()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/runs/"+benchRunID, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		benchServe(b, srv, req, http.StatusOK)
	}
}

// BenchmarkServeStatic is the load test's baseline, a hashed static file,
// through the same handler path: the ratio of the others to it is what the
// load test's targets compare.
func BenchmarkServeStatic(b *testing.B) {
	srv, _ := benchServer(b)
	assets, err := static.Load()
	if err != nil {
		b.Fatal(err)
	}
	path := assets.URL("app.css")
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		benchServe(b, srv, httptest.NewRequest(http.MethodGet, path, nil), http.StatusOK)
	}
}
