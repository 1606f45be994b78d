package checks

import "strings"

// LivePlan is what the live test may send, decided from the key alone
// before anything goes out, so the page, the CLI and the runner agree. The
// live test follows the diagnosis: it never sends a key where the offline
// steps showed it cannot belong (no key, a key of another provider than
// the target's, a cut-short or masked copy, a placeholder, a variable's
// name), and it removes a fault it can remove with certainty (whitespace
// or a newline around the key, quotes, a Bearer, NAME= or export wrapper)
// so that the target's answer proves the diagnosis. A plan holds the key:
// it is never stored or shown.
type LivePlan struct {
	// Target is where the key would go; "" is HiAPI.
	Target ProviderID
	// Send is false when nothing may go to the target.
	Send bool
	// Key is what to send: the key as given, or cleaned.
	Key string
	// Removed names what cleaning took off, e.g. "the trailing newline" or
	// "the quotes and the trailing newline"; "" when the key goes as given.
	Removed string
	// Reason is the sentence that says why nothing is sent, e.g. "Not
	// sent, since this is an OpenAI key: HiAPI has never seen it."; "" when
	// Send. It is the cause step's headline, so it never shows the key.
	Reason string
	// Cause is the step that decided: the one whose fault was removed, or
	// the one that stops the test.
	Cause ID
}

// PlanLive decides what the live test sends for key to HiAPI: PlanLiveTo
// with target hiapi.
func PlanLive(key string) LivePlan {
	return PlanLiveTo(key, ProviderHiAPI)
}

// PlanLiveTo decides what the live test sends for key to target ("" is
// HiAPI): a key of another provider than the target's is not sent, one of
// the target's is. Check decides the same from the same key and target (it
// shows the plan on the live steps), whatever else its Input holds.
func PlanLiveTo(key string, target ProviderID) LivePlan {
	in := Input{Key: key, Provider: target}
	st := newState(&in)
	defer st.secret.Wipe()
	var res [len(keySteps)]Result
	for i, id := range keySteps {
		res[i] = checkKeyStep(st, id)
	}
	return planFor(st, func(id ID) Result { return res[keyStepIndex(id)] })
}

// keySteps are the steps that read the key alone: the live plan rests on
// them.
var keySteps = [...]ID{StepPresent, StepWhitespace, StepCharacters, StepComplete, StepProvider}

func keyStepIndex(id ID) int {
	for i, k := range keySteps {
		if k == id {
			return i
		}
	}
	panic("checks: " + string(id) + " does not read the key alone")
}

// checkKeyStep runs one of keySteps.
func checkKeyStep(st *state, id ID) Result {
	switch id {
	case StepPresent:
		return checkPresent(st)
	case StepWhitespace:
		return checkWhitespace(st)
	case StepCharacters:
		return checkCharacters(st)
	case StepComplete:
		return checkComplete(st)
	}
	return checkProvider(st)
}

// planFor decides from the key's analysis and the results of keySteps,
// read through res. Causes no cleaning removes come first: no key, another
// provider's, a cut-short or masked copy, something standing in for a key.
// Then a key that passes is sent as given, and one whose only faults are
// around it is sent without them.
func planFor(st *state, res func(ID) Result) LivePlan {
	p := planKey(st, res)
	if st.t.ID != ProviderHiAPI {
		p.Target = st.t.ID
	}
	return p
}

func planKey(st *state, res func(ID) Result) LivePlan {
	k := &st.key
	for _, id := range [...]ID{StepPresent, StepProvider, StepComplete} {
		if r := res(id); r.Status == StatusFail {
			return refuse(id, r)
		}
	}
	chars, ws := res(StepCharacters), res(StepWhitespace)
	switch {
	case k.stand != standNone || k.core == "":
		return refuse(StepCharacters, chars)
	case chars.Status != StatusFail && ws.Status != StatusFail:
		return LivePlan{Send: true, Key: k.raw}
	}
	cause := StepCharacters
	if chars.Status != StatusFail {
		cause = StepWhitespace
	}
	if removed, ok := removable(st); ok && st.coreClean() {
		return LivePlan{Send: true, Key: k.core, Removed: removed, Cause: cause}
	}
	return refuseCore(k.core)
}

// refuse is the plan that sends nothing because step id found r.
func refuse(id ID, r Result) LivePlan {
	r.ID = id
	return LivePlan{Reason: "Not sent, since " + lowerFirst(headlineOf(&r)), Cause: id}
}

