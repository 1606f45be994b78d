package checks

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// HiAPIOrigin is HiAPI's API, the one place its address is written: the
// live test's default target and every command shown to people. (The
// provider table grows from here.)
const HiAPIOrigin = "https://api.hiapi.ai"

// AnswerKind says whether a live request's answer could be read as the
// provider's, and if not, why. It is the one classification of answers:
// the HiAPI client reports its errors in it, the verdicts read it.
type AnswerKind string

// The kinds of Answer.
const (
	// AnswerHTTP (the zero value): the provider answered over HTTP with a
	// JSON body (or no body at all), so its status and code can be trusted.
	AnswerHTTP AnswerKind = ""
	// AnswerNotJSON: the body was not JSON, typically an HTML error page
	// from a proxy, firewall or captive portal standing in HiAPI's place.
	AnswerNotJSON AnswerKind = "not_json"
	// AnswerTooLarge: the body was larger than the client's limit.
	AnswerTooLarge AnswerKind = "too_large"
	// AnswerTimeout: no complete answer within the time limit.
	AnswerTimeout AnswerKind = "timeout"
	// AnswerNetwork: the connection was refused, reset or never made.
	AnswerNetwork AnswerKind = "network"
	// AnswerGarbled: a success that is not one (200 without a taskId, JSON
	// that does not parse).
	AnswerGarbled AnswerKind = "garbled"
	// AnswerCanceled: keycheck gave up waiting (the person left, the server
	// stopped) before an answer came.
	AnswerCanceled AnswerKind = "canceled"
	// AnswerBadKey: the key holds a byte no HTTP header may carry (newline,
	// control character), so nothing was sent.
	AnswerBadKey AnswerKind = "bad_key"
	// AnswerRequest: keycheck could not build the request (a broken base
	// URL, an empty task id), so nothing was sent.
	AnswerRequest AnswerKind = "request"
)

// Answer is what came back from one live request, as plain values: the
// runner builds it from the HiAPI client's reply or error, so the verdicts
// below decide the same way on every surface.
type Answer struct {
	// HTTPStatus is the HTTP status; when HiAPI answered 200 with an error
	// code in the body, it is that code. 0 when no answer came.
	HTTPStatus int
	// Kind is AnswerHTTP for an answer that could be read, else why not.
	Kind AnswerKind
	// Code, Type and Message are the provider's error fields, as sent (Code
	// may be a nested code like permission_denied or a flat error_code like
	// INVALID_REQUEST). For AnswerNotJSON, Message holds a short sanitized
	// snippet of the page (its title); for the other kinds, what went wrong.
	Code, Type, Message string
	// RequestID is what HiAPI support needs to find the request.
	RequestID string
	// RetryAfter is the provider's Retry-After, in seconds; 0 if none.
	RetryAfter int
	// BaseURL is where the request went; "" means https://api.hiapi.ai.
	BaseURL string
}

// TaskView is the state of the test task as the runner last saw it.
type TaskView struct {
	TaskID string
	// Status is HiAPI's task status: queued, handling, archiving, success,
	// fail, or anything newer (read as still running).
	Status       string
	ErrorCode    string
	ErrorMessage string
	Outputs      []Output
	// TimedOut means the runner stopped polling before the task ended.
	TimedOut bool
	// Waited is how long the runner polled, in seconds.
	Waited int
	// Interrupted means keycheck stopped (or the person left) mid-poll.
	Interrupted bool
	// BaseURL is where the task lives; "" means https://api.hiapi.ai.
	BaseURL string
}

// HiAPI's error codes the verdicts read. Codes are compared without regard
// to case: the nested shape uses snake case, the flat one upper case.
const (
	liveCodePermissionDenied = "permission_denied"
	liveCodeModelNotFound    = "model_not_found"
	liveCodeRateLimited      = "rate_limit_exceeded"
	liveCodeModelUnavailable = "model_unavailable"
)

