package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// fakeRunStore is a RunStore scripted with func fields; the methods the run
// cache does not call are left nil and would panic.
type fakeRunStore struct {
	RunStore
	GetRunFn     func(ctx context.Context, id string) (*run.Run, error)
	RunUpdatedFn func(ctx context.Context, id string) (time.Time, error)
}

func (f *fakeRunStore) GetRun(ctx context.Context, id string) (*run.Run, error) {
	return f.GetRunFn(ctx, id)
}

func (f *fakeRunStore) RunUpdated(ctx context.Context, id string) (time.Time, error) {
	return f.RunUpdatedFn(ctx, id)
}

// storedRuns is a store of one run at a time that counts its reads.
type storedRuns struct {
	run          *run.Run // nil: not found
	err          error    // answered by both reads when set
	getErr       error    // answered by the whole read alone
	gets, checks int
}

func (s *storedRuns) store() *fakeRunStore {
	return &fakeRunStore{
		GetRunFn: func(_ context.Context, id string) (*run.Run, error) {
			s.gets++
			if s.err != nil {
				return nil, s.err
			}
			if s.getErr != nil {
				return nil, s.getErr
			}
			if s.run == nil || s.run.ID != id {
				return nil, fmt.Errorf("get run %s: %w", id, run.ErrNotFound)
			}
			return s.run.Clone(), nil
		},
		RunUpdatedFn: func(_ context.Context, id string) (time.Time, error) {
			s.checks++
			if s.err != nil {
				return time.Time{}, s.err
			}
			if s.run == nil || s.run.ID != id {
				return time.Time{}, fmt.Errorf("read run %s: %w", id, run.ErrNotFound)
			}
			return s.run.Updated, nil
		},
	}
}

func cacheTestRun(live run.LiveState, updated int64) *run.Run {
	return &run.Run{
		ID:      "AAAAAAAAAAAAAAAAAAAAAA",
		Updated: time.Unix(updated, 0).UTC(),
		Model:   "gpt-image-2",
		Live:    live,
		Steps:   checks.Check(checks.Input{Key: "sk-abcdefghijklmnopqrstuvwxyz0123456789AB"}),
	}
}

func TestRunCacheFollowsTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stored := &storedRuns{run: cacheTestRun(run.LiveNone, 100)}
	c := newRunCache(stored.store())
	id := stored.run.ID

	first, e, err := c.get(ctx, id)
	if err != nil || e == nil || stored.gets != 1 {
		t.Fatalf("first read: err %v, entry %v, %d whole reads", err, e != nil, stored.gets)
	}
	parts := e.pageParts(ctx, "https://api.hiapi.ai")
	if !strings.Contains(parts.checklist, `data-status="pending"`) || !strings.Contains(parts.curl, "gpt-image-2") || parts.title == "" {
		t.Fatalf("page parts of the first read: %+v", parts)
	}

	// Unchanged: one one-column read, the same run, the same parts.
	again, e2, err := c.get(ctx, id)
	if err != nil || again != first || e2 != e || stored.gets != 1 || stored.checks != 1 {
		t.Fatalf("unchanged run: err %v, same run %v, %d whole reads, %d version reads", err, again == first, stored.gets, stored.checks)
	}

	// Written elsewhere: the version differs, so the run is read again.
	changed := stored.run.Clone()
	changed.Live, changed.Updated = run.LiveDone, time.Unix(200, 0).UTC()
	changed.SetStep(checks.Result{ID: checks.StepAuth, Title: "HiAPI accepts the key", Status: checks.StatusFail, Detail: "dead key"})
	stored.run = changed
	after, e3, err := c.get(ctx, id)
	if err != nil || stored.gets != 2 || after.Live != run.LiveDone {
		t.Fatalf("changed run: err %v, %d whole reads, live %q", err, stored.gets, after.Live)
	}
	if got := e3.pageParts(ctx, "https://api.hiapi.ai").checklist; !strings.Contains(got, "dead key") {
		t.Error("the checklist after the change is the stale one")
	}

	// A live test runs: each save is read whole once, then served from the
	// cache while pages poll it.
	running := changed.Clone()
	running.Live, running.Updated = run.LiveRunning, time.Unix(300, 0).UTC()
	stored.run = running
	for i := range 3 {
		r, e, err := c.get(ctx, id)
		if err != nil || e == nil || r.Live != run.LiveRunning {
			t.Fatalf("running, read %d: err %v, cached %v, live %q", i, err, e != nil, r.Live)
		}
	}
	if stored.gets != 3 {
		t.Errorf("a running run was read whole %d times in 3 reads of one save", stored.gets-2)
	}

	// It ends, then is pruned: not found, and forgotten.
	stored.run = cacheTestRun(run.LiveDone, 400)
	if _, e, err := c.get(ctx, id); err != nil || e == nil {
		t.Fatalf("ended run: err %v, cached %v", err, e != nil)
	}
	stored.run = nil
	if _, _, err := c.get(ctx, id); !errors.Is(err, run.ErrNotFound) {
		t.Fatalf("pruned run: err %v, want run.ErrNotFound", err)
	}
	if c.lru.Contains(id) {
		t.Error("a pruned run stays in the cache")
	}
}

func TestRunCacheStoreErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stored := &storedRuns{run: cacheTestRun(run.LiveDone, 100)}
	c := newRunCache(stored.store())
	if _, _, err := c.get(ctx, stored.run.ID); err != nil {
		t.Fatal(err)
	}
	// A failing version read is an error, never the cached copy: the store
	// cannot say it is current.
	stored.err = run.ErrBusy
	if r, _, err := c.get(ctx, stored.run.ID); !errors.Is(err, run.ErrBusy) || r != nil {
		t.Fatalf("busy store: run %v, err %v", r, err)
	}
	stored.err = nil
	if _, e, err := c.get(ctx, stored.run.ID); err != nil || e == nil || stored.gets != 1 {
		t.Fatalf("after the fault: err %v, cached %v, %d whole reads", err, e != nil, stored.gets)
	}
}

func TestRunCacheIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stored := &storedRuns{}
	c := newRunCache(stored.store())
	for range maxCachedRuns + 10 {
		r := cacheTestRun(run.LiveDone, 100)
		r.ID = randomID()
		stored.run = r
		if _, _, err := c.get(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.lru.Len(); n != maxCachedRuns {
		t.Errorf("the cache holds %d runs, want %d", n, maxCachedRuns)
	}
}

// idleRunner is a live runner with no test in flight.
type idleRunner struct{ LiveRunner }

func (idleRunner) Running(string) bool { return false }

// A run the store calls running, which no runner here tests, is shown
// interrupted; the cached run, shared by every request, stays as stored.
func TestSettleLeavesTheCachedRunAlone(t *testing.T) {
	t.Parallel()
	stored := &storedRuns{run: cacheTestRun(run.LiveRunning, 100)}
	fake := stored.store()
	s := &Server{store: fake, live: idleRunner{}, runs: newRunCache(fake)}
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/runs/"+stored.run.ID, nil), httptest.NewRecorder())
	c.SetParamNames("id")
	c.SetParamValues(stored.run.ID)
	for i := range 3 {
		if i == 2 {
			// settle reads the run once more; when that fails, it marks
			// the copy it has.
			stored.getErr = run.ErrBusy
		}
		r, cached, err := s.readRun(c)
		if err != nil || r.Live != run.LiveInterrupted || cached != nil {
			t.Fatalf("read %d: err %v, live %q, cached parts %v; want interrupted, without the stored run's parts", i, err, r.Live, cached != nil)
		}
	}
	shared, _, err := s.runs.get(context.Background(), stored.run.ID)
	if err != nil || shared.Live != run.LiveRunning {
		t.Errorf("the cached run reads %q (err %v): settle changed the copy every request shares", shared.Live, err)
	}
	for _, st := range shared.Steps {
		if st.Status == checks.StatusUnknown {
			t.Errorf("the cached run's %s step was marked interrupted", st.ID)
		}
	}
}
