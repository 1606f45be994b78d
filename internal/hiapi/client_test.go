package hiapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

const model, prompt = "gpt-image-2", "a red apple on a white table"

// sleeps records the client's waits between retries instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newClient returns a client for url with short time-outs and recorded
// retry waits.
func newClient(url string, opts hiapi.Options) (*hiapi.Client, *sleeps) {
	s := &sleeps{}
	if opts.Sleep == nil {
		opts.Sleep = s.sleep
	}
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	return hiapi.New(url, opts), s
}

func newFake(t *testing.T, opts fake.Options) (*fake.Server, *httptest.Server) {
	t.Helper()
	if opts.Step == 0 {
		opts.Step = 10 * time.Millisecond
	}
	if opts.SlowDelay == 0 {
		opts.SlowDelay = 100 * time.Millisecond
	}
	f := fake.New(opts)
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return f, ts
}

func asError(t *testing.T, err error) *hiapi.Error {
	t.Helper()
	var e *hiapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *hiapi.Error", err, err)
	}
	return e
}

func scenarioKey(name string) string {
	return fake.KeyPrefix + name + "-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
}

// TestScenarios runs the probe and the task creation of every scenario
// against the fake, and checks what the client reads and what the
// verdicts say.
func TestScenarios(t *testing.T) {
	type want struct {
		probeStatus int
		probeKind   checks.AnswerKind // "" for a success
		probeCode   string
		auth        checks.Status
		createKind  checks.AnswerKind
		createCode  string
		createHTTP  int
		model       checks.Status
	}
	tests := map[string]want{
		fake.Good:          {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.Revoked:       {401, checks.AnswerHTTP, "permission_denied", checks.StatusFail, checks.AnswerHTTP, "permission_denied", 401, checks.StatusFail},
		fake.RevokedFlat:   {401, checks.AnswerHTTP, "UNAUTHORIZED", checks.StatusFail, checks.AnswerHTTP, "UNAUTHORIZED", 401, checks.StatusFail},
		fake.NoModel:       {200, noErr, "", checks.StatusPass, checks.AnswerHTTP, "permission_denied", 401, checks.StatusFail},
		fake.Forbidden:     {200, noErr, "", checks.StatusPass, checks.AnswerHTTP, "PERMISSION_DENIED", 403, checks.StatusFail},
		fake.UnknownModel:  {200, noErr, "", checks.StatusPass, checks.AnswerHTTP, "model_not_found", 404, checks.StatusFail},
		fake.NoBalance:     {200, noErr, "", checks.StatusPass, checks.AnswerHTTP, "INSUFFICIENT_BALANCE", 402, checks.StatusFail},
		fake.RateLimited:   {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.Down:          {503, checks.AnswerHTTP, "SERVICE_UNAVAILABLE", checks.StatusUnknown, checks.AnswerHTTP, "SERVICE_UNAVAILABLE", 503, checks.StatusUnknown},
		fake.HTML:          {502, checks.AnswerNotJSON, "", checks.StatusUnknown, checks.AnswerNotJSON, "", 502, checks.StatusUnknown},
		fake.TaskFails:     {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.NeverFinishes: {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.Slow:          {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.Garbled:       {200, noErr, "", checks.StatusPass, checks.AnswerGarbled, "", 200, checks.StatusUnknown},
		// MODEL_UNAVAILABLE is a 503 that is an answer: not retried.
		fake.ModelBusy: {200, noErr, "", checks.StatusPass, checks.AnswerHTTP, "MODEL_UNAVAILABLE", 503, checks.StatusUnknown},
		// The first create's answer is lost (503); the retry with the same
		// Idempotency-Key gets its task.
		fake.CreateLost: {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		// The callback scenarios answer the client as good does; what
		// differs is the callback (fake's TestCallbacks).
		fake.Callback:             {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.CallbackBadSignature: {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.CallbackStale:        {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		fake.CallbackDuplicate:    {200, noErr, "", checks.StatusPass, noErr, "", 200, checks.StatusPass},
		"not-a-scenario":          {401, checks.AnswerHTTP, "permission_denied", checks.StatusFail, checks.AnswerHTTP, "permission_denied", 401, checks.StatusFail},
	}
	if len(tests) != len(fake.Scenarios())+1 {
		t.Fatalf("the table covers %d scenarios, the fake has %d", len(tests)-1, len(fake.Scenarios()))
	}
	for name, w := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			key := scenarioKey(name)
			f, ts := newFake(t, fake.Options{})
			c, _ := newClient(ts.URL, hiapi.Options{})
			ctx := context.Background()

			reply, err := c.Probe(ctx, key)
			if reply.HTTPStatus != w.probeStatus {
				t.Errorf("probe status = %d, want %d (err %v)", reply.HTTPStatus, w.probeStatus, err)
			}
			checkErr(t, "probe", err, w.probeKind, w.probeCode)
			if reply.RequestID == "" {
				t.Errorf("probe: no request id in %+v", reply)
			}
			auth := checks.AuthVerdict(hiapi.AnswerOf(reply, err))
			if auth.Status != w.auth {
				t.Errorf("auth verdict = %s, want %s: %s", auth.Status, w.auth, auth.Detail)
			}

			id, reply, err := c.CreateTask(ctx, key, model, prompt)
			checkErr(t, "create", err, w.createKind, w.createCode)
			if reply.HTTPStatus != w.createHTTP {
				t.Errorf("create status = %d, want %d", reply.HTTPStatus, w.createHTTP)
			}
			if (err == nil) != (id != "") {
				t.Errorf("create: id %q with err %v", id, err)
			}
			if err == nil && (len(id) != 35 || !strings.HasPrefix(id, "tk-hiapi-")) {
				t.Errorf("task id %q is not tk-hiapi- plus 26 characters", id)
			}
			m := checks.ModelVerdict(model, hiapi.AnswerOf(reply, err), id)
			if m.Status != w.model {
				t.Errorf("model verdict = %s, want %s: %s", m.Status, w.model, m.Detail)
			}
			// A create is sent again only after a 503 that names no
			// unavailable model, with the same Idempotency-Key: never a
			// second task.
			sent := 1
			if name == fake.Down || name == fake.CreateLost {
				sent = 2
			}
			if n := f.Count(http.MethodPost, "/v1/tasks", key); n != sent {
				t.Errorf("the fake saw %d creates, want %d", n, sent)
			}
			made := 0
			for _, tk := range f.Tasks() {
				if tk.Scenario == name {
					made++
				}
			}
			if made > 1 {
				t.Errorf("the fake made %d tasks, want at most 1", made)
			}
			if name == fake.CreateLost && !reply.Replayed {
				t.Errorf("create-lost: the retry's answer is not marked a replay: %+v", reply)
			}
		})
	}
}

// noErr in a table's kind column means the call succeeds.
const noErr checks.AnswerKind = "none"

func checkErr(t *testing.T, what string, err error, kind checks.AnswerKind, code string) {
	t.Helper()
	if kind == noErr {
		if err != nil {
			t.Errorf("%s: unexpected error %v", what, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s: no error, want kind %s", what, kind)
		return
	}
	e := asError(t, err)
	if e.Kind != kind || e.Code != code {
		t.Errorf("%s: kind %s code %q, want %s %q (%v)", what, e.Kind, e.Code, kind, code, err)
	}
}

// TestGoodTaskEndToEnd follows a task to its image, then fetches the image.
func TestGoodTaskEndToEnd(t *testing.T) {
	f, ts := newFake(t, fake.Options{Step: 20 * time.Millisecond})
	c, _ := newClient(ts.URL, hiapi.Options{})
	key := scenarioKey(fake.Good)
	ctx := context.Background()
	id, _, err := c.CreateTask(ctx, key, model, prompt)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var task hiapi.Task
	var res checks.Result
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(15 * time.Millisecond) {
		task, _, err = c.GetTask(ctx, key, id)
		if err != nil {
			t.Fatal(err)
		}
		seen[task.Status] = true
		if res = checks.ResultVerdict(task.View()); res.Status != checks.StatusRunning {
			break
		}
	}
	if task.Status != hiapi.StatusSuccess {
		t.Fatalf("task ended %q, want success", task.Status)
	}
	if !seen[hiapi.StatusHandling] && !seen[hiapi.StatusQueued] && !seen[hiapi.StatusArchiving] {
		t.Errorf("never saw the task running: %v", seen)
	}
	if task.TaskID != id || task.Model != model || task.Created == 0 || task.Completed < task.Created {
		t.Errorf("task = %+v", task)
	}
	img, ok := res.Image()
	if !ok || img.Type != "image" || len(task.Output) < 2 {
		t.Fatalf("the result's image = %+v, %v from %+v", img, ok, task.Output)
	}
	if week := img.ExpireAt - task.Completed; week < 6*86400 || week > 8*86400 {
		t.Errorf("output expires %d s after completion, want about 7 days", week)
	}
	resp, err := http.Get(img.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(body), "\x89PNG") {
		t.Errorf("image: %d %s %q…", resp.StatusCode, resp.Header.Get("Content-Type"), body[:min(len(body), 8)])
	}

	if res.Status != checks.StatusPass || !strings.Contains(res.Detail, img.URL) || len(res.Live.Outputs) != len(task.Output) {
		t.Errorf("result verdict = %+v", res)
	}
	recs := f.Tasks()
	if len(recs) != 1 || recs[0].FirstSeenDone.IsZero() || recs[0].Finished.IsZero() {
		t.Errorf("fake task records = %+v", recs)
	}
}

func TestTaskFailsAndNeverFinishes(t *testing.T) {
	_, ts := newFake(t, fake.Options{Step: 5 * time.Millisecond})
	c, _ := newClient(ts.URL, hiapi.Options{})
	ctx := context.Background()
	for name, want := range map[string]string{fake.TaskFails: "fail", fake.NeverFinishes: "handling"} {
		key := scenarioKey(name)
		id, _, err := c.CreateTask(ctx, key, model, prompt)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // ten steps: long past the end of a task that ends
		task, _, err := c.GetTask(ctx, key, id)
		if err != nil {
			t.Fatal(err)
		}
		if task.Status != want {
			t.Errorf("%s: status %q, want %q", name, task.Status, want)
		}
		if name == fake.TaskFails && (task.Error == nil || task.Error.Code != "TASK_FAILED") {
			t.Errorf("%s: error = %+v", name, task.Error)
		}
	}
}

func TestGetTaskOfAnotherKeyIs404(t *testing.T) {
	_, ts := newFake(t, fake.Options{})
	c, _ := newClient(ts.URL, hiapi.Options{})
	ctx := context.Background()
	id, _, err := c.CreateTask(ctx, scenarioKey(fake.Good), model, prompt)
	if err != nil {
		t.Fatal(err)
	}
	_, reply, err := c.GetTask(ctx, fake.KeyPrefix+"good-someone-else", id)
	if e := asError(t, err); e.HTTPStatus != 404 || reply.HTTPStatus != 404 || e.Code != "TASK_NOT_FOUND" {
		t.Errorf("another key's task: %v", err)
	}
}

// TestRetries checks which answers a GET retries, how long it waits, and
// that a POST is never retried.
func TestRetries(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		method     string
		attempts   int
		waits      []time.Duration
	}{
		{"GET 429 Retry-After seconds", 429, "7", http.MethodGet, 3, []time.Duration{7 * time.Second, 7 * time.Second}},
		{"GET 429 Retry-After date", 429, now.Add(30 * time.Second).Format(http.TimeFormat), http.MethodGet, 3, []time.Duration{30 * time.Second, 30 * time.Second}},
		{"GET 503 Retry-After capped at 60 s", 503, "3600", http.MethodGet, 3, []time.Duration{time.Minute, time.Minute}},
		{"GET 503 without Retry-After backs off", 503, "", http.MethodGet, 3, []time.Duration{time.Second, 2 * time.Second}},
		{"GET 500 not retried", 500, "", http.MethodGet, 1, nil},
		{"GET 502 not retried", 502, "1", http.MethodGet, 1, nil},
		{"GET 401 not retried", 401, "", http.MethodGet, 1, nil},
		{"GET 404 not retried", 404, "", http.MethodGet, 1, nil},
		{"POST 429 not retried", 429, "1", http.MethodPost, 1, nil},
		{"POST 503 retried once (with its Idempotency-Key)", 503, "1", http.MethodPost, 2, []time.Duration{time.Second}},
		{"POST 500 not retried", 500, "1", http.MethodPost, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				fmt.Fprintf(w, `{"code":%d,"message":"no","data":null,"error_code":"X"}`, tt.status)
			}))
			defer ts.Close()
			c, s := newClient(ts.URL, hiapi.Options{Now: func() time.Time { return now }})
			var reply hiapi.Reply
			var err error
			if tt.method == http.MethodGet {
				_, reply, err = c.GetTask(context.Background(), "sk-test", "tk-1")
			} else {
				_, reply, err = c.CreateTask(context.Background(), "sk-test", model, prompt)
			}
			if e := asError(t, err); e.HTTPStatus != tt.status {
				t.Errorf("status %d, want %d", e.HTTPStatus, tt.status)
			}
			if int(hits.Load()) != tt.attempts || reply.Attempts != tt.attempts {
				t.Errorf("server saw %d requests, reply says %d; want %d", hits.Load(), reply.Attempts, tt.attempts)
			}
			if got := s.got(); fmt.Sprint(got) != fmt.Sprint(tt.waits) {
				t.Errorf("waits %v, want %v", got, tt.waits)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	_, ts := newFake(t, fake.Options{})
	c, s := newClient(ts.URL, hiapi.Options{})
	reply, err := c.Probe(context.Background(), scenarioKey(fake.RateLimited))
	if err != nil || reply.Attempts != 3 {
		t.Fatalf("probe: %v after %d attempts", err, reply.Attempts)
	}
	if got := s.got(); fmt.Sprint(got) != "[1s 1s]" {
		t.Errorf("waits %v, want the fake's Retry-After: 1 twice", got)
	}
	if reply.RateLimit.Limit != 60 || reply.RateLimit.Remaining < 0 || reply.RateLimit.Reset == "" {
		t.Errorf("rate limit headers = %+v", reply.RateLimit)
	}
}

func TestRetriesOff(t *testing.T) {
	_, ts := newFake(t, fake.Options{})
	c, s := newClient(ts.URL, hiapi.Options{Retries: -1})
	reply, err := c.Probe(context.Background(), scenarioKey(fake.RateLimited))
	e := asError(t, err)
	if e.HTTPStatus != 429 || e.RetryAfter != time.Second || reply.Attempts != 1 || len(s.got()) != 0 {
		t.Errorf("with retries off: %v, %d attempts, waits %v", err, reply.Attempts, s.got())
	}
	if a := checks.AuthVerdict(hiapi.AnswerOf(reply, err)); a.Status != checks.StatusUnknown || a.Live.RequestID == "" {
		t.Errorf("auth verdict of a 429 = %+v", a)
	}
}

// TestRetryWaitBeyondDeadline: when ctx ends before the wait would, the
// client returns the last answer at once rather than sleeping into a
// time-out.
func TestRetryWaitBeyondDeadline(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
		io.WriteString(w, `{"error":{"code":"rate_limit_exceeded"}}`)
	}))
	defer ts.Close()
	c, s := newClient(ts.URL, hiapi.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Probe(ctx, "sk-test")
	if e := asError(t, err); e.HTTPStatus != 429 || e.Code != "rate_limit_exceeded" || len(s.got()) != 0 {
		t.Errorf("got %v after waits %v", err, s.got())
	}
}

// TestCancelWhileWaitingToRetry uses the real sleep: canceling ctx ends the
// wait at once.
func TestCancelWhileWaitingToRetry(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(503)
	}))
	defer ts.Close()
	c := hiapi.New(ts.URL, hiapi.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Probe(ctx, "sk-test")
	if e := asError(t, err); e.Kind != checks.AnswerCanceled || !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

// hijack answers with raw bytes, then drops the connection.
func hijack(t *testing.T, raw string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		buf.WriteString(raw)
		buf.Flush()
		conn.Close()
	}
}

func TestNetworkErrors(t *testing.T) {
	midBody := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"code\":200,\"data\":{\"taskId\":"
	tests := []struct {
		name     string
		handler  func(t *testing.T) http.HandlerFunc
		method   string
		attempts int
	}{
		{"GET reset mid-body", func(t *testing.T) http.HandlerFunc { return hijack(t, midBody) }, http.MethodGet, 3},
		{"POST reset mid-body: once more, same Idempotency-Key", func(t *testing.T) http.HandlerFunc { return hijack(t, midBody) }, http.MethodPost, 2},
		{"GET closed before any answer", func(t *testing.T) http.HandlerFunc { return hijack(t, "") }, http.MethodGet, 3},
		{"POST closed before any answer: once more", func(t *testing.T) http.HandlerFunc { return hijack(t, "") }, http.MethodPost, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			var mu sync.Mutex
			idem := map[string]bool{}
			h := tt.handler(t)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				mu.Lock()
				idem[r.Header.Get("Idempotency-Key")] = true
				mu.Unlock()
				h(w, r)
			}))
			defer ts.Close()
			c, _ := newClient(ts.URL, hiapi.Options{})
			var reply hiapi.Reply
			var err error
			if tt.method == http.MethodGet {
				reply, err = c.Probe(context.Background(), "sk-test")
			} else {
				_, reply, err = c.CreateTask(context.Background(), "sk-test", model, prompt)
			}
			if e := asError(t, err); e.Kind != checks.AnswerNetwork {
				t.Errorf("kind %s, want network: %v", e.Kind, err)
			}
			if int(hits.Load()) != tt.attempts || reply.Attempts != tt.attempts {
				t.Errorf("%d requests (reply: %d), want %d", hits.Load(), reply.Attempts, tt.attempts)
			}
			// A create sent again carries the key it was sent with, so HiAPI
			// makes one task; a GET carries none.
			mu.Lock()
			if len(idem) != 1 || idem[""] != (tt.method == http.MethodGet) {
				t.Errorf("Idempotency-Keys %v: want one, the same on every attempt of a create, none on a GET", idem)
			}
			mu.Unlock()
			if a := checks.AuthVerdict(hiapi.AnswerOf(reply, err)); a.Status != checks.StatusUnknown {
				t.Errorf("auth verdict %s, want unknown", a.Status)
			}
		})
	}

	t.Run("connection refused", func(t *testing.T) {
		ts := httptest.NewServer(http.NotFoundHandler())
		url := ts.URL
		ts.Close()
		c, s := newClient(url, hiapi.Options{})
		reply, err := c.Probe(context.Background(), "sk-test")
		if e := asError(t, err); e.Kind != checks.AnswerNetwork || reply.Attempts != 3 || len(s.got()) != 2 {
			t.Errorf("got %v, %d attempts", err, reply.Attempts)
		}
	})
}

