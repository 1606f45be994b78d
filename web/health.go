package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/internal/run"
)

// healthTimeout bounds the database's answer to a probe: a probe that
// hangs tells a load balancer nothing.
const healthTimeout = 2 * time.Second

// handleHealth is liveness (/healthz): the process answers and its
// database too. A failure here is one a restart may cure.
func (s *Server) handleHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), healthTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable", "version": s.cfg.Version})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readiness is /readyz's answer. Reason is one of a few fixed sentences,
// never the database's error, which may name its file or host: the log
// has that.
type readiness struct {
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Version string `json:"version"`
}

// handleReady is readiness (/readyz): whether this instance should be sent
// requests. It is not, from the moment shutdown begins (Close), so a load
// balancer stops sending before the drain; nor while the database does not
// answer or its schema is not the one this keycheck's migrations make (an
// older or newer keycheck's database).
func (s *Server) handleReady(c echo.Context) error {
	notReady := func(reason string) error {
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "not ready", Reason: reason, Version: s.cfg.Version})
	}
	if s.stopping() {
		return notReady("shutting down")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), healthTimeout)
	defer cancel()
	if err := s.store.Ready(ctx); err != nil {
		s.log.Error("readiness check", "err", err)
		if errors.Is(err, run.ErrSchema) {
			return notReady(run.ErrSchema.Error())
		}
		return notReady("database unavailable")
	}
	return c.JSON(http.StatusOK, readiness{Status: "ready", Version: s.cfg.Version})
}

// stopping reports whether shutdown has begun (Close).
func (s *Server) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}
