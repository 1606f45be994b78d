package web

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
)

// handleNameSet keeps the display name shown on this person's runs.
func (s *Server) handleNameSet(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return asBadForm(err)
	}
	name := cleanName(c.Request().PostForm.Get("name"))
	sess := s.session(c)
	back := localPath(c.Request().PostForm.Get("back"))
	if checks.HoldsKeyLike(name) {
		// A name is shown on every run to the whole team: a pasted key
		// must not become one, nor sit in the session cookie.
		sess.flash("That looks like an API key, not a name, so keycheck did not keep it. Type your name instead.", true)
		return redirect(c, back)
	}
	sess.setName(name)
	if name == "" {
		sess.flash("Your runs will show as made by someone.", false)
	} else {
		sess.flash("Your runs will show as made by "+name+".", false)
	}
	return redirect(c, back)
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
