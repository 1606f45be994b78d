package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// openTest opens a fresh database in a temporary directory, closed when the
// test ends.
func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keycheck.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// rawDB opens the file as a program that bypasses the store does (the
// sqlite3 shell, a script): the store's lock does not stop it, SQLite's own
// locks do. Its writes stand for another process's, which a cache above the
// store must still see (RunUpdated).
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	// The other program waits as long as it must (a loaded machine can
	// hold the store's lock past the store's own busy_timeout): the tests
	// judge the store, not it.
	own := slices.DeleteFunc(slices.Clone(pragmas), func(p string) bool { return strings.HasPrefix(p, "busy_timeout") })
	q := url.Values{"_pragma": append(own, "busy_timeout(60000)")}
	q.Set("_txlock", "immediate")
	raw, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// rawUpdate stores r over its run through raw, with the store's own SQL,
// as another program would write it.
func rawUpdate(t testing.TB, raw *sql.DB, r *run.Run) {
	t.Helper()
	ctx := context.Background()
	steps, err := encode(r)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := updateRun(ctx, sqliteTx{tx}, r, steps); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// countRuns counts the stored runs, straight from the database.
func countRuns(t *testing.T, db Store) int {
	t.Helper()
	return count(t, db, "SELECT count(*) FROM runs")
}

// fullRun returns a run with every field set, in every nested struct, so a
// field the store forgets fails the round trip. TestFullRunFillsEveryField
// keeps it that way when run.Run grows.
func fullRun(id string, created time.Time) *run.Run {
	paris := time.FixedZone("CEST", 2*60*60)
	r := &run.Run{
		ID:      id,
		Created: created,
		Updated: created.Add(1500 * time.Millisecond).In(paris),
		By:      "ana <ana@example.com>",
		Fingerprint: checks.Fingerprint{
			Prefix: "sk-abc", Suffix: "wxyz⏎", Length: 51, SHA256: "sha256:0f1e2d3c4b5a",
		},
		Provider: checks.ProviderOpenRouter,
		Owner:    checks.ProviderOpenAI,
		Model:    "gpt-image-2",
		Prompt:   "a red apple on a white table, \"quoted\" & <tagged> ✓",
		Live:     run.LiveDone,
		TaskID:   "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR",
		Instance: "host-a/4242/9f2c",
	}
	for _, st := range checks.Catalogue() {
		r.Steps = append(r.Steps, checks.Result{
			ID: st.ID, Title: st.Title, Status: checks.StatusPass,
			Detail: "U+200B at position 17 in sk-ab…wxyz", Fix: "printf '%s' \"$HIAPI_API_KEY\" | sha256sum",
			Headline: "Your key holds a zero-width space: HiAPI would reject it.",
		})
	}
	r.SetStep(checks.Result{
		ID: checks.StepResult, Title: "Task returns an image", Status: checks.StatusPass,
		Detail: "The task finished.", Fix: "none", Headline: "A working key: HiAPI returned an image in 6 s.",
		Live: &checks.LiveEvidence{
			HTTPStatus: 200, Code: "permission_denied", Type: "hiapi_error", Message: "ok",
			RequestID: "2026...Y7", TaskID: r.TaskID, TaskStatus: "success", Cleaned: "the trailing newline",
			Facts: []checks.Fact{{Name: "Label", Value: "ci <prod> ✓"}, {Name: "Credit left", Value: "$4.20"}},
			Outputs: []checks.Output{
				{URL: "https://cdn.hiapi.ai/a.png", Type: "image", ExpireAt: 1767225600},
				{URL: "https://cdn.hiapi.ai/a-thumb.png", Type: "thumbnail", ExpireAt: 1767225601},
			},
		},
	})
	return r
}

func TestFullRunFillsEveryField(t *testing.T) {
	r := fullRun("r1", time.Now())
	var live *checks.LiveEvidence
	for _, s := range r.Steps {
		if s.Live != nil {
			live = s.Live
		}
	}
	for _, v := range []any{*r, r.Fingerprint, r.Steps[len(r.Steps)-1], *live, live.Outputs[0]} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Errorf("fullRun leaves %s.%s zero: set it, so the round trip proves the store keeps it",
					rv.Type().Name(), rv.Type().Field(i).Name)
			}
		}
	}
}

// sameRun fails the test unless got is want as the store returns it: times
// equal and in UTC, everything else deeply equal.
func sameRun(t *testing.T, got, want *run.Run) {
	t.Helper()
	for name, pair := range map[string][2]time.Time{"Created": {got.Created, want.Created}, "Updated": {got.Updated, want.Updated}} {
		g, w := pair[0], pair[1]
		if !g.Equal(w) {
			t.Errorf("%s = %v, want %v", name, g, w)
		}
		if !g.IsZero() && g.Location() != time.UTC {
			t.Errorf("%s location = %v, want UTC", name, g.Location())
		}
	}
	g, w := *got, *want
	g.Created, g.Updated, w.Created, w.Updated = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("run differs:\n got %+v\nwant %+v", g, w)
	}
}

