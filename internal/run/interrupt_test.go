package run

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
)

func interruptFixture(live LiveState, taskID string, auth, model, result checks.Status) *Run {
	return &Run{
		ID:     "r1",
		Live:   live,
		TaskID: taskID,
		Steps: []checks.Result{
			{ID: checks.StepPresent, Status: checks.StatusPass, Detail: "present"},
			{ID: checks.StepHeader, Status: checks.StatusSkip, Detail: "no header"},
			{ID: checks.StepAuth, Status: auth, Detail: "auth before"},
			{ID: checks.StepModel, Status: model, Detail: "model before", Live: &checks.LiveEvidence{HTTPStatus: 200, TaskID: taskID}},
			{ID: checks.StepResult, Status: result, Detail: "result before"},
		},
	}
}

func TestInterrupt(t *testing.T) {
	const (
		running  = "Interrupted: keycheck stopped while this step was running."
		pending  = "Interrupted: keycheck stopped before this step ran."
		mayStill = " The task may still finish at HiAPI."
		taskCurl = "curl -s https://api.hiapi.ai/v1/tasks/tk-hiapi-01HZ -H \"Authorization: Bearer $HIAPI_API_KEY\""
		listCurl = "curl -s 'https://api.hiapi.ai/v1/tasks?page=1&size=1' -H \"Authorization: Bearer $HIAPI_API_KEY\""
	)
	type want struct {
		status checks.Status
		detail string
		// fix is a substring of the fix; "" means the fix must stay empty,
		// and a fix without a curl command must hold none.
		fix string
	}
	pass, fail := checks.StatusPass, checks.StatusFail
	run, pend := checks.StatusRunning, checks.StatusPending
	tests := []struct {
		name                string
		run                 *Run
		base                string
		live                LiveState
		auth, model, result want
	}{
		{
			name: "polling the task",
			run:  interruptFixture(LiveRunning, "tk-hiapi-01HZ", pass, pass, run),
			live: LiveInterrupted,
			auth: want{pass, "auth before", ""}, model: want{pass, "model before", ""},
			result: want{checks.StatusUnknown, running + mayStill, taskCurl},
		},
		{
			name:   "creating the task, no id yet",
			run:    interruptFixture(LiveRunning, "", pass, run, pend),
			live:   LiveInterrupted,
			auth:   want{pass, "auth before", ""},
			model:  want{checks.StatusUnknown, running + mayStill, listCurl},
			result: want{checks.StatusUnknown, pending + mayStill, listCurl},
		},
		{
			name:   "probing auth: no task can exist",
			run:    interruptFixture(LiveRunning, "", run, pend, pend),
			live:   LiveInterrupted,
			auth:   want{checks.StatusUnknown, running, "Run the live test again."},
			model:  want{checks.StatusUnknown, pending, "Run the live test again."},
			result: want{checks.StatusUnknown, pending, "Run the live test again."},
		},
		{
			name: "task id known, result pending",
			run:  interruptFixture(LiveRunning, "tk-hiapi-01HZ", pass, pass, pend),
			live: LiveInterrupted,
			auth: want{pass, "auth before", ""}, model: want{pass, "model before", ""},
			result: want{checks.StatusUnknown, pending + mayStill, taskCurl},
		},
		{
			name: "custom base, trailing slash",
			run:  interruptFixture(LiveRunning, "tk-1", pass, pass, run),
			base: "http://127.0.0.1:8081/",
			live: LiveInterrupted,
			auth: want{pass, "auth before", ""}, model: want{pass, "model before", ""},
			result: want{checks.StatusUnknown, running + mayStill, "curl -s http://127.0.0.1:8081/v1/tasks/tk-1 -H"},
		},
		{
			name: "hostile task id is quoted",
			run:  interruptFixture(LiveRunning, "x'; rm -rf ~ #", pass, pass, run),
			live: LiveInterrupted,
			auth: want{pass, "auth before", ""}, model: want{pass, "model before", ""},
			result: want{checks.StatusUnknown, running + mayStill, `curl -s 'https://api.hiapi.ai/v1/tasks/x%27%3B%20rm%20-rf%20~%20%23' -H`},
		},
		{
			name: "finished run is left alone",
			run:  interruptFixture(LiveDone, "tk-1", pass, fail, pend),
			live: LiveDone,
			auth: want{pass, "auth before", ""}, model: want{fail, "model before", ""},
			result: want{pend, "result before", ""},
		},
		{
			name: "offline-only run is left alone",
			run:  interruptFixture(LiveNone, "", pend, pend, pend),
			live: LiveNone,
			auth: want{pend, "auth before", ""}, model: want{pend, "model before", ""},
			result: want{pend, "result before", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run
			before := r.Clone()
			r.Interrupt(tt.base)
			if r.Live != tt.live {
				t.Errorf("Live = %q, want %q", r.Live, tt.live)
			}
			for id, w := range map[checks.ID]want{checks.StepAuth: tt.auth, checks.StepModel: tt.model, checks.StepResult: tt.result} {
				s, _ := r.Step(id)
				if s.Status != w.status || s.Detail != w.detail {
					t.Errorf("%s = %q %q, want %q %q", id, s.Status, s.Detail, w.status, w.detail)
				}
				noCurl := !strings.Contains(w.fix, "curl") && strings.Contains(s.Fix, "curl")
				if w.fix == "" && s.Fix != "" || !strings.Contains(s.Fix, w.fix) || noCurl {
					t.Errorf("%s fix = %q, want it to contain %q", id, s.Fix, w.fix)
				}
			}
			// Offline steps and live evidence are never touched.
			for _, id := range []checks.ID{checks.StepPresent, checks.StepHeader} {
				a, _ := before.Step(id)
				b, _ := r.Step(id)
				if a != b {
					t.Errorf("offline step %s changed: %+v -> %+v", id, a, b)
				}
			}
			if m, _ := r.Step(checks.StepModel); m.Live == nil || m.Live.HTTPStatus != 200 {
				t.Errorf("model evidence lost: %+v", m.Live)
			}
		})
	}
}

