package run

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// taskCreated waits, in the bubble, until the run's test follows its task.
func taskCreated(t *testing.T, lr *Runner, id string) {
	t.Helper()
	// Once every goroutine of the bubble blocks, the runner waits for its
	// first poll with the task made, and no time has passed since. (A
	// subscription could miss the update that carries the task id: a
	// watcher slow to read skips states.)
	synctest.Wait()
	r, err := lr.store.GetRun(context.Background(), id)
	if err != nil || r.TaskID == "" {
		t.Fatalf("the test has no task yet: %v", err)
	}
}

// finishedAt answers handling until done is set, then success: a task
// that ends when HiAPI says so, whatever the polls.
func finishedAt(done *atomic.Bool) func(int) (checks.TaskView, checks.Answer, bool) {
	return func(int) (checks.TaskView, checks.Answer, bool) {
		if done.Load() {
			return successAfter(0)(0)
		}
		return handling(0)
	}
}

func TestCallbackPace(t *testing.T) {
	cases := []struct {
		name       string
		cfg        LiveConfig
		every, max time.Duration
	}{
		{"defaults", LiveConfig{Callbacks: true}, 10 * time.Second, 30 * time.Second},
		{"serve's default pace", LiveConfig{Callbacks: true, PollEvery: 3 * time.Second, Timeout: 180 * time.Second}, 10 * time.Second, 30 * time.Second},
		{"a slower pace stays", LiveConfig{Callbacks: true, PollEvery: 15 * time.Second, PollMax: 45 * time.Second}, 15 * time.Second, 45 * time.Second},
		{"a short time-out still polls", LiveConfig{Callbacks: true, Timeout: 20 * time.Second}, 5 * time.Second, 10 * time.Second},
		{"no callbacks", LiveConfig{}, 3 * time.Second, 10 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.cfg.withDefaults()
			if got.PollEvery != c.every || got.PollMax != c.max {
				t.Fatalf("pace %s to %s, want %s to %s", got.PollEvery, got.PollMax, c.every, c.max)
			}
		})
	}
}

// HiAPI's callback brings the result at once: the task ends 4 s after it
// was created, the callback nudges the runner, and the one poll comes
// then, not at the slow pace's first poll (10 s).
func TestNudgeBringsTheResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var done atomic.Bool
		p := &fakeProvider{GetFn: finishedAt(&done)}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{Callbacks: true, Timeout: 180 * time.Second}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		updates, cancel := lr.Subscribe("r1")
		defer cancel()
		taskCreated(t, lr, "r1")
		created := time.Now()
		time.Sleep(4 * time.Second)
		done.Store(true)
		if !lr.Nudge(testTask) {
			t.Fatal("Nudge of the test's task = false")
		}
		var last *Run
		for r := range updates { // the watchers see the result pushed
			last = r
		}
		if res, _ := last.Step(checks.StepResult); res.Status != checks.StatusPass {
			t.Fatalf("the last state pushed has result %s, want pass", res.Status)
		}
		r := waitDone(t, lr, s, "r1")
		if got := statuses(r); got != "auth=pass model=pass result=pass" {
			t.Fatalf("steps: %s", got)
		}
		_, polls := p.counts()
		if len(polls) != 1 || polls[0].Sub(created) != 4*time.Second {
			t.Fatalf("polls at %v after the create, want one at 4s", since(created, polls))
		}
		if lr.Nudge(testTask) {
			t.Error("Nudge after the test ended = true, want false")
		}
	})
}

// Duplicate deliveries cost at most one poll per NudgeWindow, and a
// nudge about another task, or before the task exists, changes nothing.
func TestNudgeDuplicates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := &fakeProvider{GetFn: successAfter(2)}
		p.CreateFn = func(ctx context.Context) (string, checks.Answer) {
			<-release
			return testTask, checks.Answer{HTTPStatus: 200}
		}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{Callbacks: true, Timeout: 180 * time.Second}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if lr.Nudge(testTask) {
			t.Error("Nudge before the task was created = true")
		}
		close(release)
		taskCreated(t, lr, "r1")
		created := time.Now()
		if lr.Nudge("tk-hiapi-SOMEONEELSESTASK00000000000") || lr.Nudge("") {
			t.Error("Nudge of a task no test follows = true")
		}
		synctest.Wait()
		if _, polls := p.counts(); len(polls) != 0 {
			t.Fatalf("a nudge about another task polled %d times", len(polls))
		}
		time.Sleep(3 * time.Second)
		for range 5 {
			lr.Nudge(testTask)
		}
		synctest.Wait() // the first poll: handling
		for range 3 {
			lr.Nudge(testTask)
		}
		r := waitDone(t, lr, s, "r1")
		if got := statuses(r); got != "auth=pass model=pass result=pass" {
			t.Fatalf("steps: %s", got)
		}
		_, polls := p.counts()
		want := []time.Duration{3 * time.Second, 3*time.Second + NudgeWindow}
		if got := since(created, polls); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("polls at %v after the create, want %v", got, want)
		}
	})
}

// With callbacks on and none coming, polling goes on at the slow pace and
// still finds the result.
func TestCallbacksPollSlowly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &fakeProvider{GetFn: successAfter(3)}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{Callbacks: true, PollEvery: 3 * time.Second, Timeout: 180 * time.Second}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		taskCreated(t, lr, "r1")
		created := time.Now()
		r := waitDone(t, lr, s, "r1")
		if got := statuses(r); got != "auth=pass model=pass result=pass" {
			t.Fatalf("steps: %s", got)
		}
		_, polls := p.counts()
		want := []time.Duration{10 * time.Second, 22500 * time.Millisecond, 38125 * time.Millisecond}
		got := since(created, polls)
		if len(got) != len(want) {
			t.Fatalf("polls at %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("polls at %v, want %v", got, want)
			}
		}
	})
}

func since(t0 time.Time, ts []time.Time) []time.Duration {
	var out []time.Duration
	for _, t := range ts {
		out = append(out, t.Sub(t0))
	}
	return out
}
