package checks

import "strings"

// LivePlan is what the live test may send, decided from the key before
// anything goes out. The live test follows the diagnosis: it never sends a
// key where the offline steps showed it cannot belong (another provider's
// key, a cut-short or masked copy, a placeholder, a variable's name), and
// it removes a fault it can remove with certainty (surrounding whitespace,
// quotes, a Bearer, NAME= or export wrapper) so that HiAPI's answer proves
// the diagnosis. A plan holds the key: it is never stored or shown.
type LivePlan struct {
	// Send is false when nothing may go to HiAPI.
	Send bool
	// Key is what to send: the key as given, or cleaned.
	Key string
	// Removed names what cleaning took off, e.g. "the trailing newline";
	// "" when the key goes as given.
	Removed string
	// Reason says why nothing is sent, e.g. "this is an OpenAI key"; ""
	// when Send.
	Reason string
	// Cause is the step that decided: the one whose fault was removed, or
	// the one that stops the test.
	Cause ID
}

// PlanLive decides what the live test sends for key.
func PlanLive(key string) LivePlan {
	in := Input{Key: key}
	st := newState(&in)
	defer st.secret.Wipe()
	return planFor(st, offlineOf(st))
}

// offlineOf runs the steps that read the key alone.
func offlineOf(st *state) map[ID]Result {
	return map[ID]Result{
		StepPresent:    checkPresent(st),
		StepWhitespace: checkWhitespace(st),
		StepCharacters: checkCharacters(st),
		StepComplete:   checkComplete(st),
		StepProvider:   checkProvider(st),
	}
}

// planFor decides from the key's analysis and the results of the steps
// that read it.
func planFor(st *state, res map[ID]Result) LivePlan {
	k := &st.key
	fails := func(id ID) bool { return res[id].Status == StatusFail }
	switch {
	case fails(StepPresent):
		return refuse(StepPresent, "there is no key")
	case fails(StepProvider):
		return refuse(StepProvider, providerReason(k))
	case k.placeholder:
		return refuse(StepCharacters, "the key is a placeholder from documentation, not a real key")
	case isVarReference(k.core):
		return refuse(StepCharacters, "the key is a variable's name, not its value")
	case fails(StepComplete):
		return refuse(StepComplete, "the key is cut short or masked, so HiAPI would refuse any copy of it")
	case !fails(StepWhitespace) && !fails(StepCharacters):
		return LivePlan{Send: true, Key: k.raw}
	}
	cause := StepWhitespace
	if fails(StepCharacters) {
		cause = StepCharacters
	}
	removed, ok := removable(k)
	if !ok {
		return refuse(cause, "the key holds characters keycheck cannot remove with certainty; fix them first")
	}
	// The cleaned key must pass every step that reads a key on its own:
	// only then is what was removed the whole of the offline fault.
	clean := Input{Key: k.core}
	cst := newState(&clean)
	defer cst.secret.Wipe()
	for id, r := range offlineOf(cst) {
		if r.Status == StatusFail {
			return refuse(id, "the key is still wrong once "+removed+" is removed")
		}
	}
	return LivePlan{Send: true, Key: k.core, Removed: removed, Cause: cause}
}

func refuse(cause ID, reason string) LivePlan {
	return LivePlan{Reason: reason, Cause: cause}
}

// providerReason names whose key it is, e.g. "this is an OpenAI key".
func providerReason(k *keyInfo) string {
	key := k.judged()
	if sk, changed := skeleton(key); changed {
		key = sk
	}
	if p, ok, _ := identify(key); ok {
		return "this is " + article(p.name) + " " + p.name + " key"
	}
	return "this is not a HiAPI key"
}

// removable names what surrounds the key's core (invisible characters at
// either end, and wrappers), when all of it can be taken off with
// certainty: nothing inside the core, no base64.
func removable(k *keyInfo) (string, bool) {
	if k.decoded != "" || !k.valid || k.core == "" {
		return "", false
	}
	var parts []string
	lead, trail := k.raw[:k.lo], k.raw[k.hi:]
	switch {
	case lead != "" && trail != "":
		parts = append(parts, "the surrounding whitespace")
	case lead != "":
		parts = append(parts, "the leading "+blankName(lead))
	case trail != "":
		parts = append(parts, "the trailing "+blankName(trail))
	}
	for _, w := range k.wraps {
		var p string
		switch w.kind {
		case wrapQuotes, wrapStrayQuote:
			p = "the quotes"
		case wrapHeader:
			p = "the header name"
		case wrapScheme:
			p = "the ‘" + strings.TrimSpace(w.text) + "’ prefix"
		case wrapAssign:
			p = "the NAME= assignment"
			if w.export != "" {
				p = "the ‘" + w.export + "’ line around it"
			}
		case wrapPunct:
			p = "the trailing ‘" + w.text + "’"
		case wrapEscape:
			p = "the escaped line break"
		default:
			return "", false
		}
		if !contains(parts, p) {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		// The fault is inside the core: nothing to remove with certainty.
		return "", false
	}
	return joinAnd(parts), true
}

// blankName names a run of invisible characters at one end of the key.
func blankName(s string) string {
	switch s {
	case "\n":
		return "newline"
	case "\r\n":
		return "Windows line ending"
	case " ":
		return "space"
	}
	return "whitespace"
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
// so every live step reads as proof of the diagnosis.
func (p LivePlan) Annotate(r Result) Result {
	if p.Removed == "" {
		return r
	}
	r.Detail = "Tested with " + p.Removed + " removed. " + r.Detail
	if r.Live == nil {
		r.Live = &LiveEvidence{}
	}
	r.Live.Cleaned = p.Removed
	return r
}

// NotSent is the result of live step id when the plan sends nothing: a
// skip, never a failure, since HiAPI was never asked.
func (p LivePlan) NotSent(id ID) Result {
	step, _ := Lookup(id)
	cause, _ := Lookup(p.Cause)
	return Result{
		ID: id, Title: step.Title, Status: StatusSkip,
		Detail: "Not sent: " + p.Reason + ". Nothing goes to HiAPI until “" + cause.Title + "” passes.",
	}
}
