package checks

import "strings"

// ProviderID names a target provider: where the person uses the key. It
// appears in the JSON API ("provider"), the CLI (--provider) and URLs, so
// it never changes once published.
type ProviderID string

// The targets keycheck checks keys for. HiAPI is the default.
const (
	ProviderHiAPI      ProviderID = "hiapi"
	ProviderOpenAI     ProviderID = "openai"
	ProviderAnthropic  ProviderID = "anthropic"
	ProviderGoogle     ProviderID = "google"
	ProviderOpenRouter ProviderID = "openrouter"
	ProviderXAI        ProviderID = "xai"
	ProviderDeepSeek   ProviderID = "deepseek"
	ProviderGroq       ProviderID = "groq"
	ProviderMistral    ProviderID = "mistral"
)

// AuthScheme is how a provider wants the key sent.
type AuthScheme uint8

// The schemes of the targets.
const (
	// AuthBearer: Authorization: Bearer <key>.
	AuthBearer AuthScheme = iota
	// AuthXAPIKey: x-api-key: <key>, with anthropic-version (Anthropic).
	AuthXAPIKey
	// AuthGoogAPIKey: x-goog-api-key: <key>, or ?key=<key> (Gemini).
	AuthGoogAPIKey
)

// Target is one provider a key can be used with, as data: the one table
// the steps, the live probes, the fakes and the pages read. keycheck dials
// only Origin (or what --provider-url puts in its place), never a URL a
// person typed, and sends any provider but HiAPI only the free GETs named
// here.
type Target struct {
	ID   ProviderID
	Name string
	// Origin is the provider's fixed API origin: scheme and host, no path.
	Origin string
	// BaseURLs are the base URLs clients are configured with, the first
	// being the one the provider documents for its own SDKs.
	BaseURLs []string
	Auth     AuthScheme
	// Vars are the environment variables the provider's SDKs and tools
	// read, the documented one first.
	Vars []string
	// Probe is the free request that proves the key, a path on Origin
	// asked with GET; Balance, when set, a second free GET that tells the
	// credit left.
	Probe, Balance string
	// ModelPath is the free GET that tells whether a model exists and the
	// key may use it, with {model} for the id; "" when the provider has
	// none (then the live test does not judge the model).
	ModelPath string
	// Model is the model the live test asks about by default.
	Model string
	// Dashboard is where the provider's keys are created and revoked.
	Dashboard string
	// AnthropicVersion is the anthropic-version header AuthXAPIKey sends.
	AnthropicVersion string
}

