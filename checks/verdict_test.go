package checks

import (
	"encoding/json"
	"strings"
	"testing"
)

// liveRun is the results of a check of key followed by a live test whose
// answers are auth, model and result, each made by the verdict functions
// and annotated by the plan, as the runner does; nil leaves a step as
// Check left it.
func liveRun(in Input, auth, model, result *Result) []Result {
	rs := Check(in)
	plan := PlanLive(in.Key)
	for _, r := range []*Result{auth, model, result} {
		if r == nil {
			continue
		}
		for i := range rs {
			if rs[i].ID == r.ID {
				rs[i] = plan.Annotate(*r)
			}
		}
	}
	return rs
}

func ptr(r Result) *Result { return &r }

var (
	authOK     = ptr(AuthVerdict(Answer{HTTPStatus: 200}))
	authDead   = ptr(AuthVerdict(Answer{HTTPStatus: 401, Code: "permission_denied", Message: "invalid api key"}))
	authBusy   = ptr(AuthVerdict(Answer{HTTPStatus: 429, RetryAfter: 30}))
	authAsking = ptr(Result{ID: StepAuth, Status: StatusRunning, Detail: "Asking HiAPI whether it accepts the key (free)…"})
	modelOK    = ptr(ModelVerdict("gpt-image-2", Answer{HTTPStatus: 200}, "tk-1"))
	modelScope = ptr(ModelVerdict("gpt-image-2", Answer{HTTPStatus: 403, Code: "permission_denied"}, ""))
	modelBroke = ptr(ModelVerdict("gpt-image-2", Answer{HTTPStatus: 402}, ""))
	resultOK   = ptr(ResultVerdict(TaskView{TaskID: "tk-1", Status: "success", Outputs: []Output{{URL: "https://cdn.hiapi.ai/i.png", Type: "image"}}, Waited: 6}))
	resultSlow = ptr(ResultVerdict(TaskView{TaskID: "tk-1", Status: "handling", TimedOut: true, Waited: 180}))
	resultFail = ptr(ResultVerdict(TaskView{TaskID: "tk-1", Status: "fail", ErrorCode: "TASK_FAILED"}))
)

