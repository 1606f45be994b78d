package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

// Error is an error whose code and message are safe to show a person. Any
// other error a handler returns is shown as "internal error" and logged
// once. Message never holds the key.
type Error struct {
	Status  int
	Code    string
	Message string
	// RetryAfter, in seconds, is sent as the Retry-After header when set.
	RetryAfter int
	// Err is the cause, for the log only.
	Err error
	// logged is true when the cause is already in the log (a panic, with
	// its stack), so the error handler does not log it again.
	logged bool
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Sentinel causes a person can hit, with the words they see.
var (
	errRunNotFound = &Error{Status: http.StatusNotFound, Code: "run_not_found",
		Message: "No run has this id. It may have been pruned (runs are kept for a limited time), or the link was cut short when it was copied."}
	errStepNotFound = &Error{Status: http.StatusNotFound, Code: "step_not_found",
		Message: "This run has no step with that name. The steps are " + stepNames() + "."}
	// errBadFilter names the steps instead of echoing the query: what a
	// person types is never shown back.
	errBadFilter = &Error{Status: http.StatusBadRequest, Code: "bad_filter",
		Message: "There is no step by that name to filter by. The steps are " + stepNames() + "."}
	errPageNotFound = &Error{Status: http.StatusNotFound, Code: "not_found",
		Message: "There is no page here."}
)

// stepNames lists the catalogue's step ids, for a message: "present,
// whitespace, … model and result".
func stepNames() string {
	var b strings.Builder
	cat := checks.Catalogue()
	for i, st := range cat {
		switch {
		case i == 0:
		case i == len(cat)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(string(st.ID))
	}
	return b.String()
}

type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// RetryAfter, in seconds, repeats the Retry-After header for clients
	// that read only the body.
	RetryAfter int `json:"retry_after,omitempty"`
}

// handleError is the one place errors become responses: JSON for the API,
// a fragment for htmx, a full page otherwise.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	appErr := s.classify(err, c)
	if appErr.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", fmt.Sprint(appErr.RetryAfter))
	}
	c.Response().Header().Set("Cache-Control", "no-store")

	msg := appErr.Message
	if appErr.Status == http.StatusTooManyRequests && appErr.RetryAfter > 0 {
		// A limit says how long: the header is for programs, this for people.
		msg += " Try again in " + waitWords(appErr.RetryAfter) + "."
	}
	view := templates.ErrorPage{Status: appErr.Status, Heading: heading(appErr.Status), Message: msg}
	if id := c.Param("id"); validRunID(id) && appErr != errRunNotFound {
		view.Back = templates.RunURL(id)
	}
	var werr error
	switch {
	case isAPI(c):
		werr = c.JSON(appErr.Status, apiError{Error: apiErrorBody{Code: appErr.Code, Message: msg, RetryAfter: appErr.RetryAfter}})
	case c.Request().Header.Get("HX-Request") == "true":
		// htmx swaps the fragment where the answer would have gone (the
		// layout's htmx-config swaps 4xx and 5xx answers too), so it must
		// not be a whole page inside a page.
		if c.Request().Method == http.MethodPost && c.Path() == "/check" {
			// In place of the checklist, and of the verdict it would
			// have given: a stale verdict would answer another key.
			c.Response().Header().Set("HX-Retarget", "#checklist")
			werr = s.render(c, appErr.Status, templates.CheckError(view))
			break
		}
		werr = s.render(c, appErr.Status, templates.ErrorBox(view))
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(appErr.Status)
	default:
		p := s.page(c, heading(appErr.Status)+" · keycheck", appErr.Message)
		// An error page never repeats the address asked for: it may hold
		// what a person pasted in the wrong place, the key itself in
		// /runs/<key>. The name form returns to the run, or home.
		p.Path, p.URL = cmp.Or(view.Back, "/"), ""
		werr = s.render(c, appErr.Status, templates.Error(p, view))
	}
	if werr != nil {
		s.log.Error("writing error response", "err", werr)
	}
}

// classify turns any error into one safe to show, logging the ones that
// are keycheck's fault.
func (s *Server) classify(err error, c echo.Context) *Error {
	var appErr *Error
	if errors.As(err, &appErr) {
		if appErr.Status >= 500 && !appErr.logged {
			s.log.Error("request failed", "path", c.Path(), "code", appErr.Code, "err", appErr.Err)
		}
		return appErr
	}
	if errors.Is(err, run.ErrNotFound) {
		return errRunNotFound
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return errPageNotFound
		case http.StatusMethodNotAllowed:
			return errorf(he.Code, "method_not_allowed", "This address does not take a %s request.", c.Request().Method)
		case http.StatusRequestEntityTooLarge:
			return errBodyTooLarge
		case http.StatusForbidden:
			return errorf(he.Code, "forbidden", "This request came from another site, or its form is stale. Reload the page and try again.")
		case http.StatusBadRequest:
			return errorf(he.Code, "bad_request", "The request could not be read. Reload the page and try again.")
		case http.StatusUnsupportedMediaType:
			return errorf(he.Code, "unsupported_media_type", "Send JSON with Content-Type: application/json.")
		}
		if he.Code < 500 {
			return errorf(he.Code, "bad_request", "%s", http.StatusText(he.Code))
		}
	}
	if errors.Is(err, context.Canceled) {
		return errorf(499, "canceled", "The request was cancelled.")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errorf(http.StatusServiceUnavailable, "timeout", "keycheck took too long to answer. Try again.")
	}
	s.log.Error("internal error", "path", c.Path(), "err", err)
	return errorf(http.StatusInternalServerError, "internal", "Something went wrong inside keycheck. It has been logged; try again.")
}

// waitWords says a wait in seconds for people: "40 s", "2 min 40 s",
// "1 h 5 min". Past an hour the seconds round up to a minute: the words
// never promise less wait than Retry-After.
func waitWords(secs int) string {
	if secs >= 3600 && secs%60 != 0 {
		secs += 60 - secs%60
	}
	h, m, sec := secs/3600, secs%3600/60, secs%60
	var parts []string
	if h > 0 {
		parts = append(parts, strconv.Itoa(h)+" h")
	}
	if m > 0 {
		parts = append(parts, strconv.Itoa(m)+" min")
	}
	if sec > 0 {
		parts = append(parts, strconv.Itoa(sec)+" s")
	}
	if len(parts) == 0 {
		return "1 s"
	}
	return strings.Join(parts, " ")
}

func heading(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusTooManyRequests:
		return "Slow down"
	case http.StatusConflict:
		return "That does not match"
	case http.StatusRequestEntityTooLarge:
		return "Too large"
	case http.StatusServiceUnavailable:
		return "Try again in a moment"
	case http.StatusForbidden:
		return "Not allowed"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	if status == http.StatusBadRequest {
		return "Check what you pasted"
	}
	return "That did not work"
}

func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/hooks/")
}

// recoverPanics turns a panic into an internal error, logged once with its
// stack, instead of a dropped connection. It never logs the request body.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "path", c.Request().URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				err = &Error{Status: http.StatusInternalServerError, Code: "internal",
					Message: "Something went wrong inside keycheck. It has been logged; try again.", logged: true}
			}
		}()
		return next(c)
	}
}
