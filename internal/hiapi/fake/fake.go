// Package fake is a HiAPI look-alike for tests and the offline demo. It
// follows HIAPI.md: the task endpoints, both error body shapes, task ids,
// statuses that advance over a few seconds, outputs that expire, request
// ids, Retry-After and X-RateLimit-* headers, and a per-key rate limit.
// Scenario keys (see Scenarios) choose how it answers.
//
// How a dead key and a model-scope refusal differ: both are 401 with
// code permission_denied in the nested shape, as HiAPI sends them; only the
// message tells them apart. A dead key's message is about the key and names
// no model; a scope refusal's says "cannot use the selected model".
//
// The fake never logs and never keeps a key: it records requests and tasks
// under KeyID, a short hash.
package fake

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/keycheck/keycheck/internal/wait"
)

// Defaults for Options.
const (
	DefaultStep             = 1500 * time.Millisecond
	DefaultRateLimit        = 60
	DefaultRateLimitedFirst = 2
	DefaultSlowDelay        = 5 * time.Second
	// OutputTTL is how long outputs stay downloadable, as on HiAPI.
	OutputTTL = 7 * 24 * time.Hour
	// IdempotencyWindow is how long an Idempotency-Key names the task its
	// first request created. HiAPI documents the header, not the window;
	// a day is what idempotency keys commonly get.
	IdempotencyWindow = 24 * time.Hour
)

// defaultModels are the model ids the fake accepts: HiAPI's sources use
// both.
var defaultModels = []string{"gpt-image-2", "gpt-image-2/text-to-image"}

const (
	maxRequestBody = 10 << 20 // HiAPI's documented body limit
	maxPrompt      = 20000
	rateWindow     = time.Minute
)

// Options configure a Server. The zero value gives the defaults.
type Options struct {
	// Step is how long a task stays in each of queued, handling and
	// archiving (default 1.5 s). Tests use a few milliseconds.
	Step time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// RateLimit is the requests a key may send per minute (default 60);
	// negative means no limit.
	RateLimit int
	// RateLimitedFirst is how many of a rate-limited key's first requests
	// answer 429 (default 2).
	RateLimitedFirst int
	// SlowDelay is how long the slow scenario waits before each answer
	// (default 5 s).
	SlowDelay time.Duration
	// DownRetryAfter is the Retry-After, in seconds, of the down scenario's
	// 503s (default 2).
	DownRetryAfter int
	// Models are the model ids a good key may use (default gpt-image-2 and
	// gpt-image-2/text-to-image). Set it to one id to play the sources that
	// say the other answers model_not_found.
	Models []string
	// CallbackSecret, when set, signs the callbacks the fake sends to a
	// task created with callback {"url": …} (see Callback); without it the
	// fake sends none.
	CallbackSecret []byte
	// CallbackClient sends the callbacks (default: a client with a 10 s
	// time-out).
	CallbackClient *http.Client
}

// Server is the fake HiAPI. It is an http.Handler, safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	tasks    map[string]*task     // by task id
	byOwner  map[string][]*task   // by KeyID, oldest first
	windows  map[string]*window   // by KeyID: the rate limit
	refused  map[string]int       // by KeyID: 429s sent by the rate-limited scenario
	lost     map[string]bool      // by KeyID: the create-lost scenario's answer was lost once
	idem     map[string]idemEntry // by KeyID + Idempotency-Key
	requests []Request
	// timers are the callbacks not sent yet; delivered those sent.
	timers    []*time.Timer
	delivered []Delivery
	closed    bool

	imageOnce, thumbOnce sync.Once
	image, thumb         []byte
}

type task struct {
	seq                        int // creation order, so equal timestamps still sort
	id, owner, scenario, model string
	callback                   string // the URL the fake calls when the task ends
	created                    time.Time
	firstSeenDone              time.Time
	polls                      []time.Time
}

type window struct {
	start time.Time
	count int
}

type idemEntry struct {
	bodyHash [32]byte
	taskID   string
	at       time.Time
}

