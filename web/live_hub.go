package web

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

// liveHubs are the hubs of the runs whose live test pages are watching.
type liveHubs struct {
	mu    sync.Mutex
	byRun map[string]*liveHub
	// renders counts the run events rendered, by hubs and for runs no test
	// changes: one per state of a run, however many pages watch it.
	renders atomic.Int64
}

func newLiveHubs() *liveHubs {
	return &liveHubs{byRun: map[string]*liveHub{}}
}

// liveHub is one run's live test as its pages watch it. It subscribes to
// the runner once (or, when another instance runs the test, follows the
// store's events about the run: followRun), renders each new state of the run once, as the event
// every page receives, and every watcher writes those same bytes. A watcher
// slow to read skips to the latest state when it catches up; nobody waits
// for it: not the other watchers, not the hub, not the test.
type liveHub struct {
	runID string
	// stop ends the hub's goroutine and its subscription to the runner
	// when its last watcher leaves.
	stop func()
	// watchers is guarded by liveHubs.mu.
	watchers int

	mu sync.Mutex
	// event is the latest state as a "run" event, nil until the first is
	// rendered; every watcher writes it, so it is never changed.
	event []byte
	// version counts the events; ended is set when event is the final
	// state; changed is closed, and replaced, at either.
	version uint64
	ended   bool
	changed chan struct{}
}

// hubView is what a watcher reads of its hub at one moment.
type hubView struct {
	event   []byte
	version uint64
	ended   bool
	changed <-chan struct{}
}

func (h *liveHub) view() hubView {
	h.mu.Lock()
	defer h.mu.Unlock()
	return hubView{event: h.event, version: h.version, ended: h.ended, changed: h.changed}
}

// publish makes event the latest state (if it is not nil) and, when final,
// the last; then it wakes the watchers.
func (h *liveHub) publish(event []byte, final bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if event != nil {
		h.event = event
		h.version++
	}
	h.ended = h.ended || final
	close(h.changed)
	h.changed = make(chan struct{})
}

// joinHub returns the hub of the run a page is about to watch, starting
// it if no page watches yet; seed is the run as the page read it, shown if
// the store cannot be read again. leaveHub must follow.
func (s *Server) joinHub(seed *run.Run) *liveHub {
	s.hubs.mu.Lock()
	defer s.hubs.mu.Unlock()
	if h, ok := s.hubs.byRun[seed.ID]; ok {
		h.watchers++
		return h
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Subscribed before the hub reads the run, so no change can fall
	// between the two: to this instance's runner, or, for a test another
	// instance runs, to the store's events about the run.
	var updates <-chan *run.Run
	unsubscribe := func() {}
	if s.live.Running(seed.ID) || !s.runsElsewhere(seed) {
		updates, unsubscribe = s.live.Subscribe(seed.ID)
	} else {
		updates = s.followRun(ctx, seed.ID)
	}
	h := &liveHub{runID: seed.ID, watchers: 1, changed: make(chan struct{}),
		stop: func() { cancel(); unsubscribe() }}
	s.hubs.byRun[seed.ID] = h
	go s.runHub(ctx, h, seed, updates)
	return h
}

// leaveHub lets a watcher go; the last one stops the hub.
func (s *Server) leaveHub(h *liveHub) {
	s.hubs.mu.Lock()
	defer s.hubs.mu.Unlock()
	h.watchers--
	if h.watchers == 0 && s.hubs.byRun[h.runID] == h {
		delete(s.hubs.byRun, h.runID)
		h.stop()
	}
}

// retire takes an ended hub out of the map, so a page that comes later,
// or watches the run's next test, gets a hub of its own. The watchers it
// has still read its final event.
func (s *Server) retire(h *liveHub) {
	s.hubs.mu.Lock()
	defer s.hubs.mu.Unlock()
	if s.hubs.byRun[h.runID] == h {
		delete(s.hubs.byRun, h.runID)
	}
}

// hubReadTimeout bounds the hub's reads of the store.
const hubReadTimeout = 10 * time.Second

// runHub renders the run as stored, then each state the runner (or the
// follower of another instance's test) publishes,
// until the test ends (its final state, settled as a page would show it)
// or the last watcher leaves (ctx ends).
func (s *Server) runHub(ctx context.Context, h *liveHub, seed *run.Run, updates <-chan *run.Run) {
	last := seed
	rctx, cancel := context.WithTimeout(ctx, hubReadTimeout)
	if fresh, err := s.store.GetRun(rctx, h.runID); err == nil {
		last = fresh
	}
	cancel()
	h.publish(s.hubEvent(ctx, last), false)
	for {
		select {
		case <-ctx.Done():
			return
		case r, ok := <-updates:
			if ctx.Err() != nil {
				return
			}
			if !ok {
				s.endHub(ctx, h, last)
				return
			}
			// The store may have been read after a save whose publish is
			// still on its way: never step back to an older state.
			if r.Updated.Before(last.Updated) {
				continue
			}
			last = r
			h.publish(s.hubEvent(ctx, r), false)
		}
	}
}

// endHub publishes the final state. The last state seen is final unless it
// still says running: the hub then missed the test's last publish, and the
// run is read as a page would read it (settle).
func (s *Server) endHub(ctx context.Context, h *liveHub, last *run.Run) {
	defer s.retire(h)
	rctx, cancel := context.WithTimeout(ctx, hubReadTimeout)
	defer cancel()
	final := s.settle(rctx, last)
	var event []byte
	if final != last {
		event = s.hubEvent(ctx, final)
	}
	h.publish(event, true)
}

// hubEvent renders r for every watcher at once; nil (logged) if rendering
// failed, and the watchers keep the state before.
func (s *Server) hubEvent(ctx context.Context, r *run.Run) []byte {
	event, err := s.runEvent(ctx, r, newRunParts(r, s.originOf(r.Provider)))
	if err != nil {
		s.log.Error("rendering live update", "run", r.ID, "err", err)
		return nil
	}
	return event
}

// runEvent renders the part of the run page pushed to its watchers, as a
// "run" event. It is the same for every watcher, so it holds nothing of
// one: no CSRF token, no held key, no name. While the test runs the page
// shows no form; once it ends, the pushed part loads the viewer's own live
// form (templates.RunPage.Pushed).
func (s *Server) runEvent(ctx context.Context, r *run.Run, parts runParts) ([]byte, error) {
	s.hubs.renders.Add(1)
	v := templates.RunPage{Run: r, Checklist: runChecklist(r), ChecklistHTML: parts.checklist,
		Verdict: parts.verdict, VerdictHTML: parts.verdictHTML, Now: s.now(),
		Running: r.Live == run.LiveRunning, Curl: parts.curl, Model: r.Model, KeyTTL: s.keyTTL, Pushed: true}
	var html bytes.Buffer
	if err := templates.RunBody(v).Render(ctx, &html); err != nil {
		return nil, err
	}
	return sseEvent("run", html.Bytes()), nil
}

// sseEvent frames data as one server-sent event: a "data:" line for each
// of its lines.
func sseEvent(name string, data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/8+len(name)+16)
	out = append(out, "event: "...)
	out = append(out, name...)
	out = append(out, '\n')
	for {
		line, rest, more := bytes.Cut(data, []byte{'\n'})
		out = append(out, "data: "...)
		out = append(out, bytes.TrimRight(line, "\r")...)
		out = append(out, '\n')
		if !more {
			break
		}
		data = rest
	}
	return append(out, '\n')
}
