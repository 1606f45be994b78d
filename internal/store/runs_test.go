package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// t0 has nanoseconds and a zone that is not UTC, to prove both survive.
var t0 = time.Date(2026, 3, 14, 1, 59, 26, 535897932, time.FixedZone("PST", -8*60*60))

func TestCreateGetRoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		want := fullRun("r1", t0)
		if err := db.CreateRun(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetRun(ctx, "r1")
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, got, want)
		if got.Created.UnixNano() != t0.UnixNano() {
			t.Errorf("Created lost precision: %d, want %d", got.Created.UnixNano(), t0.UnixNano())
		}
	})
}

func TestRoundTripSparseRun(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		// Zero values come back as zero values: no Updated, no steps, no live.
		ctx := context.Background()
		want := &run.Run{ID: "sparse", Created: t0}
		if err := db.CreateRun(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetRun(ctx, "sparse")
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, got, want)
		if !got.Updated.IsZero() || got.Steps != nil {
			t.Errorf("got Updated %v, Steps %#v; want zero, nil", got.Updated, got.Steps)
		}
	})
}

func TestCreateRejectsInvalid(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		for name, r := range map[string]*run.Run{
			"no id":          {Created: t0},
			"no created":     {ID: "x"},
			"year 3000":      {ID: "y", Created: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)},
			"updated before": {ID: "z", Created: t0, Updated: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)},
		} {
			if err := db.CreateRun(ctx, r); err == nil {
				t.Errorf("%s: CreateRun accepted %+v", name, r)
			}
		}
		if err := db.CreateRun(ctx, fullRun("dup", t0)); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateRun(ctx, fullRun("dup", t0)); err == nil {
			t.Error("CreateRun accepted a duplicate id")
		}
	})
}

func TestGetUnknown(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		_, err := db.GetRun(context.Background(), "nope")
		if !errors.Is(err, run.ErrNotFound) {
			t.Fatalf("GetRun = %v, want run.ErrNotFound", err)
		}
		if !strings.Contains(err.Error(), "nope") {
			t.Errorf("error %q does not name the id", err)
		}
	})
}

func TestUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		r := fullRun("r1", t0)
		r.Live = run.LiveRunning
		r.TaskID = ""
		r.SetStep(checks.Result{ID: checks.StepResult, Status: checks.StatusPending})
		if err := db.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}

		want := r.Clone()
		want.Live = run.LiveDone
		want.TaskID = "tk-new"
		want.Updated = t0.Add(time.Minute + 7)
		want.Model = "gpt-image-2/text-to-image"
		want.SetStep(checks.Result{ID: checks.StepResult, Status: checks.StatusFail, Detail: "TASK_FAILED",
			Live: &checks.LiveEvidence{TaskStatus: "fail", Code: "TASK_FAILED"}})
		want.Steps = want.Steps[1:] // a step can go, too
		if err := db.UpdateRun(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetRun(ctx, "r1")
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, got, want)

		// Created is fixed at creation.
		moved := want.Clone()
		moved.Created = t0.Add(time.Hour)
		if err := db.UpdateRun(ctx, moved); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetRun(ctx, "r1"); !got.Created.Equal(t0) {
			t.Errorf("UpdateRun moved Created to %v", got.Created)
		}
	})
}

func TestUpdateUnknown(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		err := db.UpdateRun(context.Background(), fullRun("ghost", t0))
		if !errors.Is(err, run.ErrNotFound) {
			t.Fatalf("UpdateRun = %v, want run.ErrNotFound", err)
		}
		if _, err := db.GetRun(context.Background(), "ghost"); !errors.Is(err, run.ErrNotFound) {
			t.Errorf("UpdateRun of an unknown run stored it: %v", err)
		}
	})
}

func TestRestartSurvival(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, d testDB) {
		ctx := context.Background()
		db := d.open(t)
		want := fullRun("r1", t0)
		if err := db.CreateRun(ctx, want); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutSettingIfAbsent(ctx, "session_key", "s3cret"); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}

		db = d.open(t)
		got, err := db.GetRun(ctx, "r1")
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, got, want)
		if v, ok, err := db.Setting(ctx, "session_key"); v != "s3cret" || !ok || err != nil {
			t.Errorf("Setting = %q, %v, %v", v, ok, err)
		}
	})
}