// Request is one request the fake answered.
type Request struct {
	At     time.Time
	Method string
	// Route is the matched route ("/v1/tasks", "/v1/tasks/{id}",
	// "/files/{name}"), or the path for an unknown one.
	Route string
	// Path is the request's path.
	Path string
	// Key is the KeyID of the key sent, "" if none.
	Key      string
	Scenario string
	Status   int
}

// TaskRecord is what the fake knows about a task, for tests that measure
// polling and latency.
type TaskRecord struct {
	ID       string
	Key      string // KeyID of the owner
	Scenario string
	Model    string
	Created  time.Time
	// Finished is when the task became terminal (success or fail) by its
	// schedule; zero for a task that never ends.
	Finished time.Time
	// FirstSeenDone is when a poll first returned the terminal status.
	FirstSeenDone time.Time
	// Polls are the times of every GET /v1/tasks/{id} for this task.
	Polls []time.Time

	seq int
}

// New returns a fake HiAPI.
func New(opts Options) *Server {
	if opts.Step <= 0 {
		opts.Step = DefaultStep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.RateLimitedFirst <= 0 {
		opts.RateLimitedFirst = DefaultRateLimitedFirst
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = DefaultSlowDelay
	}
	if opts.DownRetryAfter <= 0 {
		opts.DownRetryAfter = 2
	}
	if len(opts.Models) == 0 {
		opts.Models = defaultModels
	}
	if opts.CallbackClient == nil {
		opts.CallbackClient = &http.Client{Timeout: callbackTimeout}
	}
	s := &Server{
		opts:    opts,
		tasks:   map[string]*task{},
		byOwner: map[string][]*task{},
		windows: map[string]*window{},
		refused: map[string]int{},
		lost:    map[string]bool{},
		idem:    map[string]idemEntry{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /files/{name}", s.handleFile)
	mux.Handle("GET /v1/tasks", s.api("/v1/tasks", s.handleList))
	mux.Handle("POST /v1/tasks", s.api("/v1/tasks", s.handleCreate))
	mux.Handle("GET /v1/tasks/{id}", s.api("/v1/tasks/{id}", s.handleGet))
	mux.Handle("/", s.api("", s.handleUnknownRoute))
	s.mux = mux
	return s
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Requests returns every request answered so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests matched method and route (e.g. "POST",
// "/v1/tasks") and were sent with key; "" matches any method, route or key.
func (s *Server) Count(method, route, key string) int {
	id := KeyID(key)
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && (route == "" || r.Route == route) && (key == "" || r.Key == id) {
			n++
		}
	}
	return n
}

// Tasks returns every task created so far, in the order they were created.
func (s *Server) Tasks() []TaskRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []TaskRecord
	for _, owned := range s.byOwner {
		for _, t := range owned {
			rec := TaskRecord{
				ID:            t.id,
				Key:           t.owner,
				Scenario:      t.scenario,
				Model:         t.model,
				Created:       t.created,
				FirstSeenDone: t.firstSeenDone,
				Polls:         slices.Clone(t.polls),
				seq:           t.seq,
			}
			if d, ok := s.finishAt(t); ok {
				rec.Finished = d
			}
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b TaskRecord) int { return a.seq - b.seq })
	return out
}

// caller is who sent an API request, once the key is read.
type caller struct {
	owner    string // KeyID of the key; the key itself is not kept
	scenario string
	rid      string
	now      time.Time
}

// recorder notes the status a handler writes.
type recorder struct {
	http.ResponseWriter
	status int
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// api wraps an API handler with what every API request goes through, in
// the order a real deployment would apply it: the scenario's delay, a proxy
// or outage in front, authentication, the rate limits, then the route.
func (s *Server) api(route string, h func(http.ResponseWriter, *http.Request, caller)) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &recorder{ResponseWriter: rw}
		key, hasBearer := bearer(r.Header.Get("Authorization"))
		scenario, _ := ScenarioOf(key)
		c := caller{owner: KeyID(key), scenario: scenario}
		defer func() {
			rt := route
			if rt == "" {
				rt = r.URL.Path
			}
			s.mu.Lock()
			s.requests = append(s.requests, Request{
				At: s.opts.Now(), Method: r.Method, Route: rt, Path: r.URL.Path,
				Key: c.owner, Scenario: c.scenario, Status: w.status,
			})
			s.mu.Unlock()
		}()

		if scenario == Slow && wait.For(r.Context(), s.opts.SlowDelay) != nil {
			w.status = 499 // the client gave up; nothing is written
			return
		}
		c.now = s.opts.Now()
		c.rid = newRequestID(c.now)
		w.Header().Set("X-Request-Id", c.rid)

		switch scenario {
		case HTML:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, badGatewayPage)
			return
		case Down:
			w.Header().Set("Retry-After", strconv.Itoa(s.opts.DownRetryAfter))
			flat(w, c.rid, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "The platform is busy. Please retry later.")
			return
		}

		switch {
		case !hasBearer:
			nestedErr(w, c.rid, http.StatusUnauthorized, "permission_denied", "hiapi_error",
				"Missing or malformed API key: send the header Authorization: Bearer <your key>. If the issue persists, contact support with request ID: "+c.rid)
			return
		case scenario == "" || scenario == Revoked:
			nestedErr(w, c.rid, http.StatusUnauthorized, "permission_denied", "hiapi_error",
				"Invalid API key: it does not exist, or it was revoked. Check the key or create a new one. If the issue persists, contact support with request ID: "+c.rid)
			return
		case scenario == RevokedFlat:
			flat(w, c.rid, http.StatusUnauthorized, "UNAUTHORIZED", "invalid api key")
			return
		}

		if !s.admit(w, c) {
			return
		}
		h(w, r, c)
	})
}

