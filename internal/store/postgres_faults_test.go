package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keycheck/keycheck/internal/pgtest"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/wait"
)

// holdRow locks run id's row from another connection, as another
// instance's long write would, until the test ends.
func holdRow(t *testing.T, dsn, id string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(ctx) })
	if _, err := tx.Exec(ctx, "SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", id); err != nil {
		t.Fatal(err)
	}
}

// TestPostgresBusy: a write that waits on another's lock longer than the
// server allows (lock_timeout, statement_timeout) or the caller does (its
// deadline) is busy: run.ErrBusy, try again. A caller that gave up is not.
// Afterwards the store works on.
func TestPostgresBusy(t *testing.T) {
	for _, tt := range []struct {
		name   string
		params string        // added to the URL: run-time parameters
		wait   time.Duration // the caller's deadline, 0 for none
		code   string        // the SQLSTATE expected, "" for none
	}{
		{"lock_timeout", "&lock_timeout=50ms", 0, "55P03"},
		// Every statement of the store runs under it, not only the held
		// one: 1 s, not 50 ms, so that none but the held one can outlast
		// it on a loaded machine.
		{"statement_timeout", "&statement_timeout=1s", 0, "57014"},
		{"caller's deadline", "", 50 * time.Millisecond, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newTestDB(t, "postgres")
			// Migrated first, with no limit: a migration may itself outlast
			// a tight statement_timeout on a busy machine (it did, at 50 ms).
			d.open(t)
			d.dsn += tt.params
			s := d.open(t)
			ctx := context.Background()
			r := fullRun("held", t0)
			if err := s.CreateRun(ctx, r); err != nil {
				t.Fatal(err)
			}
			holdRow(t, d.dsn, "held")
			wctx := ctx
			if tt.wait > 0 {
				var cancel context.CancelFunc
				wctx, cancel = context.WithTimeout(ctx, tt.wait)
				defer cancel()
			}
			r.Live = run.LiveDone
			err := s.UpdateRun(wctx, r)
			var pe *pgconn.PgError
			if !errors.Is(err, run.ErrBusy) || errors.Is(err, run.ErrFull) {
				t.Fatalf("UpdateRun behind a held lock = %v; want run.ErrBusy", err)
			}
			if tt.code != "" && (!errors.As(err, &pe) || pe.Code != tt.code) {
				t.Errorf("UpdateRun = %v; want SQLSTATE %s under it", err, tt.code)
			}
			if !strings.Contains(err.Error(), "update run held") {
				t.Errorf("error %q does not say what failed", err)
			}
			// Other runs are not held up.
			if err := s.CreateRun(ctx, fullRun("free", t0)); err != nil {
				t.Errorf("another run while one is held: %v", err)
			}
		})
	}
}

