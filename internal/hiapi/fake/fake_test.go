package fake

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable time for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const goodKey = "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// call sends one request straight to the handler.
func call(t *testing.T, h http.Handler, method, target, key, body string, header ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	_ = json.Unmarshal(a.raw, &a.body)
	return a
}

func (a answer) data() map[string]any {
	d, _ := a.body["data"].(map[string]any)
	return d
}

func (a answer) nested() map[string]any {
	e, _ := a.body["error"].(map[string]any)
	return e
}

func create(t *testing.T, h http.Handler, key string) string {
	t.Helper()
	a := call(t, h, "POST", "/v1/tasks", key, `{"model":"gpt-image-2","input":{"prompt":"a red apple"}}`)
	id, _ := a.data()["taskId"].(string)
	if a.status != 200 || id == "" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	return id
}

var taskIDRE = regexp.MustCompile(`^tk-hiapi-[0-7][0-9A-HJKMNP-TV-Z]{25}$`)

func TestTaskLifecycle(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	s := New(Options{Step: time.Second, Now: clk.now})
	id := create(t, s, goodKey)
	if !taskIDRE.MatchString(id) || len(id) != 35 {
		t.Fatalf("task id %q is not tk-hiapi- and a ULID", id)
	}
	for _, want := range []string{"queued", "handling", "archiving", "success", "success"} {
		a := call(t, s, "GET", "/v1/tasks/"+id, goodKey, "")
		d := a.data()
		if a.status != 200 || d["status"] != want {
			t.Fatalf("status %v, want %s: %s", d["status"], want, a.raw)
		}
		if want != "success" {
			if d["completed"] != 0.0 || d["output"] != nil {
				t.Errorf("%s task shows completed/output: %s", want, a.raw)
			}
		} else {
			out, _ := d["output"].([]any)
			if len(out) != 2 || d["completed"] != float64(time.Date(2026, 11, 26, 10, 0, 3, 0, time.UTC).Unix()) {
				t.Errorf("success detail: %s", a.raw)
			}
			img := out[0].(map[string]any)
			if img["type"] != "image" || !strings.HasPrefix(img["url"].(string), "http://example.com/files/"+id) {
				t.Errorf("image output: %v", img)
			}
			if exp := int64(img["expireAt"].(float64)); exp != time.Date(2026, 12, 3, 10, 0, 3, 0, time.UTC).Unix() {
				t.Errorf("expireAt %d, want 7 days after completion", exp)
			}
			if d["storage"] == nil || d["route"] == nil {
				t.Errorf("the extra fields HiAPI sends are missing: %s", a.raw)
			}
		}
		clk.add(time.Second)
	}
	recs := s.Tasks()
	if len(recs) != 1 || len(recs[0].Polls) != 5 || recs[0].Finished != time.Date(2026, 11, 26, 10, 0, 3, 0, time.UTC) ||
		recs[0].FirstSeenDone != time.Date(2026, 11, 26, 10, 0, 3, 0, time.UTC) || recs[0].Key != KeyID(goodKey) {
		t.Errorf("task record = %+v", recs)
	}
}

func TestFailingAndEndlessTasks(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	s := New(Options{Step: time.Second, Now: clk.now})
	fails, endless := "sk-fake-task-fails-x", "sk-fake-never-finishes-x"
	fid, eid := create(t, s, fails), create(t, s, endless)
	clk.add(time.Hour)
	a := call(t, s, "GET", "/v1/tasks/"+fid, fails, "")
	if d := a.data(); d["status"] != "fail" || d["output"] != nil || d["error"].(map[string]any)["code"] != "TASK_FAILED" {
		t.Errorf("failing task: %s", a.raw)
	}
	if a := call(t, s, "GET", "/v1/tasks/"+eid, endless, ""); a.data()["status"] != "handling" || a.data()["completed"] != 0.0 {
		t.Errorf("endless task: %s", a.raw)
	}
	if rec := s.Tasks(); !rec[1].Finished.IsZero() {
		t.Errorf("endless task has a finish time: %+v", rec[1])
	}
}