func TestInterruptAbandoned(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 14, 2, 0, 0, 0, time.FixedZone("PST", -8*60*60))
	left := interruptFixture(LiveRunning, "tk-1", checks.StatusPass, checks.StatusPass, checks.StatusRunning)
	done := interruptFixture(LiveDone, "tk-2", checks.StatusPass, checks.StatusPass, checks.StatusPass)
	done.ID = "r2"
	// Another instance's test, alive and running, is its own.
	theirs := interruptFixture(LiveRunning, "tk-3", checks.StatusPass, checks.StatusPass, checks.StatusRunning)
	theirs.ID, theirs.Instance = "r3", "b"
	left.Instance = "gone"
	s := newMemStore(left, done, theirs)
	s.alive = map[string]bool{"b": true}
	n, err := InterruptAbandoned(ctx, s, "a", "http://127.0.0.1:9", now)
	if n != 1 || err != nil {
		t.Fatalf("InterruptAbandoned = %d, %v; want 1", n, err)
	}
	got, _ := s.GetRun(ctx, "r1")
	want := left.Clone()
	want.Interrupt("http://127.0.0.1:9")
	if got.Live != LiveInterrupted || !got.Updated.Equal(now) || got.Updated.Location() != time.UTC {
		t.Errorf("marked run: live %q, updated %v; want interrupted at %v, in UTC", got.Live, got.Updated, now)
	}
	gotRes, _ := got.Step(checks.StepResult)
	wantRes, _ := want.Step(checks.StepResult)
	if gotRes != wantRes {
		t.Errorf("result = %+v, want %+v", gotRes, wantRes)
	}
	if other, _ := s.GetRun(ctx, "r2"); other.Live != LiveDone || !other.Updated.IsZero() {
		t.Errorf("a finished run was changed: %q %v", other.Live, other.Updated)
	}
	if other, _ := s.GetRun(ctx, "r3"); other.Live != LiveRunning {
		t.Errorf("a live instance's test was marked %q", other.Live)
	}
}
