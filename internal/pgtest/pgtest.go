// Package pgtest gives tests a real PostgreSQL: one throwaway cluster per
// test binary, made with Debian's initdb in a temporary directory and
// started on first use, and a fresh database in it for every test that asks.
// No mocks: the store's tests run against the server keycheck meets in
// production.
//
// A test package that uses it says so in its TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and a test calls DSN for a database of its own. Without PostgreSQL's
// binaries the test is skipped with the command that installs them, unless
// the CI environment variable is set: CI must not pass by skipping.
//
// The cluster is a child process of the test binary, not a daemon: Main
// stops it after the tests, and on Linux the kernel kills it when the test
// binary dies any other way (a panic, go test's time-out, SIGKILL), so no
// server outlives its tests. Only the temporary directory may then remain,
// until a later test binary finds it without a server and removes it.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// Main runs the tests of m, then stops the cluster they started, if any,
// and exits with their status. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := shared.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
	}
	os.Exit(code)
}

// shared is the test binary's one cluster. It is package state because the
// tests of one binary share it and Main, which has no test to hang it on,
// stops it.
var shared lazyCluster

// DSN returns the URL of a new, empty database of its own for t, in the
// test binary's cluster (started on the first call), dropped when t ends.
func DSN(t testing.TB) string {
	t.Helper()
	c, err := shared.get()
	if err != nil {
		fail(t, err)
	}
	return c.DSN(t)
}

// Start starts a cluster of t's own, stopped when t ends: for a test that
// stops the server under a store. Most tests want DSN.
func Start(t testing.TB) *Cluster {
	t.Helper()
	c, err := start()
	if err != nil {
		fail(t, err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// fail ends t for a cluster that could not start: skipped where PostgreSQL
// is not installed, except under CI.
func fail(t testing.TB, err error) {
	t.Helper()
	if err == errNotInstalled {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but initdb was not found: scripts/setup.sh installs postgresql")
		}
		t.Skip("PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql/*/bin): " +
			"run scripts/setup.sh, or apt-get install postgresql")
	}
	t.Fatal(err)
}

// lazyCluster starts a cluster on first use and remembers the outcome, a
// failure included, so a broken install costs one attempt, not one a test.
type lazyCluster struct {
	once    sync.Once
	mu      sync.Mutex
	cluster *Cluster
	err     error
}

func (l *lazyCluster) get() (*Cluster, error) {
	l.once.Do(func() {
		c, err := start()
		l.mu.Lock()
		l.cluster, l.err = c, err
		l.mu.Unlock()
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cluster, l.err
}

func (l *lazyCluster) stop() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cluster == nil {
		return nil
	}
	return l.cluster.Stop()
}

// dbSeq numbers the databases of one test binary.
var dbSeq atomic.Int64

// DSN creates a new, empty database for t in c and returns its URL; the
// database is dropped when t ends.
func (c *Cluster) DSN(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d", dbSeq.Add(1))
	ctx := context.Background()
	if err := c.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE ends whatever connection a test left open. A stopped
		// cluster has nothing to drop.
		_ = c.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return c.url(name)
}
