package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

const runsPerPage = 25

func (s *Server) handleRunList(c echo.Context) error {
	l, err := s.listRuns(c)
	if err != nil {
		return err
	}
	f := l.filter
	if f.Fingerprint != "" {
		// One key's runs have their own page, with its answer on top.
		q := c.QueryParams()
		q.Del("fingerprint")
		to := templates.KeyURLOf(checks.Fingerprint{SHA256: f.Fingerprint})
		if len(q) > 0 {
			to += "?" + q.Encode()
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	v := templates.RunsPage{Runs: l.runs, Now: s.now(), Failed: f.FailedStep, First: f.Before.IsZero()}
	if l.older != nil {
		v.Older = "/runs?" + l.older.Encode()
	}
	title := "Team runs · keycheck"
	if f.FailedStep != "" {
		title = "Runs where " + string(f.FailedStep) + " failed · keycheck"
	}
	p := s.page(c, title, "Recent key checks from the team, newest first.")
	p.Nav = "runs"
	return s.render(c, http.StatusOK, templates.RunsList(p, v))
}

// runList is one page of the team's runs, as the page and the API list it.
type runList struct {
	filter run.ListFilter
	runs   []*run.Run
	// older is the query of the next (older) page; nil on the last.
	older url.Values
}

// errRunsListOff answers the list under --runs-list off: there, a run's
// link is the only way to it, so no page lists the ids.
var errRunsListOff = &Error{Status: http.StatusNotFound, Code: "runs_list_off",
	Message: "This keycheck does not list runs: a run is seen only by whoever has its link. Ask the person who ran the check for the run's link."}

// listRuns reads the page of runs the query asks for (?failed=STEP,
// ?fingerprint=sha256:HASH, ?before=CURSOR). The page and the API both list
// through it, so --runs-list off closes both.
func (s *Server) listRuns(c echo.Context) (runList, error) {
	if !s.cfg.RunsList {
		return runList{}, errRunsListOff
	}
	f, err := parseListFilter(c)
	if err != nil {
		return runList{}, err
	}
	return s.pageOfRuns(c, f)
}

// pageOfRuns reads one page of the runs f selects, newest first, with the
// query of the next page.
func (s *Server) pageOfRuns(c echo.Context, f run.ListFilter) (runList, error) {
	l := runList{filter: f}
	f.Limit = runsPerPage + 1
	runs, err := s.store.ListRuns(c.Request().Context(), f)
	if err != nil {
		return l, storeError("list the runs", err)
	}
	for i, r := range runs {
		runs[i] = s.settle(c.Request().Context(), r)
	}
	if len(runs) <= runsPerPage {
		l.runs = runs
		return l, nil
	}
	l.runs = runs[:runsPerPage]
	last := l.runs[len(l.runs)-1]
	q := url.Values{}
	q.Set("before", strconv.FormatInt(last.Created.UnixNano(), 10)+"."+last.ID)
	if f.FailedStep != "" {
		q.Set("failed", string(f.FailedStep))
	}
	if f.Fingerprint != "" {
		q.Set("fingerprint", f.Fingerprint)
	}
	l.older = q
	return l, nil
}

// parseListFilter reads ?failed=STEP, ?fingerprint=sha256:HASH and
// ?before=CURSOR.
func parseListFilter(c echo.Context) (run.ListFilter, error) {
	var f run.ListFilter
	if step := c.QueryParam("failed"); step != "" {
		if _, ok := checks.Lookup(checks.ID(step)); !ok {
			return f, errBadFilter
		}
		f.FailedStep = checks.ID(step)
	}
	if fp := c.QueryParam("fingerprint"); fp != "" {
		hash, _, ok := keyHash(fp)
		if !ok {
			return f, errBadFingerprint
		}
		f.Fingerprint = "sha256:" + hash
	}
	if cur := c.QueryParam("before"); cur != "" {
		nanos, id, ok := strings.Cut(cur, ".")
		n, err := strconv.ParseInt(nanos, 10, 64)
		if !ok || err != nil || !validRunID(id) {
			return f, errorf(http.StatusBadRequest, "bad_cursor", "This page link is damaged. Start again from the newest runs.")
		}
		f.Before, f.BeforeID = time.Unix(0, n).UTC(), id
	}
	return f, nil
}

// ownerProbeJSON offers to ask the provider whose key this is.
type ownerProbeJSON struct {
	Provider checks.ProviderID `json:"provider"`
	URL      string            `json:"url"`
	Offer    string            `json:"offer"`
}

// runJSON is a run in the JSON API.
type runJSON struct {
	ID          string             `json:"id"`
	URL         string             `json:"url"`
	Created     time.Time          `json:"created"`
	By          string             `json:"by"`
	Fingerprint checks.Fingerprint `json:"fingerprint"`
	// Verdict is the run's answer; the steps are its evidence.
	Verdict checks.Verdict `json:"verdict"`
	Summary string         `json:"summary"`
	// Provider is the target the run checked the key for.
	Provider checks.ProviderID `json:"provider"`
	Model    string            `json:"model"`
	Live     string            `json:"live"`
	TaskID   string            `json:"task_id,omitempty"`
	// OwnerProbe, when the key is another provider's by its shape, offers
	// to ask that provider, for free: POST {"key"} to its URL.
	OwnerProbe *ownerProbeJSON `json:"owner_probe,omitempty"`
	Steps      []stepJSON      `json:"steps"`
}

func (s *Server) runJSON(c echo.Context, r *run.Run) runJSON {
	live := string(r.Live)
	if live == "" {
		live = "not_run"
	}
	if s.running(r) {
		live = string(run.LiveRunning)
	}
	out := runJSON{
		ID:          r.ID,
		URL:         s.absURL(c, templates.RunURL(r.ID)),
		Created:     r.Created,
		By:          r.By,
		Fingerprint: r.Fingerprint,
		Verdict:     checks.VerdictOf(r.Steps),
		Summary:     checks.Summary(r.Steps),
		Provider:    cmp.Or(r.Provider, checks.ProviderHiAPI),
		Model:       r.Model,
		Live:        live,
		TaskID:      r.TaskID,
		Steps:       make([]stepJSON, len(r.Steps)),
	}
	for i, st := range r.Steps {
		out.Steps[i] = stepJSON{Result: st, URL: s.absURL(c, templates.StepURL(r.ID, st.ID))}
	}
	if r.Owner != "" {
		out.OwnerProbe = &ownerProbeJSON{Provider: r.Owner, URL: s.absURL(c, "/api/v1/runs/"+r.ID+"/owner"),
			Offer: "Ask " + templates.TargetName(r.Owner) + " whether this key works (free)"}
	}
	return out
}

func (s *Server) handleAPIRunShow(c echo.Context) error {
	r, err := s.loadRun(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.runJSON(c, r))
}

type runListJSON struct {
	Runs []runJSON `json:"runs"`
	// Next is the URL of the next (older) page, if any.
	Next string `json:"next,omitempty"`
}

// keyRunsJSON is the list of one key's runs (?fingerprint=), with its
// history's answer: null when what the providers said never changed.
type keyRunsJSON struct {
	runListJSON
	TurningPoint *turnJSON `json:"turning_point"`
}

func (s *Server) handleAPIRunList(c echo.Context) error {
	l, err := s.listRuns(c)
	if err != nil {
		return err
	}
	out := runListJSON{Runs: make([]runJSON, len(l.runs))}
	for i, r := range l.runs {
		out.Runs[i] = s.runJSON(c, r)
	}
	if l.older != nil {
		out.Next = s.absURL(c, "/api/v1/runs?"+l.older.Encode())
	}
	if l.filter.Fingerprint == "" {
		return c.JSON(http.StatusOK, out)
	}
	k, err := s.keyHistory(c.Request().Context(), l.filter.Fingerprint)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, keyRunsJSON{runListJSON: out, TurningPoint: s.turnJSON(c, k.history.Turn)})
}
