package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/internal/metrics"
	"github.com/keycheck/keycheck/internal/probe"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
	"github.com/keycheck/keycheck/templates"
	"github.com/keycheck/keycheck/web"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseServe(args, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "keycheck serve: %v\n", err)
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	if getenv("GOGC") == "" {
		// keycheck's heap stays far under its memory budget (README,
		// Performance), so it collects less often than Go's default and
		// spends the CPU on requests instead; $GOGC still wins.
		debug.SetGCPercent(200)
	}
	hiapiWords := cfg.HiAPIURL
	if cfg.Demo {
		// The fake stops last (deferred first): the shutdown of live tests
		// in flight may still ask it.
		f, err := serveFake("127.0.0.1:0", fake.Options{Step: fakeStep, SlowDelay: fakeSlow, CallbackSecret: cfg.CallbackSecret})
		if err != nil {
			log.Error("starting the demo's fake HiAPI", "err", err)
			return 1
		}
		defer f.stop()
		cfg.HiAPIURL = f.URL
		cfg.ProviderURLs = fakeOrigins(f.URL)
		delete(cfg.ProviderURLs, checks.ProviderHiAPI)
		hiapiWords = "the demo's fake at " + f.URL + "; try its scenario keys on the home page"
	}
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		log.Error("starting", "err", err)
		return 1
	}
	logCallbacks(log, cfg)
	defer a.close()
	stopMetrics, err := a.startMetrics(stdout)
	if err != nil {
		fmt.Fprintf(stderr, "keycheck serve: %v\n", listenError(err, cfg.MetricsAddr, "KEYCHECK_METRICS_ADDR"))
		return 1
	}
	// Deferred after a.close, so it runs before it: the metrics stop once
	// serve has drained the server and stopped the live tests (the whole
	// shutdown can be watched), and before the database closes.
	defer stopMetrics()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "keycheck serve: %v\n", listenError(err, cfg.Addr, "KEYCHECK_ADDR"))
		return 1
	}
	fmt.Fprintf(stdout, "keycheck is running at http://%s (HiAPI: %s)\n", ln.Addr(), hiapiWords)
	if err := a.serve(ctx, ln); err != nil {
		log.Error("serving", "err", err)
		return 1
	}
	return 0
}

// listenError says what to do when addr is taken, naming the next port
// and the environment variable that moves the server there.
func listenError(err error, addr, env string) error {
	if !errors.Is(err, syscall.EADDRINUSE) {
		return err
	}
	hint := "set " + env + " to another address"
	if host, port, perr := net.SplitHostPort(addr); perr == nil {
		if n, nerr := strconv.Atoi(port); nerr == nil && n > 0 && n < 65535 {
			hint = "set " + env + "=" + net.JoinHostPort(host, strconv.Itoa(n+1))
		}
	}
	return fmt.Errorf("%s is in use: stop the other server or %s", addr, hint)
}

func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// app is a wired keycheck server: store, HiAPI client, live runner, keys
// in memory and the web handler.
type app struct {
	cfg    serveConfig
	log    *slog.Logger
	db     store.Store
	keys   *run.Keys
	runner *run.Runner
	web    *web.Server
	// lease says this instance is alive to the others on the database.
	lease *lease
	// metrics are served on their own listener (startMetrics); nil
	// without --metrics-addr.
	metrics *metrics.Metrics
}

