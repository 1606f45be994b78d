package metrics

import (
	"strconv"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// TestLiveStartsStayBounded: the table of live tests' starts never holds
// more than maxLiveTracked; when it is full, stale starts (a test whose
// end was never saved) make room, and a start that finds no room is not
// counted rather than growing the table.
func TestLiveStartsStayBounded(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	l := liveStarts{at: map[string]time.Time{}}
	running := func(id string) *run.Run { return &run.Run{ID: id, Live: run.LiveRunning} }
	for i := range maxLiveTracked {
		l.saved(running("old-"+strconv.Itoa(i)), t0)
	}
	soon := t0.Add(time.Minute)
	l.saved(running("no-room"), soon)
	if _, ok := l.at["no-room"]; ok || len(l.at) != maxLiveTracked {
		t.Fatalf("a full table took another start: %d entries", len(l.at))
	}
	if _, ended := l.saved(&run.Run{ID: "no-room", Live: run.LiveDone}, soon); ended {
		t.Error("a test whose start found no room was counted")
	}
	late := t0.Add(staleStart + time.Minute)
	l.saved(running("fresh"), late)
	if len(l.at) != 1 {
		t.Errorf("%d entries after the stale starts went, want 1 (the fresh one)", len(l.at))
	}
	if took, ended := l.saved(&run.Run{ID: "fresh", Live: run.LiveInterrupted}, late.Add(3*time.Second)); !ended || took != 3*time.Second {
		t.Errorf("the fresh test ended %v after %v, want true after 3s", ended, took)
	}
	if len(l.at) != 0 {
		t.Errorf("an ended test is still remembered: %d entries", len(l.at))
	}
}
