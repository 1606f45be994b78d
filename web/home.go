package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

func (s *Server) handleHome(c echo.Context) error {
	p := s.page(c, "keycheck: why does this API key fail?",
		"Paste an API key and see, step by step, why it looks right but fails: whitespace, wrong variable, wrong provider, header, scope.")
	p.Nav = "check"
	form := templates.FormValues{Model: s.cfg.DefaultModel, Prompt: s.cfg.DefaultPrompt}
	list := templates.Checklist{Idle: true, Results: checks.Check(checks.Input{})}
	demo := templates.Demo{HiAPIURL: s.cfg.HiAPIURL, Keys: s.cfg.DemoKeys, Target: form.Target()}
	return s.render(c, http.StatusOK, templates.Home(p, form, list, s.recentRuns(c), demo))
}

// maxRecentShown is how many of their own runs the home page lists.
const maxRecentShown = 5

// recentRuns are this browser's latest runs, newest first, for the home
// page. Runs pruned since (or unreadable) are left out: the list is a
// convenience, never an error.
func (s *Server) recentRuns(c echo.Context) []*run.Run {
	var out []*run.Run
	for _, id := range s.session(c).recentRuns() {
		if len(out) == maxRecentShown {
			break
		}
		if r, _, err := s.runs.get(c.Request().Context(), id); err == nil {
			out = append(out, r)
		}
	}
	return out
}
