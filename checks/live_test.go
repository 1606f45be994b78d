package checks_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

const (
	deadMsg  = "Invalid API key: it does not exist, or it was revoked. If the issue persists, contact support with request ID: 2026R1"
	scopeMsg = "This API key cannot use the selected model. Please check permissions or use another key. If the issue persists, contact support with request ID: 2026...Y7"
)

// verdictCase is one row of a verdict table: the answer, and what the
// verdict must say. has and fixHas are fragments Detail and Fix must
// contain, headline one the Headline must; unknowns must also read "Not
// your key".
type verdictCase struct {
	name     string
	a        checks.Answer
	taskID   string
	want     checks.Status
	has      []string
	fixHas   []string
	headline string
}

func TestAuthVerdict(t *testing.T) {
	tests := []verdictCase{
		{name: "200", a: checks.Answer{HTTPStatus: 200, RequestID: "r1"}, want: checks.StatusPass, has: []string{"free"}},
		{name: "401 dead key: the headline", a: checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: deadMsg},
			want: checks.StatusFail, headline: "HiAPI does not accept this key: it was revoked or rotated, or it is not HiAPI's."},
		{name: "403: the headline", a: checks.Answer{HTTPStatus: 403}, want: checks.StatusFail,
			headline: "HiAPI knows this key but does not let it do this: a scope problem, not a dead key."},
		{name: "402: the headline", a: checks.Answer{HTTPStatus: 402}, want: checks.StatusWarn, headline: "The key works, but the HiAPI account cannot pay for an image."},
		{name: "429: the headline", a: checks.Answer{HTTPStatus: 429}, want: checks.StatusUnknown,
			headline: "keycheck could not decide: HiAPI is rate-limiting requests; not the key's fault."},
		{name: "503: the headline", a: checks.Answer{HTTPStatus: 503}, want: checks.StatusUnknown,
			headline: "keycheck could not decide: HiAPI answered 503, busy or failing; not the key's fault."},
		{name: "network: the headline", a: checks.Answer{Kind: checks.AnswerNetwork}, want: checks.StatusUnknown,
			headline: "keycheck could not decide: HiAPI could not be reached; not the key's fault."},
		{name: "time-out: the headline", a: checks.Answer{Kind: checks.AnswerTimeout}, want: checks.StatusUnknown,
			headline: "keycheck could not decide: HiAPI did not answer in time; not the key's fault."},
		{name: "not JSON: the headline", a: checks.Answer{HTTPStatus: 200, Kind: checks.AnswerNotJSON, Message: "Sign in"}, want: checks.StatusUnknown,
			headline: "keycheck could not decide: the answer was not JSON, so something other than HiAPI answered; not the key's fault."},
		{name: "404: the headline", a: checks.Answer{HTTPStatus: 404}, want: checks.StatusUnknown,
			headline: "keycheck could not decide: HiAPI answered 404, so the base URL may be wrong; not the key's fault."},
		{name: "204", a: checks.Answer{HTTPStatus: 204}, want: checks.StatusPass},
		{name: "401 permission_denied, dead key", a: checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "hiapi_error", Message: deadMsg, RequestID: "2026R1"},
			want: checks.StatusFail, has: []string{"401", "revoked, rotated or expired", "another provider", "whitespace", deadMsg}, fixHas: []string{"dashboard", "API Keys", "every copy", "steps 1–5", "keycheck check"}},
		{name: "401 permission_denied naming a model: scope", a: checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: scopeMsg, RequestID: "2026...Y7"},
			want: checks.StatusFail, has: []string{"scope problem, not a dead key"}, fixHas: []string{"dashboard"}},
		{name: "401 flat", a: checks.Answer{HTTPStatus: 401, Code: "UNAUTHORIZED", Message: "invalid api key", RequestID: "r2"},
			want: checks.StatusFail, has: []string{"revoked", "request_id: r2"}, fixHas: []string{"fresh key"}},
		{name: "401 no body", a: checks.Answer{HTTPStatus: 401}, want: checks.StatusFail, has: []string{"does not accept this key"}},
		{name: "401 PERMISSION_DENIED upper case, no model", a: checks.Answer{HTTPStatus: 401, Code: "PERMISSION_DENIED", Message: "invalid key"}, want: checks.StatusFail, has: []string{"revoked"}},
		{name: "401 OpenAI shape", a: checks.Answer{HTTPStatus: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Incorrect API key provided"},
			want: checks.StatusFail, has: []string{"OpenAI", "wrong place"}},
		{name: "401 Anthropic shape", a: checks.Answer{HTTPStatus: 401, Type: "authentication_error", Message: "invalid x-api-key"},
			want: checks.StatusFail, has: []string{"Anthropic"}},
		{name: "403", a: checks.Answer{HTTPStatus: 403, Code: "PERMISSION_DENIED", Message: "lacks permission"}, want: checks.StatusFail, has: []string{"scope"}},
		{name: "403 no body", a: checks.Answer{HTTPStatus: 403}, want: checks.StatusFail, has: []string{"scope"}},
		{name: "permission_denied on a 400", a: checks.Answer{HTTPStatus: 400, Code: "permission_denied"}, want: checks.StatusFail, has: []string{"scope"}},
		{name: "402", a: checks.Answer{HTTPStatus: 402, Code: "INSUFFICIENT_BALANCE"}, want: checks.StatusWarn, fixHas: []string{"Top up"}},
		{name: "400 invalid request", a: checks.Answer{HTTPStatus: 400, Code: "INVALID_REQUEST", Message: "invalid request"}, want: checks.StatusWarn, has: []string{"invalid request"}},
		{name: "404: wrong base URL", a: checks.Answer{HTTPStatus: 404, BaseURL: "https://api.openai.com/v1"}, want: checks.StatusUnknown, has: []string{"base URL", "https://api.openai.com"}, fixHas: []string{"https://api.hiapi.ai"}},
		{name: "301", a: checks.Answer{HTTPStatus: 301, Message: "redirected to https://x"}, want: checks.StatusUnknown, has: []string{"redirected"}, fixHas: []string{"base URL"}},
		{name: "409", a: checks.Answer{HTTPStatus: 409, Code: "IDEMPOTENCY_KEY_PROCESSING"}, want: checks.StatusUnknown},
		{name: "422", a: checks.Answer{HTTPStatus: 422, Code: "IDEMPOTENCY_KEY_MISMATCH"}, want: checks.StatusUnknown},
		{name: "429 with Retry-After", a: checks.Answer{HTTPStatus: 429, Code: "rate_limit_exceeded", RetryAfter: 30, RequestID: "r3"}, want: checks.StatusUnknown, has: []string{"429", "30 s", "request_id: r3"}, fixHas: []string{"3 s"}},
		{name: "429 no body", a: checks.Answer{HTTPStatus: 429}, want: checks.StatusUnknown, has: []string{"rate"}},
		{name: "rate_limit_exceeded on a 400", a: checks.Answer{HTTPStatus: 400, Code: "rate_limit_exceeded"}, want: checks.StatusUnknown},
		{name: "500", a: checks.Answer{HTTPStatus: 500}, want: checks.StatusUnknown, has: []string{"500"}},
		{name: "502", a: checks.Answer{HTTPStatus: 502, Code: "X"}, want: checks.StatusUnknown},
		{name: "503", a: checks.Answer{HTTPStatus: 503, Code: "SERVICE_UNAVAILABLE", RetryAfter: 2}, want: checks.StatusUnknown, has: []string{"busy"}},
		{name: "504", a: checks.Answer{HTTPStatus: 504}, want: checks.StatusUnknown},
		{name: "html 502", a: checks.Answer{HTTPStatus: 502, Kind: checks.AnswerNotJSON, Message: "502 Bad Gateway"}, want: checks.StatusUnknown, has: []string{"not JSON", "“502 Bad Gateway”", "proxy"}, fixHas: []string{"HTTPS_PROXY"}},
		{name: "html 401 from a proxy", a: checks.Answer{HTTPStatus: 401, Kind: checks.AnswerNotJSON, Message: "Unauthorized"}, want: checks.StatusUnknown},
		{name: "html 200 captive portal", a: checks.Answer{HTTPStatus: 200, Kind: checks.AnswerNotJSON, Message: "Sign in"}, want: checks.StatusUnknown},
		{name: "too large", a: checks.Answer{HTTPStatus: 200, Kind: checks.AnswerTooLarge}, want: checks.StatusUnknown, fixHas: []string{"base URL"}},
		{name: "time-out", a: checks.Answer{Kind: checks.AnswerTimeout, BaseURL: "http://127.0.0.1:8089"}, want: checks.StatusUnknown, has: []string{"in time"}, fixHas: []string{"curl -sI http://127.0.0.1:8089"}},
		{name: "network", a: checks.Answer{Kind: checks.AnswerNetwork, Message: "connect: connection refused"}, want: checks.StatusUnknown, has: []string{"connection refused"}, fixHas: []string{"curl -sI https://api.hiapi.ai"}},
		{name: "garbled", a: checks.Answer{HTTPStatus: 200, Kind: checks.AnswerGarbled, Message: "the body is not a JSON object"}, want: checks.StatusUnknown},
		{name: "canceled", a: checks.Answer{Kind: checks.AnswerCanceled}, want: checks.StatusUnknown, has: []string{"Interrupted"}},
		{name: "request not built", a: checks.Answer{Kind: checks.AnswerRequest, Message: "bad base URL"}, want: checks.StatusUnknown, fixHas: []string{"HIAPI_BASE_URL"}},
		{name: "unknown kind", a: checks.Answer{Kind: "martian"}, want: checks.StatusUnknown},
		// Nothing went out: a skip, never a failure HiAPI did not say.
		{name: "key not sendable", a: checks.Answer{Kind: checks.AnswerBadKey, Message: "the key holds a newline (U+000A) at character 52, which no HTTP header may carry"},
			want: checks.StatusSkip, has: []string{"Not sent", "character 52"}, fixHas: []string{"tr -d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkVerdict(t, checks.StepAuth, checks.AuthVerdict(tt.a), tt)
		})
	}
}