func newApp(ctx context.Context, cfg serveConfig, log *slog.Logger) (*app, error) {
	db, err := store.Connect(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, db: db}
	// With --metrics-addr, everything reaches the database through the
	// metrics, which time it and see live tests end.
	var st store.Store
	var observer web.Observer
	a.metrics, st, observer = measured(cfg, db)
	// A test that was in flight when its keycheck stopped can no longer
	// finish anywhere: say so, with its task id, instead of "running"
	// forever. Only a stopped instance's: another's lease holds.
	self := instanceID()
	if a.lease, err = takeLease(ctx, st, self, cfg.LeaseTTL, cfg.HiAPIURL, log); err != nil {
		db.Close()
		return nil, err
	}
	a.prune(ctx)

	if len(cfg.SessionKeys) == 0 {
		key, err := storedSessionKey(ctx, db)
		if err != nil {
			a.close()
			return nil, err
		}
		cfg.SessionKeys = [][]byte{key}
	}
	client := hiapi.New(cfg.HiAPIURL, hiapi.Options{Version: version, CallbackURL: cfg.callbackURL()})
	a.runner = run.NewRunner(st, hiapi.NewLive(client), newProber(cfg.ProviderURLs), run.LiveConfig{
		BaseURL:   cfg.HiAPIURL,
		PollEvery: cfg.PollEvery,
		Timeout:   cfg.LiveTimeout,
		Callbacks: cfg.callbackURL() != "",
		Instance:  self,
	}, log, nil)
	a.keys = run.NewKeys(cfg.KeyTTL, nil)
	var demo []templates.DemoKey
	if cfg.Demo {
		demo = demoKeys()
	}
	a.web, err = web.New(web.Config{
		HiAPIURL:        cfg.HiAPIURL,
		ProviderURLs:    cfg.ProviderURLs,
		KeyTTL:          cfg.KeyTTL,
		DefaultModel:    cfg.Model,
		DefaultPrompt:   cfg.Prompt,
		SessionKeys:     cfg.SessionKeys,
		TrustedProxies:  cfg.TrustedProxies,
		UserHeader:      cfg.UserHeader,
		LivePerHour:     cfg.LivePerHour,
		ChecksPerMinute: cfg.ChecksPerMinute,
		PublicURL:       cfg.PublicURL,
		StreamsPerIP:    cfg.StreamsPerIP,
		StreamsPerRun:   cfg.StreamsPerRun,
		RunsList:        cfg.RunsList,
		DemoKeys:        demo,
		Version:         version,
		Observer:        observer,
		CallbackSecret:  cfg.callbackSecret(),
		Instance:        self,
	}, log, st, a.runner, a.keys, nil)
	if err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// newProber is the client of every target but HiAPI, asking origins in
// place of a target's own where given: nothing else is ever dialled.
func newProber(origins map[checks.ProviderID]string) *probe.Client {
	return probe.New(origins, probe.Options{Version: version})
}

// storedSessionKey returns the session key kept in the database, making
// one on first start, so sessions survive restarts without configuration.
func storedSessionKey(ctx context.Context, db store.Store) ([]byte, error) {
	var b [32]byte
	rand.Read(b[:])
	v, err := db.PutSettingIfAbsent(ctx, "session_key", hex.EncodeToString(b[:]))
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, errors.New("session key: the stored key is damaged; set KEYCHECK_SESSION_KEYS")
	}
	return key, nil
}

// serve answers on ln until ctx ends, then shuts down (see shutdown).
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	srv := a.web.HTTPServer(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.lease.keep()
	// Live updates from the other instances, until serve returns.
	lctx, stopListening := context.WithCancel(ctx)
	listening := make(chan struct{})
	go func() { defer close(listening); a.web.Listen(lctx) }()
	defer func() { stopListening(); <-listening }()

	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	lastPrune := time.Now()
	for {
		select {
		case err := <-errc:
			if errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			return err
		case <-tick.C:
			a.keys.Sweep()
			if time.Since(lastPrune) > time.Hour {
				a.prune(ctx)
				lastPrune = time.Now()
			}
		case <-ctx.Done():
			a.shutdown(srv)
			return nil
		}
	}
}

// Each phase of a shutdown waits at most its own time, so one that hangs
// leaves the next its whole budget.
const (
	drainTimeout    = 10 * time.Second
	liveStopTimeout = 10 * time.Second
)

// shutdown stops in order. Event streams end first, or the drain would
// wait on them, and /readyz answers 503 from then on, so a load balancer
// stops sending. Then the server stops taking requests and lets those in
// flight finish, so a live test started by one of them is stopped with the
// rest instead of refused. Then the live tests save themselves as
// interrupted, and the instance gives its lease up. The metrics listener
// stops after that (serveCmd), and the database closes last (app.close),
// after every writer.
func (a *app) shutdown(srv *http.Server) {
	a.log.Info("shutting down")
	a.web.Close()
	drain, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(drain); err != nil {
		a.log.Error("requests did not finish in time", "err", err)
		srv.Close()
	}
	stop, cancel := context.WithTimeout(context.Background(), liveStopTimeout)
	defer cancel()
	if err := a.runner.Shutdown(stop); err != nil {
		a.log.Error("live tests did not stop in time", "err", err)
	}
	// Its tests saved, this instance is gone: the others need not wait out
	// the lease to know it.
	a.lease.release()
}

func (a *app) prune(ctx context.Context) {
	n, err := a.db.PruneRuns(ctx, time.Now().Add(-a.cfg.Retention))
	if err != nil {
		a.log.Error("pruning old runs", "err", err)
		return
	}
	if n > 0 {
		a.log.Info("pruned old runs", "runs", n, "older_than", a.cfg.Retention.String())
	}
}

// close gives the lease up, if a shutdown has not (a start that failed
// after taking it, a listener that failed), then closes the database.
func (a *app) close() {
	a.lease.release()
	if err := a.db.Close(); err != nil {
		a.log.Error("closing the database", "err", err)
	}
}
