package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// TestSecondServeOnOneFileExits: two "keycheck serve" processes on one
// SQLite file took each other's running live tests for ones a crash left
// behind, and the second's startup wrote "interrupted" over the first's.
// Now the second exits at once, with a message that names the file and
// says what to do, and the first's test runs on. Once the first is gone,
// even killed, the file is free again.
func TestSecondServeOnOneFileExits(t *testing.T) {
	hiapi := httptest.NewServer(fake.New(fake.Options{Step: 300 * time.Millisecond}))
	t.Cleanup(hiapi.Close)
	db := filepath.Join(t.TempDir(), "keycheck.db")
	serve := []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--hiapi-url", hiapi.URL}
	first, base := startProcess(t, "keycheck is running at ", serve...)

	c := newClient(t)
	resp, body := (&recorder{}).do(t, c, jsonReq(t, http.MethodPost, base+"/api/v1/runs",
		map[string]any{"key": "sk-fake-never-finishes-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", "live": true}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
	}
	var r apiRun
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}

	second, _ := startProcess(t, "", serve...)
	if code := second.wait(); code == 0 {
		t.Errorf("the second serve on %s exited 0", db)
	}
	for _, want := range []string{db, "another keycheck is using this database file", "--db", "PostgreSQL"} {
		if !strings.Contains(second.stderr.String(), want) {
			t.Errorf("the second serve does not say %q:\n%s", want, second.stderr.String())
		}
	}

	if _, body := get(t, c, base+"/api/v1/runs/"+r.ID); !strings.Contains(body, `"live":"running"`) {
		t.Errorf("the first serve's live test after the second started: %s", clip(body, 800))
	}
	if status, body := get(t, c, base+"/healthz"); status != http.StatusOK {
		t.Errorf("the first serve's healthz: %d %s", status, body)
	}

	// A crash leaves no lock behind: the kernel drops it with the process.
	first.signal(syscall.SIGKILL)
	first.wait()
	third, _ := startProcess(t, "keycheck is running at ", serve...)
	third.signal(syscall.SIGTERM)
	if code := third.wait(); code != 0 {
		t.Errorf("serve after the first was killed exited %d:\n%s", code, third.stderr.String())
	}
	if !strings.Contains(third.stderr.String(), "marked live tests interrupted by the last stop") {
		t.Errorf("the killed serve's running test was not marked by the next start:\n%s", third.stderr.String())
	}
}

// TestHealthSeesTheDatabaseFileGo: a database file deleted or replaced
// under a running keycheck still answers queries, and writes went on into
// a file nobody could open again, while /healthz said ok. It answers 503
// now, and the log names the file and what to do.
func TestHealthSeesTheDatabaseFileGo(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
		logged string
	}{
		{"deleted", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, "was deleted or moved since keycheck opened it"},
		{"replaced", func(t *testing.T, path string) {
			backup := filepath.Join(filepath.Dir(path), "restored.db")
			if err := os.WriteFile(backup, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(backup, path); err != nil {
				t.Fatal(err)
			}
		}, "was replaced since keycheck opened it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := startEnv(t, "")
			if status, body := get(t, http.DefaultClient, env.URL+"/healthz"); status != http.StatusOK {
				t.Fatalf("healthz before: %d %s", status, body)
			}
			tt.change(t, env.cfg.DB)
			status, body := get(t, http.DefaultClient, env.URL+"/healthz")
			if status != http.StatusServiceUnavailable || !strings.Contains(body, "database unavailable") {
				t.Errorf("healthz after the file was %s: %d %s; want 503, database unavailable", tt.name, status, body)
			}
			if strings.Contains(body, env.cfg.DB) {
				t.Errorf("healthz shows the server's file path to anyone: %s", body)
			}
			if logs := env.logs.String(); !strings.Contains(logs, tt.logged) || !strings.Contains(logs, env.cfg.DB) {
				t.Errorf("the log does not say the file %s %s:\n%s", env.cfg.DB, tt.logged, logs)
			}
		})
	}
}