func TestModelVerdict(t *testing.T) {
	const m = "gpt-image-2"
	tests := []verdictCase{
		{name: "task created", a: checks.Answer{HTTPStatus: 200, RequestID: "r"}, taskID: "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", want: checks.StatusPass, has: []string{"tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", m}},
		{name: "401 permission_denied: the guide's answer", a: checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "hiapi_error", Message: scopeMsg, RequestID: "2026...Y7"},
			want: checks.StatusFail, has: []string{"scope problem", m}, fixHas: []string{"This key may not use gpt-image-2: grant it in the HiAPI dashboard", "use a key that has it"}},
		{name: "401 permission_denied without a message", a: checks.Answer{HTTPStatus: 401, Code: "permission_denied"}, want: checks.StatusFail, fixHas: []string{"may not use"}},
		{name: "401 permission_denied about the key", a: checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: deadMsg}, want: checks.StatusFail, has: []string{"revoked"}, fixHas: []string{"fresh key"}},
		{name: "403", a: checks.Answer{HTTPStatus: 403, Code: "PERMISSION_DENIED"}, want: checks.StatusFail, fixHas: []string{"may not use"}},
		{name: "401 flat: dead key", a: checks.Answer{HTTPStatus: 401, Code: "UNAUTHORIZED"}, want: checks.StatusFail, fixHas: []string{"steps 1–5"}},
		{name: "model_not_found 404", a: checks.Answer{HTTPStatus: 404, Code: "model_not_found", Type: "invalid_request_error", Message: "no such model"},
			want: checks.StatusFail, has: []string{"model id"}, fixHas: []string{"gpt-image-2/text-to-image", "disagree"}},
		{name: "MODEL_NOT_FOUND 400", a: checks.Answer{HTTPStatus: 400, Code: "MODEL_NOT_FOUND"}, want: checks.StatusFail, fixHas: []string{"gpt-image-2/text-to-image"}},
		{name: "model_not_found on 200", a: checks.Answer{HTTPStatus: 200, Code: "model_not_found"}, want: checks.StatusUnknown},
		{name: "400 about the model", a: checks.Answer{HTTPStatus: 400, Code: "INVALID_REQUEST", Message: "unknown model gpt-image-2"}, want: checks.StatusFail, has: []string{"unknown model gpt-image-2"}, fixHas: []string{"gpt-image-2/text-to-image"}},
		{name: "400 about the prompt", a: checks.Answer{HTTPStatus: 400, Code: "INVALID_REQUEST", Message: "input.prompt is required", RequestID: "r4"},
			want: checks.StatusFail, has: []string{"input.prompt is required", "request_id: r4"}, fixHas: []string{"prompt"}},
		{name: "402", a: checks.Answer{HTTPStatus: 402, Code: "INSUFFICIENT_BALANCE", Message: "insufficient balance"}, want: checks.StatusFail, has: []string{"cannot pay"}, fixHas: []string{"Top up", "key itself is fine"}},
		{name: "MODEL_UNAVAILABLE", a: checks.Answer{HTTPStatus: 400, Code: "MODEL_UNAVAILABLE"}, want: checks.StatusUnknown},
		{name: "429", a: checks.Answer{HTTPStatus: 429, Code: "rate_limit_exceeded"}, want: checks.StatusUnknown},
		{name: "503", a: checks.Answer{HTTPStatus: 503}, want: checks.StatusUnknown},
		{name: "404 plain", a: checks.Answer{HTTPStatus: 404}, want: checks.StatusUnknown, has: []string{"base URL"}},
		{name: "200 without a task id", a: checks.Answer{HTTPStatus: 200}, want: checks.StatusUnknown, has: []string{"no taskId"}},
		{name: "garbled", a: checks.Answer{HTTPStatus: 200, Kind: checks.AnswerGarbled}, want: checks.StatusUnknown},
		{name: "not JSON", a: checks.Answer{HTTPStatus: 502, Kind: checks.AnswerNotJSON}, want: checks.StatusUnknown},
		{name: "too large", a: checks.Answer{HTTPStatus: 200, Kind: checks.AnswerTooLarge}, want: checks.StatusUnknown},
		{name: "time-out: the task may exist", a: checks.Answer{Kind: checks.AnswerTimeout}, want: checks.StatusUnknown,
			has: []string{"may have been created"}, fixHas: []string{"newest task", "curl -s 'https://api.hiapi.ai/v1/tasks?page=1&size=1'"}},
		{name: "network: the task may exist", a: checks.Answer{Kind: checks.AnswerNetwork}, want: checks.StatusUnknown, has: []string{"may have been created"}},
		{name: "canceled: the task may exist", a: checks.Answer{Kind: checks.AnswerCanceled}, want: checks.StatusUnknown, has: []string{"may have been created"}},
		{name: "key not sendable", a: checks.Answer{Kind: checks.AnswerBadKey}, want: checks.StatusSkip, has: []string{"Not sent"}},
		{name: "scope: the headline", a: checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: scopeMsg}, want: checks.StatusFail,
			headline: "HiAPI knows this key but does not let it use gpt-image-2."},
		{name: "model not found: the headline", a: checks.Answer{HTTPStatus: 404, Code: "model_not_found"}, want: checks.StatusFail,
			headline: "HiAPI does not know the model id gpt-image-2: the key itself was accepted."},
		{name: "402: the headline", a: checks.Answer{HTTPStatus: 402}, want: checks.StatusFail, headline: "The key works, but the HiAPI account cannot pay for an image."},
		{name: "dead key: the headline", a: checks.Answer{HTTPStatus: 401}, want: checks.StatusFail, headline: "HiAPI does not accept this key"},
		{name: "model unavailable: the headline", a: checks.Answer{HTTPStatus: 400, Code: "MODEL_UNAVAILABLE"}, want: checks.StatusUnknown,
			headline: "keycheck could not decide: HiAPI says gpt-image-2 is unavailable right now; not the key's fault."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checks.ModelVerdict(m, tt.a, tt.taskID)
			checkVerdict(t, checks.StepModel, r, tt)
			if r.Live.TaskID != tt.taskID {
				t.Errorf("Live.TaskID = %q, want %q", r.Live.TaskID, tt.taskID)
			}
		})
	}

	t.Run("model id fixes", func(t *testing.T) {
		nf := checks.Answer{HTTPStatus: 404, Code: "model_not_found"}
		for model, want := range map[string]string{
			"gpt-image-2":               "Try the model id gpt-image-2/text-to-image instead.",
			"gpt-image-2/text-to-image": "Try the model id gpt-image-2 instead.",
			"flux-9":                    "Copy the exact model id",
		} {
			if fix := checks.ModelVerdict(model, nf, "").Fix; !strings.HasPrefix(fix, want) {
				t.Errorf("%s: fix %q", model, fix)
			}
		}
	})

	t.Run("model names are shown safely", func(t *testing.T) {
		r := checks.ModelVerdict("evil\nmodel"+strings.Repeat("x", 200), checks.Answer{HTTPStatus: 403}, "")
		if strings.Contains(r.Detail+r.Fix, "\n"+"model") || strings.Contains(r.Detail, strings.Repeat("x", 100)) {
			t.Errorf("model id shown raw: %q", r.Detail)
		}
	})
}