func TestErrorShapes(t *testing.T) {
	s := New(Options{})
	ridOK := func(a answer) bool {
		rid := a.header.Get("X-Request-Id")
		in := a.body["request_id"]
		if e := a.nested(); e != nil {
			in = e["request_id"]
		}
		return rid != "" && in == rid
	}
	tests := []struct {
		name, method, path, key, body string
		status                        int
		nested                        bool
		code                          string
		msgHas                        string
	}{
		{"no key", "GET", "/v1/tasks", "", "", 401, true, "permission_denied", "Authorization: Bearer"},
		{"unknown key", "GET", "/v1/tasks", "sk-live-whatever", "", 401, true, "permission_denied", "Invalid API key"},
		{"unknown scenario", "GET", "/v1/tasks", "sk-fake-bogus-1", "", 401, true, "permission_denied", "Invalid API key"},
		{"revoked", "GET", "/v1/tasks", "sk-fake-revoked-1", "", 401, true, "permission_denied", "revoked"},
		{"revoked flat", "GET", "/v1/tasks", "sk-fake-revoked-flat-1", "", 401, false, "UNAUTHORIZED", "invalid api key"},
		{"no model", "POST", "/v1/tasks", "sk-fake-no-model-1", `{"model":"gpt-image-2","input":{"prompt":"p"}}`, 401, true, "permission_denied", "cannot use the selected model"},
		{"forbidden", "POST", "/v1/tasks", "sk-fake-forbidden-1", `{"model":"gpt-image-2","input":{"prompt":"p"}}`, 403, false, "PERMISSION_DENIED", "permission"},
		{"unknown model scenario", "POST", "/v1/tasks", "sk-fake-unknown-model-1", `{"model":"gpt-image-2","input":{"prompt":"p"}}`, 404, true, "model_not_found", "gpt-image-2"},
		{"model id not offered", "POST", "/v1/tasks", goodKey, `{"model":"dall-e-3","input":{"prompt":"p"}}`, 400, true, "model_not_found", "dall-e-3"},
		{"no balance", "POST", "/v1/tasks", "sk-fake-no-balance-1", `{"model":"gpt-image-2","input":{"prompt":"p"}}`, 402, false, "INSUFFICIENT_BALANCE", "balance"},
		{"model unavailable", "POST", "/v1/tasks", "sk-fake-model-busy-1", `{"model":"gpt-image-2","input":{"prompt":"p"}}`, 503, false, "MODEL_UNAVAILABLE", "gpt-image-2"},
		{"down", "GET", "/v1/tasks", "sk-fake-down-1", "", 503, false, "SERVICE_UNAVAILABLE", "busy"},
		{"bad JSON", "POST", "/v1/tasks", goodKey, `{"model":`, 400, false, "INVALID_REQUEST", "JSON"},
		{"no model field", "POST", "/v1/tasks", goodKey, `{"input":{"prompt":"p"}}`, 400, false, "INVALID_REQUEST", "model is required"},
		{"no prompt", "POST", "/v1/tasks", goodKey, `{"model":"gpt-image-2","input":{}}`, 400, false, "INVALID_REQUEST", "prompt"},
		{"long prompt", "POST", "/v1/tasks", goodKey, `{"model":"gpt-image-2","input":{"prompt":"` + strings.Repeat("é", 20001) + `"}}`, 400, false, "INVALID_REQUEST", "20000"},
		{"unknown task", "GET", "/v1/tasks/tk-hiapi-nope", goodKey, "", 404, false, "TASK_NOT_FOUND", "not found"},
		{"unknown route", "GET", "/v1/models", goodKey, "", 400, false, "INVALID_REQUEST", "unknown route"},
		{"wrong method", "DELETE", "/v1/tasks", goodKey, "", 400, false, "INVALID_REQUEST", "unknown route"},
		{"empty task id", "GET", "/v1/tasks/", goodKey, "", 400, false, "INVALID_REQUEST", "unknown route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, s, tt.method, tt.path, tt.key, tt.body)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.raw)
			}
			var code, msg string
			if tt.nested {
				e := a.nested()
				code, _ = e["code"].(string)
				msg, _ = e["message"].(string)
			} else {
				code, _ = a.body["error_code"].(string)
				msg, _ = a.body["message"].(string)
				if a.body["code"] != float64(tt.status) || a.body["data"] != nil {
					t.Errorf("flat shape: code must mirror the status, data null: %s", a.raw)
				}
			}
			if code != tt.code || !strings.Contains(msg, tt.msgHas) {
				t.Errorf("code %q message %q; want %q containing %q", code, msg, tt.code, tt.msgHas)
			}
			if !ridOK(a) {
				t.Errorf("request id missing or different in header and body: %v / %s", a.header, a.raw)
			}
			if tt.key != "" && bytes.Contains(a.raw, []byte(tt.key)) {
				t.Errorf("the answer echoes the key")
			}
		})
	}

	t.Run("dead key and scope refusal differ only by message", func(t *testing.T) {
		dead := call(t, s, "GET", "/v1/tasks", "sk-fake-revoked-1", "").nested()
		scope := call(t, s, "POST", "/v1/tasks", "sk-fake-no-model-1", `{"model":"gpt-image-2","input":{"prompt":"p"}}`).nested()
		if dead["code"] != scope["code"] || strings.Contains(strings.ToLower(dead["message"].(string)), "model") ||
			!strings.Contains(strings.ToLower(scope["message"].(string)), "model") {
			t.Errorf("dead %v / scope %v", dead, scope)
		}
	})

	t.Run("html", func(t *testing.T) {
		a := call(t, s, "GET", "/v1/tasks", "sk-fake-html-1", "")
		if a.status != 502 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") || !bytes.Contains(a.raw, []byte("<title>502 Bad Gateway</title>")) {
			t.Errorf("html: %d %v %s", a.status, a.header, a.raw)
		}
	})

	t.Run("retry after", func(t *testing.T) {
		if a := call(t, s, "GET", "/v1/tasks", "sk-fake-down-1", ""); a.header.Get("Retry-After") != "2" {
			t.Errorf("down: Retry-After %q", a.header.Get("Retry-After"))
		}
	})
}

