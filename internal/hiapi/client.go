// Package hiapi is keycheck's client for HiAPI's task API: the free probe
// (list one task), creating a task, and reading a task.
//
// The key is passed to each call and never kept: not in the Client, not in
// an error, not in a log. Every text an answer brings (message, code, type,
// request id, task id, outputs, a page's title) has every piece of the key
// masked by the rule of checks.Secret before it is cut short or returned.
// Every error is an *Error whose text is safe to show. GETs are retried on
// 429, 503 and network errors. Creating a task spends credits, so it is
// retried only once, and only where HiAPI's Idempotency-Key makes that
// safe: each create carries a fresh key, and a create that met a network
// error or a 503 is sent once more with the same key, which HiAPI answers
// with the first request's task rather than a second one.
//
// The same discipline serves the other providers' free probes
// (internal/probe): Options name the provider, how the key is sent and
// where its request id comes, and Get sends a free GET.
package hiapi

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/wait"
)

// Defaults for Options. They follow HiAPI's official SDKs: a 60 s
// per-request time-out, Retry-After honoured up to 60 s.
const (
	DefaultConnectTimeout        = 10 * time.Second
	DefaultResponseHeaderTimeout = 30 * time.Second
	DefaultTimeout               = 60 * time.Second
	DefaultMaxBody               = 1 << 20
	DefaultRetries               = 2
	// MaxRetryWait caps any single wait between retries, whatever
	// Retry-After asks.
	MaxRetryWait = 60 * time.Second
)

// Options configure a Client. The zero value gives the defaults.
type Options struct {
	// HTTPClient, if set, sends every request as is: its transport, its
	// time-outs and its redirect policy. ConnectTimeout and
	// ResponseHeaderTimeout are then ignored; Timeout still applies.
	HTTPClient *http.Client
	// Transport, if set (and HTTPClient is not), replaces the default
	// transport; ConnectTimeout and ResponseHeaderTimeout are then ignored.
	Transport http.RoundTripper
	// ConnectTimeout bounds dialing and the TLS handshake (default 10 s).
	ConnectTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for the status line once the
	// request is sent (default 30 s).
	ResponseHeaderTimeout time.Duration
	// Timeout bounds each attempt, body included (default 60 s).
	Timeout time.Duration
	// MaxBody is the largest body read (default 1 MiB); a larger one is an
	// Error of checks.AnswerTooLarge.
	MaxBody int64
	// Retries is how many times a GET is retried (default 2); negative
	// means never.
	Retries int
	// Version goes in the User-Agent, "keycheck/<Version>" (default "dev").
	Version string
	// Sleep waits between retries (default wait.For); tests replace it. It
	// returns ctx's error if ctx ends first.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now reads the clock for Retry-After dates; tests replace it.
	Now func() time.Time

	// Name is the provider named in the client's messages (default
	// "HiAPI").
	Name string
	// Auth puts the key in the request's headers (default: Authorization:
	// Bearer). It never puts it in the URL, which ends up in logs.
	Auth func(h http.Header, key string)
	// RequestIDHeaders are the headers a request id may come in when the
	// body has none, most specific first (default: HiAPI's list).
	RequestIDHeaders []string
	// CallbackURL, when set, goes in every task created as callback
	// {"url": CallbackURL, "when": "final"}: HiAPI then POSTs the task to
	// it when it ends (see VerifyCallback).
	CallbackURL string
}

// Client talks to one HiAPI base URL. It is safe for concurrent use and
// holds no key.
type Client struct {
	base      string
	baseErr   error
	hc        *http.Client
	timeout   time.Duration
	maxBody   int64
	retries   int
	userAgent string
	sleep     func(context.Context, time.Duration) error
	now       func() time.Time
	name      string
	auth      func(http.Header, string)
	ridHeader []string
	callback  string
}

// Reply describes the last HTTP exchange of a call, success or not.
type Reply struct {
	// HTTPStatus is 0 when no answer came.
	HTTPStatus int
	// RequestID is HiAPI's id of the request, for support.
	RequestID string
	// RetryAfter is the last answer's Retry-After, as sent.
	RetryAfter time.Duration
	// RateLimit is what the X-RateLimit-* headers said.
	RateLimit RateLimit
	// Attempts is how many requests the call sent (1 unless retried).
	Attempts int
	// BaseURL is where the requests went.
	BaseURL string
	// Replayed says HiAPI answered a create with an earlier request's task
	// (header Idempotent-Replay: true): the retry found the first create.
	Replayed bool
}

// RateLimit is the X-RateLimit-* headers; -1 where a header was absent.
type RateLimit struct {
	Limit     int
	Remaining int
	// Reset is the header as sent: HiAPI does not document whether it is
	// seconds to wait or a Unix time.
	Reset string
}

