package checks_test

import (
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

// answerOf is an answer from provider p.
func answerOf(p checks.ProviderID, a checks.Answer) checks.Answer {
	a.Provider = p
	return a
}

// TestAuthVerdictEveryTarget: every target's real answers to its free
// probe (the shapes the providers document), read as pass, the key's fault
// (dead, blocked, scope, no balance) or not (429, 5xx, 529, HTML, network).
func TestAuthVerdictEveryTarget(t *testing.T) {
	var (
		openai     = checks.ProviderOpenAI
		anthropic  = checks.ProviderAnthropic
		google     = checks.ProviderGoogle
		openrouter = checks.ProviderOpenRouter
		xai        = checks.ProviderXAI
		deepseek   = checks.ProviderDeepSeek
		groq       = checks.ProviderGroq
		mistral    = checks.ProviderMistral
	)
	tests := []verdictCase{
		{name: "OpenAI 200", a: answerOf(openai, checks.Answer{HTTPStatus: 200, RequestID: "req_1"}), want: checks.StatusPass,
			has: []string{"OpenAI accepted the key: GET https://api.openai.com/v1/models answered 200", "free"}},
		{name: "OpenAI 401 invalid_api_key", a: answerOf(openai, checks.Answer{HTTPStatus: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Incorrect API key provided: sk-proj-****abcd.", RequestID: "req_2"}),
			want: checks.StatusFail, headline: "OpenAI does not accept this key: it was revoked or deleted, or it is not OpenAI's.",
			has: []string{"invalid_api_key", "request_id: req_2"}, fixHas: []string{"https://platform.openai.com/api-keys", "every copy"}},
		{name: "OpenAI 429 insufficient_quota is the account, not a rate limit", a: answerOf(openai, checks.Answer{HTTPStatus: 429, Code: "insufficient_quota", Type: "insufficient_quota", Message: "You exceeded your current quota"}),
			want: checks.StatusFail, headline: "The key works, but the OpenAI account has no credit left", fixHas: []string{"billing"}},
		{name: "OpenAI 429 rate limit", a: answerOf(openai, checks.Answer{HTTPStatus: 429, Code: "rate_limit_exceeded", RetryAfter: 20}),
			want: checks.StatusUnknown, headline: "OpenAI is rate-limiting requests", has: []string{"20 s"}},
		{name: "OpenAI 403 restricted key", a: answerOf(openai, checks.Answer{HTTPStatus: 403, Message: "You have insufficient permissions for this operation. Missing scopes: api.model.read."}),
			want: checks.StatusFail, headline: "OpenAI knows this key but does not let it do this: a scope problem, not a dead key."},
		{name: "OpenAI 500", a: answerOf(openai, checks.Answer{HTTPStatus: 500, Type: "server_error"}), want: checks.StatusUnknown,
			headline: "keycheck could not decide: OpenAI answered 500, busy or failing; not the key's fault.", fixHas: []string{"OpenAI support"}},
		{name: "OpenAI HTML", a: answerOf(openai, checks.Answer{HTTPStatus: 403, Kind: checks.AnswerNotJSON, Message: "Attention Required! | Cloudflare"}), want: checks.StatusUnknown,
			headline: "something other than OpenAI answered", fixHas: []string{"https://api.openai.com"}},
		{name: "OpenAI network", a: answerOf(openai, checks.Answer{Kind: checks.AnswerNetwork, Message: "connection refused"}), want: checks.StatusUnknown,
			headline: "OpenAI could not be reached", fixHas: []string{"curl -sI https://api.openai.com"}},
		{name: "OpenAI time-out", a: answerOf(openai, checks.Answer{Kind: checks.AnswerTimeout}), want: checks.StatusUnknown, headline: "OpenAI did not answer in time"},
		{name: "Anthropic 200", a: answerOf(anthropic, checks.Answer{HTTPStatus: 200, RequestID: "req_011"}), want: checks.StatusPass, has: []string{"Anthropic accepted the key"}},
		{name: "Anthropic 401 authentication_error", a: answerOf(anthropic, checks.Answer{HTTPStatus: 401, Type: "authentication_error", Message: "invalid x-api-key", RequestID: "req_011CX"}),
			want: checks.StatusFail, headline: "Anthropic does not accept this key", has: []string{"authentication_error", "invalid x-api-key", "req_011CX"}, fixHas: []string{"console.anthropic.com"}},
		{name: "Anthropic 403 permission_error", a: answerOf(anthropic, checks.Answer{HTTPStatus: 403, Type: "permission_error", Message: "Your API key does not have permission to use the specified resource."}),
			want: checks.StatusFail, headline: "Anthropic knows this key but does not let it do this"},
		{name: "Anthropic 529 overloaded_error", a: answerOf(anthropic, checks.Answer{HTTPStatus: 529, Type: "overloaded_error", Message: "Overloaded"}),
			want: checks.StatusUnknown, headline: "Anthropic is overloaded (529 overloaded_error)", has: []string{"for everyone"}},
		{name: "Anthropic 429 rate_limit_error", a: answerOf(anthropic, checks.Answer{HTTPStatus: 429, Type: "rate_limit_error"}), want: checks.StatusUnknown, headline: "Anthropic is rate-limiting requests"},
		{name: "Anthropic 400 invalid_request_error says nothing of the key", a: answerOf(anthropic, checks.Answer{HTTPStatus: 400, Type: "invalid_request_error", Message: "anthropic-version: header is required"}),
			want: checks.StatusWarn, headline: "Anthropic rejected keycheck's probe", fixHas: []string{`-H "x-api-key: $ANTHROPIC_API_KEY" -H "anthropic-version: 2023-06-01"`}},
		{name: "Gemini 400 API_KEY_INVALID", a: answerOf(google, checks.Answer{HTTPStatus: 400, Code: "API_KEY_INVALID", Type: "INVALID_ARGUMENT", Message: "API key not valid. Please pass a valid API key."}),
			want: checks.StatusFail, headline: "Google Gemini does not accept this key", fixHas: []string{"https://aistudio.google.com/apikey"}},
		{name: "Gemini 400 by its message alone", a: answerOf(google, checks.Answer{HTTPStatus: 400, Type: "INVALID_ARGUMENT", Message: "API key not valid. Please pass a valid API key."}),
			want: checks.StatusFail, headline: "Google Gemini does not accept this key"},
		{name: "Gemini 403 PERMISSION_DENIED", a: answerOf(google, checks.Answer{HTTPStatus: 403, Type: "PERMISSION_DENIED", Message: "Method doesn't allow unregistered callers"}),
			want: checks.StatusFail, headline: "Google does not let this key use the Gemini API.", has: []string{"Generative Language API"}},
		{name: "Gemini 200", a: answerOf(google, checks.Answer{HTTPStatus: 200}), want: checks.StatusPass, has: []string{"GET https://generativelanguage.googleapis.com/v1beta/models answered 200"}},
		{name: "Gemini 503", a: answerOf(google, checks.Answer{HTTPStatus: 503, Type: "UNAVAILABLE"}), want: checks.StatusUnknown},
		{name: "OpenRouter 200 with its facts", a: answerOf(openrouter, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactLabel, Value: "ci-deploy"}, {Name: checks.FactCreditLimit, Value: "10"}, {Name: checks.FactCreditsUsed, Value: "2.5"}}}),
			want: checks.StatusPass, has: []string{"GET https://openrouter.ai/api/v1/key answered 200", "OpenRouter says: label “ci-deploy”; credit limit “10”; credits used “2.5”."}},
		{name: "OpenRouter 401", a: answerOf(openrouter, checks.Answer{HTTPStatus: 401, Code: "401", Message: "No auth credentials found"}), want: checks.StatusFail, headline: "OpenRouter does not accept this key"},
		{name: "OpenRouter 402", a: answerOf(openrouter, checks.Answer{HTTPStatus: 402, Message: "Insufficient credits"}), want: checks.StatusFail, headline: "the OpenRouter account has no credit left"},
		{name: "xAI 400 Incorrect API key", a: answerOf(xai, checks.Answer{HTTPStatus: 400, Code: "Client specified an invalid argument", Message: "Incorrect API key provided: xa***ab. You can obtain an API key from https://console.x.ai."}),
			want: checks.StatusFail, headline: "xAI does not accept this key"},
		{name: "xAI 401", a: answerOf(xai, checks.Answer{HTTPStatus: 401}), want: checks.StatusFail, headline: "xAI does not accept this key"},
		{name: "xAI 200 with the key blocked", a: answerOf(xai, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactLabel, Value: "prod"}, {Name: checks.FactKeyBlocked, Value: "yes"}}}),
			want: checks.StatusFail, headline: "xAI knows this key, but it is blocked or disabled.", has: []string{"(key blocked)", "label “prod”"}, fixHas: []string{"https://console.x.ai"}},
		{name: "xAI 200 with the team blocked", a: answerOf(xai, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactKeyBlocked, Value: "no"}, {Name: checks.FactTeamBlocked, Value: "yes"}}}),
			want: checks.StatusFail, has: []string{"(team blocked)"}},
		{name: "xAI 200, nothing blocked", a: answerOf(xai, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactKeyBlocked, Value: "no"}, {Name: checks.FactKeyDisabled, Value: "no"}}}),
			want: checks.StatusPass},
		{name: "xAI 403 no credits", a: answerOf(xai, checks.Answer{HTTPStatus: 403, Message: "Your newly created team doesn't have any credits yet."}), want: checks.StatusFail, headline: "the xAI account has no credit left"},
		{name: "DeepSeek 200", a: answerOf(deepseek, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactCanPay, Value: "yes"}, {Name: checks.FactCreditLeft, Value: "110.00 CNY"}}}),
			want: checks.StatusPass, has: []string{"GET https://api.deepseek.com/models", "credit left “110.00 CNY”"}},
		{name: "OpenAI 401, a restricted key's missing scope", a: answerOf(openai, checks.Answer{HTTPStatus: 401, Message: "You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes."}),
			want: checks.StatusFail, headline: "a scope problem, not a dead key"},
		{name: "Anthropic 400, credit balance too low", a: answerOf(anthropic, checks.Answer{HTTPStatus: 400, Type: "invalid_request_error", Message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}),
			want: checks.StatusFail, headline: "the Anthropic account has no credit left"},
		{name: "OpenRouter 200, the key's limit spent", a: answerOf(openrouter, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactLabel, Value: "ci"}, {Name: checks.FactCreditLimit, Value: "$10.00"}, {Name: checks.FactCreditLeft, Value: "$0.00"}}}),
			want: checks.StatusFail, headline: "its own credit limit at OpenRouter is spent", has: []string{"credit limit set on this key is used up", "credit left “$0.00”"}},
		{name: "OpenRouter 200, no limit", a: answerOf(openrouter, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactCreditLimit, Value: "none"}}}),
			want: checks.StatusPass},
		{name: "DeepSeek 200, balance not available", a: answerOf(deepseek, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactCanPay, Value: "no"}, {Name: checks.FactCreditLeft, Value: "0.00 USD"}}}),
			want: checks.StatusFail, headline: "the DeepSeek account has no credit left", has: []string{"balance cannot pay"}},
		{name: "DeepSeek 401 authentication_error", a: answerOf(deepseek, checks.Answer{HTTPStatus: 401, Type: "authentication_error", Message: "Authentication Fails, Your api key: ****abcd is invalid"}),
			want: checks.StatusFail, headline: "DeepSeek does not accept this key", fixHas: []string{"https://platform.deepseek.com/api_keys"}},
		{name: "DeepSeek 402 Insufficient Balance", a: answerOf(deepseek, checks.Answer{HTTPStatus: 402, Type: "unknown_error", Message: "Insufficient Balance"}),
			want: checks.StatusFail, headline: "the DeepSeek account has no credit left"},
		{name: "Groq 401 invalid_api_key", a: answerOf(groq, checks.Answer{HTTPStatus: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Invalid API Key"}),
			want: checks.StatusFail, headline: "Groq does not accept this key"},
		{name: "Groq 200", a: answerOf(groq, checks.Answer{HTTPStatus: 200}), want: checks.StatusPass, has: []string{"https://api.groq.com/openai/v1/models"}},
		{name: "Mistral 401", a: answerOf(mistral, checks.Answer{HTTPStatus: 401, Message: "Unauthorized"}), want: checks.StatusFail, headline: "Mistral does not accept this key"},
		{name: "Mistral 429", a: answerOf(mistral, checks.Answer{HTTPStatus: 429}), want: checks.StatusUnknown},
		{name: "through --provider-url", a: answerOf(openai, checks.Answer{HTTPStatus: 200, BaseURL: "http://127.0.0.1:8089/openai/"}), want: checks.StatusPass,
			has: []string{"GET http://127.0.0.1:8089/openai/v1/models answered 200"}},
		{name: "404 through --provider-url", a: answerOf(groq, checks.Answer{HTTPStatus: 404, BaseURL: "http://gw.internal/groq"}), want: checks.StatusUnknown,
			has: []string{"http://gw.internal/groq"}, fixHas: []string{"--provider-url groq=", "https://api.groq.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checks.AuthVerdict(tt.a)
			checkVerdict(t, checks.StepAuth, r, tt)
			if len(r.Live.Facts) != len(tt.a.Facts) {
				t.Errorf("Live.Facts %v, want the answer's %v", r.Live.Facts, tt.a.Facts)
			}
			if strings.Contains(r.Detail+r.Fix+r.Headline, "HiAPI") {
				t.Errorf("another provider's verdict names HiAPI: %s / %s / %s", r.Headline, r.Detail, r.Fix)
			}
		})
	}
}

