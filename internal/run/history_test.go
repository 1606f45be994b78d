package run

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// The live answers a history is made of, as the providers send them and
// checks judges them (live.go, targetlive.go).
var (
	hiapiOK      = checks.Answer{HTTPStatus: 200, RequestID: "req_ok"}
	hiapiDead    = checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "hiapi_error", Message: "Invalid API key. Please check your key.", RequestID: "req_dead"}
	hiapiNoModel = checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "hiapi_error", Message: "This API key cannot use the selected model. Please check permissions or use another key.", RequestID: "req_scope"}
	hiapiScope   = checks.Answer{HTTPStatus: 403, Code: "permission_denied", Type: "hiapi_error", Message: "Forbidden", RequestID: "req_403"}
	hiapiBusy    = checks.Answer{HTTPStatus: 429, Code: "rate_limited", Message: "Too many requests", RetryAfter: 1}
	hiapiBroke   = checks.Answer{HTTPStatus: 402, Code: "insufficient_balance", Message: "Insufficient balance"}
	openaiOK     = checks.Answer{HTTPStatus: 200, Provider: checks.ProviderOpenAI}
	openaiDead   = checks.Answer{HTTPStatus: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Incorrect API key provided.", Provider: checks.ProviderOpenAI}
	xaiBlocked   = checks.Answer{HTTPStatus: 200, Provider: checks.ProviderXAI, Facts: []checks.Fact{{Name: checks.FactKeyBlocked, Value: "yes"}}}
)

