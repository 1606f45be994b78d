package checks

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// defaultVarName is the variable HiAPI documents for the key.
const defaultVarName = "HIAPI_API_KEY"

// Check runs every offline step over in and returns one Result per catalogue step, in catalogue order; the live steps (auth, model, result) come back as StatusPending with their Title set.
func Check(in Input) []Result {
	st := newState(&in)
	out := make([]Result, len(catalogue))
	for i := range catalogue {
		s := &catalogue[i]
		var r Result
		switch s.ID {
		case StepPresent:
			r = checkPresent(st)
		case StepWhitespace:
			r = checkWhitespace(st)
		case StepCharacters:
			r = checkCharacters(st)
		case StepComplete:
			r = checkComplete(st)
		case StepProvider:
			r = checkProvider(st)
		case StepVariable:
			r = checkVariable(st)
		case StepBaseURL:
			r = checkBaseURL(st)
		case StepHeader:
			r = checkHeader(st)
		default:
			r = pendingResult(s.ID)
		}
		r.ID, r.Title = s.ID, s.Title
		out[i] = r
	}
	return out
}

// pendingResult is what a live step says before the live test runs.
func pendingResult(id ID) Result {
	r := Result{Status: StatusPending}
	switch id {
	case StepAuth:
		r.Detail = "Not run yet: the live test asks HiAPI with a free request (GET " + probePath + ")."
	case StepModel:
		r.Detail = "Not run yet: the live test creates one small test task with the model."
	case StepResult:
		r.Detail = "Not run yet: the live test polls the test task until it returns an image."
	default:
		r.Detail = "Not run yet."
	}
	return r
}

// state is what the steps of one Check share: the input and the analysis
// of the key, done once.
type state struct {
	in  *Input
	key keyInfo
	// name is the variable the commands in fixes refer to: the VarName given,
	// when it is a valid name that is not part of the key, else HIAPI_API_KEY.
	name string
}

func newState(in *Input) *state {
	st := &state{in: in, name: defaultVarName}
	st.key.analyse(in.Key)
	if n := cleanVarName(in.VarName); n != "" && st.safe(n) {
		st.name = n
	}
	return st
}

// safe reports whether s, a piece of the input such as a variable name or
// a host, may be shown: it must not look like a key, nor share 8
// characters with the key (without its wrappers) or the key inside base64.
// Wrapper text ("Bearer", a variable name) is not secret.
func (st *state) safe(s string) bool {
	k := &st.key
	return !keyLike(s) && !overlaps(s, k.core) && !overlaps(s, k.decoded)
}

// safeLower is safe for text that was lower-cased (a URL's host and
// scheme): it must not share 8 characters with the key in any letter case
// either, or a host made of the key would show it, lower-cased.
func (st *state) safeLower(s string) bool {
	k := &st.key
	return st.safe(s) && !overlapsFold(s, k.core) && !overlapsFold(s, k.decoded)
}

// cmd rewrites a fix so its commands use the variable the person's code
// reads instead of HIAPI_API_KEY.
func (st *state) cmd(fix string) string {
	if st.name == defaultVarName || fix == "" {
		return fix
	}
	return strings.ReplaceAll(fix, defaultVarName, st.name)
}

// finding is one problem a step found.
type finding struct {
	status Status
	detail string
	fix    string
}

// findings collects what a step found and turns it into a Result.
type findings struct {
	list []finding
	// more counts findings past maxKept, which are only counted, so a
	// pasted megabyte of quotes costs no more than a few.
	more       int
	moreStatus Status
}

// maxKept is how many findings a step keeps in full.
const maxKept = 16

func (f *findings) add(status Status, detail, fix string) {
	if len(f.list) >= maxKept {
		f.more++
		f.moreStatus = worse(f.moreStatus, status)
		return
	}
	f.list = append(f.list, finding{status, detail, fix})
}

// full reports that further findings will only be counted, so callers in
// a loop can skip building their text.
func (f *findings) full(status Status) bool {
	if len(f.list) < maxKept {
		return false
	}
	f.more++
	f.moreStatus = worse(f.moreStatus, status)
	return true
}

func (f *findings) status() Status {
	s := f.moreStatus
	if s == "" {
		s = StatusPass
	}
	for _, x := range f.list {
		s = worse(s, x.status)
	}
	return s
}

// maxShown is how many findings a detail lists before summing up the rest.
const maxShown = 6

// result joins the findings: the worst status, the details in order, and
// each distinct fix once. With no findings it passes with passDetail.
func (f *findings) result(passDetail string) Result {
	if len(f.list) == 0 {
		return Result{Status: StatusPass, Detail: passDetail}
	}
	r := Result{Status: f.status()}
	if len(f.list) == 1 && f.more == 0 {
		r.Detail, r.Fix = f.list[0].detail, f.list[0].fix
		return r
	}
	var d, x strings.Builder
	for i, it := range f.list {
		if i == maxShown {
			break
		}
		if it.detail != "" {
			if d.Len() > 0 {
				d.WriteByte(' ')
			}
			d.WriteString(it.detail)
		}
	}
	if n := len(f.list) + f.more - min(len(f.list), maxShown); n > 0 {
		d.WriteString(" And ")
		d.WriteString(plural(n, "more finding", "more findings"))
		d.WriteString(".")
	}
	// Each line of advice once: findings of one step often share a line
	// (two stray spaces, one strip command).
	seen := map[string]bool{}
	for _, it := range f.list {
		for _, line := range strings.Split(it.fix, "\n") {
			if line == "" || seen[line] {
				continue
			}
			seen[line] = true
			if x.Len() > 0 {
				x.WriteByte('\n')
			}
			x.WriteString(line)
		}
	}
	r.Detail, r.Fix = d.String(), x.String()
	return r
}

// worse returns the more serious of two statuses.
func worse(a, b Status) Status {
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func rank(s Status) int {
	switch s {
	case StatusFail:
		return 3
	case StatusWarn:
		return 2
	case StatusPass:
		return 1
	}
	return 0
}

func skip(detail, fix string) Result {
	return Result{Status: StatusSkip, Detail: detail, Fix: fix}
}

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
			s = plural(offlinePass+livePass, "check passes", "checks pass") + "; " + strconv.Itoa(len(skipped)) + " skipped for lack of input: " + strings.Join(skipped, ", ")
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

// plural returns "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// at describes a 1-based position or range of positions.
func at(from, to int) string {
	if to <= from {
		return "position " + strconv.Itoa(from)
	}
	return "positions " + strconv.Itoa(from) + "–" + strconv.Itoa(to)
}

// runeCount counts characters, each invalid byte counting as one.
func runeCount(s string) int { return utf8.RuneCountInString(s) }

// codePoint formats r as U+XXXX.
func codePoint(r rune) string {
	const digits = "0123456789ABCDEF"
	var buf [10]byte
	i := len(buf)
	for n := 0; n < 4 || r > 0; n++ {
		i--
		buf[i] = digits[r&15]
		r >>= 4
	}
	i -= 2
	buf[i], buf[i+1] = 'U', '+'
	return string(buf[i:])
}

// quoteChar shows one character between quotes, made visible.
func quoteChar(r rune) string {
	return "‘" + Visible(string(r)) + "’"
}

func itoa(n int) string { return strconv.Itoa(n) }
