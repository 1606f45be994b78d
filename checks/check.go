package checks

import (
	"strconv"
	"strings"
)

// Check runs every offline step over in and returns one Result per catalogue step, in catalogue order; the live steps (auth, model, result) come back as StatusPending with their Title set.
func Check(in Input) []Result {
	out := make([]Result, len(catalogue))
	for i, s := range catalogue {
		var r Result
		if s.Live {
			r = Result{Status: StatusPending, Detail: "Not run yet: start the live test to ask HiAPI."}
		} else {
			r = stepFuncs[s.ID](&in)
		}
		r.ID, r.Title = s.ID, s.Title
		out[i] = r
	}
	return out
}

// stepFuncs maps each offline step to the function that decides it.
var stepFuncs = map[ID]func(*Input) Result{
	StepPresent:    checkPresent,
	StepWhitespace: notYet,
	StepCharacters: notYet,
	StepComplete:   notYet,
	StepProvider:   notYet,
	StepVariable:   notYet,
	StepBaseURL:    notYet,
	StepHeader:     notYet,
}

func notYet(*Input) Result {
	return Result{Status: StatusSkip, Detail: "Skipped: this check is not available yet."}
}

func checkPresent(in *Input) Result {
	if in.Key == "" {
		return Result{Status: StatusFail, Detail: "No key was given.", Fix: "Paste the key, or check that the variable is set: printenv HIAPI_API_KEY | wc -c"}
	}
	if strings.TrimSpace(in.Key) == "" {
		return Result{Status: StatusFail, Detail: "The key is only whitespace.", Fix: "Copy the key again from the HiAPI dashboard."}
	}
	return Result{Status: StatusPass, Detail: "A key was given."}
}

// Summary returns the one-line summary the page and the CLI show above the
// checklist, e.g. "2 steps fail: whitespace, base_url".
func Summary(results []Result) string {
	var failed, warned []string
	offline, pending := 0, 0
	for _, r := range results {
		switch r.Status {
		case StatusFail:
			failed = append(failed, string(r.ID))
		case StatusWarn:
			warned = append(warned, string(r.ID))
		case StatusPending:
			pending++
		}
		if s, ok := Lookup(r.ID); ok && !s.Live {
			offline++
		}
	}
	var parts []string
	if len(failed) > 0 {
		parts = append(parts, count(len(failed), "step fails", "steps fail")+": "+strings.Join(failed, ", "))
	}
	if len(warned) > 0 {
		parts = append(parts, count(len(warned), "warning", "warnings")+": "+strings.Join(warned, ", "))
	}
	if len(parts) == 0 {
		s := "All " + strconv.Itoa(offline) + " offline checks pass"
		if pending > 0 {
			s += "; run the live test to finish"
		}
		return s
	}
	return strings.Join(parts, "; ")
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
