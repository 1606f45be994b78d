package checks

import (
	"strings"
	"unicode/utf8"
)

// Verdict is the answer of a check or a run: what a person reads first.
// The steps are its evidence.
type Verdict struct {
	// Status is pass, warn, fail, unknown or pending (the live test has
	// not run, or is running).
	Status Status `json:"status"`
	// Step is the step that is the cause; "" when there is none (a pass,
	// or nothing decided yet).
	Step ID `json:"step,omitempty"`
	// Headline names the cause in one sentence, in a person's words.
	Headline string `json:"headline"`
	// Fix is the one fix that matters: the cause step's.
	Fix string `json:"fix,omitempty"`
}

// causalOrder is the order in which causes explain each other: a key that
// is not there, then whose it is and whether it is whole (no cleaning
// helps those), then its bytes, then where the process gets it and where
// it sends it, then what HiAPI says. The first failure in this order is
// the cause; catalogue order is the guide's reading order, not this.
var causalOrder = [...]ID{
	StepPresent, StepProvider, StepComplete, StepCharacters, StepWhitespace,
	StepVariable, StepBaseURL, StepHeader,
	StepAuth, StepModel, StepResult,
}

// liveSteps are the steps the live test decides.
var liveSteps = [...]ID{StepAuth, StepModel, StepResult}

// VerdictOf decides the verdict from the results alone, so a stored run
// and a fresh check read the same. A failure is the answer, else a step
// keycheck could not decide, else a warning; a key HiAPI accepted end to
// end passes, and one it has not heard is pending.
func VerdictOf(results []Result) Verdict {
	if len(results) == 0 {
		return Verdict{Status: StatusPending, Headline: "Paste a key to check it."}
	}
	get := func(id ID) *Result {
		for i := range results {
			if results[i].ID == id {
				return &results[i]
			}
		}
		return nil
	}
	first := func(s Status, among []ID) *Result {
		for _, id := range among {
			if r := get(id); r != nil && r.Status == s {
				return r
			}
		}
		return nil
	}
	if r := first(StatusFail, causalOrder[:]); r != nil {
		return failVerdict(r, get)
	}
	if r := first(StatusUnknown, causalOrder[:]); r != nil {
		return Verdict{Status: StatusUnknown, Step: r.ID, Headline: headlineOf(r), Fix: r.Fix}
	}
	if r := first(StatusRunning, causalOrder[:]); r != nil {
		return Verdict{Status: StatusPending, Step: r.ID, Headline: "The live test is running: " + lowerFirst(firstSentence(r.Detail))}
	}
	t := targetOfResults(get(StepAuth))
	works := true
	for _, id := range liveSteps {
		r := get(id)
		// Another target's model step may be skipped (no free request
		// tells), and its result step always is: nothing is spent.
		skipped := t.ID != ProviderHiAPI && id != StepAuth && r != nil && r.Status == StatusSkip
		if r == nil || r.Status != StatusPass && !skipped {
			works = false
		}
	}
	if works {
		// HiAPI took this very key end to end (a cleaned one would have
		// failed a step above), so what the key's own steps warned of is
		// settled; where the code gets it and sends it is not.
		if r := first(StatusWarn, []ID{StepVariable, StepBaseURL, StepHeader}); r != nil {
			return Verdict{Status: StatusWarn, Step: r.ID, Headline: "The key works, but " + lowerFirst(headlineOf(r)), Fix: r.Fix}
		}
		if t.ID != ProviderHiAPI {
			return Verdict{Status: StatusPass, Headline: "A working key: " + t.Name + " accepts it. keycheck spent nothing."}
		}
		return Verdict{Status: StatusPass, Headline: headlineOf(get(StepResult))}
	}
	if r := first(StatusWarn, causalOrder[:]); r != nil {
		return Verdict{Status: StatusWarn, Step: r.ID, Headline: headlineOf(r), Fix: r.Fix}
	}
	return Verdict{Status: StatusPending, Headline: "Nothing wrong offline: run the live test to hear it from " + t.Name + "."}
}

// targetOfResults is the target a check or run was made for, read from
// the auth step's title (TitleFor), so a stored run reads the same: HiAPI
// unless the title names another target.
func targetOfResults(auth *Result) Target {
	if auth != nil {
		if name, ok := strings.CutSuffix(auth.Title, " accepts the key"); ok && name != "HiAPI" {
			for _, t := range targets {
				if t.Name == name {
					return t
				}
			}
		}
	}
	return targets[0]
}

// failVerdict is the verdict when a step failed. When the live test sent a
// cleaned key (LiveEvidence.Cleaned), its answer is the proof: a cleaned
// key HiAPI accepts makes what was removed the key's whole problem; a
// cleaned key HiAPI refuses makes HiAPI's answer the deeper cause.
func failVerdict(cause *Result, get func(ID) *Result) Verdict {
	v := Verdict{Status: StatusFail, Step: cause.ID, Headline: headlineOf(cause), Fix: cause.Fix}
	auth := get(StepAuth)
	if auth == nil || auth.Live == nil || auth.Live.Cleaned == "" {
		return v
	}
	removed := auth.Live.Cleaned
	for _, id := range [...]ID{StepAuth, StepModel} {
		if r := get(id); r != nil && r.Status == StatusFail {
			v.Step, v.Fix = r.ID, r.Fix
			v.Headline = "Even with " + removed + " removed, " + lowerFirst(headlineOf(r))
			if id == StepModel {
				// HiAPI accepted the key: what is left is about the model
				// or the account, not the key.
				v.Headline = "With " + removed + " removed: " + lowerFirst(headlineOf(r))
			}
			return v
		}
	}
	if auth.Status == StatusPass {
		v.Headline = "HiAPI accepts the key with " + removed + " removed: that is the key's whole problem."
	}
	return v
}

// headlineOf is the step's own headline, or one made from its title and
// the first sentence of its detail (runs stored before steps had
// headlines, and findings without one).
func headlineOf(r *Result) string {
	if r.Headline != "" {
		return r.Headline
	}
	if h, ok := failHeadlines[r.ID]; ok && r.Status == StatusFail {
		return h
	}
	s := firstSentence(r.Detail)
	if s == "" {
		return r.Title + "."
	}
	return s
}

// failHeadlines say what a failed step means when the step gave no
// headline of its own.
var failHeadlines = map[ID]string{
	StepPresent:    "There is no key: the field or variable is empty.",
	StepWhitespace: "Your key carries hidden whitespace: HiAPI would reject it.",
	StepCharacters: "Your key carries characters that are not part of it: HiAPI would reject it.",
	StepComplete:   "This is not the whole key: it was cut short or masked.",
	StepProvider:   "This is not a HiAPI key: HiAPI has never seen it.",
	StepVariable:   "Your code does not read the variable that holds this key.",
	StepBaseURL:    "Your client sends the key somewhere other than HiAPI.",
	StepHeader:     "The Authorization header is not `Bearer <key>` with this key.",
	StepAuth:       "HiAPI does not accept this key.",
	StepModel:      "HiAPI refused the test task for this key.",
	StepResult:     "The test task failed at HiAPI.",
}

// firstSentence is text up to its first full stop followed by a space or
// the end, cut to about 200 characters.
func firstSentence(text string) string {
	text = strings.TrimSpace(text)
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i+1]
	}
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:199]) + "…"
	}
	return text
}
