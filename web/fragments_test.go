package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

func TestFragmentsFollowTheRun(t *testing.T) {
	f := &fragments{}
	ctx := context.Background()
	r := &run.Run{ID: "AAAAAAAAAAAAAAAAAAAAAA", Updated: time.Unix(100, 0), Steps: checks.Check(checks.Input{Key: "sk-abcdefghijklmnopqrstuvwxyz0123456789AB"})}
	list := func() templates.Checklist { return templates.Checklist{Results: r.Steps, RunID: r.ID} }

	first := f.checklist(ctx, r, list(), false)
	if !strings.Contains(first, `data-status="pending"`) {
		t.Fatalf("first render lacks the pending live steps")
	}
	if again := f.checklist(ctx, r, list(), false); again != first {
		t.Error("an unchanged run rendered differently")
	}

	// A live test runs: nothing is cached while it moves.
	r.Live = run.LiveRunning
	if got := f.checklist(ctx, r, list(), true); got != "" {
		t.Error("a running run's checklist must not come from the cache")
	}

	// It ends: the page shows the new state, not the cached old one.
	r.Live, r.Updated = run.LiveDone, time.Unix(200, 0)
	r.SetStep(checks.Result{ID: checks.StepAuth, Title: "HiAPI accepts the key", Status: checks.StatusFail, Detail: "dead key"})
	after := f.checklist(ctx, r, list(), false)
	if after == first || !strings.Contains(after, "dead key") {
		t.Error("the checklist after the live test is the stale one")
	}
}