func TestResultVerdict(t *testing.T) {
	const id = "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"
	outs := []checks.Output{
		{URL: "https://cdn.hiapi.ai/t.png", Type: "thumbnail", ExpireAt: 1796292000},
		{URL: "https://cdn.hiapi.ai/i.png", Type: "image", ExpireAt: 1796292000},
	}
	curl := `curl -s https://api.hiapi.ai/v1/tasks/` + id + ` -H "Authorization: Bearer $HIAPI_API_KEY"`
	tests := []struct {
		name   string
		v      checks.TaskView
		want   checks.Status
		has    []string
		fixHas []string
	}{
		{"success: the image, not the thumbnail", checks.TaskView{TaskID: id, Status: "success", Outputs: outs}, checks.StatusPass,
			[]string{"https://cdn.hiapi.ai/i.png", "image", "expires 2026-12-03 10:00 UTC"}, nil},
		{"success without an image type", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{{URL: "https://x/v.mp4", Type: "video"}}}, checks.StatusPass,
			[]string{"https://x/v.mp4", "video"}, nil},
		{"success without expiry", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{{URL: "https://x/i.png"}}}, checks.StatusPass,
			[]string{"https://x/i.png"}, nil},
		{"success with no output", checks.TaskView{TaskID: id, Status: "success"}, checks.StatusWarn, []string{"no output"}, []string{curl}},
		{"terminal wins over a time-out", checks.TaskView{TaskID: id, Status: "success", Outputs: outs, TimedOut: true}, checks.StatusPass, nil, nil},
		{"fail TASK_FAILED", checks.TaskView{TaskID: id, Status: "fail", ErrorCode: "TASK_FAILED", ErrorMessage: "upstream rejected the prompt"}, checks.StatusFail,
			[]string{"TASK_FAILED", "upstream rejected the prompt", "key was accepted"}, []string{"prompt"}},
		{"fail TASK_TIMEOUT", checks.TaskView{TaskID: id, Status: "fail", ErrorCode: "TASK_TIMEOUT"}, checks.StatusFail, []string{"TASK_TIMEOUT"}, []string{"not the key"}},
		{"fail with no error", checks.TaskView{TaskID: id, Status: "fail"}, checks.StatusFail, []string{"failed"}, nil},
		{"timed out", checks.TaskView{TaskID: id, Status: "handling", TimedOut: true, Waited: 180}, checks.StatusUnknown,
			[]string{"Still handling after 180 s", "keeps running"}, []string{curl}},
		{"the fake's base URL", checks.TaskView{TaskID: id, Status: "archiving", TimedOut: true, BaseURL: "http://127.0.0.1:8089/"}, checks.StatusUnknown,
			nil, []string{"curl -s http://127.0.0.1:8089/v1/tasks/" + id}},
		{"a task id that is not shell-safe", checks.TaskView{TaskID: "x'; rm -rf ~ #", Status: "queued", TimedOut: true}, checks.StatusUnknown,
			nil, []string{`curl -s 'https://api.hiapi.ai/v1/tasks/x%27%3B%20rm%20-rf%20~%20%23' -H`}},
		{"still running", checks.TaskView{TaskID: id, Status: "queued"}, checks.StatusRunning, []string{"queued"}, nil},
		{"a status HiAPI adds later", checks.TaskView{TaskID: id, Status: "rendering"}, checks.StatusRunning, []string{"rendering"}, nil},
		{"status in capitals", checks.TaskView{TaskID: id, Status: "SUCCESS", Outputs: outs}, checks.StatusPass, nil, nil},

		// Which output is the image: the rule of Result.Image, which the
		// page and the CLI show.
		{"a thumbnail before an IMAGE output", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{
			{URL: "https://cdn.hiapi.ai/thumb.png", Type: "thumbnail"}, {URL: "https://cdn.hiapi.ai/full.png", Type: "IMAGE"}}}, checks.StatusPass,
			[]string{"https://cdn.hiapi.ai/full.png"}, nil},
		{"an ftp:// output only", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{{URL: "ftp://cdn.hiapi.ai/i.png", Type: "image"}}}, checks.StatusWarn,
			[]string{"finished as success but returned no image link keycheck can show", "1 file"}, []string{curl}},
		{"a javascript: output only", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{{URL: "javascript:alert(1)", Type: "image"}}}, checks.StatusWarn,
			[]string{"no image link keycheck can show"}, []string{curl}},
		{"outputs with no URL", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{{Type: "image"}, {URL: "data:image/png;base64,AA", Type: "image"}}}, checks.StatusWarn,
			[]string{"no image link keycheck can show", "2 files"}, []string{curl}},
		{"mixed: the first http(s) output when no usable one is an image", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{
			{URL: "javascript:alert(1)", Type: "image"}, {URL: "ftp://cdn.hiapi.ai/i.png", Type: "Image"}, {URL: "https://cdn.hiapi.ai/v.mp4", Type: "video"}, {URL: "https://cdn.hiapi.ai/t.png", Type: "thumbnail"}}},
			checks.StatusPass, []string{"https://cdn.hiapi.ai/v.mp4", "video"}, nil},
		{"mixed: an http(s) image after unusable ones", checks.TaskView{TaskID: id, Status: "success", Outputs: []checks.Output{
			{URL: "ftp://cdn.hiapi.ai/i.png", Type: "image"}, {URL: "https://cdn.hiapi.ai/t.png", Type: "thumbnail"}, {URL: "http://cdn.hiapi.ai/i.png", Type: "image"}}},
			checks.StatusPass, []string{"http://cdn.hiapi.ai/i.png"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checks.ResultVerdict(tt.v)
			checkVerdict(t, checks.StepResult, r, verdictCase{want: tt.want, has: tt.has, fixHas: tt.fixHas})
			if r.Live.TaskID != tt.v.TaskID || r.Live.TaskStatus != tt.v.Status || len(r.Live.Outputs) != len(tt.v.Outputs) ||
				r.Live.Code != tt.v.ErrorCode || r.Live.Message != tt.v.ErrorMessage {
				t.Errorf("Live = %+v from %+v", r.Live, tt.v)
			}
			// The verdict names exactly the image the page and the CLI
			// show, and passes only when there is one.
			img, ok := r.Image()
			if ok != (r.Status == checks.StatusPass) {
				t.Errorf("status %s but Image() = %q, %v", r.Status, img.URL, ok)
			}
			for _, o := range tt.v.Outputs {
				if named := strings.Contains(r.Detail, o.URL); o.URL != "" && named != (ok && o.URL == img.URL) {
					t.Errorf("detail %q names %q: %v; Image() is %q", r.Detail, o.URL, named, img.URL)
				}
			}
		})
	}
}