// admit applies the rate-limited scenario and the per-key rate limit, and
// sets the X-RateLimit-* headers. It writes the 429 and returns false when
// the request is refused.
func (s *Server) admit(w http.ResponseWriter, c caller) bool {
	s.mu.Lock()
	limit := s.opts.RateLimit
	remaining, reset := limit, c.now.Add(rateWindow)
	refuse, retry := false, 0
	if limit > 0 {
		win := s.windows[c.owner]
		if win == nil || c.now.Sub(win.start) >= rateWindow {
			win = &window{start: c.now}
			s.windows[c.owner] = win
		}
		win.count++
		reset = win.start.Add(rateWindow)
		remaining = max(0, limit-win.count)
		if win.count > limit {
			refuse = true
			retry = max(1, int((reset.Sub(c.now)+time.Second-1)/time.Second))
		}
	}
	scripted := false
	if c.scenario == RateLimited && s.refused[c.owner] < s.opts.RateLimitedFirst {
		s.refused[c.owner]++
		scripted, refuse, retry, remaining = true, true, 1, 0
	}
	s.mu.Unlock()

	if limit > 0 {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	}
	if !refuse {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	if scripted {
		// HiAPI's 429 may carry no message at all.
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": map[string]any{
			"code": "rate_limit_exceeded", "type": "hiapi_error", "request_id": c.rid,
		}})
		return false
	}
	nestedErr(w, c.rid, http.StatusTooManyRequests, "rate_limit_exceeded", "hiapi_error",
		fmt.Sprintf("Rate limit exceeded: %d requests per minute. Retry after %d s.", limit, retry))
	return false
}

// handleList is GET /v1/tasks: the caller's tasks, newest first. Out-of-range
// page and size are reset, not rejected, as HiAPI does.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, c caller) {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	size, err := strconv.Atoi(r.URL.Query().Get("size"))
	if err != nil || size < 1 || size > 100 {
		size = 10
	}
	s.mu.Lock()
	owned := s.byOwner[c.owner]
	list := []map[string]any{}
	for i := len(owned) - 1 - (page-1)*size; i >= 0 && len(list) < size; i-- {
		list = append(list, s.detail(owned[i], r, c.now))
	}
	total := len(owned)
	s.mu.Unlock()
	success(w, c.rid, map[string]any{"list": list, "total": total, "page": page, "size": size})
}

