package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// handleRunCreate stores the submitted check as a run and sends the person
// to its permalink; with live=1 it also starts the live test. A live test
// refused by a limit stores nothing: the person is told how long to wait,
// and "Save as a run" still keeps the check. A key the diagnosis says
// cannot be sent is stored as a check, and its page says why nothing went
// to HiAPI.
func (s *Server) handleRunCreate(c echo.Context) error {
	req, err := parseForm(c)
	if err != nil {
		return err
	}
	if err := req.validate(s.cfg.DefaultModel, s.cfg.DefaultPrompt); err != nil {
		return err
	}
	by, err := s.author(c, req.Key)
	if err != nil {
		return err
	}
	refused := liveRefusal(req.Key, req.Provider)
	if req.Live && refused == nil {
		if err := s.limits.allowLive(s.session(c).id(), c.RealIP()); err != nil {
			return nothingSaved(err)
		}
	}
	r, err := s.createRun(c, req, by)
	if err != nil {
		return err
	}
	sess := s.session(c)
	switch {
	case refused != nil:
		if req.Live {
			sess.flash(safeMessage(refused), true)
		}
		if r.Owner != "" {
			// Held for the person's click that asks the key's owner.
			s.keys.Put(sess.id(), r.ID, req.Key)
		}
		// Otherwise nothing will ever send this key: keycheck does not
		// keep it.
	case req.Live:
		if err := s.beginLive(r, req.Key); err != nil {
			// Held, so the run page's button works once keycheck can
			// start the test (it was stopping, or its database busy).
			s.keys.Put(sess.id(), r.ID, req.Key)
			sess.flash(safeMessage(err), true)
		}
	default:
		// Held in memory so the run page can start the live test without
		// asking for the key again; startLive lets go of it once the test
		// runs.
		s.keys.Put(sess.id(), r.ID, req.Key)
	}
	return redirect(c, "/runs/"+r.ID)
}

// nothingSaved says, on a refused live test from the form, that no run
// was made.
func nothingSaved(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	refused := *e
	refused.Message += " Nothing was saved; “Save as a run” keeps the check without a live test."
	return &refused
}

func (s *Server) handleAPIRunCreate(c echo.Context) error {
	var req checkRequest
	if err := parseJSON(c, &req); err != nil {
		return err
	}
	if err := req.validate(s.cfg.DefaultModel, s.cfg.DefaultPrompt); err != nil {
		return err
	}
	by, err := s.author(c, req.Key)
	if err != nil {
		return err
	}
	if req.Live {
		// Refuse before storing anything: a 4xx answer must mean no run.
		if req.Key == "" {
			return errorf(http.StatusBadRequest, "key_required", "A live test needs a key: send it as \"key\".")
		}
		if err := liveRefusal(req.Key, req.Provider); err != nil {
			return err
		}
		if err := s.limits.allowLive(s.session(c).id(), c.RealIP()); err != nil {
			return err
		}
	}
	r, err := s.createRun(c, req, by)
	if err != nil {
		return err
	}
	at := s.absURL(c, "/api/v1/runs/"+r.ID)
	c.Response().Header().Set("Location", at)
	if req.Live {
		if err := s.beginLive(r, req.Key); err != nil {
			return savedWithoutLive(err, at)
		}
	}
	return c.JSON(http.StatusCreated, s.runJSON(c, r))
}

// savedWithoutLive is the answer when the run was saved but its live test
// could not start (keycheck stopping, the database busy): the error, which
// carries its status and Retry-After, saying where the saved run is
// (Location says it too), so a client starts the test there, once, rather
// than creating a second run.
func savedWithoutLive(err error, at string) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	saved := *e
	saved.Message += " The run itself was saved, without its live test: to run the test, POST the key to " + at + "/live."
	return &saved
}

// createRun runs the offline checks and stores the run, redacted, as by's
// (see author): the key goes no further than checks.Check and the
// fingerprint.
func (s *Server) createRun(c echo.Context, req checkRequest, by string) (*run.Run, error) {
	if err := s.limits.allowCheck(c.RealIP()); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	r := &run.Run{
		ID:          randomID(),
		Created:     now,
		Updated:     now,
		By:          by,
		Fingerprint: checks.FingerprintOf(req.Key),
		Provider:    storedTarget(req.Provider),
		Owner:       ownerOf(req.Key, req.Provider),
		Model:       req.Model,
		Prompt:      req.Prompt,
		Steps:       checks.Check(req.input()),
	}
	if err := s.store.CreateRun(c.Request().Context(), r); err != nil {
		return nil, storeError("save the run", err)
	}
	s.observer().RunCreated(r)
	s.session(c).addRun(r.ID)
	return r, nil
}

// storedTarget is the target as a run keeps it: "" for HiAPI, as every
// run from before keycheck knew other targets reads, so a HiAPI run is
// stored as it always was.
func storedTarget(id checks.ProviderID) checks.ProviderID {
	if id == checks.ProviderHiAPI {
		return ""
	}
	return id
}

// ownerOf is whose key this is by its shape when that is not the target:
// the provider the run's page offers to ask.
func ownerOf(key string, target checks.ProviderID) checks.ProviderID {
	owner, _ := run.OwnerOf(key, target)
	return owner
}

// author is who the run of key will say ran it, refused when the name holds
// a piece of the key: a run shows it to everyone who opens it.
func (s *Server) author(c echo.Context, key string) (string, error) {
	by, proxy := s.who(c)
	if key != "" && checks.FieldHoldingKey(key, checks.Field{Name: "by", Value: by}) != "" {
		return "", errNameHoldsKey(proxy)
	}
	return by, nil
}

// who names the person: the user a trusted proxy vouches for (proxy is
// then true), else the display name kept in the session.
func (s *Server) who(c echo.Context) (name string, proxy bool) {
	if u := s.proxyUser(c); u != "" {
		return u, true
	}
	return s.session(c).name(), false
}

// proxyUser is the signed-in user from --user-header, read only when the
// connection comes from a trusted proxy: anyone else could send the header.
func (s *Server) proxyUser(c echo.Context) string {
	if s.cfg.UserHeader == "" || !s.fromTrustedProxy(c.Request()) {
		return ""
	}
	return cleanName(c.Request().Header.Get(s.cfg.UserHeader))
}

// cleanName keeps a display name printable and short.
func cleanName(name string) string {
	if !utf8.ValidString(name) {
		return ""
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' ' // a pasted tab or newline still separates words
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) > 60 {
		name = string([]rune(name)[:60])
	}
	return name
}

// absURL makes a path absolute, for permalinks in JSON.
func (s *Server) absURL(c echo.Context, path string) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/") + path
	}
	scheme := "http"
	if s.isHTTPS(c.Request()) {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host + path
}

// safeMessage is what a person may read of an error.
func safeMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong inside keycheck. Try again."
}
