package checks

import (
	"cmp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const rerunLater = "Run the live test again in a minute."

// notYourKeyAt opens the detail of an answer that says nothing about the
// key: "Not your key: HiAPI or the network did not answer usefully; try
// again."
func notYourKeyAt(t Target) string {
	return "Not your key: " + t.Name + " or the network did not answer usefully; try again."
}

// AuthVerdict decides the auth step from the answer to the free probe of
// the target that answered (a.Provider): for HiAPI, GET
// /v1/tasks?page=1&size=1; for the others, Target.Probe (targetlive.go).
func AuthVerdict(a Answer) Result {
	if t, ok := TargetOf(a.Provider); ok && t.ID != ProviderHiAPI {
		return targetAuthVerdict(t, a)
	}
	return hiapiAuthVerdict(a)
}

// hiapiAuthVerdict decides HiAPI's auth step.
func hiapiAuthVerdict(a Answer) Result {
	r := stepResult(StepAuth, a)
	if a.Kind == AnswerBadKey {
		return unsendableKey(r, a)
	}
	if what, detail, fix, ok := undecided(targets[0], a); ok {
		return undecidedResult(r, what, detail, fix)
	}
	switch {
	case is2xx(a.HTTPStatus):
		return decide(r, StatusPass,
			"HiAPI accepted the key: GET "+probePath+" answered "+strconv.Itoa(a.HTTPStatus)+". This probe is free: no credits spent.", "")
	case isScope(a, false):
		r.Headline = "HiAPI knows this key but does not let it do this: a scope problem, not a dead key."
		return decide(r, StatusFail,
			"HiAPI knows this key but refused it "+said(a)+": the key is not allowed to do this. That is a scope problem, not a dead key."+requestIDNote(a),
			"In the HiAPI dashboard (API Keys), give this key the permissions it needs, or use a key that already has them.")
	case a.HTTPStatus == 401:
		return deadKey(r, a)
	case a.HTTPStatus == 402:
		r.Headline = cannotPay
		return decide(r, StatusWarn,
			"HiAPI knows the key, but says the account cannot pay "+said(a)+". The live test's image will fail until it can."+requestIDNote(a),
			"Top up the account in the HiAPI dashboard, then run the live test again.")
	case a.HTTPStatus == 400:
		r.Headline = "HiAPI accepted the key but rejected keycheck's probe: that says nothing bad about the key."
		return decide(r, StatusWarn,
			"HiAPI accepted the key but rejected keycheck's probe "+said(a)+". That says nothing bad about the key."+requestIDNote(a),
			"Run the live test again; if this repeats, send HiAPI support the request_id.")
	}
	return unexplained(r, targets[0], a)
}

// cannotPay is the headline of an account that cannot pay for the test.
const cannotPay = "The key works, but the HiAPI account cannot pay for an image."

// undecidedResult is the unknown verdict: keycheck could not decide, and
// it is not the key's fault. what says what happened, after "HiAPI" or
// "it" (keycheck): "HiAPI is rate-limiting requests".
func undecidedResult(r Result, what, detail, fix string) Result {
	r.Headline = "keycheck could not decide: " + what + "; not the key's fault."
	return decide(r, StatusUnknown, detail, fix)
}

// ModelVerdict decides the model step from the answer to creating the test
// task. taskID is the task HiAPI created, "" if none.
func ModelVerdict(model string, a Answer, taskID string) Result {
	r := stepResult(StepModel, a)
	m := shownModel(model)
	if taskID != "" {
		r.Live.TaskID = taskID
		return decide(r, StatusPass,
			"HiAPI accepted the key for "+m+" and created task "+taskID+" (this spends the credits of one image).", "")
	}
	if a.Kind == AnswerBadKey {
		return unsendableKey(r, a)
	}
	if what, detail, fix, ok := undecided(targets[0], a); ok {
		if a.Kind == AnswerTimeout || a.Kind == AnswerCanceled || a.Kind == AnswerNetwork {
			detail += " The task may have been created anyway."
			fix = "Before trying again, look for it: it would be the newest task on the account:\n`" + ProbeCurlCommand(a.BaseURL) + "`"
		}
		return undecidedResult(r, what, detail, fix)
	}
	switch {
	case is2xx(a.HTTPStatus):
		return undecidedResult(r, "HiAPI answered "+strconv.Itoa(a.HTTPStatus)+" but gave no task id",
			notYourKeyAt(targets[0])+" HiAPI answered "+strconv.Itoa(a.HTTPStatus)+" but gave no taskId."+requestIDNote(a),
			rerunLater+" If it repeats, send HiAPI support the request_id.")
	case isScope(a, true):
		r.Headline = "HiAPI knows this key but does not let it use " + m + "."
		return decide(r, StatusFail,
			"HiAPI refused "+m+" for this key "+said(a)+". The key is alive but not allowed to use this model: a scope problem, not a dead key."+requestIDNote(a),
			"This key may not use "+m+": grant it in the HiAPI dashboard (API Keys → the key's model permissions), or use a key that has it.")
	case hasCode(a, codeModelNotFound):
		r.Headline = "HiAPI does not know the model id " + m + ": the key itself was accepted."
		return decide(r, StatusFail,
			"HiAPI does not know the model id "+m+" "+said(a)+". The key was accepted."+requestIDNote(a),
			modelIDFix(model))
	case hasCode(a, codeModelUnavailable):
		return undecidedResult(r, "HiAPI says "+m+" is unavailable right now",
			notYourKeyAt(targets[0])+" HiAPI says "+m+" is unavailable right now "+said(a)+"."+requestIDNote(a), rerunLater)
	case a.HTTPStatus == 402:
		r.Headline = cannotPay
		return decide(r, StatusFail,
			"HiAPI accepted the key, but the account cannot pay for one image "+said(a)+"."+requestIDNote(a),
			"Top up the account in the HiAPI dashboard (billing), then run the live test again. The key itself is fine.")
	case a.HTTPStatus == 400:
		fix := "Check the model id and the prompt (up to 20,000 characters), then run the live test again. If they look right, send HiAPI support the request_id."
		if strings.Contains(strings.ToLower(a.Message), "model") {
			fix = modelIDFix(model)
		}
		r.Headline = "HiAPI accepted the key but rejected the test task's request."
		return decide(r, StatusFail,
			"HiAPI accepted the key but rejected the request "+said(a)+"."+requestIDNote(a), fix)
	case a.HTTPStatus == 401:
		return deadKey(r, a)
	}
	return unexplained(r, targets[0], a)
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
		out, ok := imageOf(t.Outputs)
		if !ok {
			r.Headline = "HiAPI ran the test task but returned no image keycheck can show."
			return decide(r, StatusWarn, noImage(t), "See what HiAPI returned:\n`"+TaskCurlCommand(t.BaseURL, t.TaskID)+"`")
		}
		r.Headline = "A working key: HiAPI returned an image."
		if t.Waited > 0 {
			r.Headline = "A working key: HiAPI returned an image in " + strconv.Itoa(t.Waited) + " s."
		}
		d := "Task " + t.TaskID + " returned its " + cmp.Or(out.Type, "file") + ": " + out.URL
		if out.ExpireAt > 0 {
			d += " (expires " + time.Unix(out.ExpireAt, 0).UTC().Format("2006-01-02 15:04 UTC") + "; save it before then)"
		}
		return decide(r, StatusPass, d+". The key works end to end.", "")
	case "fail":
		d := "Task " + t.TaskID + " failed"
		if t.ErrorCode != "" || t.ErrorMessage != "" {
			d += " (" + strings.TrimSpace(t.ErrorCode+" "+quoted(t.ErrorMessage)) + ")"
		}
		r.Headline = "The key works, but HiAPI's test task failed."
		if code := t.ErrorCode; code != "" && len(code) <= 40 && isCode(code) {
			r.Headline = "The key works, but HiAPI's test task failed (" + code + ")."
		}
		return decide(r, StatusFail, d+". The key was accepted: HiAPI took the task and ran it.", taskFailFix(t.ErrorCode))
	}
	if t.TimedOut {
		return undecidedResult(r, "HiAPI's test task was still running after "+strconv.Itoa(t.Waited)+" s",
			"Still "+cmp.Or(t.Status, "without a status")+" after "+strconv.Itoa(t.Waited)+" s, so keycheck stopped waiting. The task keeps running at HiAPI; a slow task says nothing about the key.",
			check)
	}
	return decide(r, StatusRunning, "Task "+t.TaskID+" is "+cmp.Or(t.Status, "starting")+".", "")
}