// createRequest is the body of POST /v1/tasks.
type createRequest struct {
	Model string `json:"model"`
	Input struct {
		Prompt string `json:"prompt"`
	} `json:"input"`
	Callback struct {
		URL  string `json:"url"`
		When string `json:"when"`
	} `json:"callback"`
}

// handleCreate is POST /v1/tasks: the scenario's refusal if it has one,
// else HiAPI's checks of the request, else the task (a new one, or the one
// an earlier request with the same Idempotency-Key created).
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request, c caller) {
	body, req, ok := readCreate(w, r, c.rid)
	if !ok || refuseForScenario(w, c, req.Model) || s.refuseRequest(w, c.rid, req) {
		return
	}
	s.createTask(w, c, req.Model, r.Header.Get("Idempotency-Key"), body, s.callbackURL(req), baseURL(r))
}

// readCreate reads the body of a create; when it cannot, it answers as
// HiAPI does and reports false.
func readCreate(w http.ResponseWriter, r *http.Request, rid string) ([]byte, createRequest, bool) {
	var req createRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			flat(w, rid, http.StatusRequestEntityTooLarge, "INVALID_REQUEST", "request body too large: the limit is 10 MB")
		} else {
			flat(w, rid, http.StatusBadRequest, "INVALID_REQUEST", "cannot read the request body")
		}
		return nil, req, false
	}
	if err := json.Unmarshal(body, &req); err != nil {
		flat(w, rid, http.StatusBadRequest, "INVALID_REQUEST", "invalid request: the body is not valid JSON")
		return nil, req, false
	}
	return body, req, true
}

// refuseForScenario answers as HiAPI refuses the scenario's key a task,
// and reports whether it did.
func refuseForScenario(w http.ResponseWriter, c caller, model string) bool {
	switch c.scenario {
	case NoModel:
		nestedErr(w, c.rid, http.StatusUnauthorized, "permission_denied", "hiapi_error",
			"This API key cannot use the selected model. Please check permissions or use another key. If the issue persists, contact support with request ID: "+c.rid)
	case Forbidden:
		flat(w, c.rid, http.StatusForbidden, "PERMISSION_DENIED", "this API key lacks permission for this operation")
	case UnknownModel:
		modelNotFound(w, c.rid, http.StatusNotFound, model)
	case NoBalance:
		flat(w, c.rid, http.StatusPaymentRequired, "INSUFFICIENT_BALANCE", "insufficient balance: top up your account to continue")
	case ModelBusy:
		w.Header().Set("Retry-After", "30")
		flat(w, c.rid, http.StatusServiceUnavailable, "MODEL_UNAVAILABLE", fmt.Sprintf("model %s is temporarily unavailable, please retry later", truncate(model, 100)))
	case Garbled:
		success(w, c.rid, map[string]any{})
	default:
		return false
	}
	return true
}

// refuseRequest answers HiAPI's error for a request it would not take, and
// reports whether it did.
func (s *Server) refuseRequest(w http.ResponseWriter, rid string, req createRequest) bool {
	switch {
	case strings.TrimSpace(req.Model) == "":
		flat(w, rid, http.StatusBadRequest, "INVALID_REQUEST", "invalid request: model is required")
	case !slices.Contains(s.opts.Models, req.Model):
		modelNotFound(w, rid, http.StatusBadRequest, req.Model)
	case strings.TrimSpace(req.Input.Prompt) == "":
		flat(w, rid, http.StatusBadRequest, "INVALID_REQUEST", "invalid request: input.prompt is required")
	case utf8.RuneCountInString(req.Input.Prompt) > maxPrompt:
		flat(w, rid, http.StatusBadRequest, "INVALID_REQUEST", "invalid request: input.prompt is longer than 20000 characters")
	default:
		return false
	}
	return true
}

