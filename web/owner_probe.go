package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/internal/run"
)

// handleOwnerProbe asks the provider whose key this is (the run's Owner),
// from the run's page, whether it accepts the key: the person's click,
// with the key this session left in memory or one pasted again. Nothing
// goes to the run's target.
func (s *Server) handleOwnerProbe(c echo.Context) error {
	return s.withPageKey(c, "ask its provider", s.proveOwner)
}

func (s *Server) handleAPIOwnerProbe(c echo.Context) error {
	return s.withAPIKey(c, "Send the key", http.StatusOK, s.proveOwner)
}

// proveOwner checks the key is the run's, as the live test does, counts
// the probe against the live limits (every provider's probes count), and
// asks the owner. It returns when the answer is on the run.
func (s *Server) proveOwner(c echo.Context, r *run.Run, key string) error {
	if err := s.sameKey(r, key); err != nil {
		return err
	}
	owner, ok := run.OwnerOf(key, r.Provider)
	if !ok {
		return errNoOwner
	}
	// Before the limit, as for the live test: a key the owner's probe
	// would not send spends no live test.
	if err := liveRefusal(key, owner); err != nil {
		return err
	}
	if s.running(r) {
		return errLiveRunning
	}
	if err := s.limits.allowLive(s.session(c).id(), c.RealIP()); err != nil {
		return err
	}
	return runnerError(s.live.ProveOwner(r.ID, key), "ask the key's provider")
}

var errNoOwner = &Error{Status: http.StatusConflict, Code: "no_owner",
	Message: "This key is not another provider's by its shape, so there is no other provider to ask. Run the live test instead."}