// noImage says why a task that succeeded still does not pass: nothing
// among its outputs is an image keycheck can show.
func noImage(t TaskView) string {
	d := "Task " + t.TaskID + " finished as success but returned no image link keycheck can show: "
	if len(t.Outputs) == 0 {
		return d + "it listed no output file."
	}
	return d + "it listed " + plural(len(t.Outputs), "file", "files") + ", but no plain http(s) URL."
}

// stepResult starts a live step's result with the answer as its evidence.
func stepResult(id ID, a Answer) Result {
	step, _ := Lookup(id)
	return Result{ID: id, Title: step.Title, Live: &LiveEvidence{
		HTTPStatus: a.HTTPStatus,
		Code:       a.Code,
		Type:       a.Type,
		Message:    a.Message,
		RequestID:  a.RequestID,
		Facts:      append([]Fact(nil), a.Facts...),
	}}
}

// decide gives r its status, detail and fix.
func decide(r Result, s Status, detail, fix string) Result {
	r.Status, r.Detail, r.Fix = s, detail, fix
	return r
}

// isCode reports an error code plain enough to quote in a headline:
// letters, digits and underscores.
func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// deadKey is the verdict on a key HiAPI does not know.
func deadKey(r Result, a Answer) Result {
	r.Headline = "HiAPI does not accept this key: it was revoked or rotated, or it is not HiAPI's."
	d := "HiAPI does not accept this key " + said(a) + ". Usually the key was revoked, rotated or expired, " +
		"belongs to another provider, or carries whitespace or a stray character (steps 1–5)."
	if p := foreignShape(a); p != "" {
		d += " The answer is shaped like " + p + "'s, not HiAPI's: if the base URL is not " + HiAPIOrigin + ", the key went to the wrong place."
	}
	return decide(r, StatusFail, d+requestIDNote(a),
		"Generate a fresh key in the HiAPI dashboard (API Keys; the full value shows once, so use its copy button), "+
			"replace every copy of the old one (.env files, CI secrets, container env), then re-run steps 1–5:\nkeycheck check")
}

