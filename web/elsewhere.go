package web

import (
	"context"
	"time"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/wait"
)

// runsElsewhere reports whether another instance on the database runs r's
// live test: the store says it runs, under an instance that is not this
// one. Whether that instance is still alive is not asked here: each
// instance sweeps, on every renewal of its lease, the runs of instances
// whose lease lapsed (store.UpdateOrphaned), so a dead instance's run
// reads interrupted within about a lease's time, for every page at once.
// A run with no instance was started before keycheck recorded one, by a
// keycheck that has since stopped.
func (s *Server) runsElsewhere(r *run.Run) bool {
	return r.Live == run.LiveRunning && r.Instance != "" && r.Instance != s.cfg.Instance
}

// running reports whether r's live test is in flight: this instance runs
// it, or, when the database is shared, another instance does
// (runsElsewhere). So a page on any instance shows the run as running,
// follows it, and refuses to start a second test of it (409
// live_running). r is the run as the handler just read it: asking costs
// no second read.
func (s *Server) running(r *run.Run) bool {
	return s.live.Running(r.ID) || s.shared && s.runsElsewhere(r)
}

// followRecheck is how often a follower reads its run even without an
// event (followers.recheck): events are how updates arrive, and this
// bounds how long one the store lost unnoticed can keep a page on an old
// state.
const followRecheck = 10 * time.Second

// followRetry is the wait before reading again a run whose read failed.
const followRetry = time.Second

// follow delivers the run, as another instance's live test changes it,
// until the test ends (its final state is sent, then the channel is
// closed) or ctx ends: the counterpart, for a run tested elsewhere, of the
// runner's Subscribe. Each event naming the run (Server.Listen) makes it
// read the run from the store; as with Subscribe, the channel holds only
// the latest state. The run is read once at the start too, so an end that
// came before the follower was woken for it is not missed.
func (s *Server) followRun(ctx context.Context, runID string) <-chan *run.Run {
	out := make(chan *run.Run, 1)
	wake, remove := s.follow.add(runID)
	signal(wake)
	go func() {
		defer close(out)
		defer remove()
		recheck := time.NewTicker(time.Duration(s.follow.recheck.Load()))
		defer recheck.Stop()
		var last time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-recheck.C:
			}
			rctx, cancel := context.WithTimeout(ctx, hubReadTimeout)
			r, err := s.store.GetRun(rctx, runID)
			cancel()
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				if isNotFound(err) {
					return // pruned: nothing more to show
				}
				s.log.Warn("following a run another instance tests", "run", runID, "err", err)
				_ = wait.For(ctx, followRetry)
				signal(wake)
				continue
			}
			if r.Updated.After(last) || last.IsZero() {
				last = r.Updated
				latest(out, r)
			}
			if r.Live != run.LiveRunning {
				return
			}
		}
	}()
	return out
}

// latest puts r in ch (capacity 1, one sender) in place of a state no one
// has read yet.
func latest(ch chan *run.Run, r *run.Run) {
	select {
	case <-ch:
	default:
	}
	ch <- r
}