// New returns a client for baseURL ("" means checks.HiAPIOrigin). A trailing
// slash or "/v1" is dropped, since the task paths carry /v1 and OpenAI-style
// settings often include it.
func New(baseURL string, opts Options) *Client {
	c := &Client{
		timeout:   cmp.Or(opts.Timeout, DefaultTimeout),
		maxBody:   opts.MaxBody,
		retries:   opts.Retries,
		userAgent: "keycheck/" + cmp.Or(opts.Version, "dev"),
		sleep:     opts.Sleep,
		now:       opts.Now,
		name:      cmp.Or(opts.Name, "HiAPI"),
		auth:      opts.Auth,
		ridHeader: opts.RequestIDHeaders,
		callback:  opts.CallbackURL,
	}
	if c.auth == nil {
		c.auth = bearer
	}
	if c.ridHeader == nil {
		c.ridHeader = requestIDHeaders
	}
	if c.sleep == nil {
		c.sleep = wait.For
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	if c.retries == 0 {
		c.retries = DefaultRetries
	} else if c.retries < 0 {
		c.retries = 0
	}
	c.base, c.baseErr = normalizeBase(baseURL)
	switch {
	case opts.HTTPClient != nil:
		c.hc = opts.HTTPClient
	default:
		rt := opts.Transport
		if rt == nil {
			rt = newTransport(cmp.Or(opts.ConnectTimeout, DefaultConnectTimeout), cmp.Or(opts.ResponseHeaderTimeout, DefaultResponseHeaderTimeout))
		}
		c.hc = &http.Client{
			Transport: rt,
			// A redirect from HiAPI's API means a wrong base URL (http
			// instead of https, a moved host): report it rather than
			// follow it with the key.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return c
}

// Probe checks the key for free: GET /v1/tasks?page=1&size=1 lists the
// account's newest task and spends no credits.
func (c *Client) Probe(ctx context.Context, key string) (Reply, error) {
	sec := checks.NewSecret(key)
	defer sec.Wipe()
	_, reply, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/tasks", query: "page=1&size=1"}, key, sec)
	return reply, err
}

// Get sends a free GET of path, which may end in a query, and returns the
// body of a success. It is how the other providers' free probes ask
// (internal/probe): retried like every GET, answered like every call.
func (c *Client) Get(ctx context.Context, path, key string) ([]byte, Reply, error) {
	sec := checks.NewSecret(key)
	defer sec.Wipe()
	p, q, _ := strings.Cut(path, "?")
	return c.do(ctx, call{method: http.MethodGet, path: p, query: q}, key, sec)
}

// CreateTask creates an image task: POST /v1/tasks. It spends credits, so
// it is never retried blindly: it carries a fresh Idempotency-Key, and only
// a create that met a network error or a 503 is sent once more, with the
// same key, so HiAPI answers with the task the first one made, if it made
// one, and never makes a second. After a time-out it is not sent again
// (the task may exist, and the wait was spent).
func (c *Client) CreateTask(ctx context.Context, key, model, prompt string) (string, Reply, error) {
	req := map[string]any{"model": model, "input": map[string]string{"prompt": prompt}}
	if c.callback != "" {
		req["callback"] = map[string]string{"url": c.callback, "when": "final"}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return "", Reply{BaseURL: c.base}, errorf(checks.AnswerRequest, "POST /v1/tasks", err, "cannot encode the request")
	}
	sec := checks.NewSecret(key)
	defer sec.Wipe()
	data, reply, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/tasks", body: body, idem: newIdempotencyKey()}, key, sec)
	if err != nil {
		return "", reply, err
	}
	id, ok := parseTaskID(data)
	if sec.In(id) {
		id, ok = "", false // an id holding a piece of the key is no id
	}
	if !ok {
		e := errorf(checks.AnswerGarbled, "POST /v1/tasks", nil, "HiAPI answered %d without a usable taskId", reply.HTTPStatus)
		e.HTTPStatus, e.RequestID = reply.HTTPStatus, reply.RequestID
		return "", reply, e
	}
	return id, reply, nil
}

// GetTask reads a task: GET /v1/tasks/{id}.
func (c *Client) GetTask(ctx context.Context, key, id string) (Task, Reply, error) {
	sec := checks.NewSecret(key)
	defer sec.Wipe()
	op := "GET /v1/tasks/" + clean(sec, id, 128)
	if strings.TrimSpace(id) == "" {
		return Task{}, Reply{BaseURL: c.base}, errorf(checks.AnswerRequest, op, nil, "empty task id")
	}
	data, reply, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/tasks/" + url.PathEscape(id)}, key, sec)
	if err != nil {
		return Task{}, reply, err
	}
	t, perr := parseTask(data, sec)
	if perr != nil {
		e := errorf(checks.AnswerGarbled, op, perr, "HiAPI answered %d without a task", reply.HTTPStatus)
		e.HTTPStatus, e.RequestID = reply.HTTPStatus, reply.RequestID
		return Task{}, reply, e
	}
	if t.TaskID == "" {
		t.TaskID = id
	}
	return t, reply, nil
}

// call is one request as the client's calls describe it.
type call struct {
	method, path string
	// query is a raw query string, without the "?".
	query string
	body  []byte
	// idem is the Idempotency-Key of a create; "" for none.
	idem string
}

// do sends one request, retrying GETs and, once, an idempotent create, and
// returns the body of a success. sec finds the pieces of key in what comes
// back.
func (c *Client) do(ctx context.Context, r call, key string, sec *checks.Secret) ([]byte, Reply, error) {
	op := r.method + " " + clean(sec, r.path, 200)
	reply := Reply{BaseURL: c.base}
	if c.baseErr != nil {
		return nil, reply, errorf(checks.AnswerRequest, op, c.baseErr, "the base URL is not usable: %v", c.baseErr)
	}
	if msg := unsendable(key); msg != "" {
		return nil, reply, errorf(checks.AnswerBadKey, op, nil, "%s", msg)
	}
	target := c.base + r.path
	if r.query != "" {
		target += "?" + r.query
	}
	retries, may := c.retries, retryable
	if r.method != http.MethodGet {
		retries, may = 0, nil
		if r.idem != "" {
			retries, may = 1, retryableCreate
		}
	}
	for attempt := 0; ; attempt++ {
		reply.Attempts = attempt + 1
		data, e := c.once(ctx, r, target, key, sec, &reply)
		if e == nil {
			return data, reply, nil
		}
		e.Op = op
		if r.idem != "" && e.Code == "" {
			e.Code = idempotencyCode(e.Status())
		}
		e.redact(sec)
		if attempt >= retries || !may(e) {
			return nil, reply, e
		}
		wait := backoff(attempt)
		if e.RetryAfter > 0 {
			wait = e.RetryAfter
		}
		wait = min(wait, MaxRetryWait)
		if dl, ok := ctx.Deadline(); ok && c.now().Add(wait).After(dl) {
			return nil, reply, e // no time left to wait: the last answer says more than a time-out
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, reply, ctxError(op, err)
		}
	}
}

// once sends one attempt. On success it returns the body; reply is filled
// from whatever answer came, with the pieces of the key sec finds masked.
//
// The header holding the key is a new string, made for each attempt: Go
// strings cannot be wiped, so it lives until the collector takes it, as
// the key passed in does; net/http copies it again into its write buffer
// (and HTTP/2's header encoder into its own).
func (c *Client) once(ctx context.Context, r call, target, key string, sec *checks.Secret, reply *Reply) ([]byte, *Error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, rd)
	if err != nil {
		return nil, errorf(checks.AnswerRequest, "", err, "cannot build the request")
	}
	c.auth(req.Header, key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.idem != "" {
		req.Header.Set("Idempotency-Key", r.idem)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, err, sec)
	}
	defer resp.Body.Close()
	reply.HTTPStatus = resp.StatusCode
	reply.RequestID = headerRequestID(resp.Header, c.ridHeader, sec)
	reply.Replayed = strings.EqualFold(strings.TrimSpace(resp.Header.Get("Idempotent-Replay")), "true")
	reply.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	reply.RateLimit = RateLimit{
		Limit:     headerInt(resp.Header, "X-RateLimit-Limit"),
		Remaining: headerInt(resp.Header, "X-RateLimit-Remaining"),
		Reset:     clean(sec, resp.Header.Get("X-RateLimit-Reset"), 40),
	}

	tooLarge := func() *Error {
		e := errorf(checks.AnswerTooLarge, "", nil, "the body is larger than %d bytes", c.maxBody)
		e.HTTPStatus, e.RequestID, e.RetryAfter = resp.StatusCode, reply.RequestID, reply.RetryAfter
		return e
	}
	if resp.ContentLength > c.maxBody {
		return nil, tooLarge()
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		e := c.transportError(ctx, err, sec)
		e.HTTPStatus, e.RequestID = resp.StatusCode, reply.RequestID
		return nil, e
	}
	if int64(len(data)) > c.maxBody {
		return nil, tooLarge()
	}
	if e := parseError(resp.StatusCode, resp.Header, data, c.now(), c.ridHeader, sec); e != nil {
		if e.RequestID != "" {
			reply.RequestID = e.RequestID
		}
		return nil, e
	}
	if rid := requestIDInBody(data, sec); rid != "" {
		reply.RequestID = rid
	}
	return data, nil
}

// retryable reports whether a GET may be tried again: HiAPI's SDKs retry
// only 429 and 503; a connection that failed is worth one more try. A
// time-out is not retried: it already waited the whole budget.
func retryable(e *Error) bool {
	switch e.Kind {
	case checks.AnswerNetwork:
		return true
	case checks.AnswerHTTP, checks.AnswerNotJSON:
		s := e.Status()
		return s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable
	}
	return false
}

// retryableCreate reports whether a create that carried an Idempotency-Key
// may be sent once more: only when its answer may have been lost (a
// network error) or HiAPI said it was too busy (503). A 503 that names
// MODEL_UNAVAILABLE is an answer, not a lost one: the person hears it now
// rather than after its Retry-After. A 429 or a time-out is not retried,
// as no create was before keys.
func retryableCreate(e *Error) bool {
	switch e.Kind {
	case checks.AnswerNetwork:
		return true
	case checks.AnswerHTTP, checks.AnswerNotJSON:
		return e.Status() == http.StatusServiceUnavailable && !strings.EqualFold(e.Code, CodeModelUnavailable)
	}
	return false
}

// newIdempotencyKey returns a fresh Idempotency-Key for one create: 128
// random bits, so no two creates share one.
func newIdempotencyKey() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return "keycheck-" + hex.EncodeToString(b[:])
}

func bearer(h http.Header, key string) { h.Set("Authorization", "Bearer "+key) }

// backoff is the wait before retry attempt+1 when no Retry-After came:
// 1 s, 2 s, 4 s, …
func backoff(attempt int) time.Duration {
	return time.Second << min(attempt, 6)
}

// transportError classifies an error from sending a request or reading its
// body.
func (c *Client) transportError(ctx context.Context, err error, sec *checks.Secret) *Error {
	var ue *url.Error
	cause := err
	if errors.As(err, &ue) {
		cause = ue.Err // the URL is in Op already
	}
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return errorf(checks.AnswerCanceled, "", err, "canceled before %s answered", c.name)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return errorf(checks.AnswerTimeout, "", err, "no answer within the time limit")
	}
	return errorf(checks.AnswerNetwork, "", err, "%s", clean(sec, cause.Error(), 200))
}