// unsendableKey is the verdict on a key no HTTP client can send: nothing
// went out, so it is a skip, never a failure HiAPI did not say. (The live
// plan cleans or refuses such keys first; this is the client's own guard.)
func unsendableKey(r Result, a Answer) Result {
	return decide(r, StatusSkip,
		"Not sent: "+cmp.Or(a.Message, "the key holds a character no HTTP header may carry")+". Every client fails on such a key.",
		"Fix what steps 2 and 3 flag (usually a trailing newline), then run the live test again. To strip whitespace in a shell:\nexport HIAPI_API_KEY=\"$(printf '%s' \"$HIAPI_API_KEY\" | tr -d '[:space:]')\"")
}

// undecided returns the unknown verdict for an answer that says nothing
// about the key: no usable answer at all, or a rate limit or outage. what
// says what happened, for the headline. t is who was asked.
func undecided(t Target, a Answer) (what, detail, fix string, ok bool) {
	name, nyk := t.Name, notYourKeyAt(t)
	base := t.commandBase(a.BaseURL)
	reach := "Check that this machine reaches " + name + " (proxy, firewall, VPN):\ncurl -sI " + shellArg(base)
	switch a.Kind {
	case AnswerHTTP:
	case AnswerTimeout:
		return name + " did not answer in time", nyk + " No answer came in time.", rerunLater + " If it keeps timing out, " + lowerFirst(reach), true
	case AnswerNetwork:
		return name + " could not be reached", nyk + " The connection failed" + afterColon(a.Message) + ".", reach, true
	case AnswerNotJSON:
		d := nyk + " The answer was not JSON"
		if a.HTTPStatus != 0 {
			d += " (HTTP " + strconv.Itoa(a.HTTPStatus) + ")"
		}
		if a.Message != "" {
			d += ": a page titled " + quoted(a.Message)
		}
		return "the answer was not JSON, so something other than " + name + " answered",
			d + ". A proxy, firewall, captive portal or wrong base URL answered instead of " + name + "." + requestIDNote(a),
			"Open " + base + " in a browser on this machine, and check the base URL and any HTTPS_PROXY setting.", true
	case AnswerTooLarge:
		return "the answer was far too large to be " + name + "'s",
			nyk + " The answer was far larger than any " + name + " reply: something other than " + name + " answered.",
			"Check the base URL: it should be " + t.Origin + ".", true
	case AnswerGarbled:
		return name + "'s answer made no sense",
			nyk + " " + name + "'s answer made no sense" + afterColon(a.Message) + "." + requestIDNote(a),
			rerunLater + " If it repeats, send " + name + " support the request_id.", true
	case AnswerCanceled:
		return "it stopped before " + name + " answered", "Interrupted before " + name + " answered.", "Run the live test again.", true
	case AnswerRequest:
		setting := "keycheck's " + name + " base URL setting (--provider-url " + string(t.ID) + "=…)"
		if t.ID == ProviderHiAPI {
			setting = "keycheck's HiAPI base URL setting (HIAPI_BASE_URL)"
		}
		return "it could not build the request to " + name,
			"Nothing was sent: keycheck could not build the request" + afterColon(a.Message) + ".",
			"Check " + setting + "; it should be " + t.Origin + ".", true
	default:
		return name + " did not answer usefully", nyk + " " + string(a.Kind) + afterColon(a.Message) + ".", rerunLater, true
	}
	if a.HTTPStatus == 429 || hasCode(a, codeRateLimited) || hasCode(a, "rate_limit_error") {
		d := nyk + " " + name + " is rate-limiting requests (HTTP 429"
		if a.RetryAfter > 0 {
			d += ", retry after " + strconv.Itoa(a.RetryAfter) + " s"
		}
		return name + " is rate-limiting requests",
			d + "). Sub-second polling by another program on the same account is the usual cause." + requestIDNote(a),
			"Wait a minute and run the live test again. Make your own code poll every 3 s or slower.", true
	}
	if a.HTTPStatus == 529 || strings.EqualFold(a.Type, "overloaded_error") {
		return name + " is overloaded (" + strconv.Itoa(a.HTTPStatus) + " overloaded_error)",
			nyk + " " + name + " answered " + strconv.Itoa(a.HTTPStatus) + " " + said(a) + ": it is overloaded right now, for everyone." + requestIDNote(a),
			rerunLater, true
	}
	if a.HTTPStatus >= 500 {
		return name + " answered " + strconv.Itoa(a.HTTPStatus) + ", busy or failing",
			nyk + " " + name + " answered " + strconv.Itoa(a.HTTPStatus) + " " + said(a) + ": the platform is busy or failing." + requestIDNote(a),
			rerunLater + " If it persists, send " + name + " support the request_id.", true
	}
	return "", "", "", false
}

