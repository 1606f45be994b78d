package checks_test

import (
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

// stepOf is the result of step id in a check of in.
func stepOf(in checks.Input, id checks.ID) checks.Result {
	for _, r := range checks.Check(in) {
		if r.ID == id {
			return r
		}
	}
	return checks.Result{}
}

// TestBaseURLFollowsTarget: the base URL step judges the URL against the
// target's base URLs, and a base URL of another target names it.
func TestBaseURLFollowsTarget(t *testing.T) {
	for _, c := range []struct {
		target   checks.ProviderID
		url      string
		want     checks.Status
		headline string
		fixHas   string
	}{
		{checks.ProviderOpenAI, "https://api.openai.com/v1", checks.StatusPass, "", ""},
		{checks.ProviderOpenAI, "https://api.openai.com/v1/", checks.StatusPass, "", ""},
		{checks.ProviderAnthropic, "https://api.anthropic.com", checks.StatusPass, "", ""},
		{checks.ProviderAnthropic, "https://api.anthropic.com/v1", checks.StatusPass, "", ""},
		{checks.ProviderGoogle, "https://generativelanguage.googleapis.com/v1beta/openai/", checks.StatusPass, "", ""},
		{checks.ProviderGroq, "https://api.groq.com/openai/v1", checks.StatusPass, "", ""},
		{checks.ProviderOpenRouter, "https://openrouter.ai/api/v1", checks.StatusPass, "", ""},
		{checks.ProviderAnthropic, "https://api.openai.com/v1", checks.StatusFail, "This sends the key to OpenAI, not Anthropic: OpenAI has never seen Anthropic keys.", "ANTHROPIC_BASE_URL"},
		{checks.ProviderOpenAI, "https://api.hiapi.ai/v1", checks.StatusFail, "This sends the key to HiAPI, not OpenAI", "https://api.openai.com/v1"},
		{checks.ProviderOpenAI, "https://api.openai.com", checks.StatusWarn, "lacks /v1", "https://api.openai.com/v1"},
		{checks.ProviderOpenAI, "https://api.openai.com/v1/v1", checks.StatusFail, "repeats /v1", ""},
		{checks.ProviderGroq, "https://api.groq.com/openai/v1/chat/completions", checks.StatusFail, "ends in an endpoint", "https://api.groq.com/openai/v1"},
		{checks.ProviderMistral, "https://api.mistral.ai/v2", checks.StatusFail, "a path Mistral's does not", ""},
		{checks.ProviderOpenAI, "https://api.opneai.com/v1", checks.StatusFail, "did you mean api.openai.com?", ""},
		{checks.ProviderOpenAI, "https://api.openai.com:8443/v1", checks.StatusFail, "adds a port", ""},
		{checks.ProviderOpenAI, "http://localhost:4000", checks.StatusFail, "http://", "https://api.openai.com/v1"},
		{checks.ProviderOpenAI, "https://gateway.example.com/v1", checks.StatusWarn, "not OpenAI: fine if that is your proxy", ""},
		{checks.ProviderGoogle, "generativelanguage.googleapis.com", checks.StatusFail, "no https://", "https://generativelanguage.googleapis.com"},
	} {
		r := stepOf(checks.Input{Key: "x", Provider: c.target, BaseURL: c.url}, checks.StepBaseURL)
		if r.Status != c.want || !strings.Contains(r.Headline, c.headline) || !strings.Contains(r.Fix, c.fixHas) || r.Title != "Sent to "+mustTarget(c.target).Name {
			t.Errorf("%s %s: %s %q\nheadline %q\ndetail %q\nfix %q", c.target, c.url, r.Status, r.Title, r.Headline, r.Detail, r.Fix)
		}
		if c.target != checks.ProviderHiAPI && strings.Contains(r.Fix, "hiapi") {
			t.Errorf("%s %s: the fix names HiAPI: %q", c.target, c.url, r.Fix)
		}
	}
}

func mustTarget(id checks.ProviderID) checks.Target {
	t, _ := checks.TargetOf(id)
	return t
}

// TestOfflineStepsNameTheTarget: with another target, the steps, their
// headlines and their commands name it, its variable and its dashboard;
// the verdict says the target would reject the key.
func TestOfflineStepsNameTheTarget(t *testing.T) {
	// A key of HiAPI's shape: the plan sends it to OpenAI (it may be
	// OpenAI's), so every step speaks.
	key := "sk-" + strings.Repeat("aB3d", 12)
	rs := checks.Check(checks.Input{Key: key + "\n", Provider: checks.ProviderOpenAI, Header: "Authorization: Bearer <your-key>"})
	v := checks.VerdictOf(rs)
	if v.Headline != "Your key ends with a newline: OpenAI would reject it." || !strings.Contains(v.Fix, `printf '%s' "$OPENAI_API_KEY"`) {
		t.Errorf("verdict %+v", v)
	}
	for _, r := range rs {
		if r.ID == checks.StepProvider {
			continue // P1's step speaks for itself
		}
		if want := checks.TitleFor(r.ID, checks.ProviderOpenAI); r.Title != want {
			t.Errorf("%s title %q, want %q", r.ID, r.Title, want)
		}
		if s := r.Headline + r.Detail + r.Fix; strings.Contains(s, "HiAPI") || strings.Contains(s, "HIAPI_API_KEY") || strings.Contains(s, "hiapi.ai") {
			t.Errorf("%s names HiAPI with an OpenAI key:\n%s\n%s\n%s", r.ID, r.Headline, r.Detail, r.Fix)
		}
	}
	if h := stepOf(checks.Input{Key: key, Provider: checks.ProviderOpenAI, Header: "Authorization: Bearer <your-key>"}, checks.StepHeader); !strings.Contains(h.Fix, "https://platform.openai.com/api-keys") || !strings.Contains(h.Fix, "OPENAI_API_KEY") {
		t.Errorf("header fix %q", h.Fix)
	}
	auth := stepOf(checks.Input{Key: key, Provider: checks.ProviderOpenAI}, checks.StepAuth)
	if auth.Status != checks.StatusPending || !strings.Contains(auth.Detail, "GET https://api.openai.com/v1/models") {
		t.Errorf("auth %+v", auth)
	}
	if r := stepOf(checks.Input{Key: key, Provider: checks.ProviderOpenAI}, checks.StepResult); r.Status != checks.StatusSkip || !strings.Contains(r.Detail, "never spends") {
		t.Errorf("result %+v", r)
	}
	if r := stepOf(checks.Input{Key: "sk-or-v1-" + strings.Repeat("ab", 32), Provider: checks.ProviderOpenRouter}, checks.StepModel); r.Status != checks.StatusSkip {
		t.Errorf("OpenRouter's model step %+v", r)
	}
}

// TestVerdictOfAnotherTarget: a key another target accepts passes with
// its model step skipped or passed and nothing spent; before the live
// test, the verdict says whom it will ask.
func TestVerdictOfAnotherTarget(t *testing.T) {
	or := checks.ProviderOpenRouter
	var rs []checks.Result
	for _, s := range checks.Catalogue() {
		r := checks.Result{ID: s.ID, Title: checks.TitleFor(s.ID, or), Status: checks.StatusPass, Detail: "Fine."}
		switch s.ID {
		case checks.StepAuth:
			r.Status = checks.StatusPending
		case checks.StepModel:
			r = checks.ModelNotAsked(or)
		case checks.StepResult:
			r = checks.NotSpent(or)
		}
		rs = append(rs, r)
	}
	if v := checks.VerdictOf(rs); v.Status != checks.StatusPending || v.Headline != "Nothing wrong offline: run the live test to hear it from OpenRouter." {
		t.Errorf("before: %+v", v)
	}
	for i := range rs {
		if rs[i].ID == checks.StepAuth {
			rs[i] = checks.AuthVerdict(checks.Answer{Provider: checks.ProviderOpenRouter, HTTPStatus: 200})
		}
	}
	if v := checks.VerdictOf(rs); v.Status != checks.StatusPass || v.Headline != "A working key: OpenRouter accepts it. keycheck spent nothing." {
		t.Errorf("after: %+v", v)
	}
	for i := range rs {
		if rs[i].ID == checks.StepModel {
			rs[i] = checks.ModelProbeVerdict("x/y", checks.Answer{Provider: checks.ProviderOpenRouter, HTTPStatus: 503})
		}
	}
	if v := checks.VerdictOf(rs); v.Status != checks.StatusUnknown || v.Step != checks.StepModel {
		t.Errorf("model unknown: %+v", v)
	}
	// HiAPI's result step skipped is not a pass.
	hi := checks.Check(checks.Input{Key: "sk-" + strings.Repeat("aB3d", 12)})
	for i := range hi {
		switch hi[i].ID {
		case checks.StepAuth:
			hi[i] = checks.AuthVerdict(checks.Answer{HTTPStatus: 200})
		case checks.StepModel, checks.StepResult:
			hi[i].Status = checks.StatusSkip
		}
	}
	if v := checks.VerdictOf(hi); v.Status == checks.StatusPass {
		t.Errorf("HiAPI without its image: %+v", v)
	}
}

// TestHeaderFollowsTarget: Anthropic reads the bare key from x-api-key,
// Gemini from x-goog-api-key; the Bearer targets as HiAPI.
func TestHeaderFollowsTarget(t *testing.T) {
	key := "sk-ant-api03-" + strings.Repeat("Zq7_", 23) + "AA"
	for _, c := range []struct {
		target   checks.ProviderID
		header   string
		want     checks.Status
		headline string
		has      string
	}{
		{checks.ProviderAnthropic, "x-api-key: " + key, checks.StatusPass, "", "‘x-api-key: ’ and carries this key"},
		{checks.ProviderAnthropic, "X-Api-Key: Bearer " + key, checks.StatusFail, "‘Bearer ’ in front of the key", ""},
		{checks.ProviderAnthropic, "Authorization: Bearer " + key, checks.StatusWarn, "Anthropic's API reads API keys from x-api-key", "carries this key"},
		{checks.ProviderAnthropic, "api-key: " + key, checks.StatusFail, "Anthropic reads it from x-api-key", ""},
		{checks.ProviderAnthropic, "curl https://api.anthropic.com/v1/models -H 'x-api-key: " + key + "'", checks.StatusPass, "", "carries this key"},
		{checks.ProviderGoogle, "x-goog-api-key: " + key, checks.StatusPass, "", "‘x-goog-api-key: ’"},
		{checks.ProviderGoogle, "Authorization: Bearer " + key, checks.StatusWarn, "OpenAI-compatible endpoint", ""},
		{checks.ProviderOpenAI, "Authorization: Bearer " + key, checks.StatusPass, "", "‘Authorization: Bearer ’ and carries this key"},
		{checks.ProviderOpenAI, "x-api-key: " + key, checks.StatusFail, "OpenAI reads only Authorization", ""},
	} {
		r := stepOf(checks.Input{Key: key, Provider: c.target, Header: c.header}, checks.StepHeader)
		if r.Status != c.want || !strings.Contains(r.Headline, c.headline) || !strings.Contains(r.Detail, c.has) {
			t.Errorf("%s %q: %s\nheadline %q\ndetail %q\nfix %q", c.target, c.header, r.Status, r.Headline, r.Detail, r.Fix)
		}
		if strings.Contains(r.Detail+r.Fix+r.Headline, key) {
			t.Errorf("leak: %s", r.Detail)
		}
	}
}

// TestCurlNoteFollowsTarget: a curl command to the target's own host says
// nothing about its URL; one to another host names the target's.
func TestCurlNoteFollowsTarget(t *testing.T) {
	key := "sk-ant-api03-" + strings.Repeat("Zq7_", 23) + "AA"
	own := stepOf(checks.Input{Key: key, Provider: checks.ProviderAnthropic, Header: "curl https://api.anthropic.com/v1/models -H 'x-api-key: " + key + "'"}, checks.StepHeader)
	other := stepOf(checks.Input{Key: key, Provider: checks.ProviderAnthropic, Header: "curl https://api.openai.com/v1/models -H 'x-api-key: " + key + "'"}, checks.StepHeader)
	if strings.Contains(own.Detail, "The command calls") || !strings.Contains(other.Detail, "The command calls OpenAI (api.openai.com), not api.anthropic.com") {
		t.Errorf("own: %s\nother: %s", own.Detail, other.Detail)
	}
}
