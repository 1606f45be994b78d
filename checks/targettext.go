package checks

import "strings"

// forTarget makes a step's copy name the target instead of HiAPI when the
// key is used with another provider. The offline steps' sentences are
// written once, for HiAPI; what differs per target (its name, dashboard,
// base URL, header and variable) is one rewrite here rather than a copy of
// every sentence per provider. The steps whose logic differs per target
// (the provider step, the base URL step, the live steps) speak for
// themselves and are left alone.
func (st *state) forTarget(r Result) Result {
	switch r.ID {
	case StepPresent, StepWhitespace, StepCharacters, StepComplete, StepHeader:
	case StepVariable:
		if st.claude {
			return r
		}
	default:
		return r
	}
	r.Headline, r.Detail, r.Fix = st.rewrite(r.Headline), st.rewrite(r.Detail), st.rewrite(st.cmd(r.Fix))
	return r
}

// rewrite is s with HiAPI's copy rewritten for the target. Most
// sentences name nothing to rewrite; the pairs are made once per check,
// on first use, and applied in order (a strings.Replacer costs more to
// build than the whole check).
func (st *state) rewrite(s string) string {
	if !strings.Contains(s, "HiAPI") && !strings.Contains(s, "hiapi") && !strings.Contains(s, "Authorization: Bearer $") {
		return s
	}
	if st.rw == nil {
		st.rw = targetPairs(*st.t, st.name)
	}
	for i := 0; i+1 < len(st.rw); i += 2 {
		if old, repl := st.rw[i], st.rw[i+1]; old != repl && strings.Contains(s, old) {
			s = strings.ReplaceAll(s, old, repl)
		}
	}
	return s
}

// targetPairs are the rewrites of HiAPI's copy for target t, whose key
// the process reads from name, as old, new pairs. Longer phrases come
// first, and no new text holds a later old one, so each applies once.
func targetPairs(t Target, name string) []string {
	a := article(t.Name) + " " + t.Name
	return []string{
		"the HiAPI dashboard (Dashboard → API Keys)", "the " + t.Name + " dashboard (" + t.Dashboard + ")",
		"HiAPI dashboard (API Keys)", t.Name + " dashboard (" + t.Dashboard + ")",
		`-H "Authorization: Bearer $HIAPI_API_KEY"`, authArgs(t, name),
		`-H "Authorization: Bearer $` + name + `"`, authArgs(t, name),
		"https://api.hiapi.ai/v1/tasks", t.Origin + t.Probe,
		"https://api.hiapi.ai/v1", t.BaseURLs[0],
		"https://api.hiapi.ai", t.BaseURLs[0],
		"api.hiapi.ai", strings.TrimPrefix(t.Origin, "https://"),
		"a HiAPI key", a + " key",
		"HiAPI", t.Name,
	}
}

// pendingAt is what a live step of a target other than HiAPI says before
// the live test runs: the free GET it will make, or that it makes none.
func pendingAt(t Target, id ID) Result {
	r := Result{Status: StatusPending}
	switch id {
	case StepAuth:
		r.Detail = "Not run yet: the live test asks " + t.Name + " with a free request (" + EndpointFor(t.ID, "", StepAuth, "", "") + ")."
	case StepModel:
		if t.ModelPath == "" {
			return ModelNotAsked(t.ID)
		}
		r.Detail = "Not run yet: the live test asks " + t.Name + ", for free, whether the key may see the model (GET " + t.Origin + t.ModelPath + ")."
	case StepResult:
		return NotSpent(t.ID)
	}
	return r
}

// ModelNotAsked is the model step of a target with no free request that
// tells whether a model is usable (Target.ModelPath is ""): skip.
func ModelNotAsked(target ProviderID) Result {
	t, _ := TargetOf(target)
	return Result{ID: StepModel, Title: TitleFor(StepModel, t.ID), Status: StatusSkip,
		Detail: "Not asked: " + t.Name + " has no free request that tells whether the key may use a model, and keycheck never spends another provider's credits."}
}