func TestModelVariants(t *testing.T) {
	s := New(Options{})
	for _, m := range []string{"gpt-image-2", "gpt-image-2/text-to-image"} {
		if a := call(t, s, "POST", "/v1/tasks", goodKey, `{"model":"`+m+`","input":{"prompt":"p"}}`); a.status != 200 {
			t.Errorf("%s: %d %s", m, a.status, a.raw)
		}
	}
	only := New(Options{Models: []string{"gpt-image-2"}})
	if a := call(t, only, "POST", "/v1/tasks", goodKey, `{"model":"gpt-image-2/text-to-image","input":{"prompt":"p"}}`); a.status != 400 || a.nested()["code"] != "model_not_found" {
		t.Errorf("suffixed id with Models set to the plain one: %d %s", a.status, a.raw)
	}
}

func TestListAndOwnership(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	s := New(Options{Now: clk.now})
	var ids []string
	for range 3 {
		ids = append(ids, create(t, s, goodKey))
		clk.add(time.Second)
	}
	other := "sk-fake-good-someone-else"
	if a := call(t, s, "GET", "/v1/tasks/"+ids[0], other, ""); a.status != 404 {
		t.Errorf("another key's task: %d", a.status)
	}
	tests := []struct {
		query      string
		page, size int
		first      string
		n          int
	}{
		{"page=1&size=1", 1, 1, ids[2], 1},
		{"page=2&size=1", 2, 1, ids[1], 1},
		{"", 1, 10, ids[2], 3},
		{"page=0&size=0", 1, 10, ids[2], 3},
		{"page=-3&size=101", 1, 10, ids[2], 3},
		{"page=x&size=y", 1, 10, ids[2], 3},
		{"page=9&size=1", 9, 1, "", 0},
	}
	for _, tt := range tests {
		d := call(t, s, "GET", "/v1/tasks?"+tt.query, goodKey, "").data()
		list, _ := d["list"].([]any)
		if d["page"] != float64(tt.page) || d["size"] != float64(tt.size) || d["total"] != 3.0 || len(list) != tt.n {
			t.Errorf("%q: %v", tt.query, d)
			continue
		}
		if tt.n > 0 && list[0].(map[string]any)["taskId"] != tt.first {
			t.Errorf("%q: newest first, got %v", tt.query, list[0])
		}
	}
	if d := call(t, s, "GET", "/v1/tasks", other, "").data(); d["total"] != 0.0 {
		t.Errorf("another key sees tasks: %v", d)
	}
}

