package web

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// handleNameSet keeps the display name shown on this person's runs.
func (s *Server) handleNameSet(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return asBadForm(err)
	}
	name := cleanName(c.Request().PostForm.Get("name"))
	sess := s.session(c)
	sess.setName(name)
	if name == "" {
		sess.flash("Your runs will show as made by someone.", false)
	} else {
		sess.flash("Your runs will show as made by "+name+".", false)
	}
	return redirect(c, localPath(c.Request().PostForm.Get("back")))
}

// localPath keeps a redirect on this site: a path, never another host.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
