package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/templates"
)

// handleCheck is the as-you-type check: stateless, it answers the
// checklist fragment and keeps nothing.
func (s *Server) handleCheck(c echo.Context) error {
	if err := s.limits.allowCheck(c.RealIP()); err != nil {
		return err
	}
	req, err := parseForm(c)
	if err != nil {
		return err
	}
	if err := req.validate(s.cfg.DefaultModel, s.cfg.DefaultPrompt); err != nil {
		return err
	}
	list := templates.Checklist{
		Idle:        req.empty(),
		Results:     checks.Check(req.input()),
		Fingerprint: checks.FingerprintOf(req.Key),
		VarName:     req.VarName,
		Target:      req.Provider,
	}
	s.observer().Checked(list.Results)
	// The page says whether it shows "Run live test" (absent: it does, as
	// it loads), so the answer replaces the buttons only when that changes.
	shown := c.Request().PostForm.Get("live_shown") != "no"
	return s.render(c, http.StatusOK, templates.CheckAnswer(list, shown, len(s.cfg.DemoKeys) > 0))
}

// checkResponse is the JSON API's answer to a check.
type checkResponse struct {
	// Verdict is the answer; the steps are its evidence.
	Verdict checks.Verdict `json:"verdict"`
	// Provider is the target the key was checked for.
	Provider    checks.ProviderID  `json:"provider"`
	Fingerprint checks.Fingerprint `json:"fingerprint"`
	Summary     string             `json:"summary"`
	Steps       []stepJSON         `json:"steps"`
}

type stepJSON struct {
	checks.Result
	// URL is the step's permalink, for the steps of a stored run.
	URL string `json:"url,omitempty"`
}

func (s *Server) handleAPICheck(c echo.Context) error {
	if err := s.limits.allowCheck(c.RealIP()); err != nil {
		return err
	}
	var req checkRequest
	if err := parseJSON(c, &req); err != nil {
		return err
	}
	if err := req.validate(s.cfg.DefaultModel, s.cfg.DefaultPrompt); err != nil {
		return err
	}
	results := checks.Check(req.input())
	s.observer().Checked(results)
	steps := make([]stepJSON, len(results))
	for i, r := range results {
		steps[i] = stepJSON{Result: r}
	}
	return c.JSON(http.StatusOK, checkResponse{
		Verdict:     checks.VerdictOf(results),
		Provider:    req.Provider,
		Fingerprint: checks.FingerprintOf(req.Key),
		Summary:     checks.Summary(results),
		Steps:       steps,
	})
}
