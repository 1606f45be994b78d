package checks

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The names of the facts a probe reveals (Answer.Facts, LiveEvidence.Facts),
// in one place: the probe client (internal/probe) fills them, the verdicts
// read the flags among them. A flag's value is "yes" or "no".
const (
	FactLabel       = "label"        // OpenRouter: the key's label
	FactCreditLimit = "credit limit" // OpenRouter: "$10.00" or "none"
	FactCreditsUsed = "credits used" // OpenRouter: "$1.25"
	FactCreditLeft  = "credit left"  // OpenRouter: limit_remaining, "$8.75"
	FactFreeTier    = "free tier"    // OpenRouter: "yes" or "no"
	FactName        = "name"         // xAI: the key's name
	FactKeyBlocked  = "key blocked"  // xAI: api_key_blocked, "yes" or "no"
	FactKeyDisabled = "key disabled" // xAI: api_key_disabled, "yes" or "no"
	FactTeamBlocked = "team blocked" // xAI: team_blocked, "yes" or "no"
	FactPermissions = "permissions"  // xAI: the key's ACLs, comma-separated
	// FactCanPay is DeepSeek's is_available: "no" when the balance cannot
	// pay for a request.
	FactCanPay  = "balance usable"
	FactBalance = "balance" // DeepSeek: "110.00 CNY", one per currency
)

// authKind is what a target's answer to its free probe says about the key.
type authKind uint8

const (
	akUndecided     authKind = iota // no answer about the key (429, 5xx, HTML, network)
	akPass                          // the key works
	akDead                          // the provider does not know the key
	akBlocked                       // the provider knows it, but it or its team is blocked
	akScope                         // alive, but not allowed to do this
	akNoBalance                     // alive, but the account cannot pay
	akProbeRejected                 // the provider refused keycheck's request, not the key
	akNotSent                       // the key holds a byte no header may carry
)

// judgeAuth classifies a target's answer to its free probe. The order
// matters: OpenAI's insufficient_quota comes as a 429, which is about the
// account, not a rate limit.
func judgeAuth(t Target, a Answer) authKind {
	switch {
	case a.Kind == AnswerBadKey:
		return akNotSent
	case a.Kind != AnswerHTTP:
		return akUndecided
	case noBalance(t, a):
		return akNoBalance
	case a.HTTPStatus == 429 || a.HTTPStatus >= 500:
		return akUndecided
	case is2xx(a.HTTPStatus):
		if flagged(a.Facts, FactKeyBlocked, FactKeyDisabled, FactTeamBlocked) != "" {
			return akBlocked
		}
		return akPass
	case a.HTTPStatus == 401:
		// OpenAI answers a restricted key's missing permission with 401
		// too, but says so: the key is alive.
		if m := strings.ToLower(a.Message); strings.Contains(m, "missing scopes") || strings.Contains(m, "insufficient permissions") {
			return akScope
		}
		return akDead
	case a.HTTPStatus == 400:
		if hasCode(a, "API_KEY_INVALID") || hasCode(a, "invalid_api_key") || strings.Contains(strings.ToLower(a.Message), "api key not valid") ||
			strings.Contains(strings.ToLower(a.Message), "incorrect api key") {
			return akDead
		}
		return akProbeRejected
	case a.HTTPStatus == 403:
		if t.ID == ProviderGoogle {
			return akDead
		}
		if t.ID == ProviderXAI && strings.Contains(strings.ToLower(a.Message), "blocked") {
			return akBlocked
		}
		return akScope
	}
	return akUndecided
}

