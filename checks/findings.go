package checks

import "strings"

// finding is one problem a step found. headline, when set, is what the
// verdict says if this finding is the cause: one sentence in a person's
// words ("Your key ends with a newline: HiAPI would reject it.").
type finding struct {
	status   Status
	headline string
	detail   string
	fix      string
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
	f.addHeadline(status, "", detail, fix)
}

// addHeadline adds a finding with the headline the verdict says when it
// is the cause.
func (f *findings) addHeadline(status Status, headline, detail, fix string) {
	if len(f.list) >= maxKept {
		f.more++
		f.moreStatus = worse(f.moreStatus, status)
		return
	}
	f.list = append(f.list, finding{status, headline, detail, fix})
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
	r.Headline = f.headline(r.Status)
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

// headline is the step's headline: that of the first finding of the
// step's status that has one. A step whose worst findings have none gives
// none, and the verdict falls back to the step's own (headlineOf).
func (f *findings) headline(s Status) string {
	for _, it := range f.list {
		if it.status == s && it.headline != "" {
			return it.headline
		}
	}
	return ""
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
