package fake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Callback scenarios: how the fake calls back when a task it made carries
// callback {"url": …} and the fake knows the signing secret
// (Options.CallbackSecret). Every other scenario whose task ends is called
// back once, signed, the moment it ends, as HiAPI does.
const (
	// Callback is good, named for trying the callback: one signed delivery
	// the moment the task succeeds.
	Callback = "callback"
	// CallbackBadSignature signs with another secret.
	CallbackBadSignature = "callback-bad-signature"
	// CallbackStale signs a timestamp 10 minutes old.
	CallbackStale = "callback-stale"
	// CallbackDuplicate delivers the same signed callback three times.
	CallbackDuplicate = "callback-duplicate"
)

// callbackTimeout bounds one delivery.
const callbackTimeout = 10 * time.Second

// staleBy is how old the stale scenario's timestamp is: twice HiAPI's
// 300 s.
const staleBy = 10 * time.Minute

// Delivery is one callback the fake sent.
type Delivery struct {
	At     time.Time
	TaskID string
	URL    string
	// Status is the answer's HTTP status; 0 when none came (Err says why).
	Status int
	Err    string
}

// Deliveries returns every callback sent so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.delivered)
}

// Close stops the callbacks not sent yet.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, t := range s.timers {
		t.Stop()
	}
	s.timers = nil
}

// callbackURL is the create's callback URL, when the fake will call it:
// it knows a secret, and the URL is http(s) with a host.
func (s *Server) callbackURL(req createRequest) string {
	u, err := url.Parse(req.Callback.URL)
	if len(s.opts.CallbackSecret) == 0 || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// scheduleCallback calls t's callback back when t ends by its schedule.
// The caller holds s.mu.
func (s *Server) scheduleCallback(t *task, base string) {
	done, ends := s.finishAt(t)
	if t.callback == "" || !ends || s.closed {
		return
	}
	s.timers = append(s.timers, time.AfterFunc(done.Sub(s.opts.Now()), func() { s.callBack(t, base) }))
}

// callBack POSTs t's detail to its callback URL, signed as the scenario
// says, and records each delivery. It does not retry: a refused delivery
// leaves the client to its polling.
func (s *Server) callBack(t *task, base string) {
	now := s.opts.Now()
	s.mu.Lock()
	body, _ := json.Marshal(map[string]any{"code": 200, "message": "success", "data": s.detailAt(t, base, now), "request_id": newRequestID(now)})
	s.mu.Unlock()
	ts, secret, times := now, s.opts.CallbackSecret, 1
	switch t.scenario {
	case CallbackBadSignature:
		secret = append([]byte("not-"), secret...)
	case CallbackStale:
		ts = now.Add(-staleBy)
	case CallbackDuplicate:
		times = 3
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := sign(secret, stamp, body)
	for range times {
		d := Delivery{At: s.opts.Now(), TaskID: t.id, URL: t.callback}
		d.Status, d.Err = s.deliver(t.callback, stamp, sig, body)
		s.mu.Lock()
		s.delivered = append(s.delivered, d)
		s.mu.Unlock()
	}
}

// deliver sends one callback and returns the answer's status, or why none
// came.
func (s *Server) deliver(to, stamp, sig string, body []byte) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fake-hiapi")
	req.Header.Set("X-HiAPI-Timestamp", stamp)
	req.Header.Set("X-HiAPI-Signature", sig)
	resp, err := s.opts.CallbackClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	resp.Body.Close()
	return resp.StatusCode, ""
}

// sign is HiAPI's signature: hex(HMAC-SHA256(secret, timestamp + "." +
// body)).
func sign(secret []byte, stamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(stamp + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
