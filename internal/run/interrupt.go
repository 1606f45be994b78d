package run

import (
	"strings"

	"github.com/keycheck/keycheck/checks"
)

// Interrupt records that keycheck stopped while the run's live test was in
// flight, so the run no longer claims to be running after a restart. Each
// live step still pending or running becomes unknown (never blamed on the
// key), and its fix says how to see the task's fate without keycheck: the
// task may still finish at HiAPI. hiapiBase is the base URL the live test
// used; "" means HiAPI's own. A run that is not running is left alone; the
// caller sets Updated.
func (r *Run) Interrupt(hiapiBase string) {
	if r.Live != LiveRunning {
		return
	}
	r.Live = LiveInterrupted
	base := strings.TrimRight(hiapiBase, "/")
	if base == "" {
		base = checks.HiAPIOrigin
	}
	for i := range r.Steps {
		s := &r.Steps[i]
		if st, ok := checks.Lookup(s.ID); !ok || !st.Live {
			continue
		}
		if s.Status != checks.StatusRunning && s.Status != checks.StatusPending {
			continue
		}
		s.Detail = interruptDetail(s, r.TaskID)
		s.Fix = interruptFix(base, r.TaskID)
		s.Status = checks.StatusUnknown
	}
}

// interruptDetail says what happened to step s. Only the steps that create
// or follow the task say the task may still finish: the auth probe creates
// none, and a model step that never started created none either.
func interruptDetail(s *checks.Result, taskID string) string {
	d := "Interrupted: keycheck stopped while this step was running."
	if s.Status == checks.StatusPending {
		d = "Interrupted: keycheck stopped before this step ran."
	}
	taskMayExist := taskID != "" || s.Status == checks.StatusRunning
	if taskMayExist && (s.ID == checks.StepModel || s.ID == checks.StepResult) {
		d += " The task may still finish at HiAPI."
	}
	return d
}

// interruptFix gives the command that shows the task, or, when the task id
// never arrived, the account's newest task, which is most likely it.
func interruptFix(base, taskID string) string {
	if taskID != "" {
		return "See whether the task finished:\n`" + checks.TaskCurlCommand(base, taskID) + "`"
	}
	return "Run the live test again. If a task was created, it is the newest one on the account:\n`" +
		checks.ProbeCurlCommand(base) + "`"
}
