package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

func (s *Server) handleHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable", "version": s.cfg.Version})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}