func TestVerdictOf(t *testing.T) {
	whitespaceFix := resultOf(Check(Input{Key: goodKey + "\n"}), StepWhitespace).Fix
	tests := []struct {
		name     string
		rs       []Result
		status   Status
		step     ID
		headline string
		// fix is the step whose Fix the verdict's is; "" for none.
		fix ID
	}{
		{name: "nothing yet", rs: nil, status: StatusPending, headline: "Paste a key to check it."},
		{name: "a clean key, not tested", rs: Check(Input{Key: goodKey}), status: StatusPending,
			headline: "Nothing wrong offline: run the live test to hear it from HiAPI."},
		{name: "no key", rs: Check(Input{}), status: StatusFail, step: StepPresent, headline: "There is no key: the key field is empty.", fix: StepPresent},
		{name: "no key in this process", rs: Check(Input{Environ: []string{"PATH=/bin"}}), status: StatusFail, step: StepPresent,
			headline: "There is no key: HIAPI_API_KEY is empty or not set in this process.", fix: StepPresent},
		{name: "a trailing newline", rs: Check(Input{Key: goodKey + "\n"}), status: StatusFail, step: StepWhitespace,
			headline: "Your key ends with a newline: HiAPI would reject it.", fix: StepWhitespace},
		{name: "a warning and nothing else", rs: Check(Input{Key: "sk-" + hexKey(3, 32)}), status: StatusWarn, step: StepProvider,
			headline: "This may be a DeepSeek key: only the live test can tell whether it is HiAPI's.", fix: StepProvider},

		// Causal order, not list order: whose key it is and whether it is
		// whole come before its bytes, though the list shows bytes first.
		{name: "an OpenAI key with a trailing newline names the provider", rs: Check(Input{Key: openAIKey + "\n"}), status: StatusFail, step: StepProvider,
			headline: "This is an OpenAI key: HiAPI has never seen it.", fix: StepProvider},
		{name: "a truncated key in quotes names complete", rs: Check(Input{Key: `"` + masked + `"`}), status: StatusFail, step: StepComplete,
			headline: "This is a shortened copy of your key (with ‘…’), not the key itself.", fix: StepComplete},
		{name: "quotes and a newline name the quotes", rs: Check(Input{Key: `"` + goodKey + "\"\n"}), status: StatusFail, step: StepCharacters,
			headline: "Your key is wrapped in quotes: they became part of it.", fix: StepCharacters},
		{name: "the key's bytes before where it is sent", rs: Check(Input{Key: goodKey + "\n", BaseURL: "https://api.openai.com/v1"}), status: StatusFail, step: StepWhitespace,
			headline: "Your key ends with a newline: HiAPI would reject it.", fix: StepWhitespace},
		{name: "the base URL on a clean key", rs: Check(Input{Key: goodKey, BaseURL: "https://api.openai.com/v1"}), status: StatusFail, step: StepBaseURL,
			headline: "Your client is left at OpenAI's default base URL: it sends the key to OpenAI, not HiAPI.", fix: StepBaseURL},

		// The live test.
		{name: "a working key", rs: liveRun(Input{Key: goodKey}, authOK, modelOK, resultOK), status: StatusPass,
			headline: "A working key: HiAPI returned an image in 6 s."},
		{name: "a working key settles what its own steps warned of", rs: liveRun(Input{Key: "sk-" + hexKey(3, 32)}, authOK, modelOK, resultOK), status: StatusPass,
			headline: "A working key: HiAPI returned an image in 6 s."},
		{name: "a working key sent through a proxy", rs: liveRun(Input{Key: goodKey, BaseURL: "https://llm-proxy.example.com/v1"}, authOK, modelOK, resultOK),
			status: StatusWarn, step: StepBaseURL, fix: StepBaseURL,
			headline: "The key works, but your client sends the key to llm-proxy.example.com, not HiAPI: fine if that is your proxy."},
		{name: "running", rs: liveRun(Input{Key: goodKey}, authAsking, nil, nil), status: StatusPending, step: StepAuth,
			headline: "The live test is running: asking HiAPI whether it accepts the key (free)…"},
		{name: "a dead key", rs: liveRun(Input{Key: goodKey}, authDead, nil, nil), status: StatusFail, step: StepAuth, fix: StepAuth,
			headline: "HiAPI does not accept this key: it was revoked or rotated, or it is not HiAPI's."},
		{name: "a scope refusal", rs: liveRun(Input{Key: goodKey}, authOK, modelScope, nil), status: StatusFail, step: StepModel, fix: StepModel,
			headline: "HiAPI knows this key but does not let it use gpt-image-2."},
		{name: "no balance", rs: liveRun(Input{Key: goodKey}, authOK, modelBroke, nil), status: StatusFail, step: StepModel, fix: StepModel,
			headline: "The key works, but the HiAPI account cannot pay for an image."},
		{name: "the task failed", rs: liveRun(Input{Key: goodKey}, authOK, modelOK, resultFail), status: StatusFail, step: StepResult, fix: StepResult,
			headline: "The key works, but HiAPI's test task failed (TASK_FAILED)."},
		{name: "rate-limited", rs: liveRun(Input{Key: goodKey}, authBusy, nil, nil), status: StatusUnknown, step: StepAuth, fix: StepAuth,
			headline: "keycheck could not decide: HiAPI is rate-limiting requests; not the key's fault."},
		{name: "too slow", rs: liveRun(Input{Key: goodKey}, authOK, modelOK, resultSlow), status: StatusUnknown, step: StepResult, fix: StepResult,
			headline: "keycheck could not decide: HiAPI's test task was still running after 180 s; not the key's fault."},
		{name: "an offline failure beats an undecided live step", rs: liveRun(Input{Key: goodKey, Header: "Authorization: Token " + goodKey}, authBusy, nil, nil),
			status: StatusFail, step: StepHeader, fix: StepHeader, headline: "Your header uses the ‘Token’ scheme: HiAPI wants Bearer."},

		// The cleaned key's answer is the proof.
		{name: "cleaned, and HiAPI accepts it", rs: liveRun(Input{Key: goodKey + "\n"}, authOK, modelOK, resultOK), status: StatusFail, step: StepWhitespace, fix: StepWhitespace,
			headline: "HiAPI accepts the key with the trailing newline removed: that is the key's whole problem."},
		{name: "cleaned, accepted, but the task failed", rs: liveRun(Input{Key: goodKey + "\n"}, authOK, modelOK, resultFail), status: StatusFail, step: StepWhitespace, fix: StepWhitespace,
			headline: "HiAPI accepts the key with the trailing newline removed: that is the key's whole problem."},
		{name: "cleaned, and HiAPI refuses it: the deeper cause", rs: liveRun(Input{Key: goodKey + "\n"}, authDead, nil, nil), status: StatusFail, step: StepAuth, fix: StepAuth,
			headline: "Even with the trailing newline removed, HiAPI does not accept this key: it was revoked or rotated, or it is not HiAPI's."},
		{name: "cleaned, and the key may not use the model", rs: liveRun(Input{Key: `"` + goodKey + `"`}, authOK, modelScope, nil), status: StatusFail, step: StepModel, fix: StepModel,
			headline: "With the quotes removed: HiAPI knows this key but does not let it use gpt-image-2."},
		{name: "cleaned, HiAPI busy: the offline cause stands", rs: liveRun(Input{Key: goodKey + "\n"}, authBusy, nil, nil), status: StatusFail, step: StepWhitespace, fix: StepWhitespace,
			headline: "Your key ends with a newline: HiAPI would reject it."},
		{name: "cleaned, still running", rs: liveRun(Input{Key: goodKey + "\n"}, authAsking, nil, nil), status: StatusFail, step: StepWhitespace, fix: StepWhitespace,
			headline: "Your key ends with a newline: HiAPI would reject it."},

		// Runs stored before steps had headlines read the same way.
		{name: "a stored failure without a headline", rs: []Result{{ID: StepWhitespace, Status: StatusFail, Detail: "Ends with a newline (⏎) at position 52, after the key.", Fix: "printf"}},
			status: StatusFail, step: StepWhitespace, headline: "Your key carries hidden whitespace: HiAPI would reject it.", fix: StepWhitespace},
		{name: "a stored warning without a headline", rs: []Result{{ID: StepHeader, Status: StatusWarn, Detail: "The header writes ‘bearer’ in lower case: most servers accept it. Write Bearer.", Fix: "x"}},
			status: StatusWarn, step: StepHeader, headline: "The header writes ‘bearer’ in lower case: most servers accept it.", fix: StepHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := VerdictOf(tt.rs)
			if v.Status != tt.status || v.Step != tt.step || v.Headline != tt.headline {
				t.Errorf("verdict %s [%s] %q\nwant %s [%s] %q", v.Status, v.Step, v.Headline, tt.status, tt.step, tt.headline)
			}
			want := ""
			if tt.fix != "" {
				want = resultOf(tt.rs, tt.fix).Fix
			}
			if v.Fix != want || tt.fix != "" && want == "" {
				t.Errorf("fix %q, want %s's %q", v.Fix, tt.fix, want)
			}
		})
	}
	if v := VerdictOf(liveRun(Input{Key: goodKey + "\n"}, authOK, modelOK, resultOK)); v.Fix != whitespaceFix {
		t.Errorf("the proof's fix is %q, want the whitespace step's", v.Fix)
	}
}