func TestOpenRejectsNonFiles(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db", "x.db?mode=ro"} {
		if db, err := Open(context.Background(), p); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func TestOpenSetsPragmas(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for name, pool := range map[string]*sql.DB{"write": db.write, "read": db.read} {
		// Take several connections at once, so the pool opens new ones.
		var conns []*sql.Conn
		for range 3 {
			c, err := pool.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			if name == "write" {
				break
			}
		}
		for i, c := range conns {
			for pragma, want := range map[string]string{
				"journal_mode": "wal", "busy_timeout": "5000", "foreign_keys": "1", "synchronous": "1",
			} {
				var got string
				if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s conn %d: %s = %s, want %s", name, i, pragma, got, want)
				}
			}
		}
		for _, c := range conns {
			c.Close()
		}
	}
	if _, err := db.read.ExecContext(ctx, "INSERT INTO settings VALUES ('a', 'b')"); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, d testDB) {
		want, err := migrations(migrationFS)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			db := d.open(t)
			n := count(t, db, "SELECT count(*) FROM schema_migrations")
			top := count(t, db, "SELECT max(version) FROM schema_migrations")
			if n != len(want) || top != len(want) {
				t.Errorf("open %d: %d migrations recorded up to %d, want %d", i+1, n, top, len(want))
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestConcurrentOpen: of servers starting at once on a new file, one gets
// it, with the schema applied once; every other is refused, naming the
// file, until the first closes it.
func TestConcurrentOpen(t *testing.T) {
	want, err := migrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "keycheck.db")
		var wg sync.WaitGroup
		dbs := make([]*DB, 8)
		errs := make([]error, len(dbs))
		for i := range dbs {
			wg.Go(func() { dbs[i], errs[i] = Open(context.Background(), path) })
		}
		wg.Wait()
		var winner *DB
		for i, err := range errs {
			switch {
			case err == nil && winner == nil:
				winner = dbs[i]
			case err == nil:
				t.Errorf("round %d: a second Open of one file succeeded", round)
				dbs[i].Close()
			case !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), path):
				t.Errorf("round %d, open %d: %v; want ErrInUse naming %s", round, i, err, path)
			}
		}
		if winner == nil {
			t.Fatalf("round %d: no Open succeeded", round)
		}
		var n int
		if err := winner.read.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(want) {
			t.Errorf("round %d: %d migrations recorded, want %d", round, n, len(want))
		}
		winner.Close()
		again, err := Open(context.Background(), path)
		if err != nil {
			t.Fatalf("round %d: Open after the holder closed: %v", round, err)
		}
		again.Close()
	}
}

// TestOpenIsExclusive: while a DB holds a file, a second Open of it, by
// its path, a relative one or a symlink, is refused with an error that names the
// file and says what to do; the first works on; once it closes, the file
// opens again.
func TestOpenIsExclusive(t *testing.T) {
	ctx := context.Background()
	first, path := openTest(t)
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(path))
	for _, p := range []string{path, link, "keycheck.db"} {
		db, err := Open(ctx, p)
		if err == nil {
			db.Close()
			t.Fatalf("a second Open of %s succeeded while the first holds it", p)
		}
		for _, want := range []string{p, "another keycheck is using this database file", "--db", "PostgreSQL"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Open(%s) = %q; want it to say %q", p, err, want)
			}
		}
		if !errors.Is(err, ErrInUse) {
			t.Errorf("Open(%s) = %v; want ErrInUse", p, err)
		}
	}
	if err := first.CreateRun(ctx, fullRun("r1", t0)); err != nil {
		t.Fatalf("the holder cannot write after refused opens: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	defer second.Close()
	if _, err := second.GetRun(ctx, "r1"); err != nil {
		t.Errorf("the run written before the handover: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, d testDB) {
		db := d.open(t)
		exec(t, db, "INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 0)")
		db.Close()
		again, err := Connect(context.Background(), d.dsn)
		if err == nil {
			again.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("Open = %v, want a newer-schema error", err)
		}
	})
}

func TestMigrationNumbering(t *testing.T) {
	for name, files := range map[string][]string{
		"gap":       {"0001_a.sql", "0003_c.sql"},
		"duplicate": {"0001_a.sql", "0001_b.sql"},
		"no number": {"init.sql"},
		"zero":      {"0000_a.sql"},
	} {
		fsys := fstest.MapFS{}
		for _, f := range files {
			fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
		}
		if _, err := migrations(fsys); err == nil {
			t.Errorf("%s: migrations accepted %v", name, files)
		}
	}
	ms, err := migrations(fstest.MapFS{
		"migrations/0002_b.sql": {Data: []byte("b")},
		"migrations/0001_a.sql": {Data: []byte("a")},
	})
	if err != nil || len(ms) != 2 || ms[0].sql != "a" || ms[1].version != 2 {
		t.Errorf("migrations = %+v, %v", ms, err)
	}
}

func TestFailedMigrationLeavesNothing(t *testing.T) {
	// Pending migrations apply together or not at all: a failure in the
	// last must not leave the first applied.
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		applied, err := migrations(migrationFS)
		if err != nil {
			t.Fatal(err)
		}
		bad := fstest.MapFS{}
		for _, m := range applied {
			bad["migrations/"+m.name] = &fstest.MapFile{Data: []byte("applied already")}
		}
		next := func(n int, name string) string { return fmt.Sprintf("migrations/%04d_%s.sql", len(applied)+n, name) }
		bad[next(1, "ok")] = &fstest.MapFile{Data: []byte("CREATE TABLE a (x INTEGER);")}
		bad[next(2, "bad")] = &fstest.MapFile{Data: []byte("CREATE TABLE b (x INTEGER); CREATE TABLE a (y INTEGER);")}
		tables := "SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b')"
		switch db := db.(type) {
		case *DB:
			err = db.migrate(ctx, bad)
		case *PG:
			err = db.migrate(ctx, bad)
			tables = "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('a', 'b')"
		}
		if badName := path.Base(next(2, "bad")); err == nil || !strings.Contains(err.Error(), badName) {
			t.Fatalf("migrate = %v, want an error naming %s", err, badName)
		}
		if n, version := count(t, db, tables), count(t, db, "SELECT max(version) FROM schema_migrations"); n != 0 || version != len(applied) {
			t.Errorf("after a failed migration: %d of its tables, schema version %d; want 0 and %d", n, version, len(applied))
		}
	})
}

