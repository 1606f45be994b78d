package run

import (
	"context"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// OrphanUpdater is what InterruptAbandoned needs of a store.
type OrphanUpdater interface {
	// UpdateOrphaned applies change to every run whose live test is
	// running under an instance other than self that is gone, and stores
	// them in one write; it returns how many it changed.
	UpdateOrphaned(ctx context.Context, self string, change func(*Run)) (int64, error)
}

// InterruptAbandoned marks as interrupted (Run.Interrupt), updated at now,
// every run the store still calls running whose instance is gone, and
// returns how many it marked. Call it at startup, before the runner starts:
// a test that was in flight when its keycheck stopped (a crash, or a stop
// that ran out of time) can no longer finish anywhere, since its key lived
// only in that process. A test another live instance runs is left alone.
// self is this instance (LiveConfig.Instance); hiapiBase is the base URL
// the live tests use.
func InterruptAbandoned(ctx context.Context, s OrphanUpdater, self, hiapiBase string, now time.Time) (int64, error) {
	return s.UpdateOrphaned(ctx, self, func(r *Run) {
		r.Interrupt(hiapiBase)
		r.Updated = now.UTC()
	})
}

// Interrupt records that keycheck stopped while the run's live test was in
// flight. It is the one meaning of "interrupted": the runner applies it
// when it stops mid-test, and InterruptAbandoned applies it at startup to a
// run the last stop left running, so both read the same. Each live step
// still pending or running becomes unknown (never blamed on the key). Once
// a task may exist (its id came back, or its creation was under way), the
// steps that create and follow it say it may still finish at HiAPI, and
// their fix gives the command that shows it. hiapiBase is the base URL the
// live test used; "" means HiAPI's own. A run that is not running is left
// alone; the caller sets Updated.
func (r *Run) Interrupt(hiapiBase string) {
	if r.Live != LiveRunning {
		return
	}
	r.Live = LiveInterrupted
	model, _ := r.Step(checks.StepModel)
	// Only HiAPI's live test creates a task; another target's asks only
	// free endpoints.
	taskMayExist := isHiAPI(r.Provider) && (r.TaskID != "" || model.Status == checks.StatusRunning)
	fix := interruptFix(hiapiBase, r.TaskID, taskMayExist)
	for i := range r.Steps {
		s := &r.Steps[i]
		if st, ok := checks.Lookup(s.ID); !ok || !st.Live {
			continue
		}
		if s.Status != checks.StatusRunning && s.Status != checks.StatusPending {
			continue
		}
		s.Detail = interruptDetail(s, taskMayExist)
		s.Fix = fix
		s.Status = checks.StatusUnknown
		if s.Live != nil && s.Live.Cleaned != "" {
			// The test was of the cleaned key; it still says so.
			*s = checks.LivePlan{Removed: s.Live.Cleaned}.Annotate(*s)
		}
	}
}

// interruptDetail says what happened to step s. The auth probe creates no
// task, so only the steps that create or follow one say it may still
// finish.
func interruptDetail(s *checks.Result, taskMayExist bool) string {
	d := "Interrupted: keycheck stopped while this step was running."
	if s.Status == checks.StatusPending {
		d = "Interrupted: keycheck stopped before this step ran."
	}
	if taskMayExist && (s.ID == checks.StepModel || s.ID == checks.StepResult) {
		d += " The task may still finish at HiAPI."
	}
	return d
}

// interruptFix gives the command that shows the task, or, when its id never
// arrived, the account's newest task, which is most likely it. When no task
// can exist, running the test again is all there is to do.
func interruptFix(base, taskID string, taskMayExist bool) string {
	switch {
	case taskID != "":
		return "See whether the task finished:\n`" + checks.TaskCurlCommand(base, taskID) + "`"
	case taskMayExist:
		return "Run the live test again. If a task was created, it is the newest one on the account:\n`" +
			checks.ProbeCurlCommand(base) + "`"
	}
	return "Run the live test again."
}
