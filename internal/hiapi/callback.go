package hiapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HiAPI's callback: a task created with callback {"url", "when": "final"}
// is POSTed to that URL when it ends, with the task detail as its body.
// With a signing secret set in HiAPI's console, the request carries
// X-HiAPI-Timestamp (Unix seconds) and X-HiAPI-Signature, the hex
// HMAC-SHA256 of timestamp + "." + the raw body under the secret. Delivery
// is at least once.
const (
	HeaderTimestamp = "X-HiAPI-Timestamp"
	HeaderSignature = "X-HiAPI-Signature"
	// CallbackSkew is how far a callback's timestamp may be from the clock,
	// either way: HiAPI's official SDK refuses more than 300 s.
	CallbackSkew = 300 * time.Second
	// MinCallbackSecret and MaxCallbackSecret bound a signing secret, in
	// bytes, as HiAPI's console does (16 to 256 characters).
	MinCallbackSecret = 16
	MaxCallbackSecret = 256
)

// Why a callback is refused. Each is safe to show the sender: none holds
// the secret, the signature or the body.
var (
	ErrNoTimestamp    = errors.New("missing " + HeaderTimestamp)
	ErrBadTimestamp   = errors.New(HeaderTimestamp + " is not Unix seconds")
	ErrStaleTimestamp = errors.New(HeaderTimestamp + " is more than 300 s from keycheck's clock")
	ErrNoSignature    = errors.New("missing " + HeaderSignature)
	ErrBadSignature   = errors.New(HeaderSignature + " does not match the body")
	ErrNoTaskID       = errors.New("the body names no task (taskId, task_id or id, maybe under data)")
)

// SignCallback is the signature HiAPI sends with body at timestamp ts
// (Unix seconds): hex(HMAC-SHA256(secret, ts + "." + body)).
func SignCallback(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyCallback checks a callback's headers against its raw body: a
// timestamp within CallbackSkew of now, either way, and the signature of
// that timestamp and body under secret, compared in constant time. The
// signature is bare hex, as HiAPI documents it (no "sha256=" prefix). It
// returns one of the Err* above, or nil.
func VerifyCallback(secret []byte, h http.Header, body []byte, now time.Time) error {
	ts := strings.TrimSpace(h.Get(HeaderTimestamp))
	if ts == "" {
		return ErrNoTimestamp
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || secs < 0 {
		return ErrBadTimestamp
	}
	if d := now.Sub(time.Unix(secs, 0)); d > CallbackSkew || d < -CallbackSkew {
		return ErrStaleTimestamp
	}
	sig := strings.TrimSpace(h.Get(HeaderSignature))
	if sig == "" {
		return ErrNoSignature
	}
	got, err := hex.DecodeString(sig)
	want, _ := hex.DecodeString(SignCallback(secret, ts, body))
	if err != nil || !hmac.Equal(got, want) {
		return ErrBadSignature
	}
	return nil
}

// CallbackTaskID reads the id of the task a callback is about: the body
// is a task detail, bare or in HiAPI's {"data": …} envelope, its id under
// taskId, task_id or id. Nothing else in the body is read: keycheck asks
// HiAPI for the task itself.
func CallbackTaskID(body []byte) (string, error) {
	t, err := parseTask(body, nil)
	if err != nil || !validTaskID(t.TaskID) {
		return "", ErrNoTaskID
	}
	return t.TaskID, nil
}