// hang holds requests until the client gives up or the test ends.
func hang(release <-chan struct{}, headersFirst bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if headersFirst {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			io.WriteString(w, `{"code":200,`)
			http.NewResponseController(w).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

func TestTimeouts(t *testing.T) {
	tests := []struct {
		name         string
		headersFirst bool
		opts         hiapi.Options
	}{
		{"no headers: response header time-out", false, hiapi.Options{ResponseHeaderTimeout: 100 * time.Millisecond}},
		{"no headers: overall time-out", false, hiapi.Options{Timeout: 150 * time.Millisecond}},
		{"body never ends: overall time-out", true, hiapi.Options{Timeout: 150 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			var hits atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				hang(release, tt.headersFirst)(w, r)
			}))
			defer ts.Close()
			defer close(release)
			c, _ := newClient(ts.URL, tt.opts)
			start := time.Now()
			reply, err := c.Probe(context.Background(), "sk-test")
			if e := asError(t, err); e.Kind != checks.AnswerTimeout {
				t.Errorf("kind %s, want timeout: %v", e.Kind, err)
			}
			if hits.Load() != 1 || reply.Attempts != 1 {
				t.Errorf("a time-out was retried: %d requests", hits.Load())
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("gave up after %v", d)
			}
			if a := checks.AuthVerdict(hiapi.AnswerOf(reply, err)); a.Status != checks.StatusUnknown {
				t.Errorf("auth verdict %s, want unknown", a.Status)
			}
		})
	}

	t.Run("caller cancels", func(t *testing.T) {
		release := make(chan struct{})
		ts := httptest.NewServer(hang(release, false))
		defer ts.Close()
		defer close(release)
		c, _ := newClient(ts.URL, hiapi.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, _, err := c.CreateTask(ctx, "sk-test", model, prompt)
		if e := asError(t, err); e.Kind != checks.AnswerCanceled || !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want canceled", err)
		}
	})

	t.Run("slow scenario: the fake stops when the client gives up", func(t *testing.T) {
		f, ts := newFake(t, fake.Options{SlowDelay: 30 * time.Second})
		c, _ := newClient(ts.URL, hiapi.Options{Timeout: 100 * time.Millisecond})
		key := scenarioKey(fake.Slow)
		_, err := c.Probe(context.Background(), key)
		if e := asError(t, err); e.Kind != checks.AnswerTimeout {
			t.Errorf("kind %s, want timeout", e.Kind)
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if reqs := f.Requests(); len(reqs) == 1 {
				if reqs[0].Status != 499 {
					t.Errorf("fake recorded %d, want 499 (client gone)", reqs[0].Status)
				}
				return
			}
		}
		t.Error("the fake kept waiting after the client gave up")
	})
}