// noBalance reports an answer that says the account cannot pay: 402,
// OpenAI's insufficient_quota, DeepSeek's "Insufficient Balance" (or its
// balance endpoint's is_available false), xAI's "no credits".
func noBalance(t Target, a Answer) bool {
	msg := strings.ToLower(a.Message)
	switch {
	case a.HTTPStatus == 402, hasCode(a, "insufficient_quota"), strings.Contains(msg, "insufficient balance"),
		strings.Contains(msg, "credit balance is too low"): // Anthropic's 400
		return true
	case is2xx(a.HTTPStatus):
		// DeepSeek says its balance cannot pay; OpenRouter that the key's
		// own credit limit is spent (limit_remaining 0).
		return isNo(factOf(a.Facts, FactCanPay)) || isZeroMoney(factOf(a.Facts, FactCreditLeft))
	case t.ID == ProviderXAI && a.HTTPStatus == 403:
		return strings.Contains(msg, "credits")
	}
	return false
}

// isZeroMoney reports an amount of money that is nothing left: "$0.00",
// "0", "-1.5 USD". "" (not said) is not zero.
func isZeroMoney(v string) bool {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "$"))
	num, _, _ := strings.Cut(v, " ")
	f, err := strconv.ParseFloat(num, 64)
	return err == nil && f <= 0
}

// isNo reports a flag that is off: "no" (or "false", as JSON says it).
func isNo(v string) bool { return strings.EqualFold(v, "no") || strings.EqualFold(v, "false") }