// listAll walks every page of f and returns the ids in order.
func listAll(t *testing.T, db Store, f run.ListFilter) []string {
	t.Helper()
	var ids []string
	for page := 0; ; page++ {
		runs, err := db.ListRuns(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if f.Limit > 0 && len(runs) > f.Limit {
			t.Fatalf("page %d has %d runs, limit %d", page, len(runs), f.Limit)
		}
		if len(runs) == 0 {
			return ids
		}
		for _, r := range runs {
			ids = append(ids, r.ID)
		}
		last := runs[len(runs)-1]
		f.Before, f.BeforeID = last.Created, last.ID
		if page > 1000 {
			t.Fatal("pagination does not end")
		}
	}
}

// seed stores n runs in random order; groups of up to four share a Created
// instant, and every third run failed the header step.
func seed(t *testing.T, db Store, n int) []*run.Run {
	t.Helper()
	var runs []*run.Run
	for i := range n {
		r := fullRun(fmt.Sprintf("run-%03d", i), t0.Add(time.Duration(i/4)*time.Nanosecond))
		if i%3 == 0 {
			r.SetStep(checks.Result{ID: checks.StepHeader, Status: checks.StatusFail, Detail: "Bearer missing"})
		}
		runs = append(runs, r)
	}
	shuffled := slices.Clone(runs)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, r := range shuffled {
		if err := db.CreateRun(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return runs
}

// newestFirst returns the ids of runs in list order.
func newestFirst(runs []*run.Run, keep func(*run.Run) bool) []string {
	var ids []string
	for i := len(runs) - 1; i >= 0; i-- {
		// seed's ids grow with Created, so reverse order is newest first,
		// and within a tie, id descending.
		if keep(runs[i]) {
			ids = append(ids, runs[i].ID)
		}
	}
	return ids
}

func TestListPagination(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		runs := seed(t, db, 57)
		all := newestFirst(runs, func(*run.Run) bool { return true })
		for _, limit := range []int{1, 3, 4, 5, 20, 100} {
			if got := listAll(t, db, run.ListFilter{Limit: limit}); !slices.Equal(got, all) {
				t.Errorf("limit %d: pages give\n%v\nwant\n%v", limit, got, all)
			}
		}
		// A page holds whole runs, steps included.
		page, err := db.ListRuns(context.Background(), run.ListFilter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		want := runs[len(runs)-1]
		sameRun(t, page[0], want)
	})
}

func TestListLimits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		seed(t, db, 130)
		for limit, want := range map[int]int{0: DefaultLimit, -1: DefaultLimit, 7: 7, 100: 100, 101: MaxLimit, 1 << 30: MaxLimit} {
			runs, err := db.ListRuns(context.Background(), run.ListFilter{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != want {
				t.Errorf("Limit %d gave %d runs, want %d", limit, len(runs), want)
			}
		}
	})
}

func TestListBeforeWithoutID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		// Before alone keeps only runs created strictly before it.
		runs := seed(t, db, 12)
		got := listAll(t, db, run.ListFilter{Before: runs[4].Created, Limit: 5})
		want := newestFirst(runs[:4], func(*run.Run) bool { return true })
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

// TestListFingerprint: a key's history is its runs alone, newest first,
// paged like the team's list, and a failed step narrows it.
func TestListFingerprint(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		runs := seed(t, db, 30)
		ctx := context.Background()
		for i, r := range runs {
			if i%2 == 0 {
				r.Fingerprint.SHA256 = "sha256:aaaaaaaaaaaa"
				if err := db.UpdateRun(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
		}
		mine := func(r *run.Run) bool { return r.Fingerprint.SHA256 == "sha256:aaaaaaaaaaaa" }
		want := newestFirst(runs, mine)
		for _, limit := range []int{1, 4, 100} {
			if got := listAll(t, db, run.ListFilter{Fingerprint: "sha256:aaaaaaaaaaaa", Limit: limit}); !slices.Equal(got, want) {
				t.Errorf("limit %d: got %v, want %v", limit, got, want)
			}
		}
		failed := func(r *run.Run) bool {
			s, _ := r.Step(checks.StepHeader)
			return mine(r) && s.Status == checks.StatusFail
		}
		if got, want := listAll(t, db, run.ListFilter{Fingerprint: "sha256:aaaaaaaaaaaa", FailedStep: checks.StepHeader, Limit: 3}), newestFirst(runs, failed); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("with a failed step: got %v, want %v", got, want)
		}
		if got := listAll(t, db, run.ListFilter{Fingerprint: "sha256:bbbbbbbbbbbb"}); len(got) != 0 {
			t.Errorf("a key never checked has runs %v", got)
		}
	})
}