// targets is the table. Sources: each provider's API reference (auth,
// list-models and key endpoints), checked 2026-11.
var targets = [...]Target{
	{
		ID: ProviderHiAPI, Name: "HiAPI", Origin: HiAPIOrigin,
		BaseURLs: []string{HiAPIOrigin, HiAPIOrigin + "/v1"},
		Auth:     AuthBearer, Vars: []string{"HIAPI_API_KEY"},
		Probe: probePath, Model: "gpt-image-2",
		Dashboard: "https://hiapi.ai",
	},
	{
		ID: ProviderOpenAI, Name: "OpenAI", Origin: "https://api.openai.com",
		BaseURLs: []string{"https://api.openai.com/v1"},
		Auth:     AuthBearer, Vars: []string{"OPENAI_API_KEY"},
		Probe: "/v1/models", ModelPath: "/v1/models/{model}", Model: "gpt-4o-mini",
		Dashboard: "https://platform.openai.com/api-keys",
	},
	{
		ID: ProviderAnthropic, Name: "Anthropic", Origin: "https://api.anthropic.com",
		BaseURLs: []string{"https://api.anthropic.com", "https://api.anthropic.com/v1"},
		Auth:     AuthXAPIKey, Vars: []string{"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"},
		Probe: "/v1/models", ModelPath: "/v1/models/{model}", Model: "claude-sonnet-4-5",
		Dashboard:        "https://console.anthropic.com/settings/keys",
		AnthropicVersion: "2023-06-01",
	},
	{
		ID: ProviderGoogle, Name: "Google Gemini", Origin: "https://generativelanguage.googleapis.com",
		BaseURLs: []string{
			"https://generativelanguage.googleapis.com",
			"https://generativelanguage.googleapis.com/v1beta",
			"https://generativelanguage.googleapis.com/v1beta/openai",
		},
		Auth: AuthGoogAPIKey, Vars: []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"},
		Probe: "/v1beta/models", ModelPath: "/v1beta/models/{model}", Model: "gemini-2.5-flash",
		Dashboard: "https://aistudio.google.com/apikey",
	},
	{
		ID: ProviderOpenRouter, Name: "OpenRouter", Origin: "https://openrouter.ai",
		BaseURLs: []string{"https://openrouter.ai/api/v1"},
		Auth:     AuthBearer, Vars: []string{"OPENROUTER_API_KEY"},
		Probe: "/api/v1/key", Model: "openai/gpt-4o-mini",
		Dashboard: "https://openrouter.ai/settings/keys",
	},
	{
		ID: ProviderXAI, Name: "xAI", Origin: "https://api.x.ai",
		BaseURLs: []string{"https://api.x.ai/v1"},
		Auth:     AuthBearer, Vars: []string{"XAI_API_KEY"},
		Probe: "/v1/api-key", ModelPath: "/v1/models/{model}", Model: "grok-4",
		Dashboard: "https://console.x.ai",
	},
	{
		ID: ProviderDeepSeek, Name: "DeepSeek", Origin: "https://api.deepseek.com",
		BaseURLs: []string{"https://api.deepseek.com", "https://api.deepseek.com/v1"},
		Auth:     AuthBearer, Vars: []string{"DEEPSEEK_API_KEY"},
		Probe: "/models", Balance: "/user/balance", Model: "deepseek-chat",
		Dashboard: "https://platform.deepseek.com/api_keys",
	},
	{
		ID: ProviderGroq, Name: "Groq", Origin: "https://api.groq.com",
		BaseURLs: []string{"https://api.groq.com/openai/v1"},
		Auth:     AuthBearer, Vars: []string{"GROQ_API_KEY"},
		Probe: "/openai/v1/models", ModelPath: "/openai/v1/models/{model}", Model: "llama-3.3-70b-versatile",
		Dashboard: "https://console.groq.com/keys",
	},
	{
		ID: ProviderMistral, Name: "Mistral", Origin: "https://api.mistral.ai",
		BaseURLs: []string{"https://api.mistral.ai/v1"},
		Auth:     AuthBearer, Vars: []string{"MISTRAL_API_KEY"},
		Probe: "/v1/models", ModelPath: "/v1/models/{model}", Model: "mistral-small-latest",
		Dashboard: "https://console.mistral.ai/api-keys",
	},
}

// Targets returns every target, HiAPI first.
func Targets() []Target {
	out := make([]Target, len(targets))
	copy(out, targets[:])
	return out
}

// TargetOf returns the target with the given id; "" is HiAPI.
func TargetOf(id ProviderID) (Target, bool) {
	if id == "" {
		id = ProviderHiAPI
	}
	for _, t := range targets {
		if t.ID == id {
			return t, true
		}
	}
	return Target{}, false
}

// targetRef is the table's row for id, without a copy: the check's hot
// path reads it; HiAPI for "" or an id not in the table.
func targetRef(id ProviderID) *Target {
	for i := range targets {
		if targets[i].ID == id {
			return &targets[i]
		}
	}
	return &targets[0]
}

// commandBase is where commands and endpoints send the target's requests:
// base (keycheck's --provider-url) when set, else the target's origin.
// HiAPI's drops a /v1, as commandBase does.
func (t Target) commandBase(base string) string {
	if t.ID == ProviderHiAPI || t.ID == "" {
		return commandBase(base)
	}
	if base = strings.TrimRight(strings.TrimSpace(base), "/"); base != "" {
		return base
	}
	return t.Origin
}
