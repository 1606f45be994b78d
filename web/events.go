package web

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/wait"
)

// EventSource is the store's announcements, from every keycheck on the
// database (store.Events).
type EventSource interface {
	Events(ctx context.Context) (<-chan run.Event, error)
}

// resubscribeAfter is the wait before asking for the events again once
// the subscription failed or closed (a lost connection to PostgreSQL).
const resubscribeAfter = time.Second

// followers are the goroutines following runs that another instance
// tests (follow), by run id: the one subscription to the store's events
// wakes the followers of the run each event names. A wake is a signal, not
// the event: a follower reads the run itself, so wakes that come while it
// reads are one wake, and none is ever queued behind a slow one.
type followers struct {
	// recheck is followRecheck (tests make it longer), in nanoseconds.
	recheck atomic.Int64

	mu    sync.Mutex
	byRun map[string]map[chan struct{}]struct{}
}

func newFollowers() *followers {
	f := &followers{byRun: map[string]map[chan struct{}]struct{}{}}
	f.recheck.Store(int64(followRecheck))
	return f
}

// add registers a follower of runID; the returned func removes it.
func (f *followers) add(runID string) (wake chan struct{}, remove func()) {
	wake = make(chan struct{}, 1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byRun[runID] == nil {
		f.byRun[runID] = map[chan struct{}]struct{}{}
	}
	f.byRun[runID][wake] = struct{}{}
	return wake, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.byRun[runID], wake)
		if len(f.byRun[runID]) == 0 {
			delete(f.byRun, runID)
		}
	}
}

// wake wakes the followers of runID, never waiting for one.
func (f *followers) wake(runID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.byRun[runID] {
		signal(ch)
	}
}

// wakeAll wakes every follower: after a gap in the events, any run may
// have changed unseen.
func (f *followers) wakeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, set := range f.byRun {
		for ch := range set {
			signal(ch)
		}
	}
}

// signal leaves a wake in ch unless one is waiting there already.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Listen is the server's one subscription to the store's events, until
// ctx ends: a run's event wakes the pages that follow it from another
// instance, a task's nudges this instance's live test of it. Run it once,
// in a goroutine of its own, while the server serves. The store may drop
// events for a receiver that falls behind and closes the channel when its
// connection is lost; either way the followers are woken to read their
// runs again, so no page stays on an old state.
func (s *Server) Listen(ctx context.Context) {
	for ctx.Err() == nil {
		events, err := s.store.Events(ctx)
		if err != nil {
			s.log.Warn("live updates from other instances: subscribing failed; trying again", "err", err)
			_ = wait.For(ctx, resubscribeAfter)
			continue
		}
		// Whatever changed before the subscription (or while it was
		// down) came with no event.
		s.follow.wakeAll()
		s.dispatch(events)
		if ctx.Err() == nil {
			s.log.Warn("live updates from other instances: the subscription ended; subscribing again")
			_ = wait.For(ctx, resubscribeAfter)
		}
	}
}

// dispatch hands each event to whom it concerns until events closes.
func (s *Server) dispatch(events <-chan run.Event) {
	for e := range events {
		// A full buffer means the store may have dropped events behind
		// this one: read every followed run again.
		if cap(events) > 0 && len(events) >= cap(events)-1 {
			s.follow.wakeAll()
		}
		switch e.Kind {
		case run.EventRun:
			s.follow.wake(e.ID)
		case run.EventTask:
			// HiAPI called back to another instance about a task: the
			// test that follows it, if it is this instance's, polls now.
			s.live.Nudge(e.ID)
		}
	}
}