// TestResultVerdictHeadlines: the result step's headline is the verdict
// of a whole live test; a pass says how long the person waited.
func TestResultVerdictHeadlines(t *testing.T) {
	const id = "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"
	outs := []checks.Output{{URL: "https://cdn.hiapi.ai/i.png", Type: "image"}}
	for _, tt := range []struct {
		v    checks.TaskView
		want string
	}{
		{checks.TaskView{TaskID: id, Status: "success", Outputs: outs, Waited: 6}, "A working key: HiAPI returned an image in 6 s."},
		{checks.TaskView{TaskID: id, Status: "success", Outputs: outs}, "A working key: HiAPI returned an image."},
		{checks.TaskView{TaskID: id, Status: "success", Waited: 6}, "HiAPI ran the test task but returned no image keycheck can show."},
		{checks.TaskView{TaskID: id, Status: "fail", ErrorCode: "TASK_FAILED"}, "The key works, but HiAPI's test task failed (TASK_FAILED)."},
		{checks.TaskView{TaskID: id, Status: "fail", ErrorCode: "x <b>y</b>"}, "The key works, but HiAPI's test task failed."},
		{checks.TaskView{TaskID: id, Status: "handling", TimedOut: true, Waited: 180},
			"keycheck could not decide: HiAPI's test task was still running after 180 s; not the key's fault."},
		{checks.TaskView{TaskID: id, Status: "handling"}, ""},
	} {
		if got := checks.ResultVerdict(tt.v).Headline; got != tt.want {
			t.Errorf("%+v: headline %q, want %q", tt.v, got, tt.want)
		}
	}
}

