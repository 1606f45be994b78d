package checks

import "strings"

// defaultVarName is the variable HiAPI documents for the key.
const defaultVarName = "HIAPI_API_KEY"

// Check runs every offline step over in and returns one Result per
// catalogue step, in catalogue order. The live steps (auth, model, result)
// say what the live test will do with this key (LivePlan): pending, or
// skip with the reason when it would send nothing.
func Check(in Input) []Result {
	st := newState(&in)
	out := make([]Result, len(catalogue))
	var plan LivePlan
	for i := range catalogue {
		s := &catalogue[i]
		var r Result
		switch s.ID {
		case StepPresent, StepWhitespace, StepCharacters, StepComplete, StepProvider:
			r = checkKeyStep(st, s.ID)
		case StepVariable:
			r = checkVariable(st)
		case StepBaseURL:
			r = checkBaseURL(st)
		case StepHeader:
			r = checkHeader(st)
		default:
			if s.ID == StepAuth {
				plan = planOf(st, out[:i])
			}
			r = pendingResult(st, s.ID, &plan)
		}
		r.ID, r.Title = s.ID, s.Title
		if st.other {
			r.Title = TitleFor(s.ID, st.t.ID)
			r = st.forTarget(r)
		}
		out[i] = r
	}
	st.secret.Wipe()
	return out
}

// planOf is the live plan from the key-reading steps' results, as
// PlanLive decides it: from the key alone. The complete step also compares
// the key with the last four and length the dashboard shows; a mismatch
// says it is another key, not one HiAPI cannot accept, so the plan reads
// that step without them.
func planOf(st *state, done []Result) LivePlan {
	var complete Result
	if st.in.ExpectedLast4 != "" || st.in.ExpectedLength != 0 {
		given := st.in
		keyOnly := *given
		keyOnly.ExpectedLast4, keyOnly.ExpectedLength = "", 0
		st.in = &keyOnly
		complete = checkComplete(st)
		st.in = given
	}
	p := planFor(st, func(id ID) Result {
		if id == StepComplete && complete.Status != "" {
			return complete
		}
		for _, r := range done {
			if r.ID == id {
				return r
			}
		}
		return Result{}
	})
	p.Key = "" // Check only says what the live test will do
	return p
}

// pendingResult is what a live step says before the live test runs: what
// it will do, or, when the plan sends nothing, why it will not run.
func pendingResult(st *state, id ID, plan *LivePlan) Result {
	if !plan.Send {
		return plan.NotSent(id)
	}
	r := Result{Status: StatusPending}
	switch {
	case st.other:
		r = pendingAt(*st.t, id)
	case id == StepAuth:
		r.Detail = "Not run yet: the live test asks HiAPI with a free request (GET " + probePath + ")."
	case id == StepModel:
		r.Detail = "Not run yet: the live test creates one small test task with the model."
	case id == StepResult:
		r.Detail = "Not run yet: the live test polls the test task until it returns an image."
	}
	// Another target's steps that send nothing (pendingAt's skips) have
	// nothing to send cleaned.
	if plan.Removed != "" && r.Status == StatusPending {
		r.Detail += " It sends the key with " + plan.Removed + " removed, to prove that is the whole problem."
	}
	return r
}

// state is what the steps of one Check share: the input and the analysis
// of the key, done once.
type state struct {
	in  *Input
	key keyInfo
	// t is the target (Input.Provider); other is set when it is not HiAPI,
	// so the steps' copy names it (forTarget).
	t     *Target
	other bool
	// claude: the variable step read a Claude Code setup (claudecode.go),
	// whose copy names its variables itself.
	claude bool
	// rw rewrites HiAPI's copy for another target (targetPairs), made on
	// first use.
	rw []string
	// name is the variable the commands in fixes refer to: the VarName given,
	// when it is a valid name that is not part of the key, else HIAPI_API_KEY.
	name string
	// secret finds the key's pieces in what a step would show. It is made
	// on first use: a clean key alone never needs it.
	secret *Secret
}

func newState(in *Input) *state {
	st := &state{in: in, name: defaultVarName, t: &targets[0]}
	if t := targetRef(in.Provider); t.ID != ProviderHiAPI {
		st.t, st.other, st.name = t, true, t.Vars[0]
	}
	st.key.analyse(in.Key)
	if n := CleanVarName(in.VarName); n != "" && st.safe(n) {
		st.name = n
	}
	return st
}

// safe reports whether s, a piece of the input such as a variable name or
// a host, may be shown: it must not look like a key, nor show a piece of
// the key (the Secret rule: 8 characters in a row in any case, or the key
// encoded). Wrapper text ("Bearer", a variable name) is not secret.
func (st *state) safe(s string) bool {
	if keyLike(s) {
		return false
	}
	if len(s) < Window {
		return true
	}
	if st.secret == nil {
		st.secret = st.key.secret()
	}
	return !st.secret.In(s)
}

// cmd rewrites a fix so its commands use the variable the person's code
// reads instead of HIAPI_API_KEY.
func (st *state) cmd(fix string) string {
	if st.name == defaultVarName || fix == "" {
		return fix
	}
	return strings.ReplaceAll(fix, defaultVarName, st.name)
}