// TestAuthVerdictBadKeyNamesTheTargetsVariable: a key no header may carry
// is not sent anywhere, and the fix strips the target's variable.
func TestAuthVerdictBadKeyNamesTheTargetsVariable(t *testing.T) {
	r := checks.AuthVerdict(checks.Answer{Provider: checks.ProviderGroq, Kind: checks.AnswerBadKey})
	if r.Status != checks.StatusSkip || !strings.Contains(r.Fix, `export GROQ_API_KEY="$(printf '%s' "$GROQ_API_KEY"`) {
		t.Errorf("%s: %s", r.Status, r.Fix)
	}
}

func TestModelProbeVerdict(t *testing.T) {
	tests := []verdictCase{
		{name: "OpenAI 200", a: answerOf(checks.ProviderOpenAI, checks.Answer{HTTPStatus: 200}), want: checks.StatusPass,
			has: []string{"OpenAI knows gpt-4o-mini", "GET https://api.openai.com/v1/models/gpt-4o-mini answered 200"}},
		{name: "OpenAI 404", a: answerOf(checks.ProviderOpenAI, checks.Answer{HTTPStatus: 404, Code: "model_not_found", Type: "invalid_request_error", Message: "The model 'gpt-4o-mini' does not exist"}),
			want: checks.StatusFail, headline: "OpenAI does not know the model id gpt-4o-mini: the key itself was accepted.",
			fixHas: []string{`curl -s https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"`}},
		{name: "Gemini 404", a: answerOf(checks.ProviderGoogle, checks.Answer{HTTPStatus: 404, Type: "NOT_FOUND"}), want: checks.StatusFail,
			fixHas: []string{`curl -s https://generativelanguage.googleapis.com/v1beta/models -H "x-goog-api-key: $GEMINI_API_KEY"`}},
		{name: "Anthropic 404", a: answerOf(checks.ProviderAnthropic, checks.Answer{HTTPStatus: 404, Type: "not_found_error"}), want: checks.StatusFail,
			fixHas: []string{`-H "x-api-key: $ANTHROPIC_API_KEY" -H "anthropic-version: 2023-06-01"`}},
		{name: "Groq 429", a: answerOf(checks.ProviderGroq, checks.Answer{HTTPStatus: 429}), want: checks.StatusUnknown, headline: "Groq is rate-limiting"},
		{name: "Mistral 500", a: answerOf(checks.ProviderMistral, checks.Answer{HTTPStatus: 500}), want: checks.StatusUnknown},
		{name: "xAI 403 is not decided here", a: answerOf(checks.ProviderXAI, checks.Answer{HTTPStatus: 403}), want: checks.StatusUnknown},
		{name: "HTML", a: answerOf(checks.ProviderOpenAI, checks.Answer{HTTPStatus: 502, Kind: checks.AnswerNotJSON}), want: checks.StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := map[checks.ProviderID]string{checks.ProviderGoogle: "gemini-2.5-flash", checks.ProviderAnthropic: "claude-sonnet-4-5"}[tt.a.Provider]
			if model == "" {
				model = "gpt-4o-mini"
			}
			checkVerdict(t, checks.StepModel, checks.ModelProbeVerdict(model, tt.a), tt)
		})
	}
}

