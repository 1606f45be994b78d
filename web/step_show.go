package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/templates"
)

func (s *Server) handleStepShow(c echo.Context) error {
	r, err := s.loadRun(c)
	if err != nil {
		return err
	}
	id := checks.ID(c.Param("step"))
	step, ok := checks.StepFor(id, r.Provider)
	if !ok {
		return errStepNotFound
	}
	v := templates.StepPage{Run: r, Step: step, Now: s.now(),
		URL: s.absURL(c, templates.RunURL(r.ID)), BaseURL: s.originOf(r.Provider)}
	for i, res := range r.Steps {
		if res.ID != id {
			continue
		}
		v.Result = res
		if i > 0 {
			v.Prev = &r.Steps[i-1]
		}
		if i+1 < len(r.Steps) {
			v.Next = &r.Steps[i+1]
		}
	}
	if v.Result.ID == "" {
		return errStepNotFound
	}
	title := templates.Icon(v.Result.Status) + " " + string(id) + ": " + v.Result.Title + " (" + templates.StatusWord(v.Result.Status) + ") · keycheck"
	desc := plainLine(v.Result.Detail)
	if v.Result.Fix != "" {
		desc += " Fix: " + plainLine(v.Result.Fix)
	}
	p := s.page(c, title, desc)
	if v.Result.Status == checks.StatusRunning {
		p.Refresh = 3
	}
	return s.render(c, http.StatusOK, templates.StepShow(p, v))
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