// Monday 2026-11-23 00:00 UTC; runs happen days and minutes after it.
var monday = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func on(day, hour, minute int) time.Time {
	return monday.AddDate(0, 0, day).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

// hist builds a run as the web layer stores it: the offline steps of a
// clean key, then what its live test said. what is "offline" (no live
// test), "sent-not" (the key was not sent: auth skipped), or a live
// answer at auth, with model and result following as the runner would.
type hist struct {
	at     time.Time
	by     string
	target checks.ProviderID
	auth   *checks.Answer
	model  *checks.Answer // HiAPI's create; nil: the task was taken
	name   string         // the model asked; "" is gpt-image-2
	notRun bool           // auth skipped: the live test did not send the key
}

func (h hist) run(id string) *Run {
	r := &Run{ID: id, Created: h.at, By: h.by, Provider: h.target, Model: "gpt-image-2", Prompt: "a red apple",
		Steps: checks.Check(checks.Input{Key: testKey, Provider: h.target})}
	if h.name != "" {
		r.Model = h.name
	}
	switch {
	case h.notRun:
		r.SetStep(checks.Result{ID: checks.StepAuth, Status: checks.StatusSkip, Detail: "Not sent, since this is an OpenAI key."})
		r.Live = LiveDone
	case h.auth != nil:
		r.Live = LiveDone
		auth := checks.AuthVerdict(*h.auth)
		r.SetStep(auth)
		if auth.Status != checks.StatusPass || h.target != "" && h.target != checks.ProviderHiAPI {
			break
		}
		if h.model != nil {
			r.SetStep(checks.ModelVerdict(r.Model, *h.model, ""))
			break
		}
		r.SetStep(checks.ModelVerdict(r.Model, hiapiOK, "tk-1"))
		r.SetStep(checks.ResultVerdict(checks.TaskView{TaskID: "tk-1", Status: "success", Outputs: []checks.Output{{URL: "https://cdn.example/a.png", Type: "image"}}}))
	}
	return r
}

func ans(a checks.Answer) *checks.Answer { return &a }

func TestTurningPoint(t *testing.T) {
	tests := []struct {
		name string
		runs []hist
		// kind is the turn wanted ("" none); from and to index runs.
		kind     TurnKind
		from, to int
		target   checks.ProviderID
		sentence string
	}{
		{name: "no runs", sentence: "keycheck has no run of this key."},
		{
			name:     "no live runs",
			runs:     []hist{{at: on(1, 10, 2), by: "ana"}, {at: on(2, 9, 0), by: "ben"}},
			sentence: "No live test has asked a provider about this key yet: every run here is an offline check.",
		},
		{
			name:     "one pass",
			runs:     []hist{{at: on(1, 10, 2), by: "ana", auth: &hiapiOK}},
			sentence: "Auth passed in the latest live test, on 2026-11-24 10:02 UTC (ana).",
		},
		{
			name: "all pass",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(1, 11, 0), by: "ben"},
				{at: on(2, 9, 15), by: "ben", auth: &hiapiOK},
				{at: on(3, 8, 0), by: "cy", auth: &hiapiOK},
			},
			sentence: "Auth passed in the last 3 live tests, the latest on 2026-11-26 08:00 UTC (cy).",
		},
		{
			name:     "all fail",
			runs:     []hist{{at: on(1, 10, 2), by: "ana", auth: &hiapiDead}, {at: on(3, 9, 15), by: "ben", auth: &hiapiDead}},
			sentence: "Auth failed with 401 in the last 2 live tests, the latest on 2026-11-26 09:15 UTC (ben).",
		},
		{
			name: "pass then fail: revoked",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiDead},
			},
			kind: TurnRevoked, from: 0, to: 1,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (ana), fails with 401 since 2026-11-26 09:15 UTC (ben): the key was revoked or rotated in between.",
		},
		{
			name: "the last pass and the first failure",
			runs: []hist{
				{at: on(0, 9, 0), by: "ana", auth: &hiapiOK},
				{at: on(1, 10, 2), by: "dan", auth: &hiapiOK},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiDead},
				{at: on(4, 9, 15), by: "cy", auth: &hiapiDead},
			},
			kind: TurnRevoked, from: 1, to: 2,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (dan), fails with 401 since 2026-11-26 09:15 UTC (ben): the key was revoked or rotated in between.",
		},
		{
			name: "fail, pass, fail: the last change",
			runs: []hist{
				{at: on(0, 9, 0), by: "ana", auth: &hiapiDead},
				{at: on(1, 10, 2), by: "ben", auth: &hiapiOK},
				{at: on(3, 9, 15), by: "cy", auth: &hiapiDead},
			},
			kind: TurnRevoked, from: 1, to: 2,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (ben), fails with 401 since 2026-11-26 09:15 UTC (cy): the key was revoked or rotated in between.",
		},
		{
			name: "fail then pass: works again",
			runs: []hist{
				{at: on(0, 9, 0), by: "ana", auth: &hiapiDead},
				{at: on(1, 10, 2), by: "ana", auth: &hiapiDead},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiOK},
				{at: on(4, 9, 15), by: "cy", auth: &hiapiOK},
			},
			kind: TurnWorksAgain, from: 1, to: 2,
			sentence: "Auth failed with 401 on 2026-11-24 10:02 UTC (ana), and works again since 2026-11-26 09:15 UTC (ben).",
		},
		{
			name: "unknown, not sent and offline runs in between change nothing",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(2, 8, 0), by: "ben", auth: &hiapiBusy},
				{at: on(2, 8, 30), by: "ben", notRun: true},
				{at: on(2, 9, 0), by: "cy"},
				{at: on(2, 9, 30), by: "cy", auth: &hiapiBroke}, // a warning: the key is known, the account cannot pay
				{at: on(3, 9, 15), by: "ben", auth: &hiapiDead},
				{at: on(3, 10, 0), by: "dan", auth: &hiapiBusy},
			},
			kind: TurnRevoked, from: 0, to: 5,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (ana), fails with 401 since 2026-11-26 09:15 UTC (ben): the key was revoked or rotated in between.",
		},
		{
			name: "unknown between two passes is no turn",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(2, 8, 0), by: "ben", auth: &hiapiBusy},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiOK},
			},
			sentence: "Auth passed in the last 2 live tests, the latest on 2026-11-26 09:15 UTC (ben).",
		},
		{
			name: "the same person",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(3, 9, 15), by: "ana", auth: &hiapiDead},
			},
			kind: TurnRevoked, from: 0, to: 1,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (ana), fails with 401 since 2026-11-26 09:15 UTC (ana): the key was revoked or rotated in between.",
		},
		{
			name: "no name",
			runs: []hist{
				{at: on(1, 10, 2), auth: &hiapiOK},
				{at: on(3, 9, 15), by: "  ", auth: &hiapiDead},
			},
			kind: TurnRevoked, from: 0, to: 1,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (someone), fails with 401 since 2026-11-26 09:15 UTC (someone): the key was revoked or rotated in between.",
		},
		{
			name: "another target's failure does not turn HiAPI's history",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(2, 10, 0), by: "ben", target: checks.ProviderOpenAI, auth: &openaiDead},
				{at: on(3, 9, 15), by: "cy", auth: &hiapiOK},
			},
			sentence: "Auth passed in the last 2 live tests, the latest on 2026-11-26 09:15 UTC (cy).",
		},
		{
			name: "a turn within another target",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", target: checks.ProviderOpenAI, auth: &openaiOK},
				{at: on(2, 10, 0), by: "ben", auth: &hiapiDead},
				{at: on(3, 9, 15), by: "cy", target: checks.ProviderOpenAI, auth: &openaiDead},
			},
			kind: TurnRevoked, from: 0, to: 2, target: checks.ProviderOpenAI,
			sentence: "OpenAI auth passed on 2026-11-24 10:02 UTC (ana), fails with 401 since 2026-11-26 09:15 UTC (cy): the key was revoked or rotated in between.",
		},
		{
			name: "two targets turned: the latest turn is named",
			runs: []hist{
				{at: on(0, 10, 0), by: "ana", target: checks.ProviderOpenAI, auth: &openaiOK},
				{at: on(1, 10, 0), by: "ana", auth: &hiapiDead},
				{at: on(2, 10, 0), by: "ben", target: checks.ProviderOpenAI, auth: &openaiDead},
				{at: on(3, 10, 0), by: "cy", auth: &hiapiOK},
			},
			kind: TurnWorksAgain, from: 1, to: 3,
			sentence: "Auth failed with 401 on 2026-11-24 10:00 UTC (ana), and works again since 2026-11-26 10:00 UTC (cy).",
		},
		{
			name: "auth passes, then the model is refused: lost access to the model",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiOK, model: &hiapiNoModel},
			},
			kind: TurnModelLost, from: 0, to: 1,
			sentence: "A test task with gpt-image-2 was taken on 2026-11-24 10:02 UTC (ana), but gpt-image-2 is refused with 401 since 2026-11-26 09:15 UTC (ben): the key still works, but lost access to gpt-image-2 in between.",
		},
		{
			name: "another model refused is no turn",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiOK, model: &hiapiNoModel, name: "flux-pro"},
			},
			sentence: "Auth passed in the last 2 live tests, the latest on 2026-11-26 09:15 UTC (ben).",
		},
		{
			name: "the model refused, then the key dead: the later turn",
			runs: []hist{
				{at: on(0, 10, 0), by: "ana", auth: &hiapiOK},
				{at: on(1, 10, 2), by: "ben", auth: &hiapiOK, model: &hiapiNoModel},
				{at: on(3, 9, 15), by: "cy", auth: &hiapiDead},
			},
			kind: TurnRevoked, from: 1, to: 2,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (ben), fails with 401 since 2026-11-26 09:15 UTC (cy): the key was revoked or rotated in between.",
		},
		{
			name: "a scope refusal at auth is not a dead key",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiOK},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiScope},
			},
			kind: TurnRefused, from: 0, to: 1,
			sentence: "Auth passed on 2026-11-24 10:02 UTC (ana), fails with 403 since 2026-11-26 09:15 UTC (ben). HiAPI knows this key but does not let it do this: a scope problem, not a dead key.",
		},
		{
			name: "a key blocked at xAI",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", target: checks.ProviderXAI, auth: ans(checks.Answer{HTTPStatus: 200, Provider: checks.ProviderXAI})},
				{at: on(3, 9, 15), by: "ben", target: checks.ProviderXAI, auth: &xaiBlocked},
			},
			kind: TurnRefused, from: 0, to: 1, target: checks.ProviderXAI,
			sentence: "xAI auth passed on 2026-11-24 10:02 UTC (ana), fails since 2026-11-26 09:15 UTC (ben). xAI knows this key, but it is blocked or disabled.",
		},
		{
			name: "a dead key then a refusal of another kind is no turn",
			runs: []hist{
				{at: on(1, 10, 2), by: "ana", auth: &hiapiDead},
				{at: on(3, 9, 15), by: "ben", auth: &hiapiScope},
			},
			sentence: "Auth failed with 403 in the latest live test, on 2026-11-26 09:15 UTC (ben).",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := make([]*Run, len(tt.runs))
			for i, h := range tt.runs {
				runs[i] = h.run("run" + strconv.Itoa(i))
			}
			// The store lists newest first; the history reads any order.
			slices.Reverse(runs)
			got := HistoryOf(runs)
			if s := got.Sentence(); s != tt.sentence {
				t.Errorf("sentence:\n got %q\nwant %q", s, tt.sentence)
			}
			if tt.kind == "" {
				if got.Turn != nil {
					t.Fatalf("a turn where there is none: %+v", *got.Turn)
				}
				return
			}
			if got.Turn == nil {
				t.Fatalf("no turn, want %s", tt.kind)
			}
			turn := *got.Turn
			from, to := tt.runs[tt.from], tt.runs[tt.to]
			if turn.Kind != tt.kind || turn.From.RunID != "run"+strconv.Itoa(tt.from) || turn.To.RunID != "run"+strconv.Itoa(tt.to) {
				t.Errorf("turn %s from %s to %s, want %s from run%d to run%d", turn.Kind, turn.From.RunID, turn.To.RunID, tt.kind, tt.from, tt.to)
			}
			if !turn.From.Time.Equal(from.at) || turn.From.By != from.by || !turn.To.Time.Equal(to.at) || turn.To.By != to.by {
				t.Errorf("points %+v → %+v do not match their runs", turn.From, turn.To)
			}
			if want := cmpOr(tt.target, checks.ProviderHiAPI); turn.Target != want {
				t.Errorf("target %q, want %q", turn.Target, want)
			}
			if turn.From.Auth == "" || turn.To.Auth == "" {
				t.Errorf("a point without its auth status: %+v → %+v", turn.From, turn.To)
			}
		})
	}
}