// TestVerdictJSON: the verdict's JSON is the shape, the same on
// every surface.
func TestVerdictJSON(t *testing.T) {
	b, err := json.Marshal(VerdictOf(Check(Input{Key: goodKey + "\n"})))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got["status"] != "fail" || got["step"] != "whitespace" || !strings.HasPrefix(got["headline"], "Your key ends with a newline") || got["fix"] == "" {
		t.Errorf("verdict JSON %s", b)
	}
	b, _ = json.Marshal(VerdictOf(nil))
	if string(b) != `{"status":"pending","headline":"Paste a key to check it."}` {
		t.Errorf("pending verdict JSON %s", b)
	}
}

// TestEveryFailureHasAHeadline: whatever fails, the verdict says it in
// one sentence, from the step or its default, for every row of every
// step table.
func TestEveryFailureHasAHeadline(t *testing.T) {
	for id, cases := range allTables {
		for _, c := range *cases {
			for _, r := range Check(c.in) {
				if r.Status != StatusFail && r.Status != StatusWarn {
					continue
				}
				h := headlineOf(&r)
				if h == "" || !strings.HasSuffix(h, ".") && !strings.HasSuffix(h, "?") || strings.Contains(strings.TrimSuffix(h, "."), ". ") {
					t.Errorf("%s/%s: %s's headline %q is not one sentence", id, c.name, r.ID, h)
				}
			}
		}
	}
}