func checkVerdict(t *testing.T, id checks.ID, r checks.Result, tt verdictCase) {
	t.Helper()
	title := checks.TitleFor(id, tt.a.Provider)
	if r.ID != id || r.Title != title {
		t.Errorf("id %q title %q, want %q %q", r.ID, r.Title, id, title)
	}
	if r.Status != tt.want {
		t.Errorf("status %s, want %s\ndetail: %s\nfix: %s", r.Status, tt.want, r.Detail, r.Fix)
	}
	if r.Detail == "" {
		t.Error("no detail")
	}
	needFix := r.Status == checks.StatusFail || r.Status == checks.StatusUnknown || r.Status == checks.StatusWarn
	if needFix && r.Fix == "" || r.Status == checks.StatusPass && r.Fix != "" {
		t.Errorf("status %s with fix %q", r.Status, r.Fix)
	}
	// Every failure, warning and unknown speaks for itself in the
	// verdict; an unknown always clears the key.
	if needFix && r.Headline == "" {
		t.Errorf("status %s without a headline: %q", r.Status, r.Detail)
	}
	if r.Status == checks.StatusUnknown && (!strings.HasPrefix(r.Headline, "keycheck could not decide: ") || !strings.HasSuffix(r.Headline, "; not the key's fault.")) {
		t.Errorf("unknown headline %q", r.Headline)
	}
	if !strings.Contains(r.Headline, tt.headline) {
		t.Errorf("headline %q lacks %q", r.Headline, tt.headline)
	}
	if r.Status == checks.StatusUnknown && tt.a.Kind != checks.AnswerCanceled && tt.a.Kind != checks.AnswerRequest && id != checks.StepResult &&
		!strings.HasPrefix(r.Detail, "Not your key") {
		t.Errorf("an unknown must say it is not the key's fault: %q", r.Detail)
	}
	for _, s := range tt.has {
		if !strings.Contains(r.Detail, s) {
			t.Errorf("detail %q lacks %q", r.Detail, s)
		}
	}
	for _, s := range tt.fixHas {
		if !strings.Contains(r.Fix, s) {
			t.Errorf("fix %q lacks %q", r.Fix, s)
		}
	}
	if r.Live == nil {
		t.Fatal("no live evidence")
	}
	if id != checks.StepResult {
		a := tt.a
		if l := r.Live; l.HTTPStatus != a.HTTPStatus || l.Code != a.Code || l.Type != a.Type || l.Message != a.Message || l.RequestID != a.RequestID {
			t.Errorf("Live = %+v, want the answer's fields %+v", *l, a)
		}
	}
}

