package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// CreateRun stores a new run with all its steps, or nothing if any part
// fails, and announces it to every instance when it commits. ID and
// Created are required.
func (p *PG) CreateRun(ctx context.Context, r *run.Run) error {
	return p.writeRun(ctx, "create run", r, insertRun)
}

// writeRun stores r with write (insertRun, updateRun) and announces it, in
// one transaction.
func (p *PG) writeRun(ctx context.Context, op string, r *run.Run, write func(context.Context, txn, *run.Run, []step) error) error {
	steps, err := encode(r)
	if err == nil {
		err = p.inTx(ctx, func(tx pgTx) error {
			if err := write(ctx, tx, r, steps); err != nil {
				return err
			}
			return notify(ctx, tx, run.Event{Kind: run.EventRun, ID: r.ID})
		})
	}
	if err != nil {
		return p.fail(op+" "+r.ID, err)
	}
	return nil
}

// GetRun returns the run with the given id, or an error wrapping
// run.ErrNotFound. Its times are in UTC.
func (p *PG) GetRun(ctx context.Context, id string) (*run.Run, error) {
	r, err := scanRun(p.pool.QueryRow(ctx, "SELECT "+runColumns+" FROM runs r WHERE r.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		err = run.ErrNotFound
	}
	if err != nil {
		return nil, p.fail("get run "+id, err)
	}
	return r, nil
}

// RunUpdated returns when the run last changed (its Updated), whichever
// instance wrote it; the error wraps run.ErrNotFound when there is no such
// run.
func (p *PG) RunUpdated(ctx context.Context, id string) (time.Time, error) {
	var updated sql.NullInt64
	err := p.pool.QueryRow(ctx, "SELECT updated FROM runs WHERE id = $1", id).Scan(&updated)
	if errors.Is(err, sql.ErrNoRows) {
		err = run.ErrNotFound
	}
	if err != nil {
		return time.Time{}, p.fail("read run "+id, err)
	}
	return fromNanos(updated), nil
}

// UpdateRun stores r over the run with the same id, steps included, in one
// transaction that announces it; the error wraps run.ErrNotFound if there
// is none. Created never changes.
func (p *PG) UpdateRun(ctx context.Context, r *run.Run) error {
	return p.writeRun(ctx, "update run", r, updateRun)
}

// ListRuns returns a page of runs, newest first, exactly as DB's does.
func (p *PG) ListRuns(ctx context.Context, f run.ListFilter) ([]*run.Run, error) {
	q, args := listQuery(f)
	rows, err := p.pool.Query(ctx, rebind(q, len(args)), args...)
	var runs []*run.Run
	if err == nil {
		runs, err = scanRuns(rows)
		rows.Close()
	}
	if err != nil {
		return nil, p.fail("list runs", err)
	}
	return runs, nil
}

// PruneRuns deletes the runs created before olderThan, with their steps, and
// returns how many runs it deleted.
func (p *PG) PruneRuns(ctx context.Context, olderThan time.Time) (int64, error) {
	if olderThan.IsZero() {
		return 0, nil
	}
	var n int64
	err := p.inTx(ctx, func(tx pgTx) (err error) {
		n, err = pruneRuns(ctx, tx, olderThan)
		return err
	})
	if err != nil {
		return 0, p.fail("prune runs", err)
	}
	return n, nil
}

// Setting returns the stored value of the named setting, and whether there
// is one.
func (p *PG) Setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := p.pool.QueryRow(ctx, "SELECT value FROM settings WHERE name = $1", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, p.fail("setting "+name, err)
	}
	return v, true, nil
}

// PutSettingIfAbsent stores value under name unless a value is already
// there, and returns the stored value. The first writer wins across every
// instance: a second INSERT waits for the first's commit, then does
// nothing, and reads what the first stored.
func (p *PG) PutSettingIfAbsent(ctx context.Context, name, value string) (string, error) {
	var stored string
	err := p.inTx(ctx, func(tx pgTx) (err error) {
		stored, err = putSettingIfAbsent(ctx, tx, name, value)
		return err
	})
	if err != nil {
		return "", p.fail("put setting "+name, err)
	}
	return stored, nil
}