func TestListFailedStep(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		runs := seed(t, db, 40)
		failed := func(r *run.Run) bool { s, _ := r.Step(checks.StepHeader); return s.Status == checks.StatusFail }
		want := newestFirst(runs, failed)
		for _, limit := range []int{1, 2, 5, 100} {
			if got := listAll(t, db, run.ListFilter{FailedStep: checks.StepHeader, Limit: limit}); !slices.Equal(got, want) {
				t.Errorf("limit %d: got %v, want %v", limit, got, want)
			}
		}
		if got := listAll(t, db, run.ListFilter{FailedStep: checks.StepAuth}); len(got) != 0 {
			t.Errorf("no run failed auth, got %v", got)
		}

		// The filter follows updates: a fixed step leaves the list.
		fixed := runs[39].Clone()
		fixed.SetStep(checks.Result{ID: checks.StepHeader, Status: checks.StatusPass})
		if err := db.UpdateRun(ctx, fixed); err != nil {
			t.Fatal(err)
		}
		if got := listAll(t, db, run.ListFilter{FailedStep: checks.StepHeader}); slices.Contains(got, fixed.ID) || len(got) != len(want)-1 {
			t.Errorf("after the fix: %v", got)
		}
	})
}

func TestListQueryPlans(t *testing.T) {
	// Every list query walks an index in list order and stops at the limit:
	// no full scan, no sort of the whole table. (Each run's own steps are
	// sorted by idx for group_concat: a dozen rows.)
	db, _ := openTest(t)
	seed(t, db, 20)
	for _, f := range []run.ListFilter{
		{},
		{Before: t0, BeforeID: "run-010"},
		{FailedStep: checks.StepHeader},
		{FailedStep: checks.StepHeader, Before: t0, BeforeID: "run-010"},
		{Fingerprint: "sha256:0123456789ab"},
		{Fingerprint: "sha256:0123456789ab", FailedStep: checks.StepAuth, Before: t0, BeforeID: "run-010"},
	} {
		q, args := listQuery(f)
		rows, err := db.read.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "\n")
		wantIndex := "runs_created"
		switch {
		case f.Fingerprint != "":
			wantIndex = "runs_fingerprint"
		case f.FailedStep != "":
			wantIndex = "steps_failed"
		}
		if !strings.Contains(p, wantIndex) || strings.Contains(p, "TEMP B-TREE FOR ORDER BY") || strings.Contains(p, "SCAN s") {
			t.Errorf("filter %+v: plan\n%s\nwant %s, no sort of the page, no step scan", f, p, wantIndex)
		}
	}
}

func TestPrune(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		runs := seed(t, db, 20) // Created t0 + 0..4ns, four runs each
		n, err := db.PruneRuns(ctx, t0.Add(2))
		if err != nil || n != 8 {
			t.Fatalf("PruneRuns = %d, %v; want 8", n, err)
		}
		for i, r := range runs {
			_, err := db.GetRun(ctx, r.ID)
			if gone := errors.Is(err, run.ErrNotFound); gone != (i < 8) {
				t.Errorf("%s: GetRun err %v after prune", r.ID, err)
			}
		}
		if orphans := count(t, db, "SELECT count(*) FROM steps WHERE run_id NOT IN (SELECT id FROM runs)"); orphans != 0 {
			t.Errorf("%d steps of pruned runs remain", orphans)
		}
		if n, err := db.PruneRuns(ctx, time.Time{}); n != 0 || err != nil {
			t.Errorf("PruneRuns(zero) = %d, %v", n, err)
		}
	})
}