func TestNotSpent(t *testing.T) {
	for _, tg := range checks.Targets()[1:] {
		r := checks.NotSpent(tg.ID)
		if r.ID != checks.StepResult || r.Status != checks.StatusSkip || r.Title != checks.TitleFor(checks.StepResult, tg.ID) ||
			!strings.Contains(r.Detail, "keycheck never spends another provider's credits") || !strings.Contains(r.Detail, tg.Name) {
			t.Errorf("%s: %+v", tg.ID, r)
		}
	}
}

// TestOwnerProof: the provider step after the owner's free probe tells the
// whole story, and stays the cause of the verdict.
func TestOwnerProof(t *testing.T) {
	provider := checks.Result{ID: checks.StepProvider, Title: "A HiAPI key", Status: checks.StatusFail,
		Headline: "This is an OpenAI key: HiAPI has never seen it.", Detail: "This is an OpenAI key.", Fix: "Use a HiAPI key."}
	tests := []struct {
		name           string
		owner, target  checks.ProviderID
		a              checks.Answer
		headline, has  string
		fixHas         string
		liveStatusCode int
	}{
		{"a working OpenAI key sent to HiAPI", checks.ProviderOpenAI, checks.ProviderHiAPI, checks.Answer{HTTPStatus: 200, RequestID: "req_9"},
			"This is a working OpenAI key; HiAPI has never seen it. Use a HiAPI key with https://api.hiapi.ai, or send this one to https://api.openai.com/v1.",
			"OpenAI accepted the key", "OPENAI_API_KEY", 200},
		{"a dead OpenAI key", checks.ProviderOpenAI, "", checks.Answer{HTTPStatus: 401, Code: "invalid_api_key", Message: "Incorrect API key provided"},
			"This is an OpenAI key, and OpenAI does not accept it either: it was revoked. Use a HiAPI key with https://api.hiapi.ai.",
			"invalid_api_key", "https://platform.openai.com/api-keys", 401},
		{"an Anthropic key at OpenAI, no credit", checks.ProviderAnthropic, checks.ProviderOpenAI, checks.Answer{HTTPStatus: 402},
			"This is an Anthropic key that Anthropic knows, but its account has no credit; OpenAI has never seen it.", "cannot pay", "Top up the Anthropic account", 402},
		{"a blocked xAI key", checks.ProviderXAI, checks.ProviderGroq, checks.Answer{HTTPStatus: 200, Facts: []checks.Fact{{Name: checks.FactKeyDisabled, Value: "yes"}}},
			"This is an xAI key, and xAI has blocked or disabled it. Use a Groq key with https://api.groq.com/openai/v1.", "key disabled", "GROQ_API_KEY", 200},
		{"OpenAI busy", checks.ProviderOpenAI, checks.ProviderHiAPI, checks.Answer{HTTPStatus: 503},
			"This looks like an OpenAI key; HiAPI has never seen it. OpenAI did not answer usefully", "OpenAI answered 503", "https://api.openai.com/v1", 503},
		{"a HiAPI key sent to OpenAI, working", checks.ProviderHiAPI, checks.ProviderOpenAI, checks.Answer{HTTPStatus: 200},
			"This is a working HiAPI key; OpenAI has never seen it. Use an OpenAI key with https://api.openai.com/v1, or send this one to https://api.hiapi.ai.", "HiAPI accepted the key", "HIAPI_API_KEY", 200},
		{"a dead HiAPI key sent to Groq", checks.ProviderHiAPI, checks.ProviderGroq, checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: deadMsg},
			"This is a HiAPI key, and HiAPI does not accept it either", "permission_denied", "GROQ_API_KEY", 401},
		{"a HiAPI key sent to OpenAI, its account cannot pay", checks.ProviderHiAPI, checks.ProviderOpenAI, checks.Answer{HTTPStatus: 402},
			"This is a HiAPI key that HiAPI knows, but its account has no credit; OpenAI has never seen it.", "cannot pay", "Top up the HiAPI account", 402},
		{"a HiAPI key sent to Groq, alive but refused for scope", checks.ProviderHiAPI, checks.ProviderGroq, checks.Answer{HTTPStatus: 403, Code: "permission_denied"},
			"This is a working HiAPI key; Groq has never seen it.", "HiAPI knows it", "GROQ_API_KEY", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checks.OwnerProof(provider, tt.owner, tt.a, tt.target)
			if r.ID != checks.StepProvider || r.Title != provider.Title || r.Status != checks.StatusFail {
				t.Fatalf("%+v", r)
			}
			if !strings.HasPrefix(r.Headline, tt.headline) || !strings.Contains(r.Detail, tt.has) || !strings.Contains(r.Fix, tt.fixHas) {
				t.Errorf("headline %q\ndetail %q\nfix %q", r.Headline, r.Detail, r.Fix)
			}
			if r.Live == nil || r.Live.HTTPStatus != tt.liveStatusCode || len(r.Live.Facts) != len(tt.a.Facts) {
				t.Errorf("Live %+v", r.Live)
			}
			// The verdict reads it right: the provider step stays the
			// cause, whatever the owner said.
			results := checks.Check(checks.Input{Key: "sk-proj-" + strings.Repeat("Ab1", 20), Provider: tt.target})
			for i := range results {
				if results[i].ID == checks.StepProvider {
					results[i] = r
				}
			}
			v := checks.VerdictOf(results)
			if v.Status != checks.StatusFail || v.Step != checks.StepProvider || v.Headline != r.Headline || v.Fix != r.Fix {
				t.Errorf("verdict %+v", v)
			}
		})
	}
	if r := checks.OwnerProof(provider, checks.ProviderHiAPI, checks.Answer{HTTPStatus: 200}, ""); r.Headline != provider.Headline {
		t.Errorf("the owner is the target: %+v", r)
	}
}

