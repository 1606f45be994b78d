package web

import (
	"github.com/labstack/echo/v4"
)

// routes is keycheck's whole HTTP surface, in one screen.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.ipExtractor()

	// recoverPanics sits inside logRequests, so a panic still gets its
	// request line, with the 500 it became. csrf comes after loadSession:
	// its token is the session's.
	e.Use(s.logRequests, s.recoverPanics, s.securityHeaders, s.limitBody, s.loadSession, s.csrf)

	// Pages.
	e.GET("/", s.handleHome)
	e.POST("/check", s.handleCheck)
	e.POST("/runs", s.handleRunCreate)
	e.GET("/runs", s.handleRunList)
	e.GET("/runs/:id", s.handleRunShow)
	e.GET("/runs/:id/steps/:step", s.handleStepShow)
	e.GET("/keys/:sha", s.handleKeyHistory)
	e.POST("/runs/:id/live", s.handleLiveStart)
	e.GET("/runs/:id/events", s.handleLiveEvents)
	e.POST("/runs/:id/owner", s.handleOwnerProbe)
	e.POST("/runs/:id/forget", s.handleKeyForget)
	e.POST("/name", s.handleNameSet)

	// JSON API.
	api := e.Group("/api/v1", s.requireJSON)
	api.POST("/check", s.handleAPICheck)
	api.POST("/runs", s.handleAPIRunCreate)
	api.GET("/runs", s.handleAPIRunList)
	api.GET("/runs/:id", s.handleAPIRunShow)
	api.POST("/runs/:id/live", s.handleAPILiveStart)
	api.POST("/runs/:id/owner", s.handleAPIOwnerProbe)

	// Operations and assets.
	e.GET("/healthz", s.handleHealth)
	e.HEAD("/healthz", s.handleHealth)
	e.GET("/readyz", s.handleReady)
	e.HEAD("/readyz", s.handleReady)
	e.GET("/static/:hash/*", s.handleStatic)
	e.GET("/favicon.ico", s.handleFavicon)
	return e
}

// hookRoutes is the machines' surface: HiAPI's callback, served apart from
// the pages (Server.ServeHTTP sends /hooks/ here) because it has no
// session and no CSRF token; it proves itself by its signature. It exists
// only when callbacks are on; otherwise /hooks/hiapi is a 404.
func (s *Server) hookRoutes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.ipExtractor()
	e.Use(s.logRequests, s.recoverPanics, s.securityHeaders)
	if len(s.cfg.CallbackSecret) > 0 {
		e.POST("/hooks/hiapi", s.handleHiAPIHook)
	}
	return e
}
