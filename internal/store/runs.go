package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// Page sizes for ListRuns.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// runColumns reads a run and, through a correlated subquery on the steps'
// primary key, all its steps as one JSON array: one statement per page, so
// a list costs no query per run and sees one consistent snapshot.
const runColumns = `r.id, r.created, r.updated, r.run_by,
	r.fp_prefix, r.fp_suffix, r.fp_length, r.fp_sha256,
	r.model, r.prompt, r.live, r.task_id, r.provider, r.owner, r.instance,
	'[' || coalesce((SELECT group_concat(s.result, ',' ORDER BY s.idx) FROM steps s WHERE s.run_id = r.id), '') || ']'`

// CreateRun stores a new run with all its steps, or nothing if any part
// fails. ID and Created are required.
func (db *DB) CreateRun(ctx context.Context, r *run.Run) error {
	steps, err := encode(r)
	if err == nil {
		err = db.inWriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO runs
				(id, created, updated, run_by, fp_prefix, fp_suffix, fp_length, fp_sha256, model, prompt, live, task_id, provider, owner, instance)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.Created.UnixNano(), nanos(r.Updated), r.By,
				r.Fingerprint.Prefix, r.Fingerprint.Suffix, r.Fingerprint.Length, r.Fingerprint.SHA256,
				r.Model, r.Prompt, string(r.Live), r.TaskID, string(r.Provider), string(r.Owner), r.Instance)
			if err != nil {
				return err
			}
			return insertSteps(ctx, tx, r.ID, r.Created.UnixNano(), steps)
		})
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
		err = db.inWriteTx(ctx, func(tx *sql.Tx) error { return updateRun(ctx, tx, r, steps) })
	}
	if err != nil {
		return fail("update run "+r.ID, err)
	}
	db.events.publish(run.Event{Kind: run.EventRun, ID: r.ID})
	return nil
}

func updateRun(ctx context.Context, tx *sql.Tx, r *run.Run, steps []step) error {
	var created int64
	err := tx.QueryRowContext(ctx, `UPDATE runs SET
		updated = ?, run_by = ?, fp_prefix = ?, fp_suffix = ?, fp_length = ?, fp_sha256 = ?,
		model = ?, prompt = ?, live = ?, task_id = ?, provider = ?, owner = ?, instance = ?
		WHERE id = ? RETURNING created`,
		nanos(r.Updated), r.By, r.Fingerprint.Prefix, r.Fingerprint.Suffix, r.Fingerprint.Length, r.Fingerprint.SHA256,
		r.Model, r.Prompt, string(r.Live), r.TaskID, string(r.Provider), string(r.Owner), r.Instance, r.ID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return run.ErrNotFound
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM steps WHERE run_id = ?", r.ID); err != nil {
		return err
	}
	return insertSteps(ctx, tx, r.ID, created, steps)
}

// ListRuns returns a page of runs, newest first (by Created, then by ID
// descending, so runs created at the same instant keep a stable order). The
// next page starts after the last run returned: pass its Created and ID as
// Before and BeforeID.
func (db *DB) ListRuns(ctx context.Context, f run.ListFilter) ([]*run.Run, error) {
	q, args := listQuery(f)
	runs, err := scanRuns(db.read.QueryContext(ctx, q, args...))
	if err != nil {
		return nil, fail("list runs", err)
	}
	return runs, nil
}

// listQuery returns ListRuns' statement and arguments. Both forms walk an
// index in the order asked for and stop after limit rows; TestListQueryPlans
// keeps them that way.
func listQuery(f run.ListFilter) (string, []any) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)

	var (
		q    strings.Builder
		args []any
	)
	switch {
	case f.Fingerprint != "":
		// One key's runs walk runs_fingerprint; a failed step, if asked
		// too, is looked up by the steps' primary key.
		q.WriteString("SELECT " + runColumns + " FROM runs r WHERE r.fp_sha256 = ?")
		args = append(args, f.Fingerprint)
		if f.FailedStep != "" {
			q.WriteString(" AND EXISTS (SELECT 1 FROM steps f WHERE f.run_id = r.id AND f.step_id = ? AND f.status = 'fail')")
			args = append(args, string(f.FailedStep))
		}
		if !f.Before.IsZero() {
			q.WriteString(" AND (r.created, r.id) < (?, ?)")
			args = append(args, f.Before.UnixNano(), f.BeforeID)
		}
		q.WriteString(" ORDER BY r.created DESC, r.id DESC LIMIT ?")
	case f.FailedStep == "":
		q.WriteString("SELECT " + runColumns + " FROM runs r")
		if !f.Before.IsZero() {
			q.WriteString(" WHERE (r.created, r.id) < (?, ?)")
			args = append(args, f.Before.UnixNano(), f.BeforeID)
		}
		q.WriteString(" ORDER BY r.created DESC, r.id DESC LIMIT ?")
	default:
		// status = 'fail' is a literal: only then may SQLite use the partial
		// index steps_failed.
		q.WriteString("SELECT " + runColumns + " FROM steps f JOIN runs r ON r.id = f.run_id WHERE f.step_id = ? AND f.status = 'fail'")
		args = append(args, string(f.FailedStep))
		if !f.Before.IsZero() {
			q.WriteString(" AND (f.created, f.run_id) < (?, ?)")
			args = append(args, f.Before.UnixNano(), f.BeforeID)
		}
		q.WriteString(" ORDER BY f.created DESC, f.run_id DESC LIMIT ?")
	}
	return q.String(), append(args, limit)
}

