package checks_test

import (
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

// TestClaudeCodePrecedence: with target anthropic, a pasted `env | grep
// ANTHROPIC` or ~/.claude/settings.json says which credential Claude Code
// uses (cloud credentials, then ANTHROPIC_AUTH_TOKEN as Bearer, then
// ANTHROPIC_API_KEY as x-api-key, then apiKeyHelper) and what to unset.
func TestClaudeCodePrecedence(t *testing.T) {
	key := "sk-ant-api03-" + strings.Repeat("Zq7_", 23) + "AA"
	other := "sk-ant-api03-" + strings.Repeat("Mx2-", 23) + "BB"
	const gateway = "gw_tok_" + "0123456789abcdefghijklmnop"
	tests := []struct {
		name     string
		paste    string
		environ  []string
		want     checks.Status
		headline string
		has      string
		fixHas   string
	}{
		{name: "the API key alone: x-api-key", paste: "ANTHROPIC_API_KEY=" + key, want: checks.StatusPass, has: "sends ANTHROPIC_API_KEY as `x-api-key`, and it holds this key"},
		{name: "the API key holds another key", paste: "ANTHROPIC_API_KEY=" + other, want: checks.StatusFail, headline: "Claude Code uses another key than the one you pasted"},
		{name: "the token alone, to a gateway", paste: "ANTHROPIC_AUTH_TOKEN=" + key + "\nANTHROPIC_BASE_URL=https://llm.example.com", want: checks.StatusWarn,
			headline: "ANTHROPIC_BASE_URL sends Claude Code to llm.example.com", has: "sends ANTHROPIC_AUTH_TOKEN as `Authorization: Bearer`"},
		{name: "both set, the key in ANTHROPIC_API_KEY: the token wins", paste: "ANTHROPIC_API_KEY=" + key + "\nANTHROPIC_AUTH_TOKEN=" + gateway, want: checks.StatusFail,
			headline: "Claude Code uses ANTHROPIC_AUTH_TOKEN, not your key in ANTHROPIC_API_KEY: unset ANTHROPIC_AUTH_TOKEN.", fixHas: "`unset ANTHROPIC_AUTH_TOKEN` and remove its export from your shell profile"},
		{name: "both set, the key in the token", paste: "ANTHROPIC_AUTH_TOKEN=" + key + "\nANTHROPIC_API_KEY=" + other + "\nANTHROPIC_BASE_URL=https://llm.example.com", want: checks.StatusWarn,
			headline: "Both ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY are set: Claude Code uses ANTHROPIC_AUTH_TOKEN.", fixHas: "`unset ANTHROPIC_API_KEY`"},
		{name: "an API key in the token, straight to Anthropic", paste: "ANTHROPIC_AUTH_TOKEN=" + key, want: checks.StatusFail,
			headline: "Your Anthropic API key is in ANTHROPIC_AUTH_TOKEN", fixHas: `export ANTHROPIC_API_KEY="$ANTHROPIC_AUTH_TOKEN"; unset ANTHROPIC_AUTH_TOKEN`},
		{name: "settings.json pointing at HiAPI", paste: `{"env": {"ANTHROPIC_API_KEY": "` + key + `", "ANTHROPIC_BASE_URL": "https://api.hiapi.ai/v1"}, "model": "opus"}`, want: checks.StatusFail,
			headline: "ANTHROPIC_BASE_URL points to HiAPI", fixHas: `delete "ANTHROPIC_BASE_URL" from the "env" object of ~/.claude/settings.json`},
		{name: "a base URL of OpenAI", paste: "ANTHROPIC_API_KEY=" + key + "\nANTHROPIC_BASE_URL=https://api.openai.com/v1", want: checks.StatusFail, headline: "ANTHROPIC_BASE_URL points to OpenAI"},
		{name: "a base URL without a scheme", paste: "ANTHROPIC_API_KEY=" + key + "\nANTHROPIC_BASE_URL=api.anthropic.com", want: checks.StatusFail, headline: "ANTHROPIC_BASE_URL has no https://", fixHas: "unset ANTHROPIC_BASE_URL"},
		{name: "a local proxy", paste: "ANTHROPIC_API_KEY=" + key + "\nANTHROPIC_BASE_URL=http://localhost:4000", want: checks.StatusWarn, headline: "ANTHROPIC_BASE_URL sends Claude Code to localhost"},
		{name: "Bedrock wins over all", paste: "CLAUDE_CODE_USE_BEDROCK=1\nANTHROPIC_API_KEY=" + key, want: checks.StatusWarn, headline: "cloud provider's credentials", fixHas: "`unset CLAUDE_CODE_USE_BEDROCK`"},
		{name: "apiKeyHelper alone", paste: `{"apiKeyHelper": "~/bin/key.sh"}`, want: checks.StatusPass, has: "runs apiKeyHelper"},
		{name: "the API key wins over apiKeyHelper", paste: `{"apiKeyHelper": "~/bin/key.sh", "env": {"ANTHROPIC_API_KEY": "` + key + `"}}`, want: checks.StatusPass, has: "wins over apiKeyHelper"},
		{name: "empty variables: the subscription login", paste: "ANTHROPIC_API_KEY=\nANTHROPIC_AUTH_TOKEN=", want: checks.StatusWarn, has: "subscription login"},
		{name: "the CLI's own environment", environ: []string{"PATH=/bin", "ANTHROPIC_API_KEY=" + key, "ANTHROPIC_AUTH_TOKEN=" + gateway}, want: checks.StatusFail, headline: "unset ANTHROPIC_AUTH_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := checks.Input{Key: key, Provider: checks.ProviderAnthropic, EnvFile: tt.paste, Environ: tt.environ}
			r := stepOf(in, checks.StepVariable)
			if r.Status != tt.want || !strings.Contains(r.Headline, tt.headline) || !strings.Contains(r.Detail, tt.has) || !strings.Contains(r.Fix, tt.fixHas) {
				t.Errorf("%s\nheadline %q\ndetail %q\nfix %q", r.Status, r.Headline, r.Detail, r.Fix)
			}
			if strings.Contains(r.Headline+r.Detail+r.Fix, key) || strings.Contains(r.Headline+r.Detail+r.Fix, other) || strings.Contains(r.Detail, gateway) {
				t.Errorf("leaks a key: %s %s %s", r.Headline, r.Detail, r.Fix)
			}
		})
	}
	// Another target reads the paste as any .env file.
	if r := stepOf(checks.Input{Key: key, Provider: checks.ProviderOpenAI, EnvFile: "ANTHROPIC_API_KEY=" + key}, checks.StepVariable); strings.Contains(r.Detail, "Claude Code") {
		t.Errorf("OpenAI target: %s", r.Detail)
	}
}
