// Package store keeps runs, so the team's history survives restarts: in
// SQLite (DB, through the pure-Go driver modernc.org/sqlite) for one
// machine, or in PostgreSQL (PG, through pgx) for a team's several
// instances. Both keep the one contract, Store; Connect picks the engine. It
// stores only what run.Run holds: redacted evidence, never a key.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/wait"
)

// DB is keycheck's database. Its methods are safe for concurrent use.
//
// Writes go through one connection, reads through a pool. SQLite lets one
// writer at a time hold a database file; with many pooled connections,
// concurrent writers would queue on that file lock, and SQLite resolves the
// queue by sleeping and retrying until busy_timeout runs out, which is unfair
// and fails bursts with SQLITE_BUSY. With a single write connection,
// database/sql queues writers in Go instead: in order, cheaply, and for as
// long as each caller's context allows. Reads never wait for writes: in WAL
// mode readers see the last committed snapshot while the writer works.
//
// Write transactions still begin IMMEDIATE (the write lock is taken at BEGIN,
// under busy_timeout) because the file may be shared with another process,
// such as a second keycheck starting up. A deferred transaction that reads and
// then writes can fail at once with SQLITE_BUSY when another process wrote in
// between, without waiting at all.
type DB struct {
	write *sql.DB
	read  *sql.DB
	// getRun is prepared once (database/sql prepares it again on each pooled
	// connection as needed): parsing the statement costs as much as running it.
	getRun *sql.Stmt
	// getVersion reads only a run's last update (RunUpdated), so a cache
	// above the store can tell whether its copy is current.
	getVersion *sql.Stmt
	// lock is held for the DB's life, so no other keycheck opens the file
	// (see lock). path and opened are the file and its identity at open,
	// for Ping.
	lock   *os.File
	path   string
	opened os.FileInfo
	// events hands what this process announces to its subscribers.
	events broadcaster
}

// busyTimeout is how long a connection waits for another process's lock.
const busyTimeout = 5 * time.Second

// pragmas are set on every connection through the DSN, so a connection the
// pool opens later has them too. WAL is not among them: it is a property of
// the file, which setWAL sets once.
var pragmas = []string{
	fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
	"foreign_keys(1)",
	// NORMAL is durable in WAL mode except for the last commits before a
	// power loss; it saves an fsync per transaction.
	"synchronous(NORMAL)",
}

// Open opens the database file at path, creating it if needed, and brings
// its schema up to date. path must name a file: an in-memory database would
// not be shared between the read and write connections. The file is
// keycheck's alone until Close: while a DB holds it, another Open of it, in
// this process or another, returns an error wrapping ErrInUse. (A program
// that bypasses the store, such as the sqlite3 shell, is not stopped: it
// meets SQLite's own locks.)
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
		return nil, fmt.Errorf("store: open %q: want a plain file path", path)
	}
	db := &DB{path: path}
	if err := db.open(ctx, path); err != nil {
		db.closeOpened()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// open opens the connections and prepares the statements, in order; on an
// error, what it opened is left for closeOpened.
func (db *DB) open(ctx context.Context, path string) (err error) {
	// The lock comes first: nothing may touch a file another keycheck
	// holds, not even to turn WAL on or migrate.
	if db.lock, err = lock(path); err != nil {
		return err
	}
	q := url.Values{"_pragma": pragmas}
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.write = w

	// The write connection opens first: it turns WAL on and creates the
	// schema before any reader looks.
	if err := setWAL(ctx, w); err != nil {
		return err
	}
	if err := db.migrate(ctx, migrationFS); err != nil {
		return err
	}
	if db.opened, err = os.Stat(path); err != nil {
		return err
	}

	q.Del("_txlock")
	q.Set("_query_only", "1")
	r, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return err
	}
	// Idle connections are kept: opening one is far dearer than a query.
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.read = r
	if db.getRun, err = r.PrepareContext(ctx, "SELECT "+runColumns+" FROM runs r WHERE r.id = ?"); err != nil {
		return err
	}
	db.getVersion, err = r.PrepareContext(ctx, "SELECT updated FROM runs WHERE id = ?")
	return err
}

// closeOpened closes whatever a failed open had opened.
func (db *DB) closeOpened() {
	for _, st := range []*sql.Stmt{db.getRun, db.getVersion} {
		if st != nil {
			st.Close()
		}
	}
	for _, c := range []*sql.DB{db.read, db.write} {
		if c != nil {
			c.Close()
		}
	}
	if db.lock != nil {
		db.lock.Close()
	}
}

// setWAL puts the database file in WAL mode, so readers and the writer do
// not block each other. Turning a new file to WAL takes an exclusive lock
// that SQLite does not wait for under busy_timeout: two servers starting at
// once on a new file would see SQLITE_BUSY at once, so this retries for as
// long as busy_timeout would wait. On a file already in WAL mode it takes no
// lock.
func setWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	pause := 5 * time.Millisecond
	for {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil {
			if mode != "wal" {
				// For instance on a file system without shared memory.
				return fmt.Errorf("journal mode is %s, want wal", mode)
			}
			return nil
		}
		if !isBusy(err) || time.Now().After(deadline) {
			return fmt.Errorf("set WAL mode: %w", err)
		}
		if err := wait.For(ctx, pause); err != nil {
			return fmt.Errorf("set WAL mode: %w", err)
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// Close closes the database. Pending writes finish first.
func (db *DB) Close() error {
	db.events.closeAll()
	serr := errors.Join(db.getRun.Close(), db.getVersion.Close())
	rerr := db.read.Close()
	// Keeps the query planner's statistics fresh at little cost; see
	// https://sqlite.org/lang_analyze.html#pragopt.
	_, _ = db.write.Exec("PRAGMA optimize")
	werr := db.write.Close()
	// Last: the file is free for another keycheck only once this one is
	// done with it.
	lerr := db.lock.Close()
	if err := errors.Join(serr, rerr, werr, lerr); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Ping reports whether the database answers a query, and whether its file
// is still the one opened, for /healthz.
func (db *DB) Ping(ctx context.Context) error {
	if err := checkFile(db.path, db.opened); err != nil {
		return fail("ping", err)
	}
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fail("ping", err)
	}
	return nil
}

// fail wraps a failed operation's error for the store's callers, adding the
// domain's error (run.ErrBusy, run.ErrFull) where the cause is one a person
// can act on: callers look for those, never for SQLite's codes. A caller's
// deadline that ran out is busy too: the operation waited its turn for the
// one write connection (or another process's lock) for as long as the
// caller allowed.
func fail(op string, err error) error {
	switch {
	case isBusy(err) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("store: %s: %w: %w", op, run.ErrBusy, err)
	case isFull(err):
		return fmt.Errorf("store: %s: %w: %w", op, run.ErrFull, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// isBusy reports whether err says the database was locked by another writer
// for longer than the busy timeout: the person can simply try again.
func isBusy(err error) bool {
	c, ok := code(err)
	return ok && (c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED)
}

// isFull reports whether err says the disk (or the database's size limit) is
// full: trying again will not help until space is freed.
func isFull(err error) bool {
	c, ok := code(err)
	return ok && c == sqlite3.SQLITE_FULL
}

// code returns the primary result code of the SQLite error in err's chain.
// The driver reports extended codes (SQLITE_BUSY_SNAPSHOT is
// SQLITE_BUSY | 2<<8), whose low byte is the primary code.
func code(err error) (int, bool) {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return 0, false
	}
	return e.Code() & 0xff, true
}

// inWriteTx runs f in a write transaction, committed if f returns nil and
// rolled back otherwise, so that a run is stored whole or not at all.
func (db *DB) inWriteTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