func TestCurlCommand(t *testing.T) {
	want := `curl -X POST https://api.hiapi.ai/v1/tasks \
  -H "Authorization: Bearer $HIAPI_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{"model":"gpt-image-2","input":{"prompt":"a red apple on a white table"}}'`
	if got := checks.CurlCommand("", "gpt-image-2", "a red apple on a white table"); got != want {
		t.Errorf("CurlCommand =\n%s\nwant the guide's\n%s", got, want)
	}
	for _, base := range []string{"https://api.hiapi.ai/", "https://api.hiapi.ai/v1", " https://api.hiapi.ai/v1/ "} {
		if got := checks.CurlCommand(base, "gpt-image-2", "a red apple on a white table"); got != want {
			t.Errorf("base %q gives\n%s", base, got)
		}
	}
	if got := checks.ProbeCurlCommand(""); got != `curl -s 'https://api.hiapi.ai/v1/tasks?page=1&size=1' -H "Authorization: Bearer $HIAPI_API_KEY"` {
		t.Errorf("ProbeCurlCommand = %s", got)
	}
}

// TestCurlCommandsInAShell runs the commands in bash with curl replaced by
// a function that prints its arguments, so quoting is proven, not assumed.
func TestCurlCommandsInAShell(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	run := func(cmd string) []string {
		t.Helper()
		script := `curl() { printf '%s\0' "$@"; }; HIAPI_API_KEY=THE-KEY; ` + cmd
		out, err := exec.Command(bash, "--norc", "--noprofile", "-c", script).Output()
		if err != nil {
			t.Fatalf("bash: %v running\n%s", err, cmd)
		}
		return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	}
	prompts := []string{
		"a red apple on a white table",
		`it's a "quoted" $HOME ` + "`whoami`" + ` \ back\slash`,
		"two\nlines and a tab\t and ünïcödé 🍎 and <html> & stuff",
		"'; rm -rf ~ #",
	}
	for _, p := range prompts {
		args := run(checks.CurlCommand("http://127.0.0.1:8089", "gpt-image-2/text-to-image", p))
		if len(args) != 9 || args[0] != "-X" || args[1] != "POST" || args[2] != "http://127.0.0.1:8089/v1/tasks" ||
			args[4] != "Authorization: Bearer THE-KEY" || args[6] != "Content-Type: application/json" || args[7] != "-d" {
			t.Fatalf("args %q", args)
		}
		var body struct {
			Model string `json:"model"`
			Input struct {
				Prompt string `json:"prompt"`
			} `json:"input"`
		}
		if err := json.Unmarshal([]byte(args[8]), &body); err != nil || body.Model != "gpt-image-2/text-to-image" || body.Input.Prompt != p {
			t.Errorf("body %q (%v), want prompt %q", args[8], err, p)
		}
	}
	if args := run(checks.TaskCurlCommand("", "x'; echo pwned #")); len(args) != 4 || args[1] != "https://api.hiapi.ai/v1/tasks/x%27%3B%20echo%20pwned%20%23" {
		t.Errorf("task curl args %q", args)
	}
	if args := run(checks.ProbeCurlCommand("http://localhost:1/")); len(args) != 4 || args[1] != "http://localhost:1/v1/tasks?page=1&size=1" || args[3] != "Authorization: Bearer THE-KEY" {
		t.Errorf("probe curl args %q", args)
	}
}

// TestLiveVerdictsAreDeterministic: pure functions give the same result for
// the same answer.
func TestLiveVerdictsAreDeterministic(t *testing.T) {
	a := checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: scopeMsg, RequestID: "r"}
	if x, y := checks.ModelVerdict("gpt-image-2", a, ""), checks.ModelVerdict("gpt-image-2", a, ""); x.Detail != y.Detail || x.Fix != y.Fix {
		t.Error("ModelVerdict is not deterministic")
	}
}