// statusDetail describes an HTTP answer no rule decided, with what
// happened for the headline.
func statusDetail(t Target, a Answer) (what, detail string) {
	name := t.Name
	switch {
	case a.HTTPStatus == 404:
		return name + " answered 404, so the base URL may be wrong",
			name + " answered 404 " + said(a) + ": the base URL may point to the wrong place (" + t.commandBase(a.BaseURL) + ")."
	case a.HTTPStatus >= 300 && a.HTTPStatus < 400:
		return "the request was redirected, so the base URL may be wrong",
			"The request was redirected (HTTP " + strconv.Itoa(a.HTTPStatus) + afterColon(a.Message) + "): the base URL is probably wrong."
	}
	return name + " answered " + strconv.Itoa(a.HTTPStatus), name + " answered " + strconv.Itoa(a.HTTPStatus) + " " + said(a) + "."
}

// unexplained is the unknown verdict on an HTTP answer from t that no
// rule decided: what it answered, and the fix for that.
func unexplained(r Result, t Target, a Answer) Result {
	what, detail := statusDetail(t, a)
	return undecidedResult(r, what, notYourKeyAt(t)+" "+detail+requestIDNote(a), statusFix(t, a))
}

// statusFix is the fix for an HTTP answer no rule decided.
func statusFix(t Target, a Answer) string {
	if a.HTTPStatus == 404 || a.HTTPStatus >= 300 && a.HTTPStatus < 400 {
		if t.ID == ProviderHiAPI {
			return "Check the base URL: it should be " + HiAPIOrigin + " (without /v1)."
		}
		return "Check keycheck's " + t.Name + " address (--provider-url " + string(t.ID) + "=…): it should be " + t.Origin + "."
	}
	return rerunLater + " If it repeats, send " + t.Name + " support the request_id."
}

