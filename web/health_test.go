package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readiness is /readyz's answer.
type readiness struct {
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Version string `json:"version"`
}

func (b *browser) ready(want int) readiness {
	b.t.Helper()
	var r readiness
	b.get("/readyz").wantStatus(want).json(&r)
	return r
}

// TestReady: /readyz is ready while the database answers with this
// keycheck's schema, and says which of them is wrong otherwise, never
// with the database's own error (which names its file).
func TestReady(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fault  func(t *testing.T, e *env)
		reason string
	}{
		{"database file gone", func(t *testing.T, e *env) {
			// As a volume unmounted or a file deleted under keycheck.
			if err := os.Remove(filepath.Join(e.Dir, "keycheck.db")); err != nil {
				t.Fatal(err)
			}
		}, "database unavailable"},
		{"schema behind this keycheck", func(t *testing.T, e *env) {
			// As a database another keycheck migrated, or a restore of an
			// old backup: the last migration is not there.
			db, err := sql.Open("sqlite", filepath.Join(e.Dir, "keycheck.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ExecContext(context.Background(),
				"DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"); err != nil {
				t.Fatal(err)
			}
		}, "database schema is not this keycheck's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			b := e.browser()
			if r := b.ready(http.StatusOK); r.Status != "ready" || r.Version != "test" {
				t.Fatalf("readyz before the fault: %+v", r)
			}
			tt.fault(t, e)
			r := b.ready(http.StatusServiceUnavailable)
			if r.Status != "not ready" || r.Reason != tt.reason {
				t.Errorf("readyz: %+v; want not ready, %q", r, tt.reason)
			}
			if body := b.get("/readyz").Body; strings.Contains(body, e.Dir) {
				t.Errorf("readyz shows the database's path to anyone: %s", body)
			}
			if !strings.Contains(e.Logs.String(), "readiness check") {
				t.Errorf("the log does not say why keycheck is not ready:\n%s", e.Logs.String())
			}
		})
	}
}

// TestReadyEndsWhenShutdownBegins: from the moment shutdown begins
// (Server.Close, the first thing keycheck serve does on SIGTERM), /readyz
// answers 503, so a load balancer stops sending before the server stops
// taking requests; /healthz still answers ok, since the process is alive
// and draining.
func TestReadyEndsWhenShutdownBegins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.ready(http.StatusOK)
	e.Server.Close()
	if r := b.ready(http.StatusServiceUnavailable); r.Reason != "shutting down" {
		t.Errorf("readyz once shutdown began: %+v; want shutting down", r)
	}
	b.get("/healthz").wantStatus(http.StatusOK)
	if head := b.do(b.newRequest(http.MethodHead, "/readyz", nil)); head.Status != http.StatusServiceUnavailable {
		t.Errorf("HEAD /readyz: %d, want 503", head.Status)
	}
}
