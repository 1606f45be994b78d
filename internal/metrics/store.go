package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
)

// Store is a store.Store that times each database operation and, from the
// saves the live runner makes, counts the live tests that end. The runner
// keeps no metrics of its own: every state of a live test passes through
// UpdateRun, so the store sees its start and its end. Every method passes
// through to the store it wraps; the embedded one answers those it does
// not time (Engine, Close, Events).
type Store struct {
	store.Store
	m    *Metrics
	ops  storeOps
	live liveStarts
}

// storeOps are the duration histograms of each operation, bound to their
// label once rather than looked up on every call.
type storeOps struct {
	createRun, getRun, runUpdated, updateRun, listRuns, pruneRuns prometheus.Observer
	setting, putSetting, ping, ready                              prometheus.Observer
	lease, release, updateOrphaned, announce, take                prometheus.Observer
}

// Store wraps s so that its operations and the live tests saved through
// it are measured.
func (m *Metrics) Store(s store.Store) *Store {
	op := func(name string) prometheus.Observer { return m.storeDuration.WithLabelValues(name) }
	return &Store{Store: s, m: m, live: liveStarts{at: map[string]time.Time{}}, ops: storeOps{
		createRun: op("create_run"), getRun: op("get_run"), runUpdated: op("run_updated"),
		updateRun: op("update_run"), listRuns: op("list_runs"), pruneRuns: op("prune_runs"),
		setting: op("setting"), putSetting: op("put_setting"), ping: op("ping"), ready: op("ready"),
		lease: op("lease"), release: op("release"), updateOrphaned: op("update_orphaned"),
		announce: op("announce"), take: op("take"),
	}}
}

// since observes the time from start to now on o; deferred with
// time.Now() as start, it times the rest of the function.
func since(o prometheus.Observer, start time.Time) {
	o.Observe(time.Since(start).Seconds())
}

// UpdateRun saves r and, once the save holds, notes where its live test
// stands: its start, or its end, which is counted (liveStarts).
func (s *Store) UpdateRun(ctx context.Context, r *run.Run) error {
	start := time.Now()
	err := s.Store.UpdateRun(ctx, r)
	now := time.Now()
	s.ops.updateRun.Observe(now.Sub(start).Seconds())
	if err == nil {
		if took, ended := s.live.saved(r, now); ended {
			s.m.liveEnded(r, took.Seconds())
		}
	}
	return err
}

// CreateRun is the wrapped store's, timed.
func (s *Store) CreateRun(ctx context.Context, r *run.Run) error {
	defer since(s.ops.createRun, time.Now())
	return s.Store.CreateRun(ctx, r)
}

// GetRun is the wrapped store's, timed.
func (s *Store) GetRun(ctx context.Context, id string) (*run.Run, error) {
	defer since(s.ops.getRun, time.Now())
	return s.Store.GetRun(ctx, id)
}

// RunUpdated is the wrapped store's, timed.
func (s *Store) RunUpdated(ctx context.Context, id string) (time.Time, error) {
	defer since(s.ops.runUpdated, time.Now())
	return s.Store.RunUpdated(ctx, id)
}

// ListRuns is the wrapped store's, timed.
func (s *Store) ListRuns(ctx context.Context, f run.ListFilter) ([]*run.Run, error) {
	defer since(s.ops.listRuns, time.Now())
	return s.Store.ListRuns(ctx, f)
}

// PruneRuns is the wrapped store's, timed.
func (s *Store) PruneRuns(ctx context.Context, olderThan time.Time) (int64, error) {
	defer since(s.ops.pruneRuns, time.Now())
	return s.Store.PruneRuns(ctx, olderThan)
}

// Setting is the wrapped store's, timed.
func (s *Store) Setting(ctx context.Context, name string) (string, bool, error) {
	defer since(s.ops.setting, time.Now())
	return s.Store.Setting(ctx, name)
}

// PutSettingIfAbsent is the wrapped store's, timed.
func (s *Store) PutSettingIfAbsent(ctx context.Context, name, value string) (string, error) {
	defer since(s.ops.putSetting, time.Now())
	return s.Store.PutSettingIfAbsent(ctx, name, value)
}

// Ping is the wrapped store's, timed.
func (s *Store) Ping(ctx context.Context) error {
	defer since(s.ops.ping, time.Now())
	return s.Store.Ping(ctx)
}

// Ready is the wrapped store's, timed.
func (s *Store) Ready(ctx context.Context) error {
	defer since(s.ops.ready, time.Now())
	return s.Store.Ready(ctx)
}

// Lease is the wrapped store's, timed.
func (s *Store) Lease(ctx context.Context, instance string, ttl time.Duration) error {
	defer since(s.ops.lease, time.Now())
	return s.Store.Lease(ctx, instance, ttl)
}

// Release is the wrapped store's, timed.
func (s *Store) Release(ctx context.Context, instance string) error {
	defer since(s.ops.release, time.Now())
	return s.Store.Release(ctx, instance)
}

// UpdateOrphaned is the wrapped store's, timed.
func (s *Store) UpdateOrphaned(ctx context.Context, self string, change func(*run.Run)) (int64, error) {
	defer since(s.ops.updateOrphaned, time.Now())
	return s.Store.UpdateOrphaned(ctx, self, change)
}

// Announce is the wrapped store's, timed.
func (s *Store) Announce(ctx context.Context, e run.Event) error {
	defer since(s.ops.announce, time.Now())
	return s.Store.Announce(ctx, e)
}

// Take is the wrapped store's, timed.
func (s *Store) Take(ctx context.Context, bucket string, limit int, window time.Duration, now time.Time) (bool, time.Duration, error) {
	defer since(s.ops.take, time.Now())
	return s.Store.Take(ctx, bucket, limit, window, now)
}
