package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// handleLiveStart starts a run's live test from its page: with the key
// this session left in memory, or with one pasted into the form (a
// teammate's, which must be the same key).
func (s *Server) handleLiveStart(c echo.Context) error {
	return s.withPageKey(c, "run the live test", s.startLive)
}

// withPageKey reads the key a run page's form sends (pasted, or else the
// one this session left in memory) and hands it to do, which is to what
// the flash names; do's refusal is flashed on the run's page, but a limit
// (429, with Retry-After) or a failure of keycheck's own is the error page,
// which links back to the run.
func (s *Server) withPageKey(c echo.Context, to string, do func(echo.Context, *run.Run, string) error) error {
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
			sess.flash("Paste your key to "+to+": keycheck no longer holds it (it forgets keys after a few minutes).", true)
			return redirect(c, "/runs/"+r.ID)
		}
		key = held
	}
	if err := do(c, r, key); err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Status >= 500 || e.Status == http.StatusTooManyRequests) {
			return err
		}
		sess.flash(safeMessage(err), true)
	}
	return redirect(c, "/runs/"+r.ID)
}

type liveRequest struct {
	Key string `json:"key"`
}

func (s *Server) handleAPILiveStart(c echo.Context) error {
	return s.withAPIKey(c, "Send the key to test", http.StatusAccepted, s.startLive)
}

// withAPIKey reads {"key"} for the run and hands it to do, answering the
// run as it then stands, with status; ask begins the message that asks for
// a missing key.
func (s *Server) withAPIKey(c echo.Context, ask string, status int, do func(echo.Context, *run.Run, string) error) error {
	r, err := s.loadRun(c)
	if err != nil {
		return err
	}
	var req liveRequest
	if err := parseJSON(c, &req); err != nil {
		return err
	}
	if req.Key == "" {
		return errorf(http.StatusBadRequest, "key_required", "%s as {\"key\": \"...\"}; keycheck keeps no key for the API.", ask)
	}
	if err := do(c, r, req.Key); err != nil {
		return err
	}
	r, err = s.loadRun(c)
	if err != nil {
		return err
	}
	return c.JSON(status, s.runJSON(c, r))
}

// startLive checks that key is the run's key and that limits allow it,
// then hands it to the live runner. The key leaves memory when the test
// ends: keycheck forgets it here, and the runner's copy dies with it.
func (s *Server) startLive(c echo.Context, r *run.Run, key string) error {
	if err := s.sameKey(r, key); err != nil {
		return err
	}
	// Before the limit, so a key that cannot be sent spends no live test.
	if err := liveRefusal(key, r.Provider); err != nil {
		return err
	}
	if s.running(r) {
		return errLiveRunning
	}
	if err := s.limits.allowLive(s.session(c).id(), c.RealIP()); err != nil {
		return err
	}
	return s.beginLive(r, key)
}

// sameKey refuses a key that is not the one the run checked (by its
// fingerprint): a live test or an owner probe is of the run's own key.
func (s *Server) sameKey(r *run.Run, key string) error {
	if len(key) > maxKey {
		return errorf(http.StatusBadRequest, "key_too_long", "The key is %d bytes; no API key is longer than 4 KiB.", len(key))
	}
	if r.Fingerprint.SHA256 == "" {
		return errorf(http.StatusBadRequest, "no_key", "This run had no key, so there is nothing to test live.")
	}
	if fp := checks.FingerprintOf(key); fp.SHA256 != r.Fingerprint.SHA256 {
		return errorf(http.StatusConflict, "key_mismatch",
			"This is not the key this run checked: yours is %s, the run's is %s. Start a new check for your key instead.",
			fp.Short(), r.Fingerprint.Short())
	}
	return nil
}

// beginLive hands key to the live runner, once startLive's checks and the
// limits have passed.
func (s *Server) beginLive(r *run.Run, key string) error {
	if err := runnerError(s.live.Start(r.ID, key), "start the live test"); err != nil {
		return err
	}
	s.keys.Forget(r.ID)
	return nil
}

// runnerError is the live runner's refusal as the person reads it (nil
// stays nil); anything else is keycheck's own failure at doing.
func runnerError(err error, doing string) error {
	var notSent *run.NotSentError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, run.ErrNoOwner):
		return errNoOwner
	case errors.Is(err, run.ErrLiveBusy):
		return errLiveRunning
	case errors.As(err, &notSent):
		return errNotSent(notSent)
	}
	return storeError(doing, err)
}

// liveRefusal is the runner's refusal (run.NotSentError), asked before a
// live test is stored or counted against a limit: the live test follows
// the diagnosis (checks.PlanLive), and a key it would not send is refused
// here the same way.
func liveRefusal(key string, target checks.ProviderID) error {
	plan := run.Plan(key, target)
	if plan.Send {
		return nil
	}
	return errNotSent(&run.NotSentError{Reason: plan.Reason, Cause: plan.Cause})
}

// errNotSent says why nothing went to HiAPI (the plan's sentence, "Not
// sent, since this is an OpenAI key: …"), and which step to fix first.
func errNotSent(e *run.NotSentError) *Error {
	fix := string(e.Cause)
	if st, ok := checks.Lookup(e.Cause); ok {
		fix = st.Title
	}
	why := strings.TrimSpace(e.Reason)
	if !strings.HasSuffix(why, ".") {
		why += "."
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "not_sent",
		Message: why + " Fix “" + fix + "” first.", Err: e}
}

var errLiveRunning = &Error{Status: http.StatusConflict, Code: "live_running",
	Message: "The live test of this run is already running; its result will appear here. No second task was created."}

func asBadForm(err error) error {
	if errors.Is(asTooLarge(err), errBodyTooLarge) {
		return errBodyTooLarge
	}
	return errorf(http.StatusBadRequest, "bad_form", "The form could not be read. Reload the page and try again.")
}

// handleKeyForget wipes the key this session left in memory for the run.
func (s *Server) handleKeyForget(c echo.Context) error {
	r, err := s.loadRun(c)
	if err != nil {
		return err
	}
	sess := s.session(c)
	if s.keys.Has(sess.id(), r.ID) {
		s.keys.Forget(r.ID)
	}
	sess.flash("keycheck has forgotten your key. Paste it again to run the live test.", false)
	return redirect(c, "/runs/"+r.ID)
}
