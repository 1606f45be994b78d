package run

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// A key's history is every run of one fingerprint. Its answer is the
// turning point: the latest run where what the provider said about the key
// changed ("it passed on Tuesday, it fails with 401 since Thursday: the key
// was revoked in between"). Only live answers count: an offline check, a
// skipped or unknown live step, or a key the live test did not send says
// nothing about whether the provider accepts the key.

// TurnKind names what changed at a turning point.
type TurnKind string

// The turning points a history can show.
const (
	// TurnRevoked: the provider accepted the key, then refused it as a key
	// it does not know (checks' dead-key verdict): revoked or rotated.
	TurnRevoked TurnKind = "revoked"
	// TurnRefused: the provider accepted the key, then refused it for
	// another reason it gave (blocked, a scope, no credit).
	TurnRefused TurnKind = "refused"
	// TurnWorksAgain: the provider refused the key, then accepted it.
	TurnWorksAgain TurnKind = "works_again"
	// TurnModelLost: HiAPI took a test task for the model, then refused
	// the same model to the same key for permission.
	TurnModelLost TurnKind = "model_lost"
)

// Point is one run on either side of a turning point.
type Point struct {
	RunID string
	Time  time.Time
	// By is who ran it; "" is someone who gave no name.
	By string
	// Auth is the auth step's status: pass or fail.
	Auth checks.Status
	// HTTPStatus and Code are the provider's answer at the step that
	// turned (auth, or model for TurnModelLost).
	HTTPStatus int
	Code       string
}

// Turn is the latest change in what the provider said about a key.
type Turn struct {
	Kind TurnKind
	// Target is where the key was used; a turn is always within one
	// target's runs.
	Target checks.ProviderID
	// Model is the model refused, for TurnModelLost.
	Model string
	// From is the last run before the change, To the first run after it.
	From, To Point
	// Sentence says it in one sentence, for the page and the API.
	Sentence string
}

// History is what a key's page says first about its runs.
type History struct {
	// Runs is how many runs were read, People how many names ran them, and
	// Unnamed how many runs were made by someone who gave no name.
	Runs, People, Unnamed int
	// Turn is the latest turning point, nil when the answers never
	// changed.
	Turn *Turn
	// Latest is the newest run with a live answer about the key, nil when
	// no live test reached a provider.
	Latest *Point
	// LatestStreak is how many runs in a row, up to Latest, the provider
	// answered the same way (Latest's target only).
	LatestStreak int
	latestTarget checks.ProviderID
	latestAuth   authOutcome
	latestStatus int
}

// HistoryOf reads the runs of one key, in any order.
func HistoryOf(runs []*Run) History {
	h := History{Runs: len(runs)}
	names := map[string]bool{}
	for _, r := range runs {
		if by := strings.TrimSpace(r.By); by != "" {
			names[by] = true
		} else {
			h.Unnamed++
		}
	}
	h.People = len(names)

	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b *Run) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
	byTarget := map[checks.ProviderID][]*Run{}
	for _, r := range sorted {
		t := targetOf(r)
		byTarget[t] = append(byTarget[t], r)
	}
	for t, rs := range byTarget {
		if turn, ok := turnOf(t, rs); ok && (h.Turn == nil || later(turn.To, h.Turn.To)) {
			h.Turn = &turn
		}
	}
	for i := len(sorted) - 1; i >= 0; i-- {
		r := sorted[i]
		if o, status := authOf(r); o != authNone {
			p := pointOf(r, status)
			h.Latest, h.latestTarget, h.latestAuth, h.latestStatus = &p, targetOf(r), o, status
			break
		}
	}
	if h.Latest != nil {
		for _, r := range slices.Backward(byTarget[h.latestTarget]) {
			o, status := authOf(r)
			if o == authNone {
				continue
			}
			if o != h.latestAuth || o != authPass && status != h.latestStatus {
				break
			}
			h.LatestStreak++
		}
	}
	return h
}

