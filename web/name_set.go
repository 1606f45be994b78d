package web

import (
	"net/url"
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

// localPath keeps a redirect on this site: a path that starts with exactly
// one "/" and holds only visible ASCII other than a backslash, as written
// and once percent-decoded; anything else goes home. Browsers drop tabs
// and newlines from a Location and read a backslash as "/", so
// "/\t/evil.example" and "/\evil.example" would both leave the site;
// keycheck's own paths never need a space, a control character or a
// non-ASCII letter.
func localPath(p string) string {
	decoded, err := url.PathUnescape(p)
	if err != nil || !plainPath(p) || !plainPath(decoded) {
		return "/"
	}
	return p
}

// plainPath reports whether p starts with exactly one "/" and is made only
// of visible ASCII other than a backslash.
func plainPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] <= ' ' || p[i] >= 0x7f || p[i] == '\\' {
			return false
		}
	}
	return true
}
