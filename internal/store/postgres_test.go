package store

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// TestContractPostgres runs the contract's engine-neutral tests against
// PostgreSQL, as TestContractSQLite does against SQLite.
func TestContractPostgres(t *testing.T) {
	for name, test := range map[string]func(*testing.T, Store){
		"take": testTake, "events": testEvents, "ready": testReady,
	} {
		t.Run(name, func(t *testing.T) { test(t, newTestDB(t, "postgres").open(t)) })
	}
}

// TestPostgresMigrationsMirrorSQLite: PostgreSQL's migrations are SQLite's,
// number for number and name for name, so schema_migrations reads alike
// and Ready's one count serves both.
func TestPostgresMigrationsMirrorSQLite(t *testing.T) {
	lite, err := migrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations(pgMigrations())
	if err != nil {
		t.Fatal(err)
	}
	name := func(m migration) string { return m.name }
	var ln, pn []string
	for _, m := range lite {
		ln = append(ln, name(m))
	}
	for _, m := range pg {
		pn = append(pn, name(m))
	}
	if !slices.Equal(ln, pn) {
		t.Errorf("PostgreSQL's migrations %v, SQLite's %v: add the twin of each", pn, ln)
	}
	if _, err := fs.Stat(pgMigrations(), "migrations/0001_init.sql"); err != nil {
		t.Error(err)
	}
}

// openPG opens a second (third...) instance on d, a PostgreSQL database.
func openPG(t *testing.T, d testDB) *PG {
	t.Helper()
	return d.open(t).(*PG)
}

// TestPostgresTwoInstances: a run one instance writes, the other reads at
// once: GetRun, the list and RunUpdated hold no stale copy.
func TestPostgresTwoInstances(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t, "postgres")
	a, b := openPG(t, d), openPG(t, d)
	r := fullRun("r1", t0)
	if err := a.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := b.GetRun(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, got, r)
	if ids := listAll(t, b, run.ListFilter{}); !slices.Equal(ids, []string{"r1"}) {
		t.Errorf("b lists %v", ids)
	}
	r.Live = run.LiveInterrupted
	r.Updated = r.Updated.Add(time.Second)
	if err := a.UpdateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if u, err := b.RunUpdated(ctx, "r1"); err != nil || !u.Equal(r.Updated) {
		t.Errorf("b's RunUpdated = %v, %v; want %v", u, err, r.Updated)
	}
	if got, err := b.GetRun(ctx, "r1"); err != nil || got.Live != run.LiveInterrupted {
		t.Errorf("b reads %v, %v", got, err)
	}
}

// TestPostgresLeases: a starting instance interrupts only the running runs
// of instances with no lease (none taken, lapsed, or given up), never a
// live instance's, nor its own, nor a run that is not running.
func TestPostgresLeases(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t, "postgres")
	a, b := openPG(t, d), openPG(t, d)
	if err := a.Lease(ctx, "a", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := a.Lease(ctx, "a", time.Hour); err != nil { // a renewal
		t.Fatal(err)
	}
	if err := b.Lease(ctx, "lapsed", -time.Second); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id, instance string
		live         run.LiveState
	}{
		{"a-run", "a", run.LiveRunning},
		{"b-run", "b", run.LiveRunning},
		{"lapsed-run", "lapsed", run.LiveRunning},
		{"gone-run", "gone", run.LiveRunning},
		{"legacy-run", "", run.LiveRunning},
		{"gone-done", "gone", run.LiveDone},
	} {
		r := fullRun(c.id, t0)
		r.Instance, r.Live = c.instance, c.live
		if err := a.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	interrupt := func(s Store, self string) []string {
		t.Helper()
		var ids []string
		n, err := s.UpdateOrphaned(ctx, self, func(r *run.Run) {
			ids = append(ids, r.ID)
			r.Live = run.LiveInterrupted
		})
		if err != nil || n != int64(len(ids)) {
			t.Fatalf("UpdateOrphaned = %d, %v; changed %v", n, err, ids)
		}
		slices.Sort(ids)
		return ids
	}
	if got, want := interrupt(b, "b"), []string{"gone-run", "lapsed-run", "legacy-run"}; !slices.Equal(got, want) {
		t.Errorf("b interrupted %v, want %v", got, want)
	}
	for id, want := range map[string]run.LiveState{
		"a-run": run.LiveRunning, "b-run": run.LiveRunning, "lapsed-run": run.LiveInterrupted, "gone-done": run.LiveDone,
	} {
		if got, err := a.GetRun(ctx, id); err != nil || got.Live != want {
			t.Errorf("%s: %v, %v; want %s", id, got, err, want)
		}
	}
	if n := count(t, a, "SELECT count(*) FROM instances"); n != 1 {
		t.Errorf("%d leases left, want a's alone (the lapsed one dropped)", n)
	}
	// Once a stops cleanly, its run is another's to interrupt.
	if err := a.Release(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := interrupt(b, "b"); !slices.Equal(got, []string{"a-run"}) {
		t.Errorf("after a's release b interrupted %v, want a-run", got)
	}
}

// receive waits for the event want on events, skipping others, or fails
// after a generous bound (the store's own wait is not what is tested), and
// returns how long it took.
func receive(t *testing.T, events <-chan run.Event, want run.Event) time.Duration {
	t.Helper()
	start := time.Now()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("events closed before %+v", want)
			}
			if e == want {
				return time.Since(start)
			}
		case <-timeout:
			t.Fatalf("%+v never came", want)
		}
	}
}