// TestUpgradeKeepsOldRuns: a database made before runs had a target opens
// with its runs intact, each read as HiAPI's (Provider ""), and takes new
// runs with a target.
func TestUpgradeKeepsOldRuns(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "keycheck.db")
	raw := rawDB(t, file)
	first, err := fs.ReadFile(migrationFS, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL) STRICT",
		string(first),
		"INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)",
		"INSERT INTO runs VALUES ('old', 1, NULL, 'ana', 'sk-abc', 'wxyz', 51, 'sha256:0f1e2d3c4b5a', 'gpt-image-2', 'an apple', 'done', '')",
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old, err := db.GetRun(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if old.Provider != "" || old.By != "ana" || old.Model != "gpt-image-2" {
		t.Errorf("old run = %+v, want its fields kept and Provider \"\"", old)
	}
	want := fullRun("new", t0)
	if err := db.CreateRun(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetRun(ctx, "new")
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, got, want)
}

func TestPing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if err := db.Ping(context.Background()); err == nil {
			t.Error("Ping on a closed database succeeded")
		}
	})
}

// TestPingSeesTheFileGo: a database file deleted, moved or replaced under
// a running keycheck still answers queries (SQLite keeps the old file
// open), so Ping compares the file at the path with the one opened.
func TestPingSeesTheFileGo(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
		want   string
	}{
		{"deleted", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, "was deleted or moved"},
		{"moved", func(t *testing.T, path string) {
			if err := os.Rename(path, path+".old"); err != nil {
				t.Fatal(err)
			}
		}, "was deleted or moved"},
		{"replaced", func(t *testing.T, path string) {
			other := filepath.Join(t.TempDir(), "other.db")
			if err := os.WriteFile(other, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}, "was replaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, path := openTest(t)
			tt.change(t, path)
			err := db.Ping(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Ping after the file was %s = %v; want it to say %q and name %s", tt.name, err, tt.want, path)
			}
		})
	}
}

func TestIsBusy(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	// Hold the write lock, as another process would.
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO settings VALUES ('lock', 'held')"); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Exec("INSERT INTO settings VALUES ('other', 'x')")
	if err == nil {
		t.Fatal("a second writer got in while the lock was held")
	}
	wrapped := fmt.Errorf("store: create run: %w", err)
	if !isBusy(wrapped) || isFull(wrapped) {
		t.Errorf("IsBusy = %v, IsFull = %v for %v", isBusy(wrapped), isFull(wrapped), err)
	}
	for _, e := range []error{nil, errors.New("busy"), run.ErrNotFound, context.DeadlineExceeded} {
		if isBusy(e) || isFull(e) {
			t.Errorf("IsBusy/IsFull true for %v", e)
		}
	}
}

// TestWaitingTooLongIsBusy: a write that waits behind the one write
// connection until its caller's deadline runs out says the database is
// busy (503, try again), not that something broke.
func TestWaitingTooLongIsBusy(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	// Hold the only write connection, as a long write would.
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err = db.CreateRun(short, &run.Run{ID: "queued", Created: time.Now()})
	if !errors.Is(err, run.ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("CreateRun behind a held write = %v; want run.ErrBusy over the deadline", err)
	}
	canceled, stop := context.WithCancel(ctx)
	stop()
	if err := db.CreateRun(canceled, &run.Run{ID: "gone", Created: time.Now()}); errors.Is(err, run.ErrBusy) {
		t.Errorf("a canceled request reads busy: %v", err)
	}
}