func TestRateLimits(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	s := New(Options{Now: clk.now, RateLimit: 3})
	for i := range 3 {
		a := call(t, s, "GET", "/v1/tasks", goodKey, "")
		if a.status != 200 || a.header.Get("X-RateLimit-Limit") != "3" || a.header.Get("X-RateLimit-Remaining") != strconv.Itoa(2-i) {
			t.Fatalf("request %d: %d %v", i, a.status, a.header)
		}
	}
	clk.add(20 * time.Second)
	a := call(t, s, "GET", "/v1/tasks", goodKey, "")
	if a.status != 429 || a.header.Get("Retry-After") != "40" || a.nested()["code"] != "rate_limit_exceeded" {
		t.Errorf("over the limit: %d %v %s", a.status, a.header, a.raw)
	}
	if reset := a.header.Get("X-RateLimit-Reset"); reset != strconv.FormatInt(time.Date(2026, 11, 26, 10, 1, 0, 0, time.UTC).Unix(), 10) {
		t.Errorf("X-RateLimit-Reset %q", reset)
	}
	if a := call(t, s, "GET", "/v1/tasks", "sk-fake-good-other", ""); a.status != 200 {
		t.Errorf("the limit is per key, another key got %d", a.status)
	}
	clk.add(41 * time.Second)
	if a := call(t, s, "GET", "/v1/tasks", goodKey, ""); a.status != 200 {
		t.Errorf("after the window: %d", a.status)
	}

	rl := New(Options{Now: clk.now})
	key := "sk-fake-rate-limited-1"
	for i, want := range []int{429, 429, 200, 200} {
		a := call(t, rl, "GET", "/v1/tasks", key, "")
		if a.status != want {
			t.Errorf("rate-limited request %d: %d, want %d", i, a.status, want)
		}
		if want == 429 && (a.header.Get("Retry-After") != "1" || a.nested()["message"] != nil || a.nested()["request_id"] == nil) {
			t.Errorf("scripted 429: %v %s", a.header, a.raw)
		}
	}
}

func TestIdempotency(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	s := New(Options{Now: clk.now})
	body := `{"model":"gpt-image-2","input":{"prompt":"p"}}`
	a := call(t, s, "POST", "/v1/tasks", goodKey, body, "Idempotency-Key", "k1")
	clk.add(IdempotencyWindow - time.Second)
	b := call(t, s, "POST", "/v1/tasks", goodKey, body, "Idempotency-Key", "k1")
	if a.data()["taskId"] != b.data()["taskId"] || b.header.Get("Idempotent-Replay") != "true" || a.header.Get("Idempotent-Replay") != "" {
		t.Errorf("replay: %s / %s %v", a.raw, b.raw, b.header)
	}
	c := call(t, s, "POST", "/v1/tasks", goodKey, `{"model":"gpt-image-2","input":{"prompt":"q"}}`, "Idempotency-Key", "k1")
	if c.status != 422 || c.body["error_code"] != "IDEMPOTENCY_KEY_MISMATCH" {
		t.Errorf("mismatch: %d %s", c.status, c.raw)
	}
	if d := call(t, s, "POST", "/v1/tasks", "sk-fake-good-other", body, "Idempotency-Key", "k1"); d.status != 200 || d.data()["taskId"] == a.data()["taskId"] {
		t.Errorf("another key's Idempotency-Key k1 replays the first key's task: %s", d.raw)
	}
	if n := s.Count("POST", "/v1/tasks", goodKey); len(s.Tasks()) != 2 || n != 3 {
		t.Errorf("%d tasks after %d creates, want 2 (one per key)", len(s.Tasks()), n)
	}
	clk.add(time.Second)
	if e := call(t, s, "POST", "/v1/tasks", goodKey, body, "Idempotency-Key", "k1"); e.status != 200 || e.data()["taskId"] == a.data()["taskId"] || e.header.Get("Idempotent-Replay") != "" {
		t.Errorf("past the window the key still replays: %s %v", e.raw, e.header)
	}
}

