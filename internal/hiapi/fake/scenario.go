package fake

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Scenario names. A key selects one: sk-fake-<scenario>-<anything>.
const (
	Good          = "good"
	Revoked       = "revoked"
	RevokedFlat   = "revoked-flat"
	NoModel       = "no-model"
	Forbidden     = "forbidden"
	UnknownModel  = "unknown-model"
	NoBalance     = "no-balance"
	RateLimited   = "rate-limited"
	Down          = "down"
	HTML          = "html"
	TaskFails     = "task-fails"
	NeverFinishes = "never-finishes"
	Slow          = "slow"
	Garbled       = "garbled"
	// ModelBusy answers the SDKs' MODEL_UNAVAILABLE to a create.
	ModelBusy = "model-busy"
	// CreateLost makes the first create's task but answers 503, so a
	// client's retry with the same Idempotency-Key can be tested.
	CreateLost = "create-lost"
)

// KeyPrefix starts every scenario key. HiAPI's own "hi-sk-" variant is
// accepted too: hi-sk-fake-good-….
const KeyPrefix = "sk-fake-"

// exampleSuffix makes the example keys look like real ones.
const exampleSuffix = "-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"

// Scenario is one row of the scenario table shown by --help and the README.
type Scenario struct {
	Name string
	// Key is an example key that selects the scenario.
	Key string
	// Does says how the fake answers.
	Does string
	// Verdict is what keycheck should say.
	Verdict string
}

// Scenarios returns the scenario table, in the order a demo walks through
// it. Any key that is not a scenario key answers as a dead key.
func Scenarios() []Scenario {
	rows := []Scenario{
		{Good, "", "Everything works: the task goes queued → handling → archiving → success (one step every 1.5 s) and returns an image and a thumbnail.", "auth, model, result pass"},
		{Revoked, "", "Every request: 401, nested shape, code permission_denied, a message about the key that names no model (how HiAPI answers a dead key).", "auth fails: dead key"},
		{RevokedFlat, "", "Every request: 401 in the flat shape {\"code\":401,…,\"error_code\":\"UNAUTHORIZED\"}.", "auth fails: dead key"},
		{NoModel, "", "Probe 200; creating a task: 401 permission_denied \"This API key cannot use the selected model…\".", "auth passes; model fails: scope"},
		{Forbidden, "", "Probe 200; creating a task: 403, flat shape, PERMISSION_DENIED.", "auth passes; model fails: scope"},
		{UnknownModel, "", "Probe 200; creating a task: 404 model_not_found (nested, invalid_request_error).", "model fails: model id"},
		{NoBalance, "", "Probe 200; creating a task: 402, flat shape, INSUFFICIENT_BALANCE.", "model fails: balance"},
		{RateLimited, "", "The key's first 2 requests: 429 rate_limit_exceeded with no message, Retry-After: 1; then as good.", "all pass after the client waits (auth unknown if it does not retry)"},
		{Down, "", "Every request: 503, flat shape, Retry-After: 2.", "auth unknown: not your key"},
		{HTML, "", "Every request: a 502 HTML error page (text/html), as a proxy sends.", "auth unknown: not JSON"},
		{TaskFails, "", "The task ends fail with TASK_FAILED \"upstream rejected the prompt\".", "result fails"},
		{NeverFinishes, "", "The task stays handling for ever.", "result unknown once polling times out"},
		{Slow, "", "Every answer comes after 5 s (Options.SlowDelay); the fake stops waiting when the client gives up.", "pass, slowly; unknown (time-out) if the client waits less"},
		{Garbled, "", "Creating a task answers 200 with no taskId.", "model unknown: garbled answer"},
		{ModelBusy, "", "Probe 200; creating a task: 503, flat shape, MODEL_UNAVAILABLE, Retry-After: 30.", "model unknown: the model is unavailable, not your key"},
		{CreateLost, "", "The key's first create makes the task but answers 503 (Retry-After: 1), as if the answer was lost; a retry with the same Idempotency-Key gets that task (Idempotent-Replay: true), one without makes a second task.", "all pass: keycheck retries with its Idempotency-Key, and one task is made"},
		{Callback, "", "As good, and the moment the task succeeds the fake POSTs it to the task's callback URL, signed (X-HiAPI-Timestamp, X-HiAPI-Signature), once. Every task made with a callback URL is called back when the fake knows $KEYCHECK_HIAPI_CALLBACK_SECRET; without it, none is.", "all pass; with callbacks on, the result shows as the task ends, before the first poll (10 s)"},
		{CallbackBadSignature, "", "As callback, but the callback is signed with another secret.", "all pass, by polling; keycheck answers the callback 401 bad_signature and logs it"},
		{CallbackStale, "", "As callback, but the callback's X-HiAPI-Timestamp is 10 minutes old (signed correctly).", "all pass, by polling; keycheck answers the callback 401 stale_timestamp and logs it"},
		{CallbackDuplicate, "", "As callback, but the same signed callback is delivered three times in a row (HiAPI delivers at least once).", "all pass, as callback: keycheck answers each 204 and polls HiAPI once for them"},
	}
	for i := range rows {
		rows[i].Key = KeyPrefix + rows[i].Name + exampleSuffix
	}
	return rows
}

// Usage is the scenario table as plain text, for --help.
func Usage() string {
	var b strings.Builder
	b.WriteString("Scenario keys: " + KeyPrefix + "<scenario>-<anything>, e.g. " + KeyPrefix + Good + exampleSuffix + ".\n")
	b.WriteString("Any other key answers 401 as a dead key. Every answer carries a request_id\n")
	b.WriteString("(body and X-Request-Id) and X-RateLimit-* headers; each key may send 60 requests a minute.\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SCENARIO\tWHAT IT DOES\tKEYCHECK SAYS")
	for _, s := range Scenarios() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Name, s.Does, s.Verdict)
	}
	tw.Flush()
	return b.String()
}

// Markdown is the scenario table as Markdown, for the README.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| key | what the fake does | what keycheck says |\n| --- | --- | --- |\n")
	for _, s := range Scenarios() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Key, strings.ReplaceAll(s.Does, "|", `\|`), s.Verdict)
	}
	b.WriteString("| any other key | 401, as a dead key | auth fails: dead key |\n")
	return b.String()
}

// ScenarioOf returns the scenario a key selects, and false for a key that is
// not a scenario key (the fake answers it as a dead key).
func ScenarioOf(key string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(key, "hi-"), KeyPrefix)
	if !ok {
		return "", false
	}
	best := ""
	for _, s := range Scenarios() {
		if (rest == s.Name || strings.HasPrefix(rest, s.Name+"-")) && len(s.Name) > len(best) {
			best = s.Name
		}
	}
	return best, best != ""
}
