package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/internal/pgtest"
)

// readyz asks /readyz of h and returns its status and reason.
func readyz(t *testing.T, h http.Handler) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var r struct{ Status, Reason string }
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("/readyz: %d %q: %v", rec.Code, rec.Body, err)
	}
	return rec.Code, r.Reason
}

// TestReadyWithAClosedStore: keycheck as serve wires it answers /readyz
// 503 "database unavailable" once its store is closed.
func TestReadyWithAClosedStore(t *testing.T) {
	cfg, err := parseServe([]string{"--db", filepath.Join(t.TempDir(), "k.db")}, io.Discard, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := readyz(t, a.web); code != http.StatusOK {
		t.Fatalf("/readyz on a fresh database: %d", code)
	}
	a.close()
	if code, reason := readyz(t, a.web); code != http.StatusServiceUnavailable || reason != "database unavailable" {
		t.Errorf("/readyz with the store closed: %d %q; want 503, database unavailable", code, reason)
	}
}

// TestReadyOnPostgreSQL: on PostgreSQL, /readyz is ready while the server
// answers, and not once it stops; /healthz and keycheck healthcheck say so
// too.
func TestReadyOnPostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL: skipped with -short")
	}
	pg := pgtest.Start(t)
	env := startEnv(t, pg.DSN(t))
	c := newClient(t)
	if status, body := get(t, c, env.URL+"/readyz"); status != http.StatusOK || !strings.Contains(body, `"ready"`) {
		t.Fatalf("/readyz on PostgreSQL: %d %s", status, body)
	}
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	status, body := get(t, c, env.URL+"/readyz")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "database unavailable") {
		t.Errorf("/readyz with PostgreSQL stopped: %d %s", status, body)
	}
	if strings.Contains(body, "postgres://") || strings.Contains(body, "127.0.0.1") {
		t.Errorf("/readyz shows where the database is: %s", body)
	}
	if status, _ := get(t, c, env.URL+"/healthz"); status != http.StatusServiceUnavailable {
		t.Errorf("/healthz with PostgreSQL stopped: %d, want 503", status)
	}
	if code, _, stderr := healthcheck(t, nil, "--addr", hostPort(env.URL)); code != 1 || !strings.Contains(stderr, "503") {
		t.Errorf("keycheck healthcheck with PostgreSQL stopped: exit %d, %q", code, stderr)
	}
}
