package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
	"github.com/keycheck/keycheck/internal/wait"
)

// defaultLeaseTTL is how long an instance's lease holds without a renewal
// (--lease-ttl): it is renewed every third of it, so two renewals in a row
// may fail (a database failing over, a long pause) before the others count
// the instance as gone and mark its live tests interrupted.
const defaultLeaseTTL = 30 * time.Second

// leaseRetry is the wait before renewing again after a renewal failed.
const leaseRetry = 2 * time.Second

// instanceID names this process among the keycheck instances on one
// database: the host's name (a container's is its id or pod name), the
// process id, and a few random bytes, so a restart on the same host is a
// new instance. Short, and not a secret: it is stored with every live
// test this instance runs.
func instanceID() string {
	host, _ := os.Hostname()
	host, _, _ = strings.Cut(host, ".")
	if len(host) > 24 {
		host = host[:24]
	}
	var b [3]byte
	rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// lease keeps this instance's lease on the database while it runs, and
// sweeps the live tests of the instances whose lease lapsed.
type lease struct {
	db        store.Store
	self      string
	ttl       time.Duration
	hiapiBase string
	log       *slog.Logger
	// stop ends keep; done is closed once it has returned (nil before
	// keep).
	stop context.CancelFunc
	done chan struct{}
	// released makes release give the lease up once, however often it is
	// called (shutdown, then app.close).
	released sync.Once
}

// takeLease takes the instance's lease, then marks the live tests of the
// instances that hold none: taken first, this instance's own tests can
// never be taken for another's orphans. keep renews it from then on.
func takeLease(ctx context.Context, db store.Store, self string, ttl time.Duration, hiapiBase string, log *slog.Logger) (*lease, error) {
	if err := db.Lease(ctx, self, ttl); err != nil {
		return nil, err
	}
	l := &lease{db: db, self: self, ttl: ttl, hiapiBase: hiapiBase, log: log, stop: func() {}}
	if n, err := l.sweep(ctx); err != nil {
		return nil, err
	} else if n > 0 {
		log.Warn("marked live tests interrupted by the last stop", "runs", n)
	}
	return l, nil
}

// keep renews the lease in the background until release.
func (l *lease) keep() {
	ctx, stop := context.WithCancel(context.Background())
	l.stop, l.done = stop, make(chan struct{})
	go l.hold(ctx)
}

// sweep marks as interrupted the live tests of instances that hold no
// lease (run.InterruptAbandoned).
func (l *lease) sweep(ctx context.Context) (int64, error) {
	return run.InterruptAbandoned(ctx, l.db, l.self, l.hiapiBase, time.Now())
}

// hold renews the lease every third of its ttl until ctx ends. A renewal
// that fails is logged and tried again every leaseRetry; should the
// database stay away past the ttl, the other instances mark this one's
// live tests interrupted (a test still going saves its later states over
// that mark once the database is back). After each renewal, on a shared
// database, it sweeps the tests of instances gone since (SQLite has no
// other instance: its lock lets one in).
func (l *lease) hold(ctx context.Context) {
	defer close(l.done)
	next := l.ttl / 3
	for wait.For(ctx, next) == nil {
		rctx, cancel := context.WithTimeout(ctx, l.ttl/3)
		err := l.db.Lease(rctx, l.self, l.ttl)
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				return // release cut this renewal short: a clean stop, not a failure
			}
			l.log.Error("renewing this instance's lease; trying again", "instance", l.self, "err", err)
			next = leaseRetry
			continue
		}
		next = l.ttl / 3
		if l.db.Engine() != "sqlite" {
			if n, err := l.sweep(rctx); err != nil && ctx.Err() == nil {
				l.log.Error("marking the live tests of stopped instances", "err", err)
			} else if n > 0 {
				l.log.Warn("marked live tests interrupted: the instance running them stopped renewing its lease", "runs", n)
			}
		}
		cancel()
	}
}

// release stops renewing and gives the lease up, at a clean stop once the
// live tests have saved themselves: the others need not wait out the ttl.
// A second call does nothing.
func (l *lease) release() {
	l.released.Do(func() {
		l.stop()
		if l.done != nil {
			<-l.done
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := l.db.Release(ctx, l.self); err != nil {
			l.log.Error("releasing this instance's lease", "instance", l.self, "err", err)
		}
	})
}
