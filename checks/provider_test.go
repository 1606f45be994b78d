package checks

import "testing"

var providerCases = []stepCase{
	{name: "HiAPI sk-", in: Input{Key: goodKey}, want: StatusPass, detail: []string{"Starts with sk-, like HiAPI keys"}},
	{name: "HiAPI hi-sk-", in: Input{Key: hiKey}, want: StatusPass, detail: []string{"hi-sk-"}},
	{name: "fake key", in: Input{Key: fakeKeys[1]}, want: StatusPass},
	{name: "trailing newline does not hide it", headline: "This is an Anthropic key: HiAPI has never seen it.", in: Input{Key: "sk-ant-api03-" + randKey(20, 95) + "\n"}, want: StatusFail, detail: []string{"Anthropic"}},
	{name: "no key", in: Input{}, want: StatusSkip},
	{name: "placeholder", in: Input{Key: "YOUR_API_KEY"}, want: StatusSkip},

	{name: "OpenAI project", headline: "This is an OpenAI key: HiAPI has never seen it.", in: Input{Key: "sk-proj-" + randKey(21, 60) + "T3BlbkFJ" + randKey(22, 60)}, want: StatusFail, detail: []string{"an OpenAI key", "project key"}, fix: []string{"https://api.hiapi.ai", "OpenAI's own API (https://api.openai.com/v1)"}},
	{name: "OpenAI service account", in: Input{Key: "sk-svcacct-" + randKey(23, 80)}, want: StatusFail, detail: []string{"service-account"}},
	{name: "OpenAI admin", in: Input{Key: "sk-admin-" + randKey(24, 80)}, want: StatusFail, detail: []string{"an OpenAI key", "admin key"}},
	{name: "OpenAI legacy", in: Input{Key: "sk-" + randKey(25, 20) + "T3BlbkFJ" + randKey(26, 20)}, want: StatusFail, detail: []string{"OpenAI's marker"}},
	{name: "OpenAI user key", in: Input{Key: "sk-None-" + randKey(27, 60)}, want: StatusFail, detail: []string{"OpenAI"}},
	{name: "Anthropic api03", in: Input{Key: "sk-ant-api03-" + randKey(28, 95)}, want: StatusFail, detail: []string{"an Anthropic key", "sk-ant-"}, fix: []string{"Anthropic's own API (https://api.anthropic.com)"}},
	{name: "Anthropic admin", in: Input{Key: "sk-ant-admin01-" + randKey(29, 90)}, want: StatusFail, detail: []string{"Admin key"}},
	{name: "Anthropic other", in: Input{Key: "sk-ant-" + randKey(30, 60)}, want: StatusFail, detail: []string{"Anthropic"}},
	{name: "Google", headline: "This is a Google AI (Gemini) key: HiAPI has never seen it.", in: Input{Key: "AIza" + randKey(31, 35)}, want: StatusFail, detail: []string{"a Google AI (Gemini) key", "AIza and 35"}, fix: []string{"generativelanguage.googleapis.com"}},
	{name: "Google odd length", in: Input{Key: "AIza" + randKey(31, 30)}, want: StatusFail, detail: []string{"Google's API key prefix"}},
	{name: "OpenRouter", in: Input{Key: "sk-or-v1-" + hexKey(32, 64)}, want: StatusFail, detail: []string{"an OpenRouter key"}, fix: []string{"https://openrouter.ai/api/v1"}},
	{name: "Groq", in: Input{Key: "gsk_" + randKey(33, 52)}, want: StatusFail, detail: []string{"a Groq key"}, fix: []string{"https://api.groq.com/openai/v1"}},
	{name: "xAI", headline: "This is an xAI key: HiAPI has never seen it.", in: Input{Key: "xai-" + randKey(34, 80)}, want: StatusFail, detail: []string{"an xAI key"}, fix: []string{"https://api.x.ai/v1"}},
	{name: "Hugging Face", in: Input{Key: "hf_" + randKey(35, 34)}, want: StatusFail, detail: []string{"a Hugging Face key"}, fix: []string{"huggingface.co"}},
	{name: "Replicate", in: Input{Key: "r8_" + randKey(36, 37)}, want: StatusFail, detail: []string{"a Replicate key"}, fix: []string{"https://api.replicate.com/v1"}},
	{name: "Perplexity", in: Input{Key: "pplx-" + randKey(37, 48)}, want: StatusFail, detail: []string{"a Perplexity key"}, fix: []string{"https://api.perplexity.ai"}},
	{name: "Cerebras", in: Input{Key: "csk-" + randKey(38, 48)}, want: StatusFail, detail: []string{"Cerebras"}},
	{name: "Fireworks", in: Input{Key: "fw_" + randKey(39, 24)}, want: StatusFail, detail: []string{"Fireworks"}},
	{name: "Together", in: Input{Key: "tgp_v1_" + randKey(40, 43)}, want: StatusFail, detail: []string{"Together"}},
	{name: "Stripe", in: Input{Key: "sk_live_" + randKey(41, 99)}, want: StatusFail, detail: []string{"a Stripe key"}},
	{name: "GitHub", in: Input{Key: "ghp_" + randKey(42, 36)}, want: StatusFail, detail: []string{"a GitHub key"}},
	{name: "GitHub fine-grained", in: Input{Key: "github_pat_" + randKey(43, 70)}, want: StatusFail, detail: []string{"GitHub"}},
	{name: "AWS", headline: "This is an AWS key: HiAPI has never seen it.", in: Input{Key: "AKIAIOSFODNN7EXAMPLE"}, want: StatusFail, detail: []string{"an AWS key"}},
	{name: "Slack", in: Input{Key: "xoxb-" + randKey(44, 50)}, want: StatusFail, detail: []string{"a Slack key"}},
	{name: "JWT", headline: "This is a login token (JWT), not an API key.", in: Input{Key: "eyJhbGciOiJIUzI1NiJ9." + randKey(45, 40) + "." + randKey(46, 40)}, want: StatusFail, detail: []string{"JSON Web Token"}},
	{name: "DeepSeek warns", headline: "This may be a DeepSeek key: only the live test can tell whether it is HiAPI's.", in: Input{Key: "sk-" + hexKey(47, 32)}, want: StatusWarn, detail: []string{"DeepSeek", "32 hex digits", "may well be HiAPI's"}, fix: []string{"https://api.deepseek.com"}},
	{name: "33 hex is not DeepSeek", in: Input{Key: "sk-" + hexKey(47, 33)}, want: StatusPass},
	{name: "uppercase hex is not DeepSeek", in: Input{Key: "sk-" + "ABCDEF0123456789ABCDEF0123456789"}, want: StatusPass},
	{name: "SK- in capitals", headline: "Your key starts with ‘SK-’: keys are case-sensitive, and HiAPI's start with lowercase sk-.", in: Input{Key: "SK-" + randKey(48, 48)}, want: StatusFail, detail: []string{"‘SK-’", "lowercase sk-"}},
	{name: "Sk-", in: Input{Key: "Sk-" + randKey(48, 48)}, want: StatusFail, detail: []string{"‘Sk-’"}},
	{name: "sk_ underscore", headline: "Your key starts with sk_, not sk-: it may not be a HiAPI key.", in: Input{Key: "sk_" + randKey(49, 48)}, want: StatusWarn, detail: []string{"sk_ (underscore)"}},
	{name: "unknown shape", headline: "This does not look like a HiAPI key: they start with sk-.", in: Input{Key: randKey(50, 40)}, want: StatusWarn, detail: []string{"Does not look like a HiAPI key (they start with sk-)", "starts with ‘" + randKey(50, 40)[:4] + "’"}, fix: []string{"HiAPI dashboard"}},
	{name: "short unknown", in: Input{Key: "abc"}, want: StatusWarn, detail: []string{"Does not look like a HiAPI key"}, not: []string{"starts with ‘"}},
	{name: "wrapped Anthropic", in: Input{Key: "Bearer sk-ant-api03-" + randKey(51, 95)}, want: StatusFail, detail: []string{"Anthropic"}},
	{name: "quoted Google", in: Input{Key: "\"AIza" + randKey(52, 35) + "\""}, want: StatusFail, detail: []string{"Google"}},
	{name: "base64 of OpenAI", headline: "This is an OpenAI key: HiAPI has never seen it.", in: Input{Key: b64([]byte("sk-proj-" + randKey(53, 40) + "\n"))}, want: StatusFail, detail: []string{"OpenAI", "decoded from base64"}},
	{name: "base64 of HiAPI", in: Input{Key: b64([]byte(goodKey + "\n"))}, want: StatusPass, detail: []string{"decoded from base64"}},
	{name: "cyrillic s in sk", in: Input{Key: "ѕk-" + body}, want: StatusPass, detail: []string{"look-alike"}},
	{name: "en dash in sk-ant", in: Input{Key: "sk–ant-api03-" + randKey(54, 95)}, want: StatusFail, detail: []string{"Anthropic", "look-alike"}},
}

var _ = register(StepProvider, &providerCases)

func TestProvider(t *testing.T) { runTable(t, StepProvider, providerCases) }