// modelNotFound is HiAPI's answer for a model id the key cannot have.
func modelNotFound(w http.ResponseWriter, rid string, status int, model string) {
	nestedErr(w, rid, status, "model_not_found", "invalid_request_error",
		fmt.Sprintf("The model %q does not exist or you do not have access to it.", truncate(model, 100)))
}

// createTask answers with a new task, or, for an Idempotency-Key used
// within IdempotencyWindow with the same body, with the task that request
// created; the same key with another body answers IDEMPOTENCY_KEY_MISMATCH.
// The create-lost scenario's first create makes its task but answers 503,
// as a gateway that lost HiAPI's answer: only a retry with the same
// Idempotency-Key gets that task back instead of a second one.
func (s *Server) createTask(w http.ResponseWriter, c caller, model, idemKey string, body []byte, callback, base string) {
	sum := sha256.Sum256(body)
	slot := c.owner + "\x00" + idemKey
	s.mu.Lock()
	if prev, ok := s.idem[slot]; ok && idemKey != "" && c.now.Sub(prev.at) < IdempotencyWindow {
		s.mu.Unlock()
		if prev.bodyHash != sum {
			flat(w, c.rid, http.StatusUnprocessableEntity, "IDEMPOTENCY_KEY_MISMATCH", "this Idempotency-Key was used with a different request body")
			return
		}
		w.Header().Set("Idempotent-Replay", "true")
		success(w, c.rid, map[string]any{"taskId": prev.taskID})
		return
	}
	t := &task{seq: len(s.tasks), id: newTaskID(c.now), owner: c.owner, scenario: c.scenario, model: model, created: c.now, callback: callback}
	s.tasks[t.id] = t
	s.scheduleCallback(t, base)
	s.byOwner[c.owner] = append(s.byOwner[c.owner], t)
	if idemKey != "" {
		s.idem[slot] = idemEntry{bodyHash: sum, taskID: t.id, at: c.now}
	}
	lose := c.scenario == CreateLost && !s.lost[c.owner]
	s.lost[c.owner] = s.lost[c.owner] || lose
	s.mu.Unlock()
	if lose {
		w.Header().Set("Retry-After", "1")
		flat(w, c.rid, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "The platform is busy. Please retry later.")
		return
	}
	success(w, c.rid, map[string]any{"taskId": t.id})
}

// handleGet is GET /v1/tasks/{id}. Another account's task answers 404, as
// an unknown one does.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, c caller) {
	id := r.PathValue("id")
	s.mu.Lock()
	t, ok := s.tasks[id]
	if !ok || t.owner != c.owner {
		s.mu.Unlock()
		flat(w, c.rid, http.StatusNotFound, "TASK_NOT_FOUND", "task not found")
		return
	}
	t.polls = append(t.polls, c.now)
	d := s.detail(t, r, c.now)
	if st := d["status"]; (st == "success" || st == "fail") && t.firstSeenDone.IsZero() {
		t.firstSeenDone = c.now
	}
	s.mu.Unlock()
	success(w, c.rid, d)
}

func (s *Server) handleUnknownRoute(w http.ResponseWriter, r *http.Request, c caller) {
	flat(w, c.rid, http.StatusBadRequest, "INVALID_REQUEST", "invalid request: unknown route "+r.Method+" "+truncate(r.URL.Path, 100))
}