func TestBodyLimit(t *testing.T) {
	big := `{"code":200,"message":"success","data":{"taskId":"tk-1","pad":"` + strings.Repeat("x", 5000) + `"}}`
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"with Content-Length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			io.WriteString(w, big)
		}},
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < len(big); i += 512 {
				io.WriteString(w, big[i:min(i+512, len(big))])
				http.NewResponseController(w).Flush()
			}
		}},
		{"error page", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, "<html>"+strings.Repeat("<p>x</p>", 1000))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.handler)
			defer ts.Close()
			c, _ := newClient(ts.URL, hiapi.Options{MaxBody: 1024})
			_, reply, err := c.CreateTask(context.Background(), "sk-test", model, prompt)
			if e := asError(t, err); e.Kind != checks.AnswerTooLarge || e.HTTPStatus == 0 {
				t.Errorf("got %v, want too_large with the status", err)
			}
			if a := checks.ModelVerdict(model, hiapi.AnswerOf(reply, err), ""); a.Status != checks.StatusUnknown {
				t.Errorf("model verdict %s, want unknown", a.Status)
			}
		})
	}
	t.Run("exactly at the limit is fine", func(t *testing.T) {
		body := `{"code":200,"data":{"taskId":"tk-1"}}`
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
		defer ts.Close()
		c, _ := newClient(ts.URL, hiapi.Options{MaxBody: int64(len(body))})
		if id, _, err := c.CreateTask(context.Background(), "sk-test", model, prompt); err != nil || id != "tk-1" {
			t.Errorf("got %q, %v", id, err)
		}
	})
}