const (
	liveNotYourKey = "Not your key: HiAPI or the network did not answer usefully; try again."
	liveRerun      = "Run the live test again in a minute."
)

// AuthVerdict decides the auth step from the answer to the free probe
// (GET /v1/tasks?page=1&size=1).
func AuthVerdict(a Answer) Result {
	r := liveResult(StepAuth, a)
	if a.Kind == AnswerBadKey {
		return liveBadKey(r, a)
	}
	if detail, fix, ok := liveUndecided(a); ok {
		return liveWith(r, StatusUnknown, detail, fix)
	}
	switch {
	case liveIs2xx(a.HTTPStatus):
		return liveWith(r, StatusPass,
			"HiAPI accepted the key: GET "+liveProbePath+" answered "+strconv.Itoa(a.HTTPStatus)+". This probe is free: no credits spent.", "")
	case liveIsScope(a, false):
		return liveWith(r, StatusFail,
			"HiAPI knows this key but refused it "+liveSaid(a)+": the key is not allowed to do this. That is a scope problem, not a dead key."+liveRid(a),
			"In the HiAPI dashboard (API Keys), give this key the permissions it needs, or use a key that already has them.")
	case a.HTTPStatus == 401:
		return liveDeadKey(r, a)
	case a.HTTPStatus == 402:
		return liveWith(r, StatusWarn,
			"HiAPI knows the key, but says the account cannot pay "+liveSaid(a)+". The live test's image will fail until it can."+liveRid(a),
			"Top up the account in the HiAPI dashboard, then run the live test again.")
	case a.HTTPStatus == 400:
		return liveWith(r, StatusWarn,
			"HiAPI accepted the key but rejected keycheck's probe "+liveSaid(a)+". That says nothing bad about the key."+liveRid(a),
			"Run the live test again; if this repeats, send HiAPI support the request_id.")
	}
	return liveWith(r, StatusUnknown, liveNotYourKey+" "+liveStatusDetail(a)+liveRid(a), liveStatusFix(a))
}

// ModelVerdict decides the model step from the answer to creating the test
// task. taskID is the task HiAPI created, "" if none.
func ModelVerdict(model string, a Answer, taskID string) Result {
	r := liveResult(StepModel, a)
	m := liveShownModel(model)
	if taskID != "" {
		r.Live.TaskID = taskID
		return liveWith(r, StatusPass,
			"HiAPI accepted the key for "+m+" and created task "+taskID+" (this spends the credits of one image).", "")
	}
	if a.Kind == AnswerBadKey {
		return liveBadKey(r, a)
	}
	if detail, fix, ok := liveUndecided(a); ok {
		if a.Kind == AnswerTimeout || a.Kind == AnswerCanceled || a.Kind == AnswerNetwork {
			detail += " The task may have been created anyway."
			fix = "Before trying again, look for it: it would be the newest task on the account:\n`" + ProbeCurlCommand(a.BaseURL) + "`"
		}
		return liveWith(r, StatusUnknown, detail, fix)
	}
	switch {
	case liveIs2xx(a.HTTPStatus):
		return liveWith(r, StatusUnknown,
			liveNotYourKey+" HiAPI answered "+strconv.Itoa(a.HTTPStatus)+" but gave no taskId."+liveRid(a),
			liveRerun+" If it repeats, send HiAPI support the request_id.")
	case liveIsScope(a, true):
		return liveWith(r, StatusFail,
			"HiAPI refused "+m+" for this key "+liveSaid(a)+". The key is alive but not allowed to use this model: a scope problem, not a dead key."+liveRid(a),
			"This key may not use "+m+": grant it in the HiAPI dashboard (API Keys → the key's model permissions), or use a key that has it.")
	case liveCodeIs(a, liveCodeModelNotFound):
		return liveWith(r, StatusFail,
			"HiAPI does not know the model id "+m+" "+liveSaid(a)+". The key was accepted."+liveRid(a),
			liveModelIDFix(model))
	case liveCodeIs(a, liveCodeModelUnavailable):
		return liveWith(r, StatusUnknown,
			liveNotYourKey+" HiAPI says "+m+" is unavailable right now "+liveSaid(a)+"."+liveRid(a), liveRerun)
	case a.HTTPStatus == 402:
		return liveWith(r, StatusFail,
			"HiAPI accepted the key, but the account cannot pay for one image "+liveSaid(a)+"."+liveRid(a),
			"Top up the account in the HiAPI dashboard (billing), then run the live test again. The key itself is fine.")
	case a.HTTPStatus == 400:
		fix := "Check the model id and the prompt (up to 20,000 characters), then run the live test again. If they look right, send HiAPI support the request_id."
		if strings.Contains(strings.ToLower(a.Message), "model") {
			fix = liveModelIDFix(model)
		}
		return liveWith(r, StatusFail,
			"HiAPI accepted the key but rejected the request "+liveSaid(a)+"."+liveRid(a), fix)
	case a.HTTPStatus == 401:
		return liveDeadKey(r, a)
	}
	return liveWith(r, StatusUnknown, liveNotYourKey+" "+liveStatusDetail(a)+liveRid(a), liveStatusFix(a))
}

