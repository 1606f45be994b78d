package checks

import (
	"encoding/json"
	"net/url"
	"strings"
)

// CurlCommand is the guide's one-call test (step 6): it creates a task with
// the key in $HIAPI_API_KEY, so a person can prove the key without keycheck.
// It never holds a key.
func CurlCommand(baseURL, model, prompt string) string {
	type input struct {
		Prompt string `json:"prompt"`
	}
	body, _ := marshalNoEscape(struct {
		Model string `json:"model"`
		Input input  `json:"input"`
	}{model, input{prompt}})
	return "curl -X POST " + shellArg(commandBase(baseURL)+"/v1/tasks") + ` \` + "\n" +
		"  " + authHeaderArg + ` \` + "\n" +
		`  -H "Content-Type: application/json" \` + "\n" +
		"  -d " + shellQuote(body)
}

// TaskCurlCommand shows one task, so a person can follow a task keycheck
// stopped watching.
func TaskCurlCommand(baseURL, taskID string) string {
	return "curl -s " + shellArg(commandBase(baseURL)+"/v1/tasks/"+url.PathEscape(taskID)) + " " + authHeaderArg
}

// ProbeCurlCommand is the free probe: it lists the account's newest task.
func ProbeCurlCommand(baseURL string) string {
	return "curl -s " + shellArg(commandBase(baseURL)+probePath) + " " + authHeaderArg
}

// Endpoint is the request live step id makes (or made), e.g. "GET
// https://api.hiapi.ai/v1/tasks?page=1&size=1", for support; "" for a step
// that makes none (the result step before its task exists, offline steps).
func Endpoint(baseURL string, id ID, taskID string) string {
	base := commandBase(baseURL)
	switch id {
	case StepAuth:
		return "GET " + base + probePath
	case StepModel:
		return "POST " + base + "/v1/tasks"
	case StepResult:
		if taskID != "" {
			return "GET " + base + "/v1/tasks/" + url.PathEscape(taskID)
		}
	}
	return ""
}

// probePath is the free probe's request: the account's newest task, which
// proves the key without spending a credit.
const probePath = "/v1/tasks?page=1&size=1"

// authHeaderArg is how every command sends the key: from the variable, in
// double quotes so the shell expands it, never the key itself.
const authHeaderArg = `-H "Authorization: Bearer $HIAPI_API_KEY"`

// commandBase returns the base URL commands should use: HiAPI's own when none
// is given, without a trailing slash or /v1 (the task paths carry it).
func commandBase(base string) string {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	base = strings.TrimSuffix(base, "/v1")
	if base == "" {
		return HiAPIOrigin
	}
	return base
}

// marshalNoEscape is json.Marshal without HTML escaping: a prompt with < or
// & stays readable in a command a person copies.
func marshalNoEscape(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n"), err
}

// shellArg returns s as one shell word: as is when a shell leaves every
// character alone, single-quoted otherwise.
func shellArg(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~:/", c))
	}) < 0
	if plain {
		return s
	}
	return shellQuote(s)
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// ProbeCurlCommandFor is the target's free probe as a command a person
// can run (GET Target.Probe with the target's header), the key taken from
// the target's first variable; HiAPI's is ProbeCurlCommand. base replaces
// the target's origin when set (--provider-url).
func ProbeCurlCommandFor(target ProviderID, base string) string {
	t, _ := TargetOf(target)
	if t.ID == ProviderHiAPI {
		return ProbeCurlCommand(base)
	}
	return "curl -s " + shellArg(t.commandBase(base)+t.Probe) + " " + authArgs(t, t.Vars[0])
}

// ModelsCurlCommandFor lists the models a key may use at the target: the
// model path without its id, or the probe when it has none.
func ModelsCurlCommandFor(target ProviderID, base string) string {
	t, _ := TargetOf(target)
	path, ok := strings.CutSuffix(t.ModelPath, "/{model}")
	if t.ID == ProviderHiAPI || !ok {
		return ProbeCurlCommandFor(t.ID, base)
	}
	return "curl -s " + shellArg(t.commandBase(base)+path) + " " + authArgs(t, t.Vars[0])
}

// EndpointFor is Endpoint for any target: the free GET a live step of a
// target other than HiAPI makes (none for its result step), e.g. "GET
// https://api.openai.com/v1/models/gpt-4o-mini".
func EndpointFor(target ProviderID, baseURL string, id ID, model, taskID string) string {
	t, _ := TargetOf(target)
	if t.ID == ProviderHiAPI {
		return Endpoint(baseURL, id, taskID)
	}
	base := t.commandBase(baseURL)
	switch {
	case id == StepAuth && t.Balance != "":
		return "GET " + base + t.Probe + " and GET " + base + t.Balance
	case id == StepAuth:
		return "GET " + base + t.Probe
	case id == StepModel && t.ModelPath != "":
		return "GET " + base + modelPathOf(t, model)
	}
	return ""
}

// modelPathOf is the target's model path for model, its id escaped.
func modelPathOf(t Target, model string) string {
	return strings.ReplaceAll(t.ModelPath, "{model}", url.PathEscape(strings.TrimSpace(model)))
}

// authArgs are the curl options that send the key the target's way, from
// the variable name, never the key itself.
func authArgs(t Target, name string) string {
	v := "$" + name
	switch t.Auth {
	case AuthXAPIKey:
		return `-H "x-api-key: ` + v + `" -H "anthropic-version: ` + t.AnthropicVersion + `"`
	case AuthGoogAPIKey:
		return `-H "x-goog-api-key: ` + v + `"`
	}
	return `-H "Authorization: Bearer ` + v + `"`
}
