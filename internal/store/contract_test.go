package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// The contract's tests take a Store, so that they run against every
// engine; openSQLite gives them SQLite's.
func openSQLite(t *testing.T) Store {
	db, _ := openTest(t)
	return db
}

func TestGCRA(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	// 3 uses per 3 s: a burst of 3, then one a second.
	var tat time.Time
	for i := range 3 {
		var ok bool
		if tat, ok, _ = gcra(tat, t0, 3, 3*time.Second); !ok {
			t.Fatalf("use %d of a full bucket refused", i+1)
		}
	}
	if _, ok, wait := gcra(tat, t0, 3, 3*time.Second); ok || wait != time.Second {
		t.Errorf("4th use at once = %v, wait %v; want refused, 1s", ok, wait)
	}
	if _, ok, wait := gcra(tat, t0.Add(400*time.Millisecond), 3, 3*time.Second); ok || wait != 600*time.Millisecond {
		t.Errorf("0.4 s later = %v, wait %v; want refused, 0.6s", ok, wait)
	}
	if _, ok, _ := gcra(tat, t0.Add(time.Second), 3, 3*time.Second); !ok {
		t.Error("a use 1 s later refused: one should have freed")
	}
	// A bucket idle for long is full again, not fuller.
	later := t0.Add(time.Hour)
	tat2 := tat
	for i := range 4 {
		var ok bool
		tat2, ok, _ = gcra(tat2, later, 3, 3*time.Second)
		if ok != (i < 3) {
			t.Errorf("an hour later, use %d allowed = %v", i+1, ok)
		}
	}
}

func testTake(t *testing.T, s Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for i := range 2 {
		if ok, _, err := s.Take(ctx, "live:ana", 2, time.Hour, t0); !ok || err != nil {
			t.Fatalf("use %d = %v, %v", i+1, ok, err)
		}
	}
	ok, wait, err := s.Take(ctx, "live:ana", 2, time.Hour, t0.Add(time.Minute))
	if ok || err != nil || wait != 29*time.Minute {
		t.Errorf("3rd use = %v, %v, %v; want refused for 29m", ok, wait, err)
	}
	// A refused use counts nothing: half an hour after the burst, one is free.
	if ok, _, err := s.Take(ctx, "live:ana", 2, time.Hour, t0.Add(30*time.Minute)); !ok || err != nil {
		t.Errorf("after 30 min = %v, %v; want allowed", ok, err)
	}
	if ok, _, err := s.Take(ctx, "live:ben", 2, time.Hour, t0); !ok || err != nil {
		t.Errorf("another bucket = %v, %v; want its own", ok, err)
	}
	if ok, _, err := s.Take(ctx, "live:ana", 0, time.Hour, t0); !ok || err != nil {
		t.Errorf("limit 0 = %v, %v; want no limit", ok, err)
	}

	// Pruning drops the buckets full again long ago, and keeps the rest.
	if ok, _, err := s.Take(ctx, "live:cid", 1, time.Minute, t0.Add(40*24*time.Hour)); !ok || err != nil {
		t.Fatalf("a fresh bucket = %v, %v", ok, err)
	}
	if _, err := s.PruneRuns(ctx, t0.Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := s.Take(ctx, "live:cid", 1, time.Minute, t0.Add(40*24*time.Hour)); ok {
		t.Error("pruning emptied a bucket still in use")
	}
	if ok, _, _ := s.Take(ctx, "live:ana", 2, time.Hour, t0.Add(30*time.Minute)); !ok {
		t.Error("a pruned bucket does not start full")
	}
}

func testEvents(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(context.Background())
	events, err := s.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A subscriber that never reads holds nobody up.
	if _, err := s.Events(ctx); err != nil {
		t.Fatal(err)
	}
	r := fullRun("ev-1", t0)
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	r.Live = run.LiveRunning
	if err := s.UpdateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Announce(ctx, run.Event{Kind: run.EventTask, ID: "tk-9"}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 * eventBuffer { // more than a slow subscriber holds
		if err := s.Announce(ctx, run.Event{Kind: run.EventTask, ID: "flood"}); err != nil {
			t.Fatalf("announce %d: %v", i, err)
		}
	}
	want := []run.Event{{Kind: run.EventRun, ID: "ev-1"}, {Kind: run.EventRun, ID: "ev-1"}, {Kind: run.EventTask, ID: "tk-9"}}
	for i, w := range want {
		select {
		case got := <-events:
			if got != w {
				t.Errorf("event %d = %+v, want %+v", i, got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d never came", i)
		}
	}
	cancel()
	for range events { // drains, then closes once ctx has ended
	}
}

func testReady(t *testing.T, s Store) {
	if err := s.Ready(context.Background()); err != nil {
		t.Errorf("a fresh database is not ready: %v", err)
	}
}

func TestContractSQLite(t *testing.T) {
	for name, test := range map[string]func(*testing.T, Store){
		"take": testTake, "events": testEvents, "ready": testReady,
	} {
		t.Run(name, func(t *testing.T) { test(t, openSQLite(t)) })
	}
}

// TestReadyAfterANewerKeycheck: a database a newer keycheck migrated is
// live but not ready for this one.
func TestReadyAfterANewerKeycheck(t *testing.T) {
	db, _ := openTest(t)
	if _, err := db.write.Exec("INSERT INTO schema_migrations (version, name, applied) VALUES (99, '0099_future.sql', 0)"); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Errorf("Ping = %v; the database still answers", err)
	}
	if err := db.Ready(context.Background()); !errors.Is(err, run.ErrSchema) {
		t.Errorf("Ready = %v for a schema at version 99, want run.ErrSchema", err)
	}
}

// TestOrphansSkipSelf: with SQLite every other instance's running run is
// orphaned (the file lock proves it stopped), never this one's own.
func TestOrphansSkipSelf(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	for _, c := range []struct{ id, instance string }{{"old", "a"}, {"legacy", ""}, {"mine", "b"}} {
		r := fullRun(c.id, t0)
		r.Live, r.Instance = run.LiveRunning, c.instance
		if err := db.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.UpdateOrphaned(ctx, "b", func(r *run.Run) { r.Live = run.LiveInterrupted })
	if n != 2 || err != nil {
		t.Fatalf("UpdateOrphaned = %d, %v; want 2", n, err)
	}
	if mine, _ := db.GetRun(ctx, "mine"); mine.Live != run.LiveRunning {
		t.Errorf("this instance's own run became %q", mine.Live)
	}
}

// TestTakeWhilePruning: a prune that drops a bucket while a use counts on
// it never fails the use (PostgreSQL's Take once made the row, then read it
// in a second statement, and found nothing when a prune came in between).
func TestTakeWhilePruning(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Every bucket's tat is before t0+1h: each prune drops it.
				if _, err := s.PruneRuns(ctx, t0.Add(time.Hour)); err != nil {
					t.Error(err)
					return
				}
			}
		})
		defer wg.Wait()
		defer close(stop)
		for i := range 500 {
			if _, _, err := s.Take(ctx, "live:ana", 1000, time.Second, t0); err != nil {
				t.Fatalf("use %d while pruning: %v", i+1, err)
			}
		}
	})
}