// Sentence is the history's answer in one sentence: the turning point, or
// else what the live tests have said all along.
func (h History) Sentence() string {
	switch {
	case h.Turn != nil:
		return h.Turn.Sentence
	case h.Runs == 0:
		return "keycheck has no run of this key."
	case h.Latest == nil:
		return "No live test has asked a provider about this key yet: every run here is an offline check."
	}
	l := h.Latest
	what := authWord(h.latestTarget)
	if h.LatestStreak < 2 {
		if h.latestAuth == authPass {
			return what + " passed in the latest live test, on " + at(*l) + "."
		}
		return what + " failed" + with(l.HTTPStatus) + " in the latest live test, on " + at(*l) + "."
	}
	times := " in the last " + strconv.Itoa(h.LatestStreak) + " live tests, the latest on " + at(*l) + "."
	if h.latestAuth == authPass {
		return what + " passed" + times
	}
	return what + " failed" + with(l.HTTPStatus) + times
}

// authOutcome is what a run's live test said at the auth step.
type authOutcome uint8

const (
	authNone    authOutcome = iota // no answer about the key: not run, skipped, unknown, not sent, a warning
	authPass                       // the provider accepted the key
	authDead                       // refused as a key it does not know
	authRefused                    // refused for another reason it gave
)

// turnOf finds the latest turning point in one target's runs, oldest
// first.
func turnOf(target checks.ProviderID, runs []*Run) (Turn, bool) {
	var (
		turn     Turn
		found    bool
		last     *Run // the latest run with a live answer at auth
		lastAuth authOutcome
		// lastModel is, per model, the latest run whose test task was
		// taken (true) or refused for permission (false).
		lastModel = map[string]*Run{}
		modelOK   = map[string]bool{}
	)
	for _, r := range runs {
		o, status := authOf(r)
		if o == authNone {
			continue
		}
		switch {
		case last != nil && lastAuth == authPass && o != authPass:
			turn, found = authTurn(target, last, r, o, status), true
		case last != nil && lastAuth != authPass && o == authPass:
			_, before := authOf(last)
			turn, found = worksAgain(target, last, r, before), true
		}
		last, lastAuth = r, o
		if o != authPass {
			continue
		}
		model, taken, refusal, ok := modelOf(target, r)
		if !ok {
			continue
		}
		if prev := lastModel[model]; prev != nil && modelOK[model] && !taken {
			turn, found = modelLost(target, model, prev, r, refusal), true
		}
		lastModel[model], modelOK[model] = r, taken
	}
	return turn, found
}

func authTurn(target checks.ProviderID, from, to *Run, o authOutcome, status int) Turn {
	t := Turn{Kind: TurnRevoked, Target: target, From: pointOf(from, authStatus(from)), To: pointOf(to, status)}
	s := authWord(target) + " passed on " + at(t.From) + ", fails" + with(status) + " since " + at(t.To)
	if o == authDead {
		t.Sentence = s + ": the key was revoked or rotated in between."
		return t
	}
	t.Kind = TurnRefused
	auth, _ := to.Step(checks.StepAuth)
	t.Sentence = s + ". " + auth.Headline
	if auth.Headline == "" {
		t.Sentence = s + "."
	}
	return t
}

func worksAgain(target checks.ProviderID, from, to *Run, before int) Turn {
	t := Turn{Kind: TurnWorksAgain, Target: target, From: pointOf(from, before), To: pointOf(to, authStatus(to))}
	t.Sentence = authWord(target) + " failed" + with(before) + " on " + at(t.From) + ", and works again since " + at(t.To) + "."
	return t
}

func modelLost(target checks.ProviderID, model string, from, to *Run, refusal checks.Result) Turn {
	t := Turn{Kind: TurnModelLost, Target: target, Model: model, From: pointOf(from, authStatus(from)), To: pointOf(to, authStatus(to))}
	if l := refusal.Live; l != nil {
		t.To.HTTPStatus, t.To.Code = l.HTTPStatus, l.Code
	}
	m := checks.Visible(model)
	t.Sentence = "A test task with " + m + " was taken on " + at(t.From) + ", but " + m + " is refused" + with(t.To.HTTPStatus) +
		" since " + at(t.To) + ": the key still works, but lost access to " + m + " in between."
	return t
}