// TestPostgresCanceled: a caller that gives up stores nothing and reads
// canceled, not busy.
func TestPostgresCanceled(t *testing.T) {
	d := newTestDB(t, "postgres")
	s := d.open(t)
	ctx := context.Background()
	r := fullRun("held", t0)
	r.Live = run.LiveRunning
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	holdRow(t, d.dsn, "held")
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		r.Live = run.LiveDone
		errc <- s.UpdateRun(cctx, r)
	}()
	// Cancel once the update waits on the lock.
	for count(t, s, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0 {
		if err := wait.For(t.Context(), 5*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) || errors.Is(err, run.ErrBusy) {
		t.Errorf("a canceled UpdateRun = %v; want context.Canceled, not busy", err)
	}
	if got, err := s.GetRun(ctx, "held"); err != nil || got.Live != run.LiveRunning {
		t.Errorf("after the canceled update: %v, %v; want it still running", got, err)
	}
}

// TestPgDomainError: every SQLSTATE the store reads as the domain's, and
// some it does not. A full disk cannot be made on demand here; the mapping
// is what every method's errors pass through (PG.fail).
func TestPgDomainError(t *testing.T) {
	p := &PG{}
	for code, want := range map[string]error{
		"53100": run.ErrFull,
		"55P03": run.ErrBusy, "57014": run.ErrBusy, "40001": run.ErrBusy, "40P01": run.ErrBusy,
		"53200": run.ErrBusy, "53300": run.ErrBusy, "57P03": run.ErrBusy,
		"57P01": run.ErrBusy, "57P02": run.ErrBusy, "08006": run.ErrBusy, "08001": run.ErrBusy,
		"23505": nil, "54000": nil, "42P01": nil,
	} {
		err := p.fail("create run r1", fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code, Message: "m"}))
		for _, domain := range []error{run.ErrBusy, run.ErrFull} {
			if errors.Is(err, domain) != (domain == want) {
				t.Errorf("SQLSTATE %s: %v; want %v", code, err, want)
			}
		}
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "store: create run r1: ") {
			t.Errorf("SQLSTATE %s: %q lost its cause or what failed", code, err)
		}
	}
	if err := p.fail("x", fmt.Errorf("acquire: %w", context.DeadlineExceeded)); !errors.Is(err, run.ErrBusy) {
		t.Errorf("a pool that stayed empty until the deadline = %v, want busy", err)
	}
	if err := p.fail("x", context.Canceled); errors.Is(err, run.ErrBusy) {
		t.Errorf("a canceled call = %v, want not busy", err)
	}
}

// TestPostgresServerStopped: with the server gone, Ping, Ready and every
// read and write fail with an error that names the database, and nothing
// panics or hangs; Close still closes.
func TestPostgresServerStopped(t *testing.T) {
	c := pgtest.Start(t)
	dsn := c.DSN(t)
	s, err := Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	events, err := s.Events(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	where := strings.TrimPrefix(strings.Split(dsn, "?")[0], "postgres://postgres@")
	if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), where) {
		t.Errorf("Ping = %v; want an error naming %s", err, where)
	}
	if err := s.Ready(ctx); err == nil || !strings.Contains(err.Error(), where) {
		t.Errorf("Ready = %v; want an error naming %s", err, where)
	}
	// A server out of reach is busy to a person (503 db_busy, "try again"),
	// never an internal error.
	if err := s.CreateRun(ctx, fullRun("r1", t0)); !errors.Is(err, run.ErrBusy) {
		t.Errorf("CreateRun with the server stopped = %v, want busy", err)
	}
	if _, err := s.ListRuns(ctx, run.ListFilter{}); !errors.Is(err, run.ErrBusy) {
		t.Errorf("ListRuns with the server stopped = %v, want busy", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	for range events { // closed by Close
	}
}

// TestPostgresPasswordNeverShown: whatever fails at open, the URL's
// password is not in the error, in any of its spellings.
func TestPostgresPasswordNeverShown(t *testing.T) {
	const pw = "Sup3r:S3cret@/x"
	enc := "Sup3r%3AS3cret%40%2Fx"
	for _, dsn := range []string{
		// Nothing listens on port 1.
		"postgres://keycheck:" + enc + "@127.0.0.1:1/keycheck?sslmode=disable&connect_timeout=2",
		"postgres://keycheck@127.0.0.1:1/keycheck?sslmode=disable&connect_timeout=2&password=" + enc,
		// Does not parse.
		"postgres://keycheck:" + enc + "@127.0.0.1:notaport/keycheck",
		"postgresql://keycheck:" + enc + "@127.0.0.1:1/keycheck?sslmode=bogus",
	} {
		s, err := Connect(context.Background(), dsn)
		if err == nil {
			s.Close()
			t.Fatalf("Connect(%s) succeeded", dsn)
		}
		if s != nil {
			t.Errorf("Connect(%s) returned a non-nil Store with its error", dsn)
		}
		for _, secret := range []string{pw, enc, "S3cret"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the password (%q): %v", secret, err)
			}
		}
	}
}
