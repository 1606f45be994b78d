package checks

import "strings"

// Step describes one step of the checklist: what it asks and why it matters.
// The catalogue is the single place that lists the steps; every surface
// renders them in this order.
type Step struct {
	ID ID
	// Title is the short line shown in the checklist.
	Title string
	// Question is what the step checks, as a question.
	Question string
	// Why says why a tired developer should care, on the step's own page.
	Why string
	// Live steps call HiAPI; they start as pending, or as skip when the
	// live plan sends nothing for this key (PlanLive).
	Live bool
}

var catalogue = [...]Step{
	{
		ID:       StepPresent,
		Title:    "A key is there",
		Question: "Is there a key at all?",
		Why:      "An empty or unset variable sends `Authorization: Bearer ` with nothing after it, which every provider rejects as an invalid key.",
	},
	{
		ID:       StepWhitespace,
		Title:    "No hidden whitespace",
		Question: "No leading, trailing or inner space, newline, CR, tab, NBSP, zero-width character or BOM?",
		Why:      "A trailing newline is the most common cause of a key that looks right but fails: `echo` adds one, the key prints fine, and the server sees a different string.",
	},
	{
		ID:       StepCharacters,
		Title:    "Only key characters",
		Question: "No quotes, Bearer or NAME= wrapper, unexpanded $VAR, placeholder, look-alike Unicode or invalid UTF-8?",
		Why:      "Copying from docs, shells and chat picks up quotes, prefixes and typographic characters that are invisible in most fonts but make the key a different string.",
	},
	{
		ID:       StepComplete,
		Title:    "Not truncated or masked",
		Question: "Is this the whole key, not a shortened or masked copy?",
		Why:      "Narrow terminals, chat previews and dashboards shorten long keys; a key clipped on copy fails exactly like a revoked one.",
	},
	{
		ID:       StepProvider,
		Title:    "A HiAPI key",
		Question: "Is this a HiAPI key, not one from OpenAI, Anthropic, Google or another provider?",
		Why:      "A server has never seen another provider's keys, so a key sent to the wrong provider always reads as invalid, however correct it is.",
	},
	{
		ID:       StepVariable,
		Title:    "The process reads it",
		Question: "Does the process read the variable that holds this key?",
		Why:      "Code that reads HIAPI_API_KEY finds nothing when the shell exported HIAPI_KEY, and cron jobs, containers and CI runners never inherit your interactive shell.",
	},
	{
		ID:       StepBaseURL,
		Title:    "Sent to HiAPI",
		Question: "Does the client send the key to HiAPI's base URL?",
		Why:      "An OpenAI-style client left at its default base URL sends the HiAPI key to OpenAI, which has never heard of it.",
	},
	{
		ID:       StepHeader,
		Title:    "Bearer header is right",
		Question: "Is the header exactly `Authorization: Bearer <key>`, with this key?",
		Why:      "The word Bearer, one space, then the key: a bare key, `Bearer:`, `Token` or two spaces is rejected before the key is even looked at.",
	},
	{
		ID:       StepAuth,
		Title:    "HiAPI accepts the key",
		Question: "Does HiAPI accept the key? (free: lists one task)",
		Why:      "Only HiAPI knows whether a key was revoked, rotated or never existed; this free request asks it without spending credits.",
		Live:     true,
	},
	{
		ID:       StepModel,
		Title:    "The key may use the model",
		Question: "May the key use the model? (creates one test task)",
		Why:      "Keys are scoped per model: a valid key can still be refused a model, and HiAPI reports that as a 401, easily misread as a dead key.",
		Live:     true,
	},
	{
		ID:       StepResult,
		Title:    "The task returns an image",
		Question: "Does the test task finish and return an image?",
		Why:      "A taskId proves the key; the finished image proves the whole path, from your account's balance to the model's output.",
		Live:     true,
	},
}

// Catalogue returns every step, in order.
func Catalogue() []Step {
	out := make([]Step, len(catalogue))
	copy(out, catalogue[:])
	return out
}

// Lookup returns the step with the given id.
func Lookup(id ID) (Step, bool) {
	for _, s := range catalogue {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// TitleFor is the title of step id when the key is used with target:
// the catalogue's for HiAPI, and for another target the titles that name
// it ("An OpenAI key", "Sent to OpenAI", "OpenAI accepts the key").
func TitleFor(id ID, target ProviderID) string {
	s, _ := Lookup(id)
	if target == "" || target == ProviderHiAPI {
		return s.Title
	}
	t, ok := TargetOf(target)
	if !ok {
		return s.Title
	}
	switch id {
	case StepProvider:
		return capitalise(article(t.Name)) + " " + t.Name + " key"
	case StepBaseURL:
		return "Sent to " + t.Name
	case StepHeader:
		switch t.Auth {
		case AuthXAPIKey:
			return "x-api-key header is right"
		case AuthGoogAPIKey:
			return "x-goog-api-key header is right"
		}
	case StepAuth:
		return t.Name + " accepts the key"
	case StepResult:
		return "Nothing spent"
	}
	return s.Title
}

// StepFor is the step as it reads for target: its title (TitleFor), and
// its question and why naming the target instead of HiAPI.
func StepFor(id ID, target ProviderID) (Step, bool) {
	s, ok := Lookup(id)
	t, known := TargetOf(target)
	if !ok || !known || t.ID == ProviderHiAPI {
		return s, ok
	}
	s.Title = TitleFor(id, target)
	s.Question = strings.ReplaceAll(s.Question, "HiAPI", t.Name)
	s.Why = strings.ReplaceAll(s.Why, "HiAPI", t.Name)
	switch id {
	case StepHeader:
		s.Question = "Does the request carry this key the way " + t.Name + " reads it (" + authShape(t) + ")?"
	case StepModel:
		s.Question = "Does " + t.Name + " know the model, and may the key see it? (free: one GET)"
		s.Why = "A wrong model id fails like a bad key in many clients; " + t.Name + " tells for free whether the id exists for this key."
	case StepResult:
		s.Question = "Nothing to spend: keycheck never spends another provider's credits."
		s.Why = "keycheck creates a paid test task only at HiAPI; with " + t.Name + " it asks only free endpoints."
	}
	return s, true
}

// authShape is how a target wants the key sent, as a person writes it.
func authShape(t Target) string {
	switch t.Auth {
	case AuthXAPIKey:
		return "`x-api-key: <key>` with `anthropic-version: " + t.AnthropicVersion + "`"
	case AuthGoogAPIKey:
		return "`x-goog-api-key: <key>`, or `?key=<key>`"
	}
	return "`Authorization: Bearer <key>`"
}