func TestUpdateOrphaned(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		polling := fullRun("polling", t0)
		polling.Live = run.LiveRunning
		polling.SetStep(checks.Result{ID: checks.StepResult, Title: "Task returns an image", Status: checks.StatusRunning, Detail: "queued"})
		creating := fullRun("creating", t0)
		creating.Live = run.LiveRunning
		done := fullRun("done", t0)
		done.Live = run.LiveDone
		offline := fullRun("offline", t0)
		offline.Live = run.LiveNone
		for _, r := range []*run.Run{polling, creating, done, offline} {
			if err := db.CreateRun(ctx, r); err != nil {
				t.Fatal(err)
			}
		}

		// A change that cannot be stored stores nothing, of any run.
		n, err := db.UpdateOrphaned(ctx, "", func(r *run.Run) {
			r.Live = run.LiveDone
			if r.ID == "polling" {
				r.Steps = append(r.Steps, r.Steps[0]) // a step twice
			}
		})
		if err == nil || n != 0 {
			t.Fatalf("UpdateOrphaned with a bad change = %d, %v; want an error", n, err)
		}
		// Nor does one that would write one run over another.
		if n, err := db.UpdateOrphaned(ctx, "", func(r *run.Run) { r.ID = "done" }); err == nil || n != 0 {
			t.Fatalf("UpdateOrphaned changing ids = %d, %v; want an error", n, err)
		}
		for _, r := range []*run.Run{polling, creating} {
			if got, err := db.GetRun(ctx, r.ID); err != nil || got.Live != run.LiveRunning {
				t.Fatalf("%s after a failed UpdateOrphaned: %v, %v", r.ID, got, err)
			}
		}
		if got, err := db.GetRun(ctx, "done"); err != nil {
			t.Fatal(err)
		} else {
			sameRun(t, got, done)
		}

		// Only the running runs are changed, and the changes are stored.
		now := t0.Add(time.Hour + 1)
		var seen []string
		n, err = db.UpdateOrphaned(ctx, "", func(r *run.Run) {
			seen = append(seen, r.ID)
			r.Live = run.LiveInterrupted
			r.Updated = now
			r.SetStep(checks.Result{ID: checks.StepResult, Status: checks.StatusUnknown, Detail: "stopped"})
		})
		if err != nil || n != 2 {
			t.Fatalf("UpdateOrphaned = %d, %v; want 2", n, err)
		}
		slices.Sort(seen)
		if !slices.Equal(seen, []string{"creating", "polling"}) {
			t.Errorf("change saw %v, want the two running runs", seen)
		}
		for _, r := range []*run.Run{polling, creating} {
			got, err := db.GetRun(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := r.Clone()
			want.Live = run.LiveInterrupted
			want.Updated = now
			want.SetStep(checks.Result{ID: checks.StepResult, Status: checks.StatusUnknown, Detail: "stopped"})
			sameRun(t, got, want)
		}
		for _, r := range []*run.Run{done, offline} {
			got, err := db.GetRun(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			sameRun(t, got, r)
		}

		// Nothing is left running.
		if n, err := db.UpdateOrphaned(ctx, "", func(*run.Run) { t.Error("change called with no run running") }); n != 0 || err != nil {
			t.Errorf("second UpdateOrphaned = %d, %v", n, err)
		}
	})
}

