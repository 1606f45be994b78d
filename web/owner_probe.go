package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// handleOwnerProbe asks the provider whose key this is (the run's Owner),
// from the run's page, whether it accepts the key: the person's click,
// with the key this session left in memory or one pasted again. Nothing
// goes to the run's target.
func (s *Server) handleOwnerProbe(c echo.Context) error {
	r, err := s.loadRun(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return asBadForm(err)
	}
	sess := s.session(c)
	key := normalizeFormNewlines(c.Request().PostForm.Get("key"))
	dropKeyFields(c.Request())
	if key == "" {
		held, ok := s.keys.Get(sess.id(), r.ID)
		if !ok {
			sess.flash("Paste your key to ask its provider: keycheck no longer holds it (it forgets keys after a few minutes).", true)
			return redirect(c, "/runs/"+r.ID)
		}
		key = held
	}
	if err := s.proveOwner(c, r, key); err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Status >= 500 || e.Status == http.StatusTooManyRequests) {
			return err
		}
		sess.flash(safeMessage(err), true)
	}
	return redirect(c, "/runs/"+r.ID)
}

func (s *Server) handleAPIOwnerProbe(c echo.Context) error {
	r, err := s.loadRun(c)
	if err != nil {
		return err
	}
	var req liveRequest
	if err := parseJSON(c, &req); err != nil {
		return err
	}
	if req.Key == "" {
		return errorf(http.StatusBadRequest, "key_required", "Send the key as {\"key\": \"...\"}; keycheck keeps no key for the API.")
	}
	if err := s.proveOwner(c, r, req.Key); err != nil {
		return err
	}
	r, err = s.loadRun(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.runJSON(c, r))
}

// proveOwner checks the key is the run's, as the live test does, counts
// the probe against the live limits (every provider's probes count), and
// asks the owner. It returns when the answer is on the run.
func (s *Server) proveOwner(c echo.Context, r *run.Run, key string) error {
	if err := s.sameKey(r, key); err != nil {
		return err
	}
	if _, ok := run.OwnerOf(key, r.Provider); !ok {
		return errNoOwner
	}
	if s.live.Running(r.ID) {
		return errLiveRunning
	}
	if err := s.limits.allowLive(s.session(c).id(), c.RealIP()); err != nil {
		return err
	}
	err := s.live.ProveOwner(r.ID, key)
	var notSent *run.NotSentError
	switch {
	case errors.Is(err, run.ErrNoOwner):
		return errNoOwner
	case errors.Is(err, run.ErrLiveBusy):
		return errLiveRunning
	case errors.As(err, &notSent):
		return errNotSent(notSent)
	case err != nil:
		return storeError("ask the key's provider", err)
	}
	return nil
}

var errNoOwner = &Error{Status: http.StatusConflict, Code: "no_owner",
	Message: "This key is not another provider's by its shape, so there is no other provider to ask. Run the live test instead."}

// ownerName is the name of the provider whose key this is, for the button.
func ownerName(id checks.ProviderID) string {
	t, _ := checks.TargetOf(id)
	return t.Name
}
