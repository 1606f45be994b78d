package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// handleStatic serves embedded assets. A current hash is cached forever;
// an old one (a page from before a deploy) still gets the file, uncached.
func (s *Server) handleStatic(c echo.Context) error {
	f, fresh := s.assets.Lookup(c.Param("hash"), c.Param("*"))
	if f == nil {
		return errPageNotFound
	}
	h := c.Response().Header()
	if fresh {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+f.Hash+`"`)
	h.Set("Content-Type", f.ContentType)
	http.ServeContent(c.Response(), c.Request(), f.Name, time.Time{}, bytes.NewReader(f.Body))
	return nil
}

func (s *Server) handleFavicon(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, s.assets.URL("favicon.svg"))
}