// isScope reports a key that authenticated but may not do what was
// asked: HTTP 403, or permission_denied that is not a dead key. HiAPI
// answers a dead key with 401 permission_denied too; only the message tells
// them apart: a scope refusal talks about a model ("This API key cannot use
// the selected model"). On task creation a 401 permission_denied with no
// message at all counts as scope, since the free probe already showed the
// key alive.
func isScope(a Answer, creating bool) bool {
	if a.HTTPStatus == 403 || strings.EqualFold(a.Type, "permission_error") {
		return true
	}
	if !hasCode(a, codePermissionDenied) {
		return false
	}
	if a.HTTPStatus != 401 {
		return true
	}
	return strings.Contains(strings.ToLower(a.Message), "model") || creating && a.Message == ""
}

func hasCode(a Answer, code string) bool { return strings.EqualFold(a.Code, code) }

// foreignShape names the provider whose error shape the answer has, when it
// is one HiAPI does not send.
func foreignShape(a Answer) string {
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

// modelIDFix suggests the model id to try when HiAPI does not know one.
func modelIDFix(model string) string {
	const why = " HiAPI's own pages disagree on which id is current."
	switch strings.TrimSpace(model) {
	case "gpt-image-2":
		return "Try the model id gpt-image-2/text-to-image instead." + why
	case "gpt-image-2/text-to-image":
		return "Try the model id gpt-image-2 instead." + why
	}
	return "Copy the exact model id from the model's page in the HiAPI docs (for GPT Image 2: gpt-image-2, or gpt-image-2/text-to-image)."
}

// taskFailFix says what to do about a task that ran and failed.
func taskFailFix(code string) string {
	switch strings.ToUpper(code) {
	case "TASK_TIMEOUT", "MODEL_UNAVAILABLE", "STORAGE_UNAVAILABLE":
		return "HiAPI or the model had trouble, not the key. Run the live test again in a few minutes."
	case "TASK_FAILED":
		return "The model rejected this task, most often because of the prompt. Try a plain prompt such as \"a red apple on a white table\"."
	}
	return "Read HiAPI's message above; the key is fine. Run the live test again, and if it repeats send HiAPI support the task id."
}

// said renders the status and error fields the provider sent, e.g.
// `(HTTP 401 permission_denied: "This API key cannot use…")`.
func said(a Answer) string {
	var b strings.Builder
	b.WriteString("(HTTP ")
	b.WriteString(strconv.Itoa(a.HTTPStatus))
	if c := cmp.Or(a.Code, a.Type); c != "" {
		b.WriteString(" " + c)
	}
	if a.Message != "" {
		b.WriteString(": " + quoted(a.Message))
	}
	b.WriteString(")")
	return b.String()
}

// requestIDNote names the request_id support needs, unless the message
// already quotes it.
func requestIDNote(a Answer) string {
	if a.RequestID == "" || strings.Contains(a.Message, a.RequestID) {
		return ""
	}
	return " request_id: " + a.RequestID
}

// afterColon is ": s", or nothing when s is empty.
func afterColon(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// quoted puts the provider's message between quotes; nothing when empty.
func quoted(s string) string {
	if s == "" {
		return ""
	}
	return "“" + s + "”"
}

// lowerFirst lowers the first letter of a sentence to go on after a
// colon or comma, unless its first word is a name (HiAPI, OpenAI).
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	word, _, _ := strings.Cut(s, " ")
	if strings.ToLower(word[1:]) != word[1:] {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func is2xx(code int) bool { return code >= 200 && code < 300 }

// shownModel makes a model id safe to show: it is typed by a person, so it
// may hold anything, even a pasted key; long ids are cut.
func shownModel(model string) string {
	m := Visible(strings.TrimSpace(model))
	if m == "" {
		return "the model"
	}
	if utf8.RuneCountInString(m) > 80 {
		m = string([]rune(m)[:80]) + "…"
	}
	return m
}
