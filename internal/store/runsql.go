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

// This file is how a run is written and read in SQL, whichever the engine:
// SQLite and PostgreSQL share the schema's shape (times as Unix
// nanoseconds in 64-bit integers, steps as JSON text), the statements and
// the encoding, so the two cannot drift. Statements use ? placeholders;
// PostgreSQL's side numbers them (rebind).

// Page sizes for ListRuns.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// runColumns reads a run and, through a correlated subquery on the steps'
// primary key, all its steps as one JSON array: one statement per page, so
// a list costs no query per run and sees one consistent snapshot.
// (string_agg with ORDER BY is SQLite's since 3.44 and PostgreSQL's.)
const runColumns = `r.id, r.created, r.updated, r.run_by,
	r.fp_prefix, r.fp_suffix, r.fp_length, r.fp_sha256,
	r.model, r.prompt, r.live, r.task_id, r.provider, r.owner, r.instance,
	'[' || coalesce((SELECT string_agg(s.result, ',' ORDER BY s.idx) FROM steps s WHERE s.run_id = r.id), '') || ']'`

// txn is a write transaction as the engine-neutral writes need it.
type txn interface {
	// exec runs a statement and returns how many rows it changed.
	exec(ctx context.Context, q string, args ...any) (int64, error)
	queryRow(ctx context.Context, q string, args ...any) interface{ Scan(dest ...any) error }
}

// insertRun stores a new run r, with its encoded steps.
func insertRun(ctx context.Context, tx txn, r *run.Run, steps []step) error {
	_, err := tx.exec(ctx, `INSERT INTO runs
		(id, created, updated, run_by, fp_prefix, fp_suffix, fp_length, fp_sha256, model, prompt, live, task_id, provider, owner, instance)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Created.UnixNano(), nanos(r.Updated), r.By,
		r.Fingerprint.Prefix, r.Fingerprint.Suffix, r.Fingerprint.Length, r.Fingerprint.SHA256,
		r.Model, r.Prompt, string(r.Live), r.TaskID, string(r.Provider), string(r.Owner), r.Instance)
	if err != nil {
		return err
	}
	return insertSteps(ctx, tx, r.ID, r.Created.UnixNano(), steps)
}

// updateRun stores r over the run with its id, steps included; the error
// is run.ErrNotFound when there is none. Created stays as it was.
func updateRun(ctx context.Context, tx txn, r *run.Run, steps []step) error {
	var created int64
	err := tx.queryRow(ctx, `UPDATE runs SET
		updated = ?, run_by = ?, fp_prefix = ?, fp_suffix = ?, fp_length = ?, fp_sha256 = ?,
		model = ?, prompt = ?, live = ?, task_id = ?, provider = ?, owner = ?, instance = ?
		WHERE id = ? RETURNING created`,
		nanos(r.Updated), r.By, r.Fingerprint.Prefix, r.Fingerprint.Suffix, r.Fingerprint.Length, r.Fingerprint.SHA256,
		r.Model, r.Prompt, string(r.Live), r.TaskID, string(r.Provider), string(r.Owner), r.Instance, r.ID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) { // pgx.ErrNoRows is it too
		return run.ErrNotFound
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM steps WHERE run_id = ?", r.ID); err != nil {
		return err
	}
	return insertSteps(ctx, tx, r.ID, created, steps)
}

// changeRuns applies change to each of runs, read in tx, and stores them;
// it returns their ids. change must not change a run's ID.
func changeRuns(ctx context.Context, tx txn, runs []*run.Run, change func(*run.Run)) ([]string, error) {
	ids := make([]string, 0, len(runs))
	for _, r := range runs {
		id := r.ID
		change(r)
		if r.ID != id {
			return nil, fmt.Errorf("run %s: the change replaced its id", id)
		}
		steps, err := encode(r)
		if err != nil {
			return nil, err
		}
		if err := updateRun(ctx, tx, r, steps); err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// pruneRuns deletes the runs created before olderThan; their steps go by
// ON DELETE CASCADE. The rate-limit buckets full again since then go too:
// a bucket's row only says how far ahead of now it is, and one that fell
// behind olderThan is as good as never used.
func pruneRuns(ctx context.Context, tx txn, olderThan time.Time) (int64, error) {
	if _, err := tx.exec(ctx, "DELETE FROM limits WHERE tat < ?", olderThan.UnixNano()); err != nil {
		return 0, err
	}
	return tx.exec(ctx, "DELETE FROM runs WHERE created < ?", olderThan.UnixNano())
}

// putSettingIfAbsent stores value under name unless one is there, and
// returns the stored value.
func putSettingIfAbsent(ctx context.Context, tx txn, name, value string) (string, error) {
	if _, err := tx.exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, value); err != nil {
		return "", err
	}
	var stored string
	err := tx.queryRow(ctx, "SELECT value FROM settings WHERE name = ?", name).Scan(&stored)
	return stored, err
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
func insertSteps(ctx context.Context, tx txn, runID string, created int64, steps []step) error {
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
	_, err := tx.exec(ctx, q.String(), args...)
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

// rows is a query's result as both drivers give it (*sql.Rows, pgx.Rows);
// its caller closes it.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanRuns reads every row of a query of runColumns.
func scanRuns(rows rows) ([]*run.Run, error) {
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
func scanRun(row interface{ Scan(dest ...any) error }) (*run.Run, error) {
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