// TestPostgresEventsAcrossInstances: what one instance writes or
// announces, another hears; a rolled-back write announces nothing.
func TestPostgresEventsAcrossInstances(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t, "postgres")
	a, b := openPG(t, d), openPG(t, d)
	events, err := b.Events(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := fullRun("ev-a", t0)
	if err := a.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	took := receive(t, events, run.Event{Kind: run.EventRun, ID: "ev-a"})
	t.Logf("b heard a's CreateRun after %v", took)
	// A write that fails announces nothing: the duplicate rolls back, and
	// the next event b hears is the one after it.
	if err := a.CreateRun(ctx, r); err == nil {
		t.Fatal("a duplicate run was stored")
	}
	if err := a.Announce(ctx, run.Event{Kind: run.EventTask, ID: "tk-1"}); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-events:
		if e != (run.Event{Kind: run.EventTask, ID: "tk-1"}) {
			t.Errorf("after a rolled-back write b heard %+v first", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("b never heard tk-1")
	}
	// And back the other way.
	mine, err := a.Events(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Announce(ctx, run.Event{Kind: run.EventTask, ID: "tk-2"}); err != nil {
		t.Fatal(err)
	}
	receive(t, mine, run.Event{Kind: run.EventTask, ID: "tk-2"})
}

// TestPostgresEventsSurviveALostConnection: when the listening connection
// is cut (a server restart, a network fault), every subscription closes,
// which tells its subscriber it may have missed events; the listener dials
// again, and a new subscription hears announcements again.
func TestPostgresEventsSurviveALostConnection(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t, "postgres")
	a, b := openPG(t, d), openPG(t, d)
	events, err := b.Events(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Cut every listening connection on the database.
	exec(t, a, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '%(listen)'")
	giveUp := time.After(30 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-events:
		case <-giveUp:
			t.Fatal("b's subscription stayed open after its connection was cut")
		}
	}
	// Subscribe again until b listens again (Events fails meanwhile), and
	// announce until b hears one: what is announced in between is lost.
	for {
		events, err := b.Events(t.Context())
		if err == nil {
			if err := a.Announce(ctx, run.Event{Kind: run.EventTask, ID: "after"}); err != nil {
				t.Fatal(err)
			}
			receive(t, events, run.Event{Kind: run.EventTask, ID: "after"})
			return
		}
		if !strings.Contains(err.Error(), "reconnecting") {
			t.Errorf("Events while the connection is lost = %v", err)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-giveUp:
			t.Fatalf("b never listened again after its connection was cut: %v", err)
		}
	}
}

// TestPostgresTakeShared: two instances count against one bucket, and
// uses racing from both are each counted once: of 20 at the same instant
// on a bucket of 5, exactly 5 pass.
func TestPostgresTakeShared(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t, "postgres")
	instances := []*PG{openPG(t, d), openPG(t, d)}
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	var passed atomic.Int64
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			ok, _, err := instances[i%2].Take(ctx, "live:ana", 5, time.Hour, now)
			if err != nil {
				t.Error(err)
			}
			if ok {
				passed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := passed.Load(); n != 5 {
		t.Errorf("%d of 20 racing uses passed, want 5", n)
	}
	if ok, wait, err := instances[0].Take(ctx, "live:ana", 5, time.Hour, now); ok || err != nil || wait != 12*time.Minute {
		t.Errorf("a 21st use = %v, %v, %v; want refused for 12m", ok, wait, err)
	}
}

// TestPostgresConcurrentOpen: instances starting at once on a new
// database all open it, and the schema is applied once.
func TestPostgresConcurrentOpen(t *testing.T) {
	d := newTestDB(t, "postgres")
	want, err := migrations(pgMigrations())
	if err != nil {
		t.Fatal(err)
	}
	stores := make([]*PG, 6)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = OpenPostgres(context.Background(), d.dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	if n := count(t, stores[0], "SELECT count(*) FROM schema_migrations"); n != len(want) {
		t.Errorf("%d migrations recorded, want %d", n, len(want))
	}
}

// TestPostgresListQueryPlans: PostgreSQL walks the same indexes as SQLite
// for every list (TestListQueryPlans): runs_created, runs_fingerprint, the
// partial steps_failed, in list order, with no sort of the page. Sequential
// scans are turned off, since on a table this small the planner would
// rightly prefer them; what is tested is that an index fits each query.
func TestPostgresListQueryPlans(t *testing.T) {
	ctx := context.Background()
	p := newTestDB(t, "postgres").open(t).(*PG)
	seed(t, p, 20)
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, "RESET enable_seqscan")
	for _, f := range []run.ListFilter{
		{},
		{Before: t0, BeforeID: "run-010"},
		{FailedStep: checks.StepHeader},
		{FailedStep: checks.StepHeader, Before: t0, BeforeID: "run-010"},
		{Fingerprint: "sha256:0123456789ab"},
		{Fingerprint: "sha256:0123456789ab", FailedStep: checks.StepAuth, Before: t0, BeforeID: "run-010"},
	} {
		q, args := listQuery(f)
		rows, err := conn.Query(ctx, "EXPLAIN "+rebind(q, len(args)), args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		wantIndex := "runs_created"
		switch {
		case f.Fingerprint != "":
			wantIndex = "runs_fingerprint"
		case f.FailedStep != "":
			wantIndex = "steps_failed"
		}
		// The page's own sort would be the plan's top node under Limit.
		p := strings.Join(plan, "\n")
		if !strings.Contains(p, wantIndex) || (len(plan) > 1 && strings.Contains(plan[1], "Sort")) {
			t.Errorf("filter %+v: plan\n%s\nwant %s, no sort of the page", f, p, wantIndex)
		}
	}
}