func TestTitleFor(t *testing.T) {
	for _, s := range checks.Catalogue() {
		if got := checks.TitleFor(s.ID, ""); got != s.Title || checks.TitleFor(s.ID, checks.ProviderHiAPI) != s.Title {
			t.Errorf("HiAPI's %s title %q, want %q", s.ID, got, s.Title)
		}
	}
	for _, c := range []struct {
		id     checks.ID
		target checks.ProviderID
		want   string
	}{
		{checks.StepProvider, checks.ProviderOpenAI, "An OpenAI key"},
		{checks.StepProvider, checks.ProviderXAI, "An xAI key"},
		{checks.StepProvider, checks.ProviderGroq, "A Groq key"},
		{checks.StepBaseURL, checks.ProviderOpenAI, "Sent to OpenAI"},
		{checks.StepAuth, checks.ProviderOpenAI, "OpenAI accepts the key"},
		{checks.StepHeader, checks.ProviderAnthropic, "x-api-key header is right"},
		{checks.StepHeader, checks.ProviderGoogle, "x-goog-api-key header is right"},
		{checks.StepHeader, checks.ProviderMistral, "Bearer header is right"},
		{checks.StepWhitespace, checks.ProviderMistral, "No hidden whitespace"},
	} {
		if got := checks.TitleFor(c.id, c.target); got != c.want {
			t.Errorf("TitleFor(%s, %s) = %q, want %q", c.id, c.target, got, c.want)
		}
	}
	s, _ := checks.StepFor(checks.StepAuth, checks.ProviderAnthropic)
	if s.Title != "Anthropic accepts the key" || strings.Contains(s.Question+s.Why, "HiAPI") {
		t.Errorf("StepFor %+v", s)
	}
}

