package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
)

// leaseStore is a shared database as the lease sees it, scripted: each
// renewal fails while away is set.
type leaseStore struct {
	store.Store
	mu                     sync.Mutex
	away                   bool
	leases, sweeps, failed int
	released               int
}

func (s *leaseStore) Lease(context.Context, string, time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leases++
	if s.away {
		s.failed++
		return errors.New("connection refused")
	}
	return nil
}

func (s *leaseStore) UpdateOrphaned(context.Context, string, func(*run.Run)) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweeps++
	return 0, nil
}

func (s *leaseStore) Release(context.Context, string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.released++
	return nil
}

func (s *leaseStore) Engine() string { return "postgres" }

func (s *leaseStore) counts() (leases, sweeps, failed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leases, s.sweeps, s.failed
}

// The lease is taken and the orphans swept before anything else; it is
// renewed every third of its ttl with a sweep after each renewal; a
// renewal that fails is logged and tried again every leaseRetry; and at a
// clean stop it is given up, and nothing renews it after.
func TestLeaseRenewsSweepsAndRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := &leaseStore{}
		var logs bytes.Buffer
		l, err := takeLease(context.Background(), db, "a-1-abc", 30*time.Second, "", slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		want := func(leases, sweeps, failed int) {
			t.Helper()
			synctest.Wait()
			if l, s, f := db.counts(); l != leases || s != sweeps || f != failed {
				t.Errorf("leases %d, sweeps %d, failed %d; want %d, %d, %d", l, s, f, leases, sweeps, failed)
			}
		}
		want(1, 1, 0)
		l.keep()
		time.Sleep(10 * time.Second)
		want(2, 2, 0)
		db.mu.Lock()
		db.away = true
		db.mu.Unlock()
		time.Sleep(10 * time.Second)
		want(3, 2, 1)
		time.Sleep(leaseRetry)
		want(4, 2, 2)
		db.mu.Lock()
		db.away = false
		db.mu.Unlock()
		time.Sleep(leaseRetry)
		want(5, 3, 2)
		if !strings.Contains(logs.String(), "renewing this instance's lease; trying again") {
			t.Errorf("a failed renewal is not logged: %s", logs.String())
		}
		l.release()
		l.release() // app.close after the shutdown: gives up nothing twice
		if db.released != 1 {
			t.Errorf("the lease was released %d times, want once", db.released)
		}
		time.Sleep(time.Minute)
		want(5, 3, 2)
	})
}

// blockingLeaseStore's renewals wait for their context: a renewal in
// flight when the instance stops.
type blockingLeaseStore struct {
	leaseStore
	renewing chan struct{}
}

func (s *blockingLeaseStore) Lease(ctx context.Context, instance string, ttl time.Duration) error {
	if s.renewing == nil {
		return nil // the first take
	}
	close(s.renewing)
	<-ctx.Done()
	return ctx.Err()
}

// A renewal that a clean stop cuts short is no failure: nothing is logged
// as an error, and it is not tried again.
func TestLeaseStopDuringARenewalLogsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := &blockingLeaseStore{}
		var logs bytes.Buffer
		l, err := takeLease(context.Background(), db, "a-1-abc", 30*time.Second, "", slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		db.renewing = make(chan struct{})
		renewing := db.renewing
		l.keep()
		<-renewing
		l.release()
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("a clean stop logged an error: %s", logs.String())
		}
	})
}
