package store

import (
	"context"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// Lease does nothing with SQLite: the file's lock (see lock) is the lease.
// One keycheck holds it for its whole life, and the operating system frees
// it the moment that process dies, however it dies.
func (db *DB) Lease(ctx context.Context, instance string, ttl time.Duration) error { return nil }

// Release does nothing with SQLite: closing the DB frees the file's lock.
func (db *DB) Release(ctx context.Context, instance string) error { return nil }

// UpdateOrphaned applies change to every running run of an instance other
// than self. With SQLite every one of them is orphaned: holding the file's
// lock proves that whoever ran them has stopped.
func (db *DB) UpdateOrphaned(ctx context.Context, self string, change func(*run.Run)) (int64, error) {
	return db.updateRunning(ctx, "update orphaned runs", func(r *run.Run) bool { return r.Instance != self || self == "" }, change)
}
