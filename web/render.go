package web

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/templates"
)

// render writes a component whole or not at all: it renders into a buffer
// first, so a template error becomes an error page, not half a page.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	buf, _ := s.buffers.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer s.putBuffer(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// putBuffer returns a page buffer to the pool (Server.buffers): growing a
// fresh one for every page was a tenth of the run page's cost.
func (s *Server) putBuffer(b *bytes.Buffer) {
	// A rare huge page should not pin its memory in the pool.
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	s.buffers.Put(b)
}

// page fills the layout's view for this request.
func (s *Server) page(c echo.Context, title, description string) templates.Page {
	sess := s.session(c)
	p := templates.Page{
		Title:       title,
		Description: description,
		CSRF:        s.csrfToken(c),
		Name:        sess.name(),
		RunsListOff: !s.cfg.RunsList,
		Asset:       s.assets.URL,
		Path:        c.Request().URL.Path,
		Now:         s.now(),
	}
	if s.cfg.PublicURL != "" {
		// For link previews in chat (og:url); keycheck does not guess its
		// own address from a request's Host for them.
		p.URL = s.absURL(c, c.Request().URL.Path)
	}
	if user := s.proxyUser(c); user != "" {
		p.Name, p.NameLocked = user, true
	}
	for _, f := range sess.takeFlashes() {
		p.Flashes = append(p.Flashes, templates.Flash{Error: f.isError, Text: f.text})
	}
	return p
}

// csrfToken is the token the page's forms and htmx send back (see
// Server.csrf), for the viewer's session: asking for it makes sure the
// session exists, so the token holds on the next post.
func (s *Server) csrfToken(c echo.Context) string {
	return s.csrfKeys.token(s.session(c).id())
}

// redirect answers a form post with 303 See Other, so a reload does not
// post again.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}