func cmpOr(a, b checks.ProviderID) checks.ProviderID {
	if a != "" {
		return a
	}
	return b
}

// TestHistoryCounts: how many runs, by how many people; runs without a
// name are counted apart, not as one person.
func TestHistoryCounts(t *testing.T) {
	runs := []*Run{
		hist{at: on(0, 1, 0), by: "ana"}.run("a"),
		hist{at: on(0, 2, 0), by: "ana"}.run("b"),
		hist{at: on(0, 3, 0), by: " ben "}.run("c"),
		hist{at: on(0, 4, 0), by: "ben"}.run("d"),
		hist{at: on(0, 5, 0)}.run("e"),
	}
	h := HistoryOf(runs)
	if h.Runs != 5 || h.People != 2 || h.Unnamed != 1 {
		t.Errorf("runs %d, people %d, unnamed %d; want 5, 2, 1", h.Runs, h.People, h.Unnamed)
	}
	if h.Latest != nil {
		t.Errorf("offline runs have a latest live answer: %+v", *h.Latest)
	}
}

// TestTurningPointTies: runs made in the same instant are ordered by id,
// as the lists order them, so the answer never depends on the store's
// order.
func TestTurningPointTies(t *testing.T) {
	at := on(1, 10, 2)
	a := hist{at: at, by: "ana", auth: &hiapiOK}.run("r1")
	b := hist{at: at, by: "ben", auth: &hiapiDead}.run("r2")
	for _, runs := range [][]*Run{{a, b}, {b, a}} {
		h := HistoryOf(runs)
		if h.Turn == nil || h.Turn.From.RunID != "r1" || h.Turn.To.RunID != "r2" {
			t.Errorf("turn %+v, want r1 → r2", h.Turn)
		}
	}
}