// TestCreateLost: the create-lost scenario makes its task and answers 503
// once; a retry with the same Idempotency-Key gets that task back, a retry
// without one makes a second.
func TestCreateLost(t *testing.T) {
	body := `{"model":"gpt-image-2","input":{"prompt":"p"}}`
	for _, idem := range []string{"k1", ""} {
		s := New(Options{})
		key := "sk-fake-create-lost-1"
		first := call(t, s, "POST", "/v1/tasks", key, body, "Idempotency-Key", idem)
		if first.status != 503 || first.body["error_code"] != "SERVICE_UNAVAILABLE" || first.header.Get("Retry-After") != "1" {
			t.Fatalf("first create: %d %v %s", first.status, first.header, first.raw)
		}
		retry := call(t, s, "POST", "/v1/tasks", key, body, "Idempotency-Key", idem)
		tasks := s.Tasks()
		if retry.status != 200 || len(tasks) == 0 || retry.data()["taskId"] != tasks[len(tasks)-1].ID {
			t.Fatalf("retry: %d %s, tasks %+v", retry.status, retry.raw, tasks)
		}
		want := map[string]int{"k1": 1, "": 2}[idem]
		if len(tasks) != want || (idem != "") != (retry.header.Get("Idempotent-Replay") == "true") {
			t.Errorf("Idempotency-Key %q: %d tasks (want %d), replay header %q", idem, len(tasks), want, retry.header.Get("Idempotent-Replay"))
		}
	}
}

func TestFiles(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	s := New(Options{Step: time.Second, Now: clk.now})
	id := create(t, s, goodKey)
	if a := call(t, s, "GET", "/files/"+id+".png", "", ""); a.status != 404 {
		t.Errorf("file of an unfinished task: %d", a.status)
	}
	clk.add(3 * time.Second)
	for name, size := range map[string]int{id + ".png": 256, id + "-thumb.png": 64} {
		a := call(t, s, "GET", "/files/"+name, "", "")
		if a.status != 200 || a.header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d %v", name, a.status, a.header)
		}
		img, err := png.Decode(bytes.NewReader(a.raw))
		if err != nil || img.Bounds().Dx() != size {
			t.Errorf("%s: %v, %v", name, err, img.Bounds())
		}
		if len(a.raw) > 16<<10 {
			t.Errorf("%s is %d bytes; meant to be tiny", name, len(a.raw))
		}
	}
	for _, bad := range []string{"nope.png", id, id + ".jpg"} {
		if a := call(t, s, "GET", "/files/"+bad, "", ""); a.status != 404 {
			t.Errorf("%s: %d", bad, a.status)
		}
	}
	clk.add(OutputTTL + time.Second)
	if a := call(t, s, "GET", "/files/"+id+".png", "", ""); a.status != 404 {
		t.Errorf("expired file: %d", a.status)
	}
}