// authOf reads the run's auth step: what the provider said about the key,
// and its HTTP status.
func authOf(r *Run) (authOutcome, int) {
	auth, ok := r.Step(checks.StepAuth)
	if !ok || auth.Live == nil {
		return authNone, 0
	}
	switch auth.Status {
	case checks.StatusPass:
		return authPass, auth.Live.HTTPStatus
	case checks.StatusFail:
		if auth.Live.HTTPStatus == 0 {
			return authNone, 0
		}
		if deadKey(targetOf(r), *auth.Live) {
			return authDead, auth.Live.HTTPStatus
		}
		return authRefused, auth.Live.HTTPStatus
	}
	return authNone, 0
}

// modelOf reads a HiAPI run's model step: the model asked, and whether
// HiAPI took the test task (taken) or refused that model to the key for
// permission (refusal). ok is false for any other answer, and for other
// targets, whose free model lookup says nothing of permission.
func modelOf(target checks.ProviderID, r *Run) (model string, taken bool, refusal checks.Result, ok bool) {
	if target != checks.ProviderHiAPI {
		return "", false, refusal, false
	}
	res, found := r.Step(checks.StepModel)
	if !found || res.Live == nil {
		return "", false, refusal, false
	}
	model = strings.TrimSpace(r.Model)
	switch res.Status {
	case checks.StatusPass:
		return model, true, refusal, true
	case checks.StatusFail:
		if modelRefused(model, *res.Live) {
			return model, false, res, true
		}
	}
	return "", false, refusal, false
}

// deadKey reports whether checks reads this auth answer as a key the
// provider does not know (revoked, rotated, deleted), not a scope, a block
// or an account that cannot pay. checks alone decides what an answer
// means (live.go, targetlive.go): the stored answer is judged again and
// its fix compared with checks' fix for a plain dead key, so no second
// copy of those rules lives here.
func deadKey(target checks.ProviderID, ev checks.LiveEvidence) bool {
	dead := checks.AuthVerdict(checks.Answer{HTTPStatus: 401, Provider: target})
	return checks.AuthVerdict(answerOf(target, ev)).Fix == dead.Fix
}

// modelRefused reports whether checks reads this answer to HiAPI's test
// task as the model refused to the key for permission, the same way.
func modelRefused(model string, ev checks.LiveEvidence) bool {
	scope := checks.ModelVerdict(model, checks.Answer{HTTPStatus: 403}, "")
	return checks.ModelVerdict(model, answerOf(checks.ProviderHiAPI, ev), "").Fix == scope.Fix
}

// answerOf is the stored answer as checks' verdicts read it.
func answerOf(target checks.ProviderID, ev checks.LiveEvidence) checks.Answer {
	return checks.Answer{HTTPStatus: ev.HTTPStatus, Code: ev.Code, Type: ev.Type, Message: ev.Message,
		RequestID: ev.RequestID, Facts: ev.Facts, Provider: target}
}

func targetOf(r *Run) checks.ProviderID { return cmp.Or(r.Provider, checks.ProviderHiAPI) }

func pointOf(r *Run, status int) Point {
	p := Point{RunID: r.ID, Time: r.Created, By: r.By, HTTPStatus: status}
	if auth, ok := r.Step(checks.StepAuth); ok {
		p.Auth = auth.Status
		if auth.Live != nil && auth.Live.HTTPStatus == status {
			p.Code = auth.Live.Code
		}
	}
	return p
}

// authStatus is the HTTP status of a run's auth answer.
func authStatus(r *Run) int {
	_, status := authOf(r)
	return status
}

// later orders points by time, then run id, as the lists do.
func later(a, b Point) bool {
	return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.RunID, b.RunID)) > 0
}

// authWord names the auth step in a sentence: "Auth" for HiAPI, "OpenAI
// auth" for another target.
func authWord(target checks.ProviderID) string {
	if t, ok := checks.TargetOf(target); ok && t.ID != checks.ProviderHiAPI {
		return t.Name + " auth"
	}
	return "Auth"
}

// at is a point's time and person: "2026-11-24 10:02 UTC (ana)".
func at(p Point) string {
	who := strings.TrimSpace(p.By)
	if who == "" {
		who = "someone"
	}
	return p.Time.UTC().Format("2006-01-02 15:04 UTC") + " (" + who + ")"
}

// with is " with 401": the status a failure came with, or nothing when
// the failure came with none or with a 2xx (xAI's blocked key).
func with(status int) string {
	if status < 300 {
		return ""
	}
	return " with " + strconv.Itoa(status)
}