func TestNoHalfWrittenRun(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()

		// The run row goes in, then the steps violate a constraint: nothing of
		// the run may remain.
		bad := fullRun("bad", t0)
		bad.Steps = append(bad.Steps, bad.Steps[0])
		if err := db.CreateRun(ctx, bad); err == nil {
			t.Fatal("CreateRun accepted a run with a step twice")
		}
		assertNoTrace(t, db, "bad")

		// A cancelled context stores nothing.
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := db.CreateRun(cancelled, fullRun("cancelled", t0)); !errors.Is(err, context.Canceled) {
			t.Errorf("CreateRun with a cancelled context = %v", err)
		}
		assertNoTrace(t, db, "cancelled")

		// A failed update leaves the run as it was, steps included.
		good := fullRun("good", t0)
		if err := db.CreateRun(ctx, good); err != nil {
			t.Fatal(err)
		}
		broken := good.Clone()
		broken.Live = run.LiveInterrupted
		broken.Steps = append(broken.Steps[:3], broken.Steps[0])
		if err := db.UpdateRun(ctx, broken); err == nil {
			t.Fatal("UpdateRun accepted a run with a step twice")
		}
		got, err := db.GetRun(ctx, "good")
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, got, good)
	})
}

// assertNoTrace fails unless nothing of the run with id is stored.
func assertNoTrace(t *testing.T, db Store, id string) {
	t.Helper()
	if _, err := db.GetRun(context.Background(), id); !errors.Is(err, run.ErrNotFound) {
		t.Errorf("run %s: GetRun = %v, want run.ErrNotFound", id, err)
	}
	if n := count(t, db, "SELECT count(*) FROM steps WHERE run_id = ?", id); n != 0 {
		t.Errorf("run %s: %d steps remain", id, n)
	}
}

func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	if err := db.CreateRun(ctx, fullRun("before", t0)); err != nil {
		t.Fatal(err)
	}
	// Cap the file at its current size, on the one write connection.
	var pages, maxPages int
	if err := db.write.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if err := db.write.QueryRow(fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Scan(&maxPages); err != nil || maxPages != pages {
		t.Fatalf("max_page_count = %d, %v; want %d", maxPages, err, pages)
	}
	big := fullRun("big", t0)
	big.Prompt = strings.Repeat("an apple ", 100_000)
	err := db.CreateRun(ctx, big)
	if !isFull(err) || isBusy(err) {
		t.Fatalf("CreateRun on a full disk = %v; want IsFull", err)
	}
	assertNoTrace(t, db, "big")

	// Room again: the store works on.
	if _, err := db.write.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateRun(ctx, big); err != nil {
		t.Fatal(err)
	}
	if got, err := db.GetRun(ctx, "before"); err != nil || got.ID != "before" {
		t.Errorf("GetRun(before) = %v, %v", got, err)
	}
}

func TestConcurrentWrites(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		const writers, each = 50, 20
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					r := fullRun(fmt.Sprintf("w%02d-%02d", w, i), t0.Add(time.Duration(i)*time.Second))
					r.Live = run.LiveRunning
					if err := db.CreateRun(ctx, r); err != nil {
						errs <- err
						continue
					}
					r.Live = run.LiveDone
					r.Updated = r.Created.Add(time.Duration(w))
					if err := db.UpdateRun(ctx, r); err != nil {
						errs <- err
					}
					// Readers run alongside.
					if _, err := db.GetRun(ctx, r.ID); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := countRuns(t, db); n != writers*each {
			t.Fatalf("%d runs stored, want %d", n, writers*each)
		}
		for w := range writers {
			for i := range each {
				id := fmt.Sprintf("w%02d-%02d", w, i)
				r, err := db.GetRun(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if r.Live != run.LiveDone || !r.Updated.Equal(r.Created.Add(time.Duration(w))) || len(r.Steps) != len(checks.Catalogue()) {
					t.Errorf("%s: live %q updated %v, %d steps", id, r.Live, r.Updated, len(r.Steps))
				}
			}
		}
	})
}