func TestRequestLog(t *testing.T) {
	s := New(Options{})
	id := create(t, s, goodKey)
	call(t, s, "GET", "/v1/tasks/"+id, goodKey, "")
	call(t, s, "GET", "/v1/tasks/"+id, goodKey, "")
	call(t, s, "GET", "/v1/tasks?page=1&size=1", "sk-fake-revoked-1", "")
	if n := s.Count("POST", "/v1/tasks", goodKey); n != 1 {
		t.Errorf("creates: %d", n)
	}
	if n := s.Count("GET", "/v1/tasks/{id}", goodKey); n != 2 {
		t.Errorf("polls: %d", n)
	}
	if n := s.Count("", "", "sk-fake-revoked-1"); n != 1 {
		t.Errorf("revoked: %d", n)
	}
	for _, r := range s.Requests() {
		if strings.Contains(r.Key, "sk-") || r.Status == 0 || r.At.IsZero() {
			t.Errorf("request record %+v", r)
		}
	}
}

func TestScenarioOf(t *testing.T) {
	tests := map[string]string{
		"sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c": Good,
		"sk-fake-good":                          Good,
		"hi-sk-fake-good-1":                     Good,
		"sk-fake-revoked-flat-1":                RevokedFlat,
		"sk-fake-revoked-flatulent":             Revoked,
		"sk-fake-no-model-x":                    NoModel,
		"sk-fake-never-finishes-":               NeverFinishes,
		"sk-fake-goodness":                      "",
		"sk-fake-":                              "",
		"sk-proj-abc":                           "",
		"":                                      "",
	}
	for key, want := range tests {
		got, ok := ScenarioOf(key)
		if got != want || ok != (want != "") {
			t.Errorf("ScenarioOf(%q) = %q, %v; want %q", key, got, ok, want)
		}
	}
	for _, sc := range Scenarios() {
		if got, _ := ScenarioOf(sc.Key); got != sc.Name {
			t.Errorf("example key %q selects %q", sc.Key, got)
		}
		if !strings.Contains(Usage(), sc.Name) || !strings.Contains(Markdown(), "`"+sc.Key+"`") {
			t.Errorf("%s missing from Usage or Markdown", sc.Name)
		}
	}
}

func TestSlowStopsWithClient(t *testing.T) {
	s := New(Options{SlowDelay: time.Minute})
	ts := httptest.NewServer(s)
	defer ts.Close()
	req, _ := http.NewRequest("GET", ts.URL+"/v1/tasks", nil)
	req.Header.Set("Authorization", "Bearer sk-fake-slow-1")
	client := &http.Client{Timeout: 100 * time.Millisecond}
	start := time.Now()
	if _, err := client.Do(req); err == nil {
		t.Fatal("the slow scenario answered at once")
	}
	for time.Since(start) < 10*time.Second {
		if r := s.Requests(); len(r) == 1 {
			if r[0].Status != 499 {
				t.Errorf("status %d, want 499", r[0].Status)
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the fake did not notice the client leave")
}

func TestEncode128(t *testing.T) {
	var b [16]byte
	if got := encode128(b); got != strings.Repeat("0", 26) {
		t.Errorf("zero: %s", got)
	}
	for i := range b {
		b[i] = 0xff
	}
	if got := encode128(b); got != "7"+strings.Repeat("Z", 25) {
		t.Errorf("max: %s", got)
	}
	// The ULID spec's example: 01ARZ3NDEKTSV4RRFFQ69G5FAV.
	ulid := [16]byte{0x01, 0x56, 0x3e, 0x3a, 0xb5, 0xd3, 0xd6, 0x76, 0x4c, 0x61, 0xef, 0xb9, 0x93, 0x02, 0xbd, 0x5b}
	if got := encode128(ulid); got != "01ARZ3NDEKTSV4RRFFQ69G5FAV" {
		t.Errorf("ulid example: %s", got)
	}
	rid := newRequestID(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	if !regexp.MustCompile(`^20261126100000[0-9A-HJKMNP-TV-Z]{10}$`).MatchString(rid) {
		t.Errorf("request id %q", rid)
	}
}
