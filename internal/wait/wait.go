// Package wait holds keycheck's one cancellable sleep: every pause (a
// retry's backoff, a poll's delay, the fake's slow answer, the load test's
// pacing) ends early when its context does, so no shutdown or time-out
// waits on a timer.
package wait

import (
	"context"
	"time"
)

// For waits d, or until ctx ends; it returns ctx's error in that case, and
// nil once d has passed. A d of zero or less returns at once (still nil
// only if ctx has not ended).
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
