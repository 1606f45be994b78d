package store

import (
	"context"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// Store is keycheck's database, whichever engine holds it: *DB (SQLite, one
// machine) or *PG (PostgreSQL, a team's several instances). Connect picks
// one from the --db value. Every method is safe for concurrent use and
// wraps the failures a person can act on in run.ErrBusy and run.ErrFull.
type Store interface {
	CreateRun(ctx context.Context, r *run.Run) error
	GetRun(ctx context.Context, id string) (*run.Run, error)
	RunUpdated(ctx context.Context, id string) (time.Time, error)
	UpdateRun(ctx context.Context, r *run.Run) error
	ListRuns(ctx context.Context, f run.ListFilter) ([]*run.Run, error)
	PruneRuns(ctx context.Context, olderThan time.Time) (int64, error)

	Setting(ctx context.Context, name string) (string, bool, error)
	PutSettingIfAbsent(ctx context.Context, name, value string) (string, error)

	// Ping reports whether the database answers (liveness, /healthz).
	Ping(ctx context.Context) error
	// Ready reports whether the database answers and its schema is the
	// one this keycheck knows (readiness, /readyz).
	Ready(ctx context.Context) error
	// Engine is "sqlite" or "postgres".
	Engine() string
	Close() error

	// Lease takes or renews this instance's lease until now+ttl: while
	// it holds, the instance is alive and its running live tests are its
	// own. Release gives it up at a clean stop.
	Lease(ctx context.Context, instance string, ttl time.Duration) error
	Release(ctx context.Context, instance string) error
	// UpdateOrphaned applies change to every run whose live test is
	// running under an instance other than self that holds no lease, and
	// stores them in one transaction; it returns how many. (SQLite's file
	// lock lets one process in, so there every running run is orphaned.)
	UpdateOrphaned(ctx context.Context, self string, change func(*run.Run)) (int64, error)

	// Announce tells every instance on this database, this one included,
	// about e. CreateRun and UpdateRun announce their run themselves.
	Announce(ctx context.Context, e run.Event) error
	// Events delivers the announcements made from now on, by every
	// instance, until ctx ends (the channel is then closed). A receiver
	// too slow to keep up loses events rather than blocking others. With
	// PostgreSQL the channel also closes when the listening connection is
	// lost: what was announced meanwhile is gone, so re-read what you
	// follow and subscribe again (Events errs until it has reconnected).
	Events(ctx context.Context) (<-chan run.Event, error)

	// Take counts one use of bucket at now (the caller's clock), shared by
	// every instance: a token bucket of limit uses that refills one use
	// every window/limit (GCRA, so one timestamp per bucket). When it is
	// empty it counts nothing and says how long until a use frees up. A
	// limit or window of 0 is no limit.
	Take(ctx context.Context, bucket string, limit int, window time.Duration, now time.Time) (ok bool, retryAfter time.Duration, err error)
}

var _ Store = (*DB)(nil)