func ctxError(op string, err error) *Error {
	if errors.Is(err, context.DeadlineExceeded) {
		return errorf(checks.AnswerTimeout, op, err, "gave up waiting to retry")
	}
	return errorf(checks.AnswerCanceled, op, err, "canceled while waiting to retry")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// unsendable says why key cannot go in an Authorization header (a byte
// every HTTP stack refuses), or "" if it can. It names the position, never
// the key.
func unsendable(key string) string {
	pos := 0
	for _, r := range key {
		pos++
		if r < 0x20 && r != '\t' || r == 0x7f {
			name := "a control character"
			switch r {
			case '\n':
				name = "a newline"
			case '\r':
				name = "a carriage return"
			}
			return "the key holds " + name + " (" + checks.CodePoint(r) + ") at character " + strconv.Itoa(pos) + ", which no HTTP header may carry"
		}
	}
	return ""
}

func parseTaskID(body []byte) (string, bool) {
	env, ok := parseEnvelope(body)
	if !ok {
		return "", false
	}
	var d struct {
		TaskID  flexString `json:"taskId"`
		TaskID2 flexString `json:"task_id"`
	}
	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || data[0] != '{' || json.Unmarshal(data, &d) != nil {
		data = bytes.TrimSpace(body) // no envelope: {"taskId": ...}
		if json.Unmarshal(data, &d) != nil {
			return "", false
		}
	}
	id := cmp.Or(string(d.TaskID), string(d.TaskID2))
	return id, validTaskID(id)
}

func requestIDInBody(body []byte, sec *checks.Secret) string {
	env, ok := parseEnvelope(body)
	if !ok {
		return ""
	}
	return clean(sec, cmp.Or(scalar(env.RequestID), scalar(env.RequestID2)), 120)
}

func headerInt(h http.Header, k string) int {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(k)))
	if err != nil {
		return -1
	}
	return n
}

func normalizeBase(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return checks.HiAPIOrigin, nil
	}
	s = strings.TrimSuffix(strings.TrimRight(s, "/"), "/v1")
	s = strings.TrimRight(s, "/")
	u, err := url.Parse(s)
	if err != nil {
		return s, errors.New("cannot parse it")
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return s, errors.New("it must start with https:// and name a host")
	}
	return s, nil
}

func newTransport(connect, header time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connect
	t.ResponseHeaderTimeout = header
	return t
}