// handleFile serves a task's image or thumbnail: /files/{taskId}.png and
// /files/{taskId}-thumb.png. Like a CDN link, it needs no key, and it
// stops working when the output expires.
func (s *Server) handleFile(rw http.ResponseWriter, r *http.Request) {
	w := &recorder{ResponseWriter: rw}
	now := s.opts.Now()
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, Request{At: now, Method: r.Method, Route: "/files/{name}", Path: r.URL.Path, Status: w.status})
		s.mu.Unlock()
	}()
	name, ok := strings.CutSuffix(r.PathValue("name"), ".png")
	id, thumb := strings.CutSuffix(name, "-thumb")
	s.mu.Lock()
	t, found := s.tasks[id]
	done, finished := time.Time{}, false
	if found {
		done, finished = s.finishAt(t)
	}
	s.mu.Unlock()
	if !ok || !found || !finished || t.scenario == TaskFails || now.Before(done) || now.After(done.Add(OutputTTL)) {
		http.Error(w, "404 file not found or expired", http.StatusNotFound)
		return
	}
	var img []byte
	if thumb {
		s.thumbOnce.Do(func() { s.thumb = applePNG(64) })
		img = s.thumb
	} else {
		s.imageOnce.Do(func() { s.image = applePNG(256) })
		img = s.image
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	w.Write(img)
}

// finishAt returns when t becomes terminal by its schedule: after three
// steps for success, two for a task that fails, never for never-finishes.
func (s *Server) finishAt(t *task) (time.Time, bool) {
	switch t.scenario {
	case NeverFinishes:
		return time.Time{}, false
	case TaskFails:
		return t.created.Add(2 * s.opts.Step), true
	}
	return t.created.Add(3 * s.opts.Step), true
}

// status returns t's status at now: queued, handling, archiving, then
// success (or fail), one step each.
func (s *Server) status(t *task, now time.Time) string {
	if done, ok := s.finishAt(t); ok && !now.Before(done) {
		if t.scenario == TaskFails {
			return "fail"
		}
		return "success"
	}
	switch steps := now.Sub(t.created) / s.opts.Step; {
	case steps < 1:
		return "queued"
	case steps < 2 || t.scenario == NeverFinishes || t.scenario == TaskFails:
		return "handling"
	default:
		return "archiving"
	}
}

// detail is t as GET /v1/tasks/{id} shows it. The caller holds s.mu.
func (s *Server) detail(t *task, r *http.Request, now time.Time) map[string]any {
	return s.detailAt(t, baseURL(r), now)
}

// detailAt is t's detail with its outputs under base, as a callback sends
// it too. The caller holds s.mu.
func (s *Server) detailAt(t *task, base string, now time.Time) map[string]any {
	st := s.status(t, now)
	d := map[string]any{
		"taskId":    t.id,
		"model":     t.model,
		"status":    st,
		"created":   t.created.Unix(),
		"completed": 0,
		// Fields HiAPI also sends; clients must ignore what they do not use.
		"storage": map[string]any{"provider": "fake-hiapi", "region": "local"},
		"route":   "fake",
	}
	done, _ := s.finishAt(t)
	switch st {
	case "success":
		d["completed"] = done.Unix()
		exp := done.Add(OutputTTL).Unix()
		d["output"] = []map[string]any{
			{"url": base + "/files/" + t.id + ".png", "type": "image", "expireAt": exp},
			{"url": base + "/files/" + t.id + "-thumb.png", "type": "thumbnail", "expireAt": exp},
		}
	case "fail":
		d["completed"] = done.Unix()
		d["error"] = map[string]any{"code": "TASK_FAILED", "message": "upstream rejected the prompt"}
	}
	return d
}

// baseURL is the absolute URL this server was reached at, so output URLs
// work from a browser on the same machine.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// bearer reads "Bearer <key>" (the scheme is case-insensitive, as HTTP
// says). ok is false when the header is missing or has another scheme.
func bearer(h string) (key string, ok bool) {
	scheme, rest, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || rest == "" {
		return "", false
	}
	return rest, true
}

func success(w http.ResponseWriter, rid string, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"code": 200, "message": "success", "data": data, "request_id": rid})
}

// flat writes HiAPI's documented error shape.
func flat(w http.ResponseWriter, rid string, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"code": status, "message": msg, "data": nil, "error_code": code, "request_id": rid})
}

// nestedErr writes the error shape seen live.
func nestedErr(w http.ResponseWriter, rid string, status int, code, typ, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "type": typ, "message": msg, "request_id": rid}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`