func TestTargetCommands(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{checks.ProbeCurlCommandFor("", ""), checks.ProbeCurlCommand("")},
		{checks.ProbeCurlCommandFor(checks.ProviderOpenAI, ""), `curl -s https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"`},
		{checks.ProbeCurlCommandFor(checks.ProviderAnthropic, ""), `curl -s https://api.anthropic.com/v1/models -H "x-api-key: $ANTHROPIC_API_KEY" -H "anthropic-version: 2023-06-01"`},
		{checks.ProbeCurlCommandFor(checks.ProviderGoogle, ""), `curl -s https://generativelanguage.googleapis.com/v1beta/models -H "x-goog-api-key: $GEMINI_API_KEY"`},
		{checks.ProbeCurlCommandFor(checks.ProviderOpenRouter, "http://127.0.0.1:8089/openrouter"), `curl -s http://127.0.0.1:8089/openrouter/api/v1/key -H "Authorization: Bearer $OPENROUTER_API_KEY"`},
		{checks.ModelsCurlCommandFor(checks.ProviderXAI, ""), `curl -s https://api.x.ai/v1/models -H "Authorization: Bearer $XAI_API_KEY"`},
		{checks.EndpointFor(checks.ProviderDeepSeek, "", checks.StepAuth, "", ""), "GET https://api.deepseek.com/models and GET https://api.deepseek.com/user/balance"},
		{checks.EndpointFor(checks.ProviderGoogle, "", checks.StepModel, "gemini-2.5-flash", ""), "GET https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash"},
		{checks.EndpointFor(checks.ProviderOpenRouter, "", checks.StepModel, "x", ""), ""},
		{checks.EndpointFor(checks.ProviderOpenAI, "", checks.StepResult, "", ""), ""},
		{checks.EndpointFor("", "", checks.StepResult, "", "t1"), checks.Endpoint("", checks.StepResult, "t1")},
	} {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}
