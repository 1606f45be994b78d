package web

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// maxBody bounds every request body: a key, an env file and a curl command
// fit many times over.
const maxBody = 64 << 10

var errBodyTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
	Message: "The request is over 64 KiB. Paste only the key, the lines of the .env file that matter, and one header or curl command."}

// logRequests writes one slog line per request: method, path, status,
// duration and client IP. Never a body, a header value or a query string,
// so nothing a person pasted can reach the log.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		if !s.log.Enabled(c.Request().Context(), level) {
			return nil // at --log-level warn, no line to build
		}
		s.log.Log(c.Request().Context(), level, "request",
			"method", c.Request().Method,
			"route", c.Path(),
			"status", status,
			"bytes", c.Response().Size,
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"ip", c.RealIP(),
		)
		return nil
	}
}

// securityHeaders sets the headers every response carries. Pages never
// cache: they may reflect a request that carried a key. Echo wraps the
// handler in its middleware on every request, so nothing is computed here
// that could be computed once (the policy is made in New).
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", s.csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if s.isHTTPS(c.Request()) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// contentSecurityPolicy allows only keycheck's own scripts and styles, and
// images from HiAPI's CDN (any https host, since the CDN's name is not
// documented) or from a plain-http HiAPI such as the local fake.
func contentSecurityPolicy(hiapiURL string) string {
	img := "'self' data: https:"
	if u, err := url.Parse(hiapiURL); err == nil && u.Scheme == "http" && u.Host != "" {
		img += " http://" + u.Host
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src " + img,
		"connect-src 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"base-uri 'none'",
	}, "; ")
}

// limitBody refuses bodies over maxBody before anything reads them. A body
// of unknown length (chunked) is read here, up to the limit: otherwise the
// CSRF check, reading the form first, would meet the limit and answer 403
// for what is a 413.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > maxBody {
			return errBodyTooLarge
		}
		if r.Body == nil || r.Body == http.NoBody {
			return next(c)
		}
		if r.ContentLength < 0 {
			b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
			if err != nil {
				return errorf(http.StatusBadRequest, "bad_body", "The request body could not be read.")
			}
			if len(b) > maxBody {
				return errBodyTooLarge
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			return next(c)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBody)
		return next(c)
	}
}

// csrf protects every state-changing request of the pages. A browser says
// where a request comes from in Sec-Fetch-Site: same-origin passes and
// cross-site is refused. Anything else (same-site: a page on another port
// or a sibling subdomain, which can plant cookies for this host; none; or
// no header, from an older browser or a script) must carry the session's
// token (csrfKeys) in the _csrf form field or the X-CSRF-Token header
// (htmx sends it). The token is derived from the session and checked here,
// never read from a cookie, so a planted cookie proves nothing.
//
// The JSON API goes without: a page on another site cannot send
// Content-Type: application/json without a CORS preflight, which keycheck
// never grants, and requireJSON refuses every other type before a handler
// runs, so a cross-site form cannot reach it.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			return next(c)
		}
		if isAPI(c) {
			return next(c)
		}
		switch r.Header.Get("Sec-Fetch-Site") {
		case "same-origin":
			return next(c)
		case "cross-site":
			return errCSRF
		}
		token := r.Header.Get("X-CSRF-Token")
		if token == "" {
			token = r.PostFormValue("_csrf")
		}
		if !s.csrfKeys.valid(s.session(c).id(), token) {
			return errCSRF
		}
		return next(c)
	}
}

var errCSRF = &Error{Status: http.StatusForbidden, Code: "csrf",
	Message: "This request came from another site, or the page is stale. Reload the page and try again."}

// requireJSON refuses an API request that changes something unless its
// body is declared JSON: it is what keeps a cross-site form (which can only
// send form or text/plain bodies) away from the API, which takes no CSRF
// token.
func (s *Server) requireJSON(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if !isJSON(c.Request()) {
			return errUnsupportedMediaType
		}
		return next(c)
	}
}

var errUnsupportedMediaType = &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
	Message: "Send a JSON object with Content-Type: application/json."}

func isJSON(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.EqualFold(strings.TrimSpace(ct), "application/json")
}

// ipExtractor takes the client IP from the connection, unless the
// connection comes from a trusted proxy, whose X-Forwarded-For counts.
func (s *Server) ipExtractor() echo.IPExtractor {
	if len(s.cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range s.cfg.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// fromTrustedProxy reports whether the connection itself comes from one of
// the trusted proxy ranges.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.cfg.TrustedProxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// isHTTPS reports whether the person reached keycheck over https, directly
// or through a trusted proxy.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// asTooLarge maps a body read past maxBody to the 413 a person understands.
func asTooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errBodyTooLarge
	}
	return err
}
