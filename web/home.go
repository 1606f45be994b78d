package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/templates"
)

func (s *Server) handleHome(c echo.Context) error {
	p := s.page(c, "keycheck: why does this API key fail?",
		"Paste an API key and see, step by step, why it looks right but fails: whitespace, wrong variable, wrong provider, header, scope.")
	p.Nav = "check"
	form := templates.FormValues{Model: s.cfg.DefaultModel, Prompt: s.cfg.DefaultPrompt}
	list := templates.Checklist{Idle: true, Results: checks.Check(checks.Input{})}
	return s.render(c, http.StatusOK, templates.Home(p, form, list))
}
