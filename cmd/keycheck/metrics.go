package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/keycheck/keycheck/internal/metrics"
	"github.com/keycheck/keycheck/internal/store"
	"github.com/keycheck/keycheck/web"
)

// metricsStopTimeout bounds a scrape still in flight when keycheck stops.
const metricsStopTimeout = 5 * time.Second

// measured is what newApp wires when --metrics-addr is given: the
// metrics, the store the runner and the server use (timed, and watched for
// live tests ending) and the server's observer. Without it, db as it is
// and no observer.
func measured(cfg serveConfig, db store.Store) (*metrics.Metrics, store.Store, web.Observer) {
	if cfg.MetricsAddr == "" {
		return nil, db, nil
	}
	m := metrics.New(version)
	return m, m.Store(db), m
}

// startMetrics serves the metrics at /metrics on their own listener
// (--metrics-addr), never on the main port, as Miniflux and Gitea keep
// theirs: what keycheck counts is for the people who run it. It returns
// the func that stops that listener; with no --metrics-addr, nothing is
// served and stop does nothing.
func (a *app) startMetrics(stdout io.Writer) (stop func(), err error) {
	if a.metrics == nil {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("serving metrics", "err", err)
		}
	}()
	fmt.Fprintf(stdout, "keycheck serves metrics at http://%s/metrics\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), metricsStopTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
	}, nil
}
