package metrics_test

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/metrics"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
)

const cleanKey = "sk-hQ7xK2mP9vR4tL8wN3bJ6cF1yD5gA0sE2uZ7kT4pW9"

// scrape reads m through its handler, as Prometheus does.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// sample is one series' value in a scrape; absent reads 0.
func sample(t *testing.T, scraped, series string) float64 {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(scraped))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %q", series, v)
			}
			return f
		}
	}
	return 0
}

// newRun is a checked run of cleanKey for target, as the server makes it.
func newRun(id string, target checks.ProviderID) *run.Run {
	now := time.Now().UTC()
	return &run.Run{ID: id, Created: now, Updated: now, Provider: target, Model: "gpt-image-2",
		Fingerprint: checks.FingerprintOf(cleanKey), Steps: checks.Check(checks.Input{Key: cleanKey})}
}

// answered records a provider's answer on a live step.
func answered(r *run.Run, id checks.ID, status checks.Status, code int) {
	res, _ := r.Step(id)
	res.Status = status
	res.Live = &checks.LiveEvidence{HTTPStatus: code}
	r.SetStep(res)
}

// TestStoreCountsLiveTests: the store wrapper counts a live test once,
// when a save moves it from running to done or interrupted, with the
// provider's answers its live steps kept, and times every operation; a
// test it never saw start (another instance's), a save that failed and a
// later save of an ended test count nothing.
func TestStoreCountsLiveTests(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "keycheck.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m := metrics.New("test")
	s := m.Store(db)
	save := func(r *run.Run, live run.LiveState) {
		t.Helper()
		r.Live = live
		if err := s.UpdateRun(ctx, r); err != nil {
			t.Fatalf("UpdateRun %s %s: %v", r.ID, live, err)
		}
	}

	passed := newRun("run-hiapi", "")
	if err := s.CreateRun(ctx, passed); err != nil {
		t.Fatal(err)
	}
	save(passed, run.LiveRunning)
	save(passed, run.LiveRunning) // a step's progress
	answered(passed, checks.StepAuth, checks.StatusPass, 200)
	answered(passed, checks.StepModel, checks.StatusPass, 200)
	answered(passed, checks.StepResult, checks.StatusPass, 200)
	save(passed, run.LiveDone)
	save(passed, run.LiveDone) // a later save (the owner probe's): not a second test

	revoked := newRun("run-openai", checks.ProviderOpenAI)
	if err := s.CreateRun(ctx, revoked); err != nil {
		t.Fatal(err)
	}
	save(revoked, run.LiveRunning)
	answered(revoked, checks.StepAuth, checks.StatusFail, 401)
	revoked.Interrupt("") // keycheck stopped mid-test
	save(revoked, run.LiveInterrupted)

	elsewhere := newRun("run-elsewhere", "")
	if err := s.CreateRun(ctx, elsewhere); err != nil {
		t.Fatal(err)
	}
	save(elsewhere, run.LiveDone) // its start was saved by another instance

	missing := newRun("run-missing", "")
	for _, live := range []run.LiveState{run.LiveRunning, run.LiveDone} {
		missing.Live = live
		if err := s.UpdateRun(ctx, missing); !errors.Is(err, run.ErrNotFound) {
			t.Fatalf("UpdateRun of a run never created: %v", err)
		}
	}

	got := scrape(t, m)
	want := map[string]float64{
		`keycheck_live_tests_total{target="hiapi",verdict="` + string(checks.VerdictOf(passed.Steps).Status) + `"}`:   1,
		`keycheck_live_tests_total{target="openai",verdict="` + string(checks.VerdictOf(revoked.Steps).Status) + `"}`: 1,
		`keycheck_provider_answers_total{code="200",provider="hiapi"}`:                                                3,
		`keycheck_provider_answers_total{code="401",provider="openai"}`:                                               1,
		`keycheck_live_test_duration_seconds_count{target="hiapi"}`:                                                   1,
		`keycheck_live_test_duration_seconds_count{target="openai"}`:                                                  1,
		`keycheck_db_operation_duration_seconds_count{operation="create_run"}`:                                        3,
		`keycheck_db_operation_duration_seconds_count{operation="update_run"}`:                                        9,
	}
	for series, n := range want {
		if v := sample(t, got, series); v != n {
			t.Errorf("%s = %v, want %v", series, v, n)
		}
	}
	var tests float64
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "keycheck_live_tests_total{") {
			tests += sample(t, line, strings.Fields(line)[0])
		}
	}
	if tests != 2 {
		t.Errorf("%v live tests counted, want 2:\n%s", tests, got)
	}
	if strings.Contains(got, "run-") {
		t.Errorf("a run id is a label:\n%s", got)
	}
}

// TestStorePassesThrough: every method of the wrapped store answers as the
// store does (those it times and those it leaves alone).
func TestStorePassesThrough(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "keycheck.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m := metrics.New("test")
	var s store.Store = m.Store(db)
	if s.Engine() != "sqlite" {
		t.Errorf("Engine %q", s.Engine())
	}
	if err := s.Ready(ctx); err != nil {
		t.Errorf("Ready: %v", err)
	}
	r := newRun("run-1", "")
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRun(ctx, r.ID)
	if err != nil || got.ID != r.ID {
		t.Fatalf("GetRun: %v %v", got, err)
	}
	if _, err := s.GetRun(ctx, "absent"); !errors.Is(err, run.ErrNotFound) {
		t.Errorf("GetRun of no run: %v", err)
	}
	if list, err := s.ListRuns(ctx, run.ListFilter{Limit: 10}); err != nil || len(list) != 1 {
		t.Errorf("ListRuns: %d runs, %v", len(list), err)
	}
	if v, err := s.PutSettingIfAbsent(ctx, "k", "v"); err != nil || v != "v" {
		t.Errorf("PutSettingIfAbsent: %q %v", v, err)
	}
	scraped := scrape(t, m)
	for _, op := range []string{"create_run", "get_run", "list_runs", "put_setting", "ready"} {
		if sample(t, scraped, `keycheck_db_operation_duration_seconds_count{operation="`+op+`"}`) == 0 {
			t.Errorf("%s was not timed", op)
		}
	}
}