// PruneRuns deletes the runs created before olderThan, with their steps, and
// returns how many runs it deleted.
func (db *DB) PruneRuns(ctx context.Context, olderThan time.Time) (int64, error) {
	if olderThan.IsZero() {
		return 0, nil
	}
	var n int64
	err := db.inWriteTx(ctx, func(tx *sql.Tx) error {
		// Steps go by ON DELETE CASCADE.
		res, err := tx.ExecContext(ctx, "DELETE FROM runs WHERE created < ?", olderThan.UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
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
		runs, err := scanRuns(tx.QueryContext(ctx, "SELECT "+runColumns+" FROM runs r WHERE r.live = ?", string(run.LiveRunning)))
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, r := range runs {
			if !pick(r) {
				continue
			}
			id := r.ID
			change(r)
			if r.ID != id {
				return fmt.Errorf("run %s: the change replaced its id", id)
			}
			steps, err := encode(r)
			if err != nil {
				return err
			}
			if err := updateRun(ctx, tx, r, steps); err != nil {
				return err
			}
			ids = append(ids, r.ID)
		}
		return nil
	})
	if err != nil {
		return 0, fail(op, err)
	}
	for _, id := range ids {
		db.events.publish(run.Event{Kind: run.EventRun, ID: id})
	}
	return int64(len(ids)), nil
}

// step is one row of the steps table.
type step struct {
	id     checks.ID
	status checks.Status
	result string // JSON: a string, since result is a STRICT TEXT column
}

// encode checks r and turns its steps into rows, before any transaction
// starts, so the write lock is not held while JSON is built.
func encode(r *run.Run) ([]step, error) {
	if r.ID == "" {
		return nil, errors.New("run has no id")
	}
	// Nanoseconds since 1970 fit an int64 from 1678 to 2262.
	for name, t := range map[string]time.Time{"created": r.Created, "updated": r.Updated} {
		if t.IsZero() && name == "updated" {
			continue
		}
		if y := t.Year(); y < 1678 || y > 2261 {
			return nil, fmt.Errorf("run %s time %v out of range", name, t)
		}
	}
	steps := make([]step, len(r.Steps))
	for i, s := range r.Steps {
		b, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", s.ID, err)
		}
		steps[i] = step{id: s.ID, status: s.Status, result: string(b)}
	}
	return steps, nil
}

// insertSteps inserts all of a run's steps with one statement.
func insertSteps(ctx context.Context, tx *sql.Tx, runID string, created int64, steps []step) error {
	if len(steps) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO steps (run_id, idx, step_id, status, created, result) VALUES ")
	args := make([]any, 0, 6*len(steps))
	for i, s := range steps {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString("(?,?,?,?,?,?)")
		args = append(args, runID, i, string(s.id), string(s.status), created, s.result)
	}
	_, err := tx.ExecContext(ctx, q.String(), args...)
	return err
}

// nanos stores a time as Unix nanoseconds; the zero time as NULL.
func nanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// scanRuns reads every row of a query of runColumns, given as the query
// returned it.
func scanRuns(rows *sql.Rows, err error) ([]*run.Run, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var runs []*run.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

// scanRun reads one row of runColumns.
func scanRun(row interface{ Scan(...any) error }) (*run.Run, error) {
	var (
		r       run.Run
		created int64
		updated sql.NullInt64
		live    string
		target  string
		owner   string
		steps   []byte
	)
	err := row.Scan(&r.ID, &created, &updated, &r.By,
		&r.Fingerprint.Prefix, &r.Fingerprint.Suffix, &r.Fingerprint.Length, &r.Fingerprint.SHA256,
		&r.Model, &r.Prompt, &live, &r.TaskID, &target, &owner, &r.Instance, &steps)
	if err != nil {
		return nil, err
	}
	r.Created = time.Unix(0, created).UTC()
	r.Updated = fromNanos(updated)
	r.Live = run.LiveState(live)
	r.Provider = checks.ProviderID(target)
	r.Owner = checks.ProviderID(owner)
	if len(steps) > 2 {
		if err := json.Unmarshal(steps, &r.Steps); err != nil {
			return nil, fmt.Errorf("run %s steps: %w", r.ID, err)
		}
	}
	return &r, nil
}
