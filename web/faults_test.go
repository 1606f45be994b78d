package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// sqliteError makes SQLite itself fail the way a busy or full database
// does, and wraps it as the store does, so the server sees the store's real
// error: the domain's, over the driver's.
func sqliteError(t *testing.T, kind string) error {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), kind+".db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	mustExec := func(c *sql.Conn, q string) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(a, "CREATE TABLE t (x BLOB)")
	var got, domain error
	switch kind {
	case "busy":
		b, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		mustExec(b, "PRAGMA busy_timeout = 0")
		mustExec(a, "BEGIN IMMEDIATE")
		defer a.ExecContext(ctx, "ROLLBACK")
		_, got = b.ExecContext(ctx, "BEGIN IMMEDIATE")
		if !strings.Contains(got.Error(), "SQLITE_BUSY") {
			t.Fatalf("want a busy error, got %v", got)
		}
		domain = run.ErrBusy
	case "full":
		mustExec(a, "PRAGMA max_page_count = 8")
		for i := 0; i < 100 && got == nil; i++ {
			_, got = a.ExecContext(ctx, "INSERT INTO t VALUES (randomblob(4096))")
		}
		if !strings.Contains(got.Error(), "disk is full") {
			t.Fatalf("want a full error, got %v", got)
		}
		domain = run.ErrFull
	}
	return fmt.Errorf("store: create run: %w: %w", domain, got)
}

func TestStoreFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     func(t *testing.T) error
		status  int
		code    string
		mention string
		retry   bool
	}{
		{name: "busy", err: func(t *testing.T) error { return sqliteError(t, "busy") }, status: 503, code: "db_busy", mention: "busy", retry: true},
		{name: "disk full", err: func(t *testing.T) error { return sqliteError(t, "full") }, status: 507, code: "db_full", mention: "disk is full"},
		{name: "anything else", err: func(*testing.T) error { return errTest }, status: 500, code: "db_error", mention: "could not save the run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cause := tt.err(t)
			e := newEnv(t, func(su *setup) {
				su.faults.CreateRunFn = func(context.Context, *run.Run) error { return cause }
			})
			b := e.browser()

			page := b.postForm("/runs", url.Values{"key": {cleanKey}, "live": {"1"}}).wantStatus(tt.status)
			d := page.doc()
			msg := d.Find(`[data-testid="error"]`).Text()
			if !strings.Contains(msg, tt.mention) || !strings.Contains(msg, "Nothing was half-saved") {
				t.Errorf("page says %q", msg)
			}
			if strings.Contains(page.Body, errTest.Error()) || strings.Contains(page.Body, "sqlite") || strings.Contains(page.Body, "SQLITE") {
				t.Error("the page shows the raw database error")
			}
			if (page.Header.Get("Retry-After") != "") != tt.retry {
				t.Errorf("Retry-After %q", page.Header.Get("Retry-After"))
			}
			assertSecurityHeaders(t, "store fault page", page.Header, false)

			api := b.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": cleanKey, "live": true})).wantStatus(tt.status)
			if got := api.apiErr(); got.Error.Code != tt.code || !strings.Contains(got.Error.Message, tt.mention) {
				t.Errorf("API error %+v", got.Error)
			}

			if n := countRuns(t, e); n != 0 {
				t.Errorf("%d runs stored", n)
			}
			if e.Keys.Len() != 0 {
				t.Errorf("%d keys held for runs that do not exist", e.Keys.Len())
			}
			if e.Provider.probes.Load() != 0 {
				t.Error("a live test started for a run that was not saved")
			}
			if !strings.Contains(e.Logs.String(), `"code":"`+tt.code+`"`) {
				t.Errorf("the cause was not logged:\n%s", e.Logs.String())
			}
			// Nothing sticks: the store recovers, the server too.
			b.get("/").wantStatus(http.StatusOK)
		})
	}
}