// TestConcurrentProcesses: no second keycheck opens the file (Open is
// exclusive), but a program that bypasses the store still can, such as the
// sqlite3 shell. Its writes meet the store's at SQLite's file lock, and
// BEGIN IMMEDIATE and busy_timeout make each side wait for the other
// instead of failing.
func TestConcurrentProcesses(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	raw := rawDB(t, path)
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for g := range 8 {
		wg.Go(func() {
			for i := range 25 {
				r := fullRun(fmt.Sprintf("p-%d-%02d", g, i), t0)
				if err := db.CreateRun(ctx, r); err != nil {
					errs <- err
					continue
				}
				r.Live = run.LiveInterrupted
				if err := db.UpdateRun(ctx, r); err != nil {
					errs <- err
				}
			}
		})
		wg.Go(func() {
			for i := range 25 {
				if _, err := raw.ExecContext(ctx, "INSERT INTO settings VALUES (?, 'x')", fmt.Sprintf("raw-%d-%02d", g, i)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("%v (busy: %v)", err, isBusy(err))
	}
	if n := countRuns(t, db); n != 200 {
		t.Errorf("%d runs stored, want 200", n)
	}
	var n int
	if err := db.read.QueryRow("SELECT count(*) FROM settings WHERE name LIKE 'raw-%'").Scan(&n); err != nil || n != 200 {
		t.Errorf("%d rows from the other program, %v; want 200", n, err)
	}
}

// TestGetRunReturnsIndependentSteps: each caller gets its own copy of a
// run to change, steps and live evidence included.
func TestGetRunReturnsIndependentSteps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db Store) {
		ctx := context.Background()
		r := fullRun("cache-run-0000000000001", time.Now())
		if err := db.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		a, err := db.GetRun(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		a.Steps[0].Detail = "changed"
		if a.Steps[len(a.Steps)-1].Live != nil {
			a.Steps[len(a.Steps)-1].Live.RequestID = "changed"
		}
		b, err := db.GetRun(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Steps[0].Detail == "changed" {
			t.Error("a change to one caller's steps reached another's")
		}
		if l := b.Steps[len(b.Steps)-1].Live; l != nil && l.RequestID == "changed" {
			t.Error("a change to one caller's live evidence reached another's")
		}
	})
}

// TestGetRunSeesAnotherProcessesUpdate: a run read by the store reads
// changed once another program writes it: no second keycheck can (Open is
// exclusive), but the sqlite3 shell can.
func TestGetRunSeesAnotherProcessesUpdate(t *testing.T) {
	a, path := openTest(t)
	raw := rawDB(t, path)
	ctx := context.Background()
	r := fullRun("cache-run-0000000000002", time.Now())
	if err := a.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetRun(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	r.Live = run.LiveDone
	r.Updated = r.Updated.Add(time.Second)
	r.Steps[0].Detail = "changed elsewhere"
	rawUpdate(t, raw, r)
	got, err := a.GetRun(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Steps[0].Detail != "changed elsewhere" || got.Live != run.LiveDone {
		t.Errorf("a served its stale copy: live %q, detail %q", got.Live, got.Steps[0].Detail)
	}
	if _, err := raw.ExecContext(ctx, "DELETE FROM runs WHERE id = ?", r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetRun(ctx, r.ID); !errors.Is(err, run.ErrNotFound) {
		t.Errorf("a deleted run still reads: %v", err)
	}
}

// TestRunUpdated: the one-column read follows every write, the store's
// own or another program's, so a cache above the store can trust it.
func TestRunUpdated(t *testing.T) {
	a, path := openTest(t)
	raw := rawDB(t, path)
	ctx := context.Background()
	r := fullRun("r1", t0)
	if err := a.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got, err := a.RunUpdated(ctx, r.ID); err != nil || !got.Equal(r.Updated) || got.Location() != time.UTC {
		t.Errorf("RunUpdated = %v, %v; want %v in UTC", got, err, r.Updated)
	}
	r.Updated = r.Updated.Add(time.Nanosecond)
	rawUpdate(t, raw, r)
	if got, err := a.RunUpdated(ctx, r.ID); err != nil || !got.Equal(r.Updated) {
		t.Errorf("RunUpdated after another program's write = %v, %v; want %v", got, err, r.Updated)
	}
	if err := a.CreateRun(ctx, &run.Run{ID: "never", Created: t0}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.RunUpdated(ctx, "never"); err != nil || !got.IsZero() {
		t.Errorf("RunUpdated of a run never updated = %v, %v; want zero", got, err)
	}
	if _, err := a.RunUpdated(ctx, "nope"); !errors.Is(err, run.ErrNotFound) {
		t.Errorf("RunUpdated of no run = %v, want run.ErrNotFound", err)
	}
}
