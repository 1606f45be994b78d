package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

// errBadFingerprint answers a key's address or ?fingerprint= that is not a
// fingerprint's hash. It says what one looks like and where to get it, and
// never echoes what was given: that may be the key itself, pasted.
var errBadFingerprint = &Error{Status: http.StatusBadRequest, Code: "bad_fingerprint",
	Message: "That is not a key's fingerprint. A fingerprint is `sha256:` and 12 lowercase hex digits (0-9, a-f), as a run's fingerprint box shows it, " +
		"or as this prints it where the key is used:\n`" + checks.HashCommand + "`"}

// historyMost is how many runs of one key the top of its history reads:
// a key checked more often than this within the retention is rare, and
// the counts then say "at least".
const historyMost = 1000

// handleKeyHistory is a key's history: every run of one fingerprint,
// newest first, under the answer: the turning point, or what the live
// tests said all along. Under --runs-list off it is closed, as the list
// is: one run's link would otherwise list every other run of the key.
func (s *Server) handleKeyHistory(c echo.Context) error {
	if !s.cfg.RunsList {
		return errRunsListOff
	}
	hash, prefixed, ok := keyHash(c.Param("sha"))
	if !ok {
		return errBadFingerprint
	}
	if prefixed {
		to := templates.KeyURL(hash)
		if q := c.QueryString(); q != "" {
			to += "?" + q
		}
		return c.Redirect(http.StatusMovedPermanently, to)
	}
	f, err := parseListFilter(c)
	if err != nil {
		return err
	}
	f.Fingerprint = "sha256:" + hash
	l, err := s.pageOfRuns(c, f)
	if err != nil {
		return err
	}
	k, err := s.keyHistory(c.Request().Context(), f.Fingerprint)
	if err != nil {
		return err
	}
	v := templates.KeyHistoryPage{Hash: hash, Fingerprint: k.fingerprint, History: k.history, Complete: k.complete,
		Runs: l.runs, Now: s.now(), First: f.Before.IsZero(), VarName: k.varName, Failed: f.FailedStep}
	if l.older != nil {
		l.older.Del("fingerprint")
		v.Older = templates.KeyURL(hash) + "?" + l.older.Encode()
	}
	title := "Key " + hash + ": no runs · keycheck"
	if k.history.Runs > 0 {
		title = "Key " + k.fingerprint.Prefix + "…" + k.fingerprint.Suffix + ": history · keycheck"
	}
	p := s.page(c, title, k.history.Sentence())
	p.Nav = "runs"
	return s.render(c, http.StatusOK, templates.KeyHistory(p, v))
}

// keyHist is what the top of a key's history shows.
type keyHist struct {
	history run.History
	// fingerprint is the newest run's; zero when the key has no run.
	fingerprint checks.Fingerprint
	// varName is the newest run's target's variable, for the hash command.
	varName string
	// complete is false when the key has more runs than historyMost.
	complete bool
}

// keyHistory reads every run of one key, newest first, a store page at a
// time, and makes its history.
func (s *Server) keyHistory(ctx context.Context, fingerprint string) (keyHist, error) {
	var all []*run.Run
	f := run.ListFilter{Fingerprint: fingerprint, Limit: 100}
	k := keyHist{complete: true}
	for {
		runs, err := s.store.ListRuns(ctx, f)
		if err != nil {
			return k, storeError("read the key's runs", err)
		}
		all = append(all, runs...)
		if len(runs) < f.Limit {
			break // the last page: no need to ask for an empty one
		}
		if len(all) >= historyMost {
			k.complete = false
			break
		}
		last := runs[len(runs)-1]
		f.Before, f.BeforeID = last.Created, last.ID
	}
	k.history = run.HistoryOf(all)
	if len(all) > 0 {
		k.fingerprint, k.varName = all[0].Fingerprint, templates.TargetVar(all[0].Provider)
	}
	return k, nil
}

// keyHash reads a key's hash as a path or a query gives it: the 12
// lowercase hex digits sha256sum prints, or the fingerprint's form,
// "sha256:" and those digits (prefixed). Anything else is not one: upper
// case too, since sha256sum never prints it and a fingerprint compared by
// eye should read the same everywhere.
func keyHash(s string) (hash string, prefixed, ok bool) {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	hash, prefixed = strings.CutPrefix(s, "sha256:")
	if len(hash) != 12 {
		return "", false, false
	}
	for i := 0; i < len(hash); i++ {
		if c := hash[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false, false
		}
	}
	return hash, prefixed, true
}

// pointJSON is a run on either side of a turning point.
type pointJSON struct {
	ID   string    `json:"id"`
	URL  string    `json:"url"`
	Time time.Time `json:"time"`
	By   string    `json:"by"`
	// Auth is the auth step's status, HTTPStatus and Code the answer at
	// the step that turned.
	Auth       checks.Status `json:"auth"`
	HTTPStatus int           `json:"http_status,omitempty"`
	Code       string        `json:"code,omitempty"`
}

// turnJSON is a key's turning point in the JSON API.
type turnJSON struct {
	// Kind is revoked, refused, works_again or model_lost.
	Kind     run.TurnKind      `json:"kind"`
	Provider checks.ProviderID `json:"provider"`
	Model    string            `json:"model,omitempty"`
	From     pointJSON         `json:"from"`
	To       pointJSON         `json:"to"`
	Sentence string            `json:"sentence"`
}

func (s *Server) turnJSON(c echo.Context, t *run.Turn) *turnJSON {
	if t == nil {
		return nil
	}
	point := func(p run.Point) pointJSON {
		return pointJSON{ID: p.RunID, URL: s.absURL(c, templates.RunURL(p.RunID)), Time: p.Time, By: p.By,
			Auth: p.Auth, HTTPStatus: p.HTTPStatus, Code: p.Code}
	}
	return &turnJSON{Kind: t.Kind, Provider: t.Target, Model: t.Model, From: point(t.From), To: point(t.To), Sentence: t.Sentence}
}
