package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/internal/pgtest"
)

// The store's tests run against both engines: SQLite in a temporary
// directory, PostgreSQL in the throwaway cluster pgtest starts (skipped,
// saying how to install it, where PostgreSQL is not installed and CI is
// not set).
func TestMain(m *testing.M) { pgtest.Main(m) }

// testDB is a fresh, empty database of one engine. A test may open it more
// than once: again after a Close (a restart) or, with PostgreSQL, at the
// same time (a second instance).
type testDB struct {
	engine string
	dsn    string // a SQLite file, or a postgres:// URL
}

// open opens d through Connect, as keycheck serve does; the Store is closed
// when t ends.
func (d testDB) open(t testing.TB) Store {
	t.Helper()
	s, err := Connect(context.Background(), d.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newTestDB makes a fresh database of engine for t.
func newTestDB(t testing.TB, engine string) testDB {
	t.Helper()
	if engine == "postgres" {
		return testDB{engine, pgtest.DSN(t)}
	}
	return testDB{engine, filepath.Join(t.TempDir(), "keycheck.db")}
}

var engineNames = []string{"sqlite", "postgres"}

// forEachDatabase runs test once per engine, each on a fresh database of
// its own.
func forEachDatabase(t *testing.T, test func(t *testing.T, d testDB)) {
	t.Helper()
	for _, e := range engineNames {
		t.Run(e, func(t *testing.T) { test(t, newTestDB(t, e)) })
	}
}

// forEachEngine runs test once per engine, each on a fresh Store.
func forEachEngine(t *testing.T, test func(t *testing.T, s Store)) {
	t.Helper()
	forEachDatabase(t, func(t *testing.T, d testDB) { test(t, d.open(t)) })
}

// count runs a count(*) query, written with ? placeholders, straight
// against s's database.
func count(t testing.TB, s Store, q string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	var n int
	var err error
	switch s := s.(type) {
	case *DB:
		err = s.read.QueryRowContext(ctx, q, args...).Scan(&n)
	case *PG:
		err = s.pool.QueryRow(ctx, rebind(q, len(args)), args...).Scan(&n)
	default:
		t.Fatalf("count: unknown store %T", s)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// exec runs a statement, written with ? placeholders, straight against s's
// database, as another program (or a DBA) would.
func exec(t testing.TB, s Store, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	var err error
	switch s := s.(type) {
	case *DB:
		_, err = s.write.ExecContext(ctx, q, args...)
	case *PG:
		_, err = s.pool.Exec(ctx, rebind(q, len(args)), args...)
	default:
		t.Fatalf("exec: unknown store %T", s)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestConnectPicksTheEngine: a postgres:// or postgresql:// URL is
// PostgreSQL, anything else a SQLite file, and each says which it is.
func TestConnectPicksTheEngine(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, d testDB) {
		if got := d.open(t).Engine(); got != d.engine {
			t.Errorf("Connect(%s).Engine() = %q, want %q", d.dsn, got, d.engine)
		}
	})
	for dsn, want := range map[string]bool{
		"postgres://h/db": true, "postgresql://h/db": true, "POSTGRES://h/db": true,
		"keycheck.db": false, "/var/lib/keycheck/postgres.db": false, "postgres.db": false,
	} {
		if got := IsPostgres(dsn); got != want {
			t.Errorf("IsPostgres(%q) = %v, want %v", dsn, got, want)
		}
	}
	// The scheme in capitals opens the same database.
	forEachDatabase(t, func(t *testing.T, d testDB) {
		if d.engine != "postgres" {
			return
		}
		scheme, rest, _ := strings.Cut(d.dsn, "://")
		s, err := Connect(context.Background(), strings.ToUpper(scheme)+"://"+rest)
		if err != nil {
			t.Fatalf("Connect with %s:// = %v", strings.ToUpper(scheme), err)
		}
		s.Close()
	})
}
