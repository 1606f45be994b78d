package checks

import (
	"strconv"
	"strings"
)

// Summary returns the one-line summary the page and the CLI show above the
// checklist, e.g. "2 steps fail: whitespace, base_url; 1 warning: complete".
// Pending live steps are not failures: they are mentioned as not run yet.
func Summary(results []Result) string {
	if len(results) == 0 {
		return "No checks ran"
	}
	var failed, warned, unknown, skipped []string
	offline, offlinePass, livePass, liveTotal, pending, running := 0, 0, 0, 0, 0, 0
	for _, r := range results {
		live := false
		if s, ok := Lookup(r.ID); ok {
			live = s.Live
		}
		if live {
			liveTotal++
		} else {
			offline++
		}
		switch r.Status {
		case StatusFail:
			failed = append(failed, string(r.ID))
		case StatusWarn:
			warned = append(warned, string(r.ID))
		case StatusUnknown:
			unknown = append(unknown, string(r.ID))
		case StatusSkip:
			skipped = append(skipped, string(r.ID))
		case StatusPending:
			pending++
		case StatusRunning:
			running++
		case StatusPass:
			if live {
				livePass++
			} else {
				offlinePass++
			}
		}
	}
	var parts []string
	if len(failed) > 0 {
		parts = append(parts, plural(len(failed), "step fails", "steps fail")+": "+strings.Join(failed, ", "))
	}
	if len(warned) > 0 {
		parts = append(parts, plural(len(warned), "warning", "warnings")+": "+strings.Join(warned, ", "))
	}
	if len(unknown) > 0 {
		parts = append(parts, plural(len(unknown), "step", "steps")+" undecided (not the key's fault): "+strings.Join(unknown, ", "))
	}
	if len(parts) == 0 {
		var s string
		switch {
		case liveTotal > 0 && livePass == liveTotal && len(skipped) == 0:
			s = "All " + strconv.Itoa(len(results)) + " steps pass: HiAPI accepts the key"
		case len(skipped) == 0:
			s = "All " + strconv.Itoa(offline) + " offline checks pass"
		default:
			s = plural(offlinePass+livePass, "check passes", "checks pass") + "; " + strconv.Itoa(len(skipped)) + " skipped: " + strings.Join(skipped, ", ")
		}
		parts = append(parts, s)
	}
	switch {
	case running > 0:
		parts = append(parts, "the live test is running")
	case pending > 0 && pending == liveTotal && len(failed) == 0:
		parts = append(parts, "the live test has not run yet")
	}
	return strings.Join(parts, "; ")
}