// factOf is the value of the fact named name, "" if none.
func factOf(facts []Fact, name string) string {
	for _, f := range facts {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// flagged returns the first of the flags named that is set, "" if none.
func flagged(facts []Fact, names ...string) string {
	for _, n := range names {
		if v := factOf(facts, n); strings.EqualFold(v, "yes") || strings.EqualFold(v, "true") {
			return n
		}
	}
	return ""
}

// factsNote says what the probe revealed, for the detail: " OpenRouter
// says: label “ci”; limit 10; usage 2.5." Nothing when it revealed nothing.
func factsNote(t Target, facts []Fact) string {
	if len(facts) == 0 {
		return ""
	}
	parts := make([]string, 0, len(facts))
	for _, f := range facts {
		if f.Name == "" || f.Value == "" {
			continue
		}
		parts = append(parts, f.Name+" "+quoted(shownFact(f.Value)))
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + t.Name + " says: " + strings.Join(parts, "; ") + "."
}

// shownFact makes a provider's value fit to show in a sentence: control
// characters dropped, cut to 80 characters.
func shownFact(v string) string {
	v = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, v))
	if utf8.RuneCountInString(v) > 80 {
		v = string([]rune(v)[:80]) + "…"
	}
	return v
}

// targetAuthVerdict decides the auth step from a target's answer to its
// free probe (Target.Probe, and Target.Balance when it has one).
func targetAuthVerdict(t Target, a Answer) Result {
	r := stepResult(StepAuth, a)
	r.Title = TitleFor(StepAuth, t.ID)
	name, asked := t.Name, "GET "+t.commandBase(a.BaseURL)+t.Probe
	switch judgeAuth(t, a) {
	case akNotSent:
		r = unsendableKey(r, a)
		r.Fix = strings.ReplaceAll(r.Fix, defaultVarName, t.Vars[0])
		return r
	case akPass:
		return decide(r, StatusPass,
			name+" accepted the key: "+asked+" answered "+strconv.Itoa(a.HTTPStatus)+". This probe is free: nothing spent."+factsNote(t, a.Facts), "")
	case akDead:
		r.Headline = name + " does not accept this key: it was revoked or deleted, or it is not " + name + "'s."
		d := name + " does not accept this key " + said(a) + ". Usually the key was revoked, deleted or expired, belongs to another provider, or carries whitespace or a stray character (steps 1–5)."
		if t.ID == ProviderGoogle && a.HTTPStatus == 403 {
			r.Headline = "Google does not let this key use the Gemini API."
			d = "Google refuses this key for the Gemini API " + said(a) + ": the key was deleted or suspended, is restricted to other APIs, or its project has not enabled the Generative Language API."
		}
		return decide(r, StatusFail, d+requestIDNote(a),
			"Create a new key at "+t.Dashboard+" (copy it in full: it may show only once), replace every copy of the old one (.env files, CI secrets, container env), then check again.")
	case akBlocked:
		what := flagged(a.Facts, FactKeyBlocked, FactKeyDisabled, FactTeamBlocked)
		r.Headline = name + " knows this key, but it is blocked or disabled."
		d := name + " knows this key, but it is blocked or disabled"
		if what != "" {
			d += " (" + what + ")"
		} else {
			d += " " + said(a)
		}
		return decide(r, StatusFail, d+"."+factsNote(t, a.Facts)+requestIDNote(a),
			"Re-enable the key (or ask the team's admin to unblock the team) at "+t.Dashboard+", or create a new key there.")
	case akScope:
		r.Headline = name + " knows this key but does not let it do this: a scope problem, not a dead key."
		return decide(r, StatusFail,
			name+" knows this key but refused "+asked+" "+said(a)+": the key is not allowed to do this. That is a scope problem, not a dead key."+requestIDNote(a),
			"At "+t.Dashboard+", give this key the permissions it needs (reading the models list is enough for this probe), or use a key that has them.")
	case akNoBalance:
		r.Headline = "The key works, but the " + name + " account has no credit left: every request fails until it is topped up."
		d := name + " knows the key, but says the account cannot pay " + said(a) + "."
		fix := "Add credit (or raise the spending limit) in " + name + "'s billing settings (" + t.Dashboard + "); the key itself is fine."
		switch {
		case is2xx(a.HTTPStatus) && t.ID == ProviderOpenRouter:
			r.Headline = "The key works, but its own credit limit at " + name + " is spent: every paid request fails until it is raised."
			d = name + " knows the key, but the credit limit set on this key is used up."
			fix = "Raise or remove this key's credit limit at " + t.Dashboard + ", or use another key; the account may still have credit."
		case is2xx(a.HTTPStatus):
			d = name + " knows the key, but its balance cannot pay for a request."
		}
		return decide(r, StatusFail, d+factsNote(t, a.Facts)+requestIDNote(a), fix)
	case akProbeRejected:
		r.Headline = name + " rejected keycheck's probe: that says nothing bad about the key."
		return decide(r, StatusWarn,
			name+" rejected keycheck's request "+said(a)+". That says nothing bad about the key."+requestIDNote(a),
			"Run the live test again; to ask "+name+" yourself:\n`"+ProbeCurlCommandFor(t.ID, a.BaseURL)+"`")
	}
	if what, detail, fix, ok := undecided(t, a); ok {
		return undecidedResult(r, what, detail, fix)
	}
	return unexplained(r, t, a)
}

// ModelProbeVerdict decides the model step of a target other than HiAPI
// from the answer to its free model GET (Target.ModelPath): the model
// exists and the key may see it, the id is wrong, or it cannot be told.
func ModelProbeVerdict(model string, a Answer) Result {
	t, _ := TargetOf(a.Provider)
	r := stepResult(StepModel, a)
	r.Title = TitleFor(StepModel, t.ID)
	m, name := shownModel(model), t.Name
	switch {
	case a.Kind == AnswerBadKey:
		return unsendableKey(r, a)
	case a.Kind == AnswerHTTP && is2xx(a.HTTPStatus):
		return decide(r, StatusPass, name+" knows "+m+" and lets this key see it: GET "+t.commandBase(a.BaseURL)+modelPathOf(t, model)+" answered "+strconv.Itoa(a.HTTPStatus)+". This probe is free: nothing spent.", "")
	case a.Kind == AnswerHTTP && a.HTTPStatus == 404:
		r.Headline = name + " does not know the model id " + m + ": the key itself was accepted."
		return decide(r, StatusFail,
			name+" does not know the model id "+m+" "+said(a)+", or does not let this key see it."+requestIDNote(a),
			"Copy the exact id from the models this key may use:\n`"+ModelsCurlCommandFor(t.ID, a.BaseURL)+"`")
	}
	if what, detail, fix, ok := undecided(t, a); ok {
		return undecidedResult(r, what, detail, fix)
	}
	return unexplained(r, t, a)
}

// NotSpent is the result step of any target but HiAPI: keycheck never
// spends another provider's credits, so there is no test task to watch.
func NotSpent(target ProviderID) Result {
	t, _ := TargetOf(target)
	return Result{ID: StepResult, Title: TitleFor(StepResult, t.ID), Status: StatusSkip,
		Detail: "Not run: keycheck never spends another provider's credits: it asked " + t.Name + " only free endpoints."}
}

// OwnerProof is the provider step after the owner's free probe answered
// (the person's click: it is their key and their provider). The key is
// still not the target's, so the step still fails; its headline, detail
// and fix now tell the whole story: whose key it is, whether that
// provider accepts it, and where to send it. a is the owner's answer.
func OwnerProof(provider Result, owner ProviderID, a Answer, target ProviderID) Result {
	o, ok := TargetOf(owner)
	tg, _ := TargetOf(target)
	if !ok || o.ID == tg.ID {
		return provider
	}
	a.Provider = o.ID
	auth := AuthVerdict(a)
	kind := judgeAuth(o, a)
	if o.ID == ProviderHiAPI {
		kind = hiapiKind(auth, a)
	}
	r := provider
	r.Status, r.Live = StatusFail, auth.Live
	key := article(o.Name) + " " + o.Name + " key"
	never := tg.Name + " has never seen it."
	use := "Use " + article(tg.Name) + " " + tg.Name + " key with " + tg.BaseURLs[0]
	sendThere := ", or send this one to " + o.BaseURLs[0] + "."
	fix := "Either use " + article(tg.Name) + " " + tg.Name + " key: create one at " + tg.Dashboard + ", put it in " + tg.Vars[0] + ", and keep the base URL " + tg.BaseURLs[0] + ".\n" +
		"Or keep this key and send it to " + o.Name + ": base URL " + o.BaseURLs[0] + ", variable " + o.Vars[0] + "."
	d := ""
	switch kind {
	case akPass, akScope:
		r.Headline = "This is a working " + o.Name + " key; " + never + " " + use + sendThere
		d = o.Name + " knows it: " + firstSentence(auth.Detail)
	case akNoBalance:
		r.Headline = "This is " + key + " that " + o.Name + " knows, but its account has no credit; " + never + " " + use + sendThere
		d = firstSentence(auth.Detail)
		fix += " Top up the " + o.Name + " account first."
	case akDead, akBlocked:
		r.Headline = "This is " + key + ", and " + o.Name + " does not accept it either: it was revoked. " + use + "."
		if kind == akBlocked {
			r.Headline = "This is " + key + ", and " + o.Name + " has blocked or disabled it. " + use + "."
		}
		d = firstSentence(auth.Detail)
		fix = "Use " + article(tg.Name) + " " + tg.Name + " key: create one at " + tg.Dashboard + " and put it in " + tg.Vars[0] + ". This " + o.Name + " key is dead; if you meant to use " + o.Name + ", create a new key at " + o.Dashboard + "."
	default:
		r.Headline = "This looks like " + key + "; " + never + " " + o.Name + " did not answer usefully, so whether it works there is not known."
		d = "keycheck asked " + o.Name + ", which did not answer usefully: " + lowerFirst(firstSentence(strings.TrimPrefix(auth.Detail, notYourKeyAt(o)+" ")))
	}
	r.Detail = d + " " + tg.Name + " has never seen " + o.Name + "'s keys, so it would answer that this one is invalid; keycheck did not send it there." + factsNote(o, a.Facts)
	r.Fix = fix
	return r
}

// hiapiKind reads HiAPI's auth verdict as an authKind, for OwnerProof.
func hiapiKind(auth Result, a Answer) authKind {
	switch {
	case auth.Status == StatusPass:
		return akPass
	case auth.Status == StatusFail && a.HTTPStatus == 401 && !isScope(a, false):
		return akDead
	case auth.Status == StatusFail:
		return akScope
	case auth.Status == StatusWarn && a.HTTPStatus == 402:
		return akNoBalance
	}
	return akUndecided
}