// ResultVerdict decides the result step from the last state of the test
// task. A terminal status wins over a time-out or an interruption that came
// after it.
func ResultVerdict(t TaskView) Result {
	step, _ := Lookup(StepResult)
	r := Result{ID: StepResult, Title: step.Title, Live: &LiveEvidence{
		Code:       t.ErrorCode,
		Message:    t.ErrorMessage,
		TaskID:     t.TaskID,
		TaskStatus: t.Status,
		Outputs:    append([]Output(nil), t.Outputs...),
	}}
	check := "Check it by hand:\n`" + TaskCurlCommand(t.BaseURL, t.TaskID) + "`"
	switch strings.ToLower(t.Status) {
	case "success":
		out, ok := livePickImage(t.Outputs)
		if !ok {
			return liveWith(r, StatusWarn,
				"Task "+t.TaskID+" finished as success but listed no output file.",
				"See what HiAPI returned:\n`"+TaskCurlCommand(t.BaseURL, t.TaskID)+"`")
		}
		d := "Task " + t.TaskID + " returned its " + liveOrDefault(out.Type, "file") + ": " + out.URL
		if out.ExpireAt > 0 {
			d += " (expires " + time.Unix(out.ExpireAt, 0).UTC().Format("2006-01-02 15:04 UTC") + "; save it before then)"
		}
		return liveWith(r, StatusPass, d+". The key works end to end.", "")
	case "fail":
		d := "Task " + t.TaskID + " failed"
		if t.ErrorCode != "" || t.ErrorMessage != "" {
			d += " (" + strings.TrimSpace(t.ErrorCode+" "+liveQuote(t.ErrorMessage)) + ")"
		}
		return liveWith(r, StatusFail, d+". The key was accepted: HiAPI took the task and ran it.", liveTaskFailFix(t.ErrorCode))
	}
	switch {
	case t.Interrupted:
		return liveWith(r, StatusUnknown,
			"Interrupted: the task may still finish (last seen "+liveOrDefault(t.Status, "without a status")+").", check)
	case t.TimedOut:
		return liveWith(r, StatusUnknown,
			"Still "+liveOrDefault(t.Status, "without a status")+" after "+strconv.Itoa(t.Waited)+" s, so keycheck stopped waiting. The task keeps running at HiAPI; a slow task says nothing about the key.",
			check)
	}
	return liveWith(r, StatusRunning, "Task "+t.TaskID+" is "+liveOrDefault(t.Status, "starting")+".", "")
}

