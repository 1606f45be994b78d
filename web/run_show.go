package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

func (s *Server) handleRunShow(c echo.Context) error {
	r, cached, err := s.readRun(c)
	if err != nil {
		return err
	}
	parts := s.runParts(c, r, cached)
	v := s.runPage(c, r, parts)
	p := s.page(c, parts.title, parts.description)
	if v.Running {
		p.Refresh = 3
	}
	return s.render(c, http.StatusOK, templates.RunShow(p, v))
}

// runParts are what the run's page shows of the run alone: kept with the
// cached run, or made for this request when the run is moving.
func (s *Server) runParts(c echo.Context, r *run.Run, cached *cachedRun) runParts {
	if cached != nil {
		return cached.pageParts(c.Request().Context(), s.originOf(r.Provider))
	}
	return newRunParts(r, s.originOf(r.Provider))
}

func (s *Server) runPage(c echo.Context, r *run.Run, parts runParts) templates.RunPage {
	running := s.running(r)
	return templates.RunPage{
		Run:           r,
		Checklist:     runChecklist(r),
		ChecklistHTML: parts.checklist,
		Verdict:       parts.verdict,
		VerdictHTML:   parts.verdictHTML,
		Now:           s.now(),
		KeyHeld:       s.keys.Has(s.session(c).id(), r.ID),
		Running:       running,
		Curl:          parts.curl,
		ProbeCurl:     parts.probeCurl,
		ModelsCurl:    parts.modelsCurl,
		URL:           s.absURL(c, templates.RunURL(r.ID)),
		BaseURL:       s.originOf(r.Provider),
		Model:         r.Model,
		CSRF:          s.csrfToken(c),
		KeyTTL:        s.keyTTL,
	}
}

// durationWords says how long a duration is, for people: "15 minutes".
func durationWords(d time.Duration) string {
	unit := func(n int64, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return strconv.FormatInt(n, 10) + " " + word + "s"
	}
	switch {
	case d <= 0:
		return "a few minutes"
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute:
		return unit(int64((d+30*time.Second)/time.Minute), "minute")
	}
	return unit(int64((d+time.Second/2)/time.Second), "second")
}

// loadRun reads the run named in the path. A malformed id is a 404 like
// an unknown one: both are a link that leads nowhere. The run may be shared
// with other requests (see runCache): nothing may change it.
func (s *Server) loadRun(c echo.Context) (*run.Run, error) {
	r, _, err := s.readRun(c)
	return r, err
}

// readRun is loadRun with the run's cache entry, nil when settle had to
// change the run (the entry's parts show it as stored).
func (s *Server) readRun(c echo.Context) (*run.Run, *cachedRun, error) {
	id := c.Param("id")
	if !validRunID(id) {
		return nil, nil, errRunNotFound
	}
	r, cached, err := s.runs.get(c.Request().Context(), id)
	if err != nil {
		return nil, nil, storeError("read the run", err)
	}
	if settled := s.settle(c.Request().Context(), r); settled != r {
		return settled, nil, nil
	}
	return r, cached, nil
}

// settle keeps a page from claiming a live test runs when none does. The
// store says "running" from the moment a test starts until its last save;
// if that save was lost (the database busy past its time-out) or the
// server stopped mid-test, the run would read "running" forever, and its
// page would refresh forever. A run the store calls running but this
// server's runner does not know is read once more (its end may have just
// been saved) and, if still so, shown as interrupted: the key lived only
// in this process, so no one else can be running it. r is left as it is
// (it may be shared, see runCache): a changed run is a new one.
func (s *Server) settle(ctx context.Context, r *run.Run) *run.Run {
	if r.Live != run.LiveRunning || s.running(r) {
		return r
	}
	fresh, err := s.store.GetRun(ctx, r.ID)
	if err != nil {
		fresh = r.Clone()
	}
	if fresh.Live == run.LiveRunning && !s.running(fresh) {
		fresh.Interrupt(s.cfg.HiAPIURL)
	}
	return fresh
}

// validRunID accepts what randomID makes: 22 URL-safe base64 characters.
func validRunID(id string) bool {
	if len(id) != 22 {
		return false
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}

// runTitle leads with the verdict, so a tab, and a link pasted into chat,
// say the answer before anyone opens it: its status, the cause's step id
// (as a step's page title has it) and its headline, "✗ whitespace: Your
// key ends with a newline…".
func runTitle(r *run.Run, v checks.Verdict) string {
	t := templates.Icon(v.Status) + " "
	if v.Step != "" {
		t += string(v.Step) + ": "
	}
	return t + strings.TrimSuffix(v.Headline, ".") + " · keycheck"
}

// runDescription is the preview's second line: the steps, the fix that
// matters, and which key was checked when.
func runDescription(r *run.Run, v checks.Verdict) string {
	d := checks.Summary(r.Steps) + "."
	if v.Fix != "" {
		d += " Fix: " + plainLine(v.Fix)
	}
	return d + " Key " + r.Fingerprint.Short() + ", checked " + templates.UTC(r.Created) + "."
}

// plainLine is the first line of product copy as plain text, for a
// preview: no Markdown backticks, at most about 200 characters.
func plainLine(text string) string {
	line := strings.ReplaceAll(firstLine(strings.TrimSpace(text)), "`", "")
	if r := []rune(line); len(r) > 200 {
		line = string(r[:199]) + "…"
	}
	return line
}

// storeError turns a failure of the store or the runner into words a person
// can act on.
func storeError(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case isNotFound(err):
		return errRunNotFound
	case errors.Is(err, run.ErrBusy):
		return &Error{Status: http.StatusServiceUnavailable, Code: "db_busy", RetryAfter: 2,
			Message: "keycheck's database is busy and could not " + what + ". Nothing was half-saved; try again in a moment.", Err: err}
	case errors.Is(err, run.ErrShuttingDown):
		return &Error{Status: http.StatusServiceUnavailable, Code: "shutting_down", RetryAfter: 5,
			Message: "keycheck is restarting and could not " + what + ". Nothing was started; try again in a few seconds.", Err: err}
	case errors.Is(err, run.ErrFull):
		return &Error{Status: http.StatusInsufficientStorage, Code: "db_full",
			Message: "keycheck's disk is full, so it could not " + what + ". Nothing was half-saved. Tell whoever runs this keycheck to free some space.", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "db_error",
		Message: "keycheck could not " + what + ". Nothing was half-saved; try again.", Err: err}
}

func isNotFound(err error) bool { return errors.Is(err, run.ErrNotFound) }
