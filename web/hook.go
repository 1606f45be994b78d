package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/internal/hiapi"
	"github.com/keycheck/keycheck/internal/run"
)

// maxHookBody bounds a callback's body: a task detail is a few hundred
// bytes, a few KiB with many outputs.
const maxHookBody = 64 << 10

// handleHiAPIHook is POST /hooks/hiapi, HiAPI's callback when a test task
// ends. It is a machine's request: no session, no CSRF token; it proves
// itself by its signature (hiapi.VerifyCallback). Of the body it reads
// only the task id, and only to nudge the live test that follows that
// task (run.Runner.Nudge): that test asks HiAPI for the task with the key
// it holds, so nothing the body says reaches a run. When no live test of
// this keycheck follows the task, it is announced to the other instances
// on the database, one of which may. A duplicate delivery is answered as
// the first was and costs at most one poll.
func (s *Server) handleHiAPIHook(c echo.Context) error {
	r := c.Request()
	if r.ContentLength > maxHookBody {
		return s.refuseHook(c, errHookTooLarge, "too large")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxHookBody+1))
	switch {
	case err != nil:
		return s.refuseHook(c, errorf(http.StatusBadRequest, "bad_body", "The body could not be read."), "unreadable body")
	case len(body) > maxHookBody:
		return s.refuseHook(c, errHookTooLarge, "too large")
	}
	if err := hiapi.VerifyCallback(s.cfg.CallbackSecret, r.Header, body, s.now()); err != nil {
		return s.refuseHook(c, hookAuthError(err), err.Error())
	}
	taskID, err := hiapi.CallbackTaskID(body)
	if err != nil {
		return s.refuseHook(c, errorf(http.StatusBadRequest, "no_task_id", "%s.", err), err.Error())
	}
	if !s.live.Nudge(taskID) {
		if err := s.store.Announce(r.Context(), run.Event{Kind: run.EventTask, ID: taskID}); err != nil {
			// HiAPI retries an answer that is not 2xx: the next delivery
			// may find the database back.
			s.log.Warn("HiAPI callback not passed on to the other instances", "task", taskID, "err", err)
			return &Error{Status: http.StatusServiceUnavailable, Code: "busy", RetryAfter: 5,
				Message: "keycheck could not pass the callback on to its other instances; send it again."}
		}
	}
	return c.NoContent(http.StatusNoContent)
}

var errHookTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
	Message: "The callback is over 64 KiB; a task detail is far smaller."}

// hookAuthError is the 401 for a callback that does not prove it comes
// from HiAPI, naming what is wrong: never the secret, nor the signature
// that was expected.
func hookAuthError(err error) *Error {
	code := "bad_signature"
	switch {
	case errors.Is(err, hiapi.ErrNoTimestamp), errors.Is(err, hiapi.ErrBadTimestamp):
		code = "bad_timestamp"
	case errors.Is(err, hiapi.ErrStaleTimestamp):
		code = "stale_timestamp"
	case errors.Is(err, hiapi.ErrNoSignature):
		code = "no_signature"
	}
	return &Error{Status: http.StatusUnauthorized, Code: code, Message: err.Error() + "."}
}

// refuseHook logs a refused callback at warn, with why and from where,
// never its body or headers, and returns e for handleError, which
// answers under /hooks/ in JSON, as the API.
func (s *Server) refuseHook(c echo.Context, e *Error, why string) error {
	s.log.Warn("HiAPI callback refused", "status", e.Status, "reason", why, "ip", c.RealIP())
	return e
}