// CurlCommand is the guide's one-call test (step 6): it creates a task with
// the key in $HIAPI_API_KEY, so a person can prove the key without keycheck.
// It never holds a key.
func CurlCommand(baseURL, model, prompt string) string {
	type input struct {
		Prompt string `json:"prompt"`
	}
	body, _ := liveMarshalNoEscape(struct {
		Model string `json:"model"`
		Input input  `json:"input"`
	}{model, input{prompt}})
	return "curl -X POST " + liveShellWord(liveNormBase(baseURL)+"/v1/tasks") + ` \` + "\n" +
		`  -H "Authorization: Bearer $HIAPI_API_KEY" \` + "\n" +
		`  -H "Content-Type: application/json" \` + "\n" +
		"  -d " + liveShellQuote(body)
}

// TaskCurlCommand shows one task, so a person can follow a task keycheck
// stopped watching.
func TaskCurlCommand(baseURL, taskID string) string {
	return "curl -s " + liveShellWord(liveNormBase(baseURL)+"/v1/tasks/"+url.PathEscape(taskID)) + ` -H "Authorization: Bearer $HIAPI_API_KEY"`
}

// ProbeCurlCommand is the free probe: it lists the account's newest task.
func ProbeCurlCommand(baseURL string) string {
	return "curl -s " + liveShellWord(liveNormBase(baseURL)+liveProbePath) + ` -H "Authorization: Bearer $HIAPI_API_KEY"`
}

const liveProbePath = "/v1/tasks?page=1&size=1"

func liveResult(id ID, a Answer) Result {
	step, _ := Lookup(id)
	return Result{ID: id, Title: step.Title, Live: &LiveEvidence{
		HTTPStatus: a.HTTPStatus,
		Code:       a.Code,
		Type:       a.Type,
		Message:    a.Message,
		RequestID:  a.RequestID,
	}}
}

func liveWith(r Result, s Status, detail, fix string) Result {
	r.Status, r.Detail, r.Fix = s, detail, fix
	return r
}

func liveDeadKey(r Result, a Answer) Result {
	d := "HiAPI does not accept this key " + liveSaid(a) + ". Usually the key was revoked, rotated or expired, " +
		"belongs to another provider, or carries whitespace or a stray character (steps 1–5)."
	if p := liveForeignShape(a); p != "" {
		d += " The answer is shaped like " + p + "'s, not HiAPI's: if the base URL is not " + HiAPIOrigin + ", the key went to the wrong place."
	}
	return liveWith(r, StatusFail, d+liveRid(a),
		"Generate a fresh key in the HiAPI dashboard (API Keys; the full value shows once, so use its copy button), "+
			"replace every copy of the old one (.env files, CI secrets, container env), then re-run steps 1–5:\nkeycheck check")
}

func liveBadKey(r Result, a Answer) Result {
	return liveWith(r, StatusFail,
		"Nothing was sent: "+liveOrDefault(a.Message, "the key holds a character no HTTP header may carry")+". Every client fails on such a key.",
		"Fix what steps 2 and 3 flag (usually a trailing newline), then run the live test again. To strip whitespace in a shell:\nexport HIAPI_API_KEY=\"$(printf '%s' \"$HIAPI_API_KEY\" | tr -d '[:space:]')\"")
}

// liveUndecided returns the unknown verdict for an answer that says nothing
// about the key: no usable answer at all, or a rate limit or outage.
func liveUndecided(a Answer) (detail, fix string, ok bool) {
	base := liveNormBase(a.BaseURL)
	reach := "Check that this machine reaches HiAPI (proxy, firewall, VPN):\ncurl -sI " + liveShellWord(base)
	switch a.Kind {
	case AnswerHTTP:
	case AnswerTimeout:
		return liveNotYourKey + " No answer came in time.", liveRerun + " If it keeps timing out, " + liveLowerFirst(reach), true
	case AnswerNetwork:
		return liveNotYourKey + " The connection failed" + liveColon(a.Message) + ".", reach, true
	case AnswerNotJSON:
		d := liveNotYourKey + " The answer was not JSON"
		if a.HTTPStatus != 0 {
			d += " (HTTP " + strconv.Itoa(a.HTTPStatus) + ")"
		}
		if a.Message != "" {
			d += ": a page titled " + liveQuote(a.Message)
		}
		return d + ". A proxy, firewall, captive portal or wrong base URL answered instead of HiAPI." + liveRid(a),
			"Open " + base + " in a browser on this machine, and check the base URL and any HTTPS_PROXY setting.", true
	case AnswerTooLarge:
		return liveNotYourKey + " The answer was far larger than any HiAPI reply: something other than HiAPI answered.",
			"Check the base URL: it should be " + HiAPIOrigin + ".", true
	case AnswerGarbled:
		return liveNotYourKey + " HiAPI's answer made no sense" + liveColon(a.Message) + "." + liveRid(a),
			liveRerun + " If it repeats, send HiAPI support the request_id.", true
	case AnswerCanceled:
		return "Interrupted before HiAPI answered.", "Run the live test again.", true
	case AnswerRequest:
		return "Nothing was sent: keycheck could not build the request" + liveColon(a.Message) + ".",
			"Check keycheck's HiAPI base URL setting (HIAPI_BASE_URL); it should be " + HiAPIOrigin + ".", true
	default:
		return liveNotYourKey + " " + string(a.Kind) + liveColon(a.Message) + ".", liveRerun, true
	}
	if a.HTTPStatus == 429 || liveCodeIs(a, liveCodeRateLimited) {
		d := liveNotYourKey + " HiAPI is rate-limiting requests (HTTP 429"
		if a.RetryAfter > 0 {
			d += ", retry after " + strconv.Itoa(a.RetryAfter) + " s"
		}
		return d + "). Sub-second polling by another program on the same account is the usual cause." + liveRid(a),
			"Wait a minute and run the live test again. Make your own code poll every 3 s or slower.", true
	}
	if a.HTTPStatus >= 500 {
		return liveNotYourKey + " HiAPI answered " + strconv.Itoa(a.HTTPStatus) + " " + liveSaid(a) + ": the platform is busy or failing." + liveRid(a),
			liveRerun + " If it persists, send HiAPI support the request_id.", true
	}
	return "", "", false
}

// liveStatusDetail describes an HTTP answer no rule decided.
func liveStatusDetail(a Answer) string {
	switch {
	case a.HTTPStatus == 404:
		return "HiAPI answered 404 " + liveSaid(a) + ": the base URL may point to the wrong place (" + liveNormBase(a.BaseURL) + ")."
	case a.HTTPStatus >= 300 && a.HTTPStatus < 400:
		return "The request was redirected (HTTP " + strconv.Itoa(a.HTTPStatus) + liveColon(a.Message) + "): the base URL is probably wrong."
	}
	return "HiAPI answered " + strconv.Itoa(a.HTTPStatus) + " " + liveSaid(a) + "."
}

func liveStatusFix(a Answer) string {
	if a.HTTPStatus == 404 || a.HTTPStatus >= 300 && a.HTTPStatus < 400 {
		return "Check the base URL: it should be " + HiAPIOrigin + " (without /v1)."
	}
	return liveRerun + " If it repeats, send HiAPI support the request_id."
}

// liveIsScope reports a key that authenticated but may not do what was
// asked: HTTP 403, or permission_denied that is not a dead key. HiAPI
// answers a dead key with 401 permission_denied too; only the message tells
// them apart: a scope refusal talks about a model ("This API key cannot use
// the selected model"). On task creation a 401 permission_denied with no
// message at all counts as scope, since the free probe already showed the
// key alive.
func liveIsScope(a Answer, creating bool) bool {
	if a.HTTPStatus == 403 || strings.EqualFold(a.Type, "permission_error") {
		return true
	}
	if !liveCodeIs(a, liveCodePermissionDenied) {
		return false
	}
	if a.HTTPStatus != 401 {
		return true
	}
	return strings.Contains(strings.ToLower(a.Message), "model") || creating && a.Message == ""
}

func liveCodeIs(a Answer, code string) bool { return strings.EqualFold(a.Code, code) }

// liveForeignShape names the provider whose error shape the answer has, when it
// is one HiAPI does not send.
func liveForeignShape(a Answer) string {
	switch {
	case strings.EqualFold(a.Code, "invalid_api_key"):
		return "OpenAI"
	case strings.EqualFold(a.Type, "authentication_error"):
		return "Anthropic"
	case strings.EqualFold(a.Code, "API_KEY_INVALID"):
		return "Google"
	}
	return ""
}

func liveModelIDFix(model string) string {
	const why = " HiAPI's own pages disagree on which id is current."
	switch strings.TrimSpace(model) {
	case "gpt-image-2":
		return "Try the model id gpt-image-2/text-to-image instead." + why
	case "gpt-image-2/text-to-image":
		return "Try the model id gpt-image-2 instead." + why
	}
	return "Copy the exact model id from the model's page in the HiAPI docs (for GPT Image 2: gpt-image-2, or gpt-image-2/text-to-image)."
}

func liveTaskFailFix(code string) string {
	switch strings.ToUpper(code) {
	case "TASK_TIMEOUT", "MODEL_UNAVAILABLE", "STORAGE_UNAVAILABLE":
		return "HiAPI or the model had trouble, not the key. Run the live test again in a few minutes."
	case "TASK_FAILED":
		return "The model rejected this task, most often because of the prompt. Try a plain prompt such as \"a red apple on a white table\"."
	}
	return "Read HiAPI's message above; the key is fine. Run the live test again, and if it repeats send HiAPI support the task id."
}

func livePickImage(outs []Output) (Output, bool) {
	for _, o := range outs {
		if strings.EqualFold(o.Type, "image") && o.URL != "" {
			return o, true
		}
	}
	for _, o := range outs {
		if o.URL != "" {
			return o, true
		}
	}
	return Output{}, false
}

// liveSaid renders the status and error fields the provider sent, e.g.
// `(HTTP 401 permission_denied: "This API key cannot use…")`.
func liveSaid(a Answer) string {
	var b strings.Builder
	b.WriteString("(HTTP ")
	b.WriteString(strconv.Itoa(a.HTTPStatus))
	if c := liveOrDefault(a.Code, a.Type); c != "" {
		b.WriteString(" " + c)
	}
	if a.Message != "" {
		b.WriteString(": " + liveQuote(a.Message))
	}
	b.WriteString(")")
	return b.String()
}

func liveRid(a Answer) string {
	if a.RequestID == "" || strings.Contains(a.Message, a.RequestID) {
		return "" // HiAPI's messages often quote it already
	}
	return " request_id: " + a.RequestID
}

func liveColon(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

func liveQuote(s string) string {
	if s == "" {
		return ""
	}
	return "“" + s + "”"
}

func liveOrDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func liveLowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func liveIs2xx(code int) bool { return code >= 200 && code < 300 }

// liveShownModel makes a model id safe to show: it is typed by a person, so it
// may hold anything, even a pasted key; long ids are cut.
func liveShownModel(model string) string {
	m := Visible(strings.TrimSpace(model))
	if m == "" {
		return "the model"
	}
	if utf8.RuneCountInString(m) > 80 {
		m = string([]rune(m)[:80]) + "…"
	}
	return m
}

// liveNormBase returns the base URL commands should use: HiAPI's own when none
// is given, without a trailing slash or /v1 (the task paths carry it).
func liveNormBase(base string) string {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	base = strings.TrimSuffix(base, "/v1")
	if base == "" {
		return HiAPIOrigin
	}
	return base
}

func liveMarshalNoEscape(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n"), err
}

// liveShellWord returns s as one shell word: as is when a shell leaves every
// character alone, single-quoted otherwise.
func liveShellWord(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~:/", c))
	}) < 0
	if plain {
		return s
	}
	return liveShellQuote(s)
}

func liveShellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