// TestOddAnswers covers bodies that are not what HiAPI documents.
func TestOddAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		kind   checks.AnswerKind
		verd   checks.Status
	}{
		{"200 that lies: data empty", 200, "application/json", `{"code":200,"message":"success","data":{}}`, checks.AnswerGarbled, checks.StatusUnknown},
		{"200 that lies: data null", 200, "application/json", `{"code":200,"message":"success","data":null}`, checks.AnswerGarbled, checks.StatusUnknown},
		{"200 with an unshowable task id", 200, "application/json", `{"code":200,"data":{"taskId":"tk 1; rm -rf ~"}}`, checks.AnswerGarbled, checks.StatusUnknown},
		{"200 garbage", 200, "application/json", `{"code":200,"data":{"taskId":"tk-`, checks.AnswerGarbled, checks.StatusUnknown},
		{"200 empty", 200, "application/json", ``, checks.AnswerGarbled, checks.StatusUnknown},
		{"200 html", 200, "text/html", `<html><head><title>Login required</title></head></html>`, checks.AnswerNotJSON, checks.StatusUnknown},
		{"200 with flat code 402", 200, "application/json", `{"code":402,"message":"insufficient balance","data":null,"error_code":"INSUFFICIENT_BALANCE"}`, checks.AnswerHTTP, checks.StatusFail},
		{"502 html", 502, "text/html", `<html><head><title>502 Bad Gateway</title></head></html>`, checks.AnswerNotJSON, checks.StatusUnknown},
		{"500 garbage", 500, "application/json", `{"code":`, checks.AnswerNotJSON, checks.StatusUnknown},
		{"301 redirect", 301, "", ``, checks.AnswerHTTP, checks.StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				if tt.status == 301 {
					w.Header().Set("Location", "https://elsewhere.example/v1/tasks")
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer ts.Close()
			c, _ := newClient(ts.URL, hiapi.Options{})
			id, reply, err := c.CreateTask(context.Background(), "sk-test", model, prompt)
			if err == nil {
				t.Fatalf("no error, id %q", id)
			}
			if e := asError(t, err); e.Kind != tt.kind {
				t.Errorf("kind %s, want %s: %v", e.Kind, tt.kind, err)
			}
			a := hiapi.AnswerOf(reply, err)
			if v := checks.ModelVerdict(model, a, id); v.Status != tt.verd {
				t.Errorf("model verdict %s, want %s: %s", v.Status, tt.verd, v.Detail)
			}
		})
	}

	t.Run("GetTask 200 without a task", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"code":200,"message":"success","data":null}`)
		}))
		defer ts.Close()
		c, _ := newClient(ts.URL, hiapi.Options{})
		if _, _, err := c.GetTask(context.Background(), "sk-test", "tk-1"); asError(t, err).Kind != checks.AnswerGarbled {
			t.Errorf("got %v, want garbled", err)
		}
	})
}

// TestRequestShape checks what the client sends.
func TestRequestShape(t *testing.T) {
	type seen struct {
		method, path, rawPath, query, auth, accept, ctype, ua string
		body                                                  map[string]any
	}
	var got []seen
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seen{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Accept"), r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), nil}
		if r.Method == http.MethodPost {
			json.NewDecoder(r.Body).Decode(&s.body)
		}
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
		io.WriteString(w, `{"code":200,"message":"success","data":{"taskId":"tk-1","status":"queued"}}`)
	}))
	defer ts.Close()
	c, _ := newClient(ts.URL+"/v1/", hiapi.Options{Version: "1.2.3"})
	ctx := context.Background()
	key := "sk-abc"
	if reply, _ := c.Probe(ctx, key); reply.BaseURL != ts.URL {
		t.Errorf("reply's BaseURL = %q, want /v1/ dropped", reply.BaseURL)
	}
	c.CreateTask(ctx, key, model, prompt)
	c.GetTask(ctx, key, "tk-1/../x y?z")
	if len(got) != 3 {
		t.Fatalf("%d requests", len(got))
	}
	for _, s := range got {
		if s.auth != "Bearer sk-abc" || s.accept != "application/json" || s.ua != "keycheck/1.2.3" {
			t.Errorf("headers: %+v", s)
		}
	}
	if g := got[0]; g.method != "GET" || g.path != "/v1/tasks" || g.query != "page=1&size=1" {
		t.Errorf("probe: %+v", g)
	}
	if g := got[1]; g.method != "POST" || g.path != "/v1/tasks" || g.ctype != "application/json" ||
		fmt.Sprint(g.body) != fmt.Sprint(map[string]any{"model": model, "input": map[string]any{"prompt": prompt}}) {
		t.Errorf("create: %+v", g)
	}
	if g := got[2]; g.method != "GET" || g.rawPath != "/v1/tasks/tk-1%2F..%2Fx%20y%3Fz" || g.query != "" {
		t.Errorf("get: %+v (the id must stay one escaped path segment)", g)
	}
}

func TestRequestNotSent(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer ts.Close()
	ctx := context.Background()

	key := "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c\n"
	c, _ := newClient(ts.URL, hiapi.Options{})
	reply, err := c.Probe(ctx, key)
	e := asError(t, err)
	if e.Kind != checks.AnswerBadKey || !strings.Contains(e.Message, "a newline (U+000A) at character 38") || strings.Contains(err.Error(), strings.TrimSpace(key)) {
		t.Errorf("key with a newline: %v", err)
	}
	// Nothing went out, so HiAPI said nothing: a skip, never a failure.
	if a := checks.AuthVerdict(hiapi.AnswerOf(reply, err)); a.Status != checks.StatusSkip {
		t.Errorf("auth verdict for an unsendable key: %s", a.Status)
	}
	if _, err := c.Probe(ctx, "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c\x1b"); !strings.Contains(asError(t, err).Message, "a control character (U+001B) at character 38") {
		t.Errorf("key with ESC: %v", err)
	}

	if _, _, err := c.GetTask(ctx, "sk-ok", " "); asError(t, err).Kind != checks.AnswerRequest {
		t.Errorf("empty task id: %v", err)
	}
	for _, base := range []string{"ftp://x", "api.hiapi.ai", "http://"} {
		bad, _ := newClient(base, hiapi.Options{})
		if _, err := bad.Probe(ctx, "sk-ok"); asError(t, err).Kind != checks.AnswerRequest {
			t.Errorf("base %q: %v", base, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests were sent", hits.Load())
	}
	// The key cannot be sent, so this dials nothing.
	if reply, _ := hiapi.New("", hiapi.Options{}).Probe(ctx, key); reply.BaseURL != checks.HiAPIOrigin {
		t.Errorf("default base = %q", reply.BaseURL)
	}
}

// TestKeyNeverShown: no error string, answer or verdict holds the key, even
// when a server echoes it back in every place it can.
func TestKeyNeverShown(t *testing.T) {
	echo := func(status int, ctype, tmpl string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			w.Header().Set("X-Request-Id", key)
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(status)
			fmt.Fprintf(w, tmpl, key, key, key)
		}
	}
	servers := map[string]http.Handler{
		"nested echo":   echo(401, "application/json", `{"error":{"code":"%s","type":"%s","message":"Invalid key %s"}}`),
		"flat echo":     echo(400, "application/json", `{"code":400,"message":"bad key %s","error_code":"%s","request_id":"%s"}`),
		"html echo":     echo(502, "text/html", `<title>Denied %s</title><h1>%s</h1>%s`),
		"200 lie":       echo(200, "application/json", `{"code":200,"data":{"taskId":"%s%s%s"}}`),
		"task message":  echo(200, "application/json", `{"code":200,"data":{"taskId":"tk-1","status":"fail","error":{"code":"%s","message":"bad %s %s"}}}`),
		"text echo 429": echo(429, "text/plain", `slow down %s %s %s`),
	}
	_, fakeSrv := newFake(t, fake.Options{})
	keys := []string{}
	for _, s := range fake.Scenarios() {
		keys = append(keys, s.Key)
	}
	keys = append(keys, "sk-proj-T3BlbkFJ"+strings.Repeat("a", 40), " sk-with-spaces-1234567890 ")

	var texts []string
	collect := func(err error, rs ...checks.Result) {
		if err != nil {
			texts = append(texts, err.Error())
			if e, ok := err.(*hiapi.Error); ok {
				texts = append(texts, fmt.Sprintf("%+v", e.Answer()))
			}
		}
		for _, r := range rs {
			texts = append(texts, r.Detail, r.Fix, fmt.Sprintf("%+v", *r.Live))
		}
	}
	ctx := context.Background()
	run := func(url string, key string) {
		c, _ := newClient(url, hiapi.Options{Timeout: 2 * time.Second})
		reply, err := c.Probe(ctx, key)
		collect(err, checks.AuthVerdict(hiapi.AnswerOf(reply, err)))
		id, reply, err := c.CreateTask(ctx, key, model, prompt)
		collect(err, checks.ModelVerdict(model, hiapi.AnswerOf(reply, err), id))
		if id == "" {
			id = "tk-1"
		}
		task, reply, err := c.GetTask(ctx, key, id)
		v := task.View()
		v.TimedOut = true
		collect(err, checks.ResultVerdict(v))
		_ = reply
	}
	for name, h := range servers {
		ts := httptest.NewServer(h)
		for _, key := range keys {
			texts = texts[:0]
			run(ts.URL, key)
			for _, s := range texts {
				if strings.Contains(s, strings.TrimSpace(key)) {
					t.Errorf("%s: the key shows in %q", name, s)
				}
			}
		}
		ts.Close()
	}
	for _, key := range keys {
		texts = texts[:0]
		run(fakeSrv.URL, key)
		for _, s := range texts {
			if strings.Contains(s, strings.TrimSpace(key)) {
				t.Errorf("fake: the key shows in %q", s)
			}
		}
	}
}

// TestConcurrentUse runs many calls at once under -race.
func TestConcurrentUse(t *testing.T) {
	f, ts := newFake(t, fake.Options{RateLimit: -1})
	c, _ := newClient(ts.URL, hiapi.Options{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("%sgood-%d", fake.KeyPrefix, i)
			id, _, err := c.CreateTask(context.Background(), key, model, prompt)
			if err != nil {
				t.Error(err)
				return
			}
			if _, _, err := c.GetTask(context.Background(), key, id); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.Count(http.MethodPost, "/v1/tasks", ""); n != 20 {
		t.Errorf("%d creates", n)
	}
}

// TestIdempotentCreate: every create carries a fresh Idempotency-Key; a
// create whose answer was lost (503, network) is sent once more with the
// same key; statuses HiAPI documents only for idempotent creates are named
// when the body names nothing.
func TestIdempotentCreate(t *testing.T) {
	tests := []struct {
		name     string
		answers  []func(w http.ResponseWriter) // one per attempt; the last repeats
		sent     int
		wantErr  bool
		wantCode string
		replayed bool
	}{
		{"a 503, then the first task replayed", []func(http.ResponseWriter){
			func(w http.ResponseWriter) { w.WriteHeader(503) },
			func(w http.ResponseWriter) {
				w.Header().Set("Idempotent-Replay", "true")
				io.WriteString(w, `{"code":200,"message":"success","data":{"taskId":"tk-1"}}`)
			},
		}, 2, false, "", true},
		{"503 twice: sent twice, no more", []func(http.ResponseWriter){
			func(w http.ResponseWriter) { w.WriteHeader(503) },
		}, 2, true, "", false},
		{"503 MODEL_UNAVAILABLE is an answer: sent once", []func(http.ResponseWriter){
			func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(503)
				io.WriteString(w, `{"code":503,"message":"model busy","data":null,"error_code":"MODEL_UNAVAILABLE"}`)
			},
		}, 1, true, hiapi.CodeModelUnavailable, false},
		{"409 with no code: the first is still being made", []func(http.ResponseWriter){
			func(w http.ResponseWriter) { w.Header().Set("Retry-After", "2"); w.WriteHeader(409) },
		}, 1, true, hiapi.CodeIdempotencyKeyProcessing, false},
		{"422 with no code: the key was used with another body", []func(http.ResponseWriter){
			func(w http.ResponseWriter) { w.WriteHeader(422) },
		}, 1, true, hiapi.CodeIdempotencyKeyMismatch, false},
		{"422 with its own code: kept", []func(http.ResponseWriter){
			func(w http.ResponseWriter) {
				w.WriteHeader(422)
				io.WriteString(w, `{"code":422,"message":"reused","data":null,"error_code":"IDEMPOTENCY_KEY_REUSED"}`)
			},
		}, 1, true, hiapi.CodeIdempotencyKeyReused, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var keys []string
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				keys = append(keys, r.Header.Get("Idempotency-Key"))
				n := len(keys)
				mu.Unlock()
				tt.answers[min(n, len(tt.answers))-1](w)
			}))
			defer ts.Close()
			c, _ := newClient(ts.URL, hiapi.Options{})
			id, reply, err := c.CreateTask(context.Background(), "sk-test-key-1234", model, prompt)
			if (err != nil) != tt.wantErr || (err == nil && id != "tk-1") {
				t.Fatalf("id %q, err %v", id, err)
			}
			if err != nil {
				if e := asError(t, err); e.Code != tt.wantCode {
					t.Errorf("code %q, want %q", e.Code, tt.wantCode)
				}
			}
			if len(keys) != tt.sent || reply.Attempts != tt.sent || reply.Replayed != tt.replayed {
				t.Errorf("sent %d (reply: %d attempts, replayed %v), want %d, replayed %v", len(keys), reply.Attempts, reply.Replayed, tt.sent, tt.replayed)
			}
			for _, k := range keys {
				if k != keys[0] || !strings.HasPrefix(k, "keycheck-") || len(k) != len("keycheck-")+32 {
					t.Errorf("Idempotency-Keys %q: want one fresh key, the same on the retry", keys)
				}
			}
			// Another create is another task: a new key.
			c.CreateTask(context.Background(), "sk-test-key-1234", model, prompt)
			if keys[len(keys)-1] == keys[0] {
				t.Errorf("two creates shared the Idempotency-Key %q", keys[0])
			}
		})
	}
}