// refuseCore refuses a key with a fault keycheck cannot remove with
// certainty, naming the fault that is left once everything that could be
// removed is: inside the key, not around it.
func refuseCore(core string) LivePlan {
	in := Input{Key: core}
	st := newState(&in)
	defer st.secret.Wipe()
	for _, id := range [...]ID{StepCharacters, StepWhitespace} {
		if r := checkKeyStep(st, id); r.Status == StatusFail {
			return refuse(id, r)
		}
	}
	// The core passes both steps only when planFor could clean it.
	return refuse(StepCharacters, Result{Status: StatusFail})
}

// coreClean reports whether the key without what surrounds it (k.core)
// passes every step that reads a key alone. The present, complete and
// provider steps already judged the core; what is left is what the
// whitespace and characters steps would find inside it.
func (st *state) coreClean() bool {
	k := &st.key
	if !k.unwrapped || k.decoded != "" || !k.valid || strings.IndexFunc(k.core, hidden) >= 0 {
		return false
	}
	var f findings
	scanCharacters(st, &f)
	return f.status() != StatusFail
}

// removable names what surrounds the key's core (invisible characters at
// either end, and wrappers), outermost first, when all of it can be taken
// off with certainty: the key is valid UTF-8, not base64, and there is a
// core to send.
func removable(st *state) (string, bool) {
	k := &st.key
	if k.decoded != "" || !k.valid || k.core == "" {
		return "", false
	}
	var buf [4]string // most keys have one or two things around them
	parts := buf[:0]
	if lead := k.raw[:k.lo]; lead != "" {
		parts = append(parts, theBlank("leading", lead))
	}
	// Prefixes in a row read as one: "the ‘Authorization: Bearer’ in
	// front".
	var front []string
	at := -1
	for _, w := range k.wraps {
		if t, ok := st.prefixText(w); ok {
			if at < 0 {
				at = len(parts)
				parts = append(parts, "")
			}
			front = append(front, t)
			continue
		}
		if p := wrapName(w); !contains(parts, p) {
			parts = append(parts, p)
		}
	}
	if at >= 0 {
		parts[at] = "the ‘" + strings.Join(front, " ") + "’ in front"
	}
	if trail := k.raw[k.hi:]; trail != "" {
		parts = append(parts, theBlank("trailing", trail))
	}
	if len(parts) == 0 {
		// The fault is inside the core: nothing to remove with certainty.
		return "", false
	}
	return joinAnd(parts), true
}

// theBlank names a run of invisible characters at one end of the key,
// e.g. "the trailing newline", "the 2 leading spaces".
func theBlank(end, seg string) string {
	noun, one := blankWords(seg)
	n, rest, _ := strings.Cut(noun, " ")
	if one || noun == "whitespace" || strings.HasPrefix(rest, "×") {
		return "the " + end + " " + noun
	}
	return "the " + n + " " + end + " " + rest
}

// prefixText is the text of a wrapper before the key, as it reads in
// "the ‘…’ in front": "Bearer", "Authorization:", "export NAME=". A name
// that could be a piece of the key is written NAME.
func (st *state) prefixText(w wrap) (string, bool) {
	name := "NAME"
	if st.safe(w.text) && len(w.text) <= 40 {
		name = w.text
	}
	switch w.kind {
	case wrapHeader:
		return name + ":", true
	case wrapScheme:
		return w.text, true
	case wrapAssign:
		if w.export != "" {
			return w.export + " " + name + "=", true
		}
		return name + "=", true
	}
	return "", false
}

// wrapName names a wrapper around the key, or after it, for "with …
// removed".
func wrapName(w wrap) string {
	if w.kind == wrapQuotes || w.kind == wrapStrayQuote {
		return "the quotes"
	}
	return "the trailing ‘" + w.text + "’" // wrapPunct, wrapEscape
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// Annotate says on a live step's result that the cleaned key was tested,
// so every live step reads as proof of the diagnosis; LiveEvidence.Cleaned
// keeps what was removed for the verdict.
func (p LivePlan) Annotate(r Result) Result {
	if p.Removed == "" {
		return r
	}
	r.Detail = "Tested with " + p.Removed + " removed. " + r.Detail
	if r.Live == nil {
		r.Live = &LiveEvidence{}
	} else {
		l := *r.Live
		r.Live = &l
	}
	r.Live.Cleaned = p.Removed
	return r
}

// NotSent is the result of live step id when the plan sends nothing: a
// skip, never a failure, since the target was never asked.
func (p LivePlan) NotSent(id ID) Result {
	t := targetRef(p.Target)
	return Result{
		ID: id, Title: TitleFor(id, t.ID), Status: StatusSkip,
		Detail: p.Reason + " Nothing goes to " + t.Name + " until “" + TitleFor(p.Cause, t.ID) + "” passes.",
	}
}
