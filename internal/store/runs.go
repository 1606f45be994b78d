package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// CreateRun stores a new run with all its steps, or nothing if any part
// fails. ID and Created are required.
func (db *DB) CreateRun(ctx context.Context, r *run.Run) error {
	steps, err := encode(r)
	if err == nil {
		err = db.inWriteTx(ctx, func(tx *sql.Tx) error { return insertRun(ctx, sqliteTx{tx}, r, steps) })
	}
	if err != nil {
		return fail("create run "+r.ID, err)
	}
	db.events.publish(run.Event{Kind: run.EventRun, ID: r.ID})
	return nil
}

// GetRun returns the run with the given id, or an error wrapping
// run.ErrNotFound. Its times are in UTC.
func (db *DB) GetRun(ctx context.Context, id string) (*run.Run, error) {
	r, err := scanRun(db.getRun.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = run.ErrNotFound
	}
	if err != nil {
		return nil, fail("get run "+id, err)
	}
	return r, nil
}

// RunUpdated returns when the run last changed (its Updated) with a
// one-column read: enough for a cache above the store to tell whether a copy
// read earlier is still current, whichever process or handle wrote since.
// The error wraps run.ErrNotFound when there is no such run.
func (db *DB) RunUpdated(ctx context.Context, id string) (time.Time, error) {
	var updated sql.NullInt64
	err := db.getVersion.QueryRowContext(ctx, id).Scan(&updated)
	if errors.Is(err, sql.ErrNoRows) {
		err = run.ErrNotFound
	}
	if err != nil {
		return time.Time{}, fail("read run "+id, err)
	}
	return fromNanos(updated), nil
}

// UpdateRun stores r over the run with the same id, steps included, in one
// transaction; the error wraps run.ErrNotFound if there is none. Created is
// fixed when the run is created: it orders the list, so it never changes.
func (db *DB) UpdateRun(ctx context.Context, r *run.Run) error {
	steps, err := encode(r)
	if err == nil {
		err = db.inWriteTx(ctx, func(tx *sql.Tx) error { return updateRun(ctx, sqliteTx{tx}, r, steps) })
	}
	if err != nil {
		return fail("update run "+r.ID, err)
	}
	db.events.publish(run.Event{Kind: run.EventRun, ID: r.ID})
	return nil
}

// ListRuns returns a page of runs, newest first (by Created, then by ID
// descending, so runs created at the same instant keep a stable order). The
// next page starts after the last run returned: pass its Created and ID as
// Before and BeforeID.
func (db *DB) ListRuns(ctx context.Context, f run.ListFilter) ([]*run.Run, error) {
	q, args := listQuery(f)
	runs, err := queryRuns(ctx, db.read, q, args...)
	if err != nil {
		return nil, fail("list runs", err)
	}
	return runs, nil
}

// PruneRuns deletes the runs created before olderThan, with their steps, and
// returns how many runs it deleted.
func (db *DB) PruneRuns(ctx context.Context, olderThan time.Time) (int64, error) {
	if olderThan.IsZero() {
		return 0, nil
	}
	var n int64
	err := db.inWriteTx(ctx, func(tx *sql.Tx) (err error) {
		n, err = pruneRuns(ctx, sqliteTx{tx}, olderThan)
		return err
	})
	if err != nil {
		return 0, fail("prune runs", err)
	}
	return n, nil
}

// updateRunning applies change to every run whose live test is running and
// that pick keeps, and stores the changed runs, all in one write
// transaction: no run can start or end in between, and either every run is
// stored or none is. It returns how many runs it updated. change must not
// change a run's ID.
func (db *DB) updateRunning(ctx context.Context, op string, pick func(*run.Run) bool, change func(*run.Run)) (int64, error) {
	var ids []string
	err := db.inWriteTx(ctx, func(tx *sql.Tx) error {
		runs, err := queryRuns(ctx, tx, "SELECT "+runColumns+" FROM runs r WHERE r.live = ?", string(run.LiveRunning))
		if err != nil {
			return err
		}
		runs = slices.DeleteFunc(runs, func(r *run.Run) bool { return !pick(r) })
		ids, err = changeRuns(ctx, sqliteTx{tx}, runs, change)
		return err
	})
	if err != nil {
		return 0, fail(op, err)
	}
	for _, id := range ids {
		db.events.publish(run.Event{Kind: run.EventRun, ID: id})
	}
	return int64(len(ids)), nil
}

// sqliteTx is a SQLite write transaction as the engine-neutral writes need
// it (txn).
type sqliteTx struct{ tx *sql.Tx }

func (t sqliteTx) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := t.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t sqliteTx) queryRow(ctx context.Context, q string, args ...any) interface{ Scan(dest ...any) error } {
	return t.tx.QueryRowContext(ctx, q, args...)
}

// queryRuns runs a query of runColumns on a pool or a transaction and
// reads its runs.
func queryRuns(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string, args ...any) ([]*run.Run, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanRuns(rows)
}
