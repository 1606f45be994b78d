package run

import (
	"context"
	"time"
)

// The pace of polling when HiAPI calls back (LiveConfig.Callbacks): the
// callback brings the result, so polling is only the fallback for a
// callback that never comes. The first poll waits CallbackPoll and the
// waits back off to CallbackPollMax: about 8 polls in the default 180 s
// instead of about 20. Both are capped at a quarter of the live test's
// time-out, so a short one still polls a few times, and never go below
// the pace configured without callbacks.
const (
	CallbackPoll    = 10 * time.Second
	CallbackPollMax = 30 * time.Second
)

// NudgeWindow is the least time between two polls a nudge brings: a
// callback delivered twice, or ten times, costs at most one poll per
// window.
const NudgeWindow = 2 * time.Second

// callbackPace is the first wait and the longest between polls when HiAPI
// calls back.
func callbackPace(cfg LiveConfig) (every, most time.Duration) {
	quarter := cfg.Timeout / 4
	every = max(cfg.PollEvery, min(CallbackPoll, quarter))
	most = max(cfg.PollMax, every, min(CallbackPollMax, quarter))
	return every, most
}

// Nudge tells the live test that follows HiAPI task taskID that HiAPI
// called back about it: the test polls the task now (not sooner than
// NudgeWindow after its last poll), with the key it holds, and the answer
// goes to the pages watching exactly as a poll's does. Nothing the
// callback said is used. It reports whether a live test of this keycheck
// follows that task; a test that has ended ignores nudges (false), and
// nudges that come while one is pending are one nudge.
func (lr *Runner) Nudge(taskID string) bool {
	if taskID == "" {
		return false
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	for _, f := range lr.flights {
		if f.task == taskID {
			select {
			case f.nudge <- struct{}{}:
			default: // one is pending already
			}
			return true
		}
	}
	return false
}

// pause waits delay before the next poll, or less when a nudge comes: the
// poll then comes at once, or once NudgeWindow has passed since the last
// request about the task (asked), whichever is later, never later than
// delay would have. One nudge per pause: the rest wait for the next one.
// It returns ctx's error if ctx ends first.
func (t tester) pause(ctx context.Context, delay time.Duration, asked time.Time) error {
	due := time.Now().Add(delay)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	nudge := t.nudge
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return nil
		case <-nudge:
			nudge = nil
			wake := max(time.Until(asked.Add(NudgeWindow)), 0)
			if wake == 0 {
				return nil
			}
			timer.Reset(min(wake, time.Until(due)))
		}
	}
}