// TestDatabaseReallyBusy holds SQLite's write lock from another
// connection, as a second process would, for longer than keycheck's busy
// timeout.
func TestDatabaseReallyBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out SQLite's 5 s busy timeout")
	}
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	other, err := sql.Open("sqlite", filepath.Join(e.Dir, "keycheck.db")+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	b := e.browser()
	r := b.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": cleanKey})).wantStatus(http.StatusServiceUnavailable)
	if code := r.apiErr().Error.Code; code != "db_busy" {
		t.Errorf("code %q", code)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if n := countRuns(t, e); n != 0 {
		t.Errorf("%d runs half-saved", n)
	}
	b.apiCreateRun(map[string]any{"key": cleanKey})
	if n := countRuns(t, e); n != 1 {
		t.Errorf("after the lock: %d runs", n)
	}
}

func TestReadFaults(t *testing.T) {
	t.Parallel()
	busy := sqliteError(t, "busy")
	e := newEnv(t, func(su *setup) {
		su.faults.GetRunFn = func(context.Context, string) (*run.Run, error) { return nil, busy }
		su.faults.PingFn = func(context.Context) error { return busy }
	})
	b := e.browser()
	id := "AAAAAAAAAAAAAAAAAAAAAA"
	for _, p := range []string{"/runs/" + id, "/runs/" + id + "/steps/present", "/runs/" + id + "/events"} {
		r := b.get(p).wantStatus(http.StatusServiceUnavailable)
		if msg := r.doc().Find(`[data-testid="error"]`).Text(); !strings.Contains(msg, "could not read the run") {
			t.Errorf("%s: %q", p, msg)
		}
	}
	if code := b.get("/api/v1/runs/" + id).wantStatus(http.StatusServiceUnavailable).apiErr().Error.Code; code != "db_busy" {
		t.Errorf("API code %q", code)
	}
	var health map[string]string
	b.get("/healthz").wantStatus(http.StatusServiceUnavailable).json(&health)
	if health["status"] == "ok" {
		t.Errorf("healthz %v with the database failing", health)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var health map[string]string
	e.browser().get("/healthz").wantStatus(http.StatusOK).json(&health)
	if health["status"] != "ok" || health["version"] != "test" {
		t.Errorf("healthz %v", health)
	}
}

func TestPanicInAHandler(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) {
		su.faults.GetRunFn = func(context.Context, string) (*run.Run, error) { panic("boom: store exploded") }
	})
	b := e.browser()
	id := "AAAAAAAAAAAAAAAAAAAAAA"

	r := b.get("/runs/" + id).wantStatus(http.StatusInternalServerError)
	d := r.doc()
	if msg := d.Find(`[data-testid="error"]`).Text(); !strings.Contains(msg, "Something went wrong inside keycheck") {
		t.Errorf("500 page says %q", msg)
	}
	if strings.Contains(r.Body, "boom") || strings.Contains(r.Body, "goroutine") {
		t.Error("the 500 page shows the panic")
	}
	assertSecurityHeaders(t, "500 page", r.Header, false)

	logs := e.Logs.String()
	if n := strings.Count(logs, `"msg":"panic"`); n != 1 {
		t.Errorf("the panic is logged %d times, want once:\n%s", n, logs)
	}
	if strings.Contains(logs, `"msg":"request failed"`) || strings.Contains(logs, `"msg":"internal error"`) {
		t.Errorf("the panic is logged again as an error:\n%s", logs)
	}
	if !strings.Contains(logs, "boom: store exploded") || !strings.Contains(logs, "goroutine") {
		t.Error("the log lacks the panic value or its stack")
	}
	if !strings.Contains(logs, `"msg":"request","method":"GET","route":"/runs/:id","status":500`) {
		t.Errorf("no request line with the 500:\n%s", logs)
	}

	api := b.get("/api/v1/runs/" + id).wantStatus(http.StatusInternalServerError)
	if code := api.apiErr().Error.Code; code != "internal" {
		t.Errorf("API code %q", code)
	}
	// The process is alive and serving.
	b.get("/").wantStatus(http.StatusOK)
	b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`).wantStatus(http.StatusOK)
}

// A run page served from the cache still asks the store whether the run
// changed; when the store cannot say, the page is an error, never the
// cached copy, which may be stale.
func TestRunPageWhenTheVersionReadFails(t *testing.T) {
	t.Parallel()
	busy := sqliteError(t, "busy")
	var failing atomic.Bool
	e := newEnv(t, func(su *setup) {
		su.faults.RunUpdatedFn = func(ctx context.Context, id string) (time.Time, error) {
			if failing.Load() {
				return time.Time{}, busy
			}
			return su.faults.DB.RunUpdated(ctx, id)
		}
	})
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}})
	b.get("/runs/" + id).wantStatus(http.StatusOK)
	b.get("/runs/" + id).wantStatus(http.StatusOK) // from the cache

	failing.Store(true)
	r := b.get("/runs/" + id).wantStatus(http.StatusServiceUnavailable)
	if got := r.Header.Get("Retry-After"); got == "" {
		t.Error("no Retry-After on db_busy")
	}
	if code := b.get("/api/v1/runs/" + id).wantStatus(http.StatusServiceUnavailable).apiErr().Error.Code; code != "db_busy" {
		t.Errorf("API code %q, want db_busy", code)
	}
	failing.Store(false)
	b.get("/runs/" + id).wantStatus(http.StatusOK)
}
