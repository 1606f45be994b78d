package metrics

import (
	"sync"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// maxLiveTracked bounds how many live tests' starts are remembered at
// once. A test ends within --live-timeout and its saves' retries, and the
// live rate limits keep far fewer in flight; a start whose end never came
// (its last save failed) is forgotten after staleStart, once the table is
// full. A test that finds the table full is not counted.
const (
	maxLiveTracked = 10_000
	staleStart     = time.Hour
)

// liveStarts remembers when each live test saved through this store began,
// by run id, so its end can be timed and counted once. Only this
// instance's tests pass through its store's UpdateRun with the running
// state, so another instance's tests are never counted here.
type liveStarts struct {
	mu sync.Mutex
	at map[string]time.Time
}

// saved notes r's live state after a save at now. It reports ended, and
// how long the test took, when r's live test moved from running (seen in
// an earlier save) to done or interrupted; each test ends once.
func (l *liveStarts) saved(r *run.Run, now time.Time) (took time.Duration, ended bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start, known := l.at[r.ID]
	switch r.Live {
	case run.LiveRunning:
		if !known {
			l.begin(r.ID, now)
		}
		return 0, false
	case run.LiveDone, run.LiveInterrupted:
		if known {
			delete(l.at, r.ID)
			return now.Sub(start), true
		}
	default:
		delete(l.at, r.ID)
	}
	return 0, false
}

// begin remembers id's start, making room by forgetting the stale starts
// when the table is full.
func (l *liveStarts) begin(id string, now time.Time) {
	if len(l.at) >= maxLiveTracked {
		for other, start := range l.at {
			if now.Sub(start) > staleStart {
				delete(l.at, other)
			}
		}
		if len(l.at) >= maxLiveTracked {
			return
		}
	}
	l.at[id] = now
}
