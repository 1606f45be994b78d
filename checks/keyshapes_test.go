package checks

import (
	"strings"
	"testing"
)

// fakeBody is n characters for a synthetic key: it says FAKE where the
// alphabet allows capitals, so no scanner mistakes it for a live key, and
// is built at run time, so no key-shaped literal sits in the source.
func fakeBody(seed int64, n int) string {
	if n <= 4 {
		return randKey(seed, n)
	}
	return "FAKE" + randKey(seed, n-4)
}

func digits(seed int64, n int) string {
	var b strings.Builder
	for _, c := range hexKey(seed, n) {
		b.WriteByte('0' + byte(c)%10)
	}
	return b.String()
}

// shapeSamples is a synthetic key in each row's shape, by row id, taken
// from the scanners' rules and test samples (see keyShapes).
func shapeSamples() map[string]string {
	m := openAIMarker
	return map[string]string{
		"anthropic-api":       "sk-ant-api03-" + fakeBody(101, 93) + "AA",
		"anthropic-admin":     "sk-ant-admin01-" + fakeBody(102, 93) + "AA",
		"anthropic-oauth":     "sk-ant-oat01-" + fakeBody(103, 95),
		"anthropic-other":     "sk-ant-" + fakeBody(104, 60),
		"openrouter":          "sk-or-v1-" + hexKey(105, 64),
		"openai-project":      "sk-proj-" + fakeBody(106, 74) + m + fakeBody(107, 74),
		"openai-svcacct":      "sk-svcacct-" + fakeBody(108, 58) + m + fakeBody(109, 58),
		"openai-admin":        "sk-admin-" + fakeBody(110, 58) + m + fakeBody(111, 58),
		"openai-user":         "sk-None-" + fakeBody(112, 48),
		"openai-legacy":       "sk-" + fakeBody(113, 20) + m + fakeBody(114, 20),
		"deepseek":            "sk-" + hexKey(115, 32),
		"hiapi-hi-sk":         "hi-sk-" + fakeBody(116, 40),
		"hiapi-sk":            "sk-" + fakeBody(117, 48),
		"google-api":          "AIza" + fakeBody(118, 35),
		"xai":                 "xai-" + fakeBody(119, 80),
		"groq":                "gsk_" + fakeBody(120, 52),
		"huggingface":         "hf_" + fakeBody(121, 34),
		"replicate":           "r8_" + fakeBody(122, 37),
		"perplexity":          "pplx-" + fakeBody(123, 48),
		"cerebras":            "csk-" + strings.ToLower(fakeBody(124, 48)),
		"together":            "tgp_v1_" + fakeBody(125, 43),
		"fireworks":           "fw_" + fakeBody(126, 24),
		"stripe":              "sk_test_" + fakeBody(127, 24),
		"github":              "ghp_" + fakeBody(128, 36),
		"github-fine-grained": "github_pat_" + fakeBody(129, 22) + "_" + fakeBody(130, 59),
		"gitlab":              "glpat-" + fakeBody(131, 20),
		"aws":                 "AKIA" + "IOSFODNN7EXAMPLE", // AWS's documented example id
		"slack":               "xoxb-" + digits(132, 12) + "-" + digits(133, 13) + "-" + fakeBody(134, 24),
		"twilio":              "SK" + hexKey(135, 32),
		"sendgrid":            "SG." + fakeBody(136, 22) + "." + fakeBody(137, 43),
		"npm":                 "npm_" + fakeBody(138, 36),
		"jwt":                 "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJGQUtFIn0." + fakeBody(139, 43), // {"sub":"FAKE"}
		"mistral":             fakeBody(140, 32),
		"cohere":              fakeBody(141, 40),
	}
}

// firstRow is the row that decides for k: the first that matches, generic
// rows only when no other does.
func firstRow(k string) (*keyShape, bool) {
	var generic *keyShape
	var genericFull bool
	for i := range keyShapes {
		s := &keyShapes[i]
		ok, full := s.match(k)
		switch {
		case !ok:
		case !s.generic:
			return s, full
		case generic == nil:
			generic, genericFull = s, full
		}
	}
	return generic, genericFull
}

// TestKeyShapes: every row has a sample, the sample is the row's in full,
// and the provider step judges it by the row against HiAPI and against
// the row's own target, without showing a piece of the key.
func TestKeyShapes(t *testing.T) {
	samples := shapeSamples()
	seen := map[string]bool{}
	for i := range keyShapes {
		s := &keyShapes[i]
		if seen[s.id] {
			t.Errorf("duplicate row id %q", s.id)
		}
		seen[s.id] = true
		key, ok := samples[s.id]
		if !ok {
			t.Errorf("row %q has no sample", s.id)
			continue
		}
		t.Run(s.id, func(t *testing.T) {
			if got, full := firstRow(key); got != s || !full {
				id := "none"
				if got != nil {
					id = got.id
				}
				t.Fatalf("sample matches row %s (full %v), want %s", id, full, s.id)
			}
			name := s.owner.Name()
			// Against HiAPI.
			want := StatusFail
			switch {
			case s.owner == ownerHiAPI:
				want = StatusPass
			case s.hiapi, s.generic:
				want = StatusWarn
			}
			in := Input{Key: key}
			rs := Check(in)
			r := resultOf(rs, StepProvider)
			if r.Status != want {
				t.Errorf("with target hiapi: %s, want %s: %s", r.Status, want, r.Detail)
			}
			if s.owner != ownerHiAPI && !s.owner.token && !strings.Contains(r.Detail, name) {
				t.Errorf("with target hiapi, the detail does not name %s: %s", name, r.Detail)
			}
			if want == StatusFail && !strings.Contains(r.Headline, "HiAPI has never seen it") && !s.owner.token {
				t.Errorf("headline %q", r.Headline)
			}
			assertNoLeak(t, in, rs)
			// Against its own target.
			if s.owner.target == "" || s.owner.target == ProviderHiAPI {
				return
			}
			want = StatusPass
			if s.ownNote != "" {
				want = StatusWarn
			}
			in.Provider = s.owner.target
			rs = Check(in)
			r = resultOf(rs, StepProvider)
			if r.Status != want {
				t.Errorf("with target %s: %s, want %s: %s", s.owner.target, r.Status, want, r.Detail)
			}
			assertNoLeak(t, in, rs)
			if owner, ok := OwnerFor(key, s.owner.target); owner != s.owner.target || !ok {
				t.Errorf("OwnerFor(sample, %s) = %q, %v", s.owner.target, owner, ok)
			}
		})
	}
	for id := range samples {
		if !seen[id] {
			t.Errorf("sample %q has no row", id)
		}
	}
}

// TestKeyShapeTexts: what a row says quotes no 8 characters of a key in
// its shape (the Secret rule), so no detail carries a piece of the key.
func TestKeyShapeTexts(t *testing.T) {
	var all []string
	for _, k := range shapeSamples() {
		all = append(all, k)
	}
	for i := range keyShapes {
		s := &keyShapes[i]
		for _, text := range []string{s.what, s.near, s.pass, s.ownNote, s.ownHeadline, s.owner.looks} {
			if w := leak(text, all); w != "" {
				t.Errorf("%s: %q shows %q of a key", s.id, text, w)
			}
		}
	}
}

// TestHiAPIShapeNeverFails is the overlap rule: a key HiAPI could issue
// (sk- and letters, digits, hyphens or underscores of any usual length)
// never fails the provider step with target hiapi, whatever other
// provider's shape it also has; it warns at most, naming the possibility.
func TestHiAPIShapeNeverFails(t *testing.T) {
	var keys []string
	for n := 16; n <= 72; n++ {
		keys = append(keys, "sk-"+randKey(int64(n), n), "sk-"+hexKey(int64(n), n), "sk-"+strings.ToUpper(hexKey(int64(n), n)))
	}
	for i := range keyShapes {
		if s := &keyShapes[i]; s.hiapi {
			keys = append(keys, shapeSamples()[s.id])
		}
	}
	for _, k := range keys {
		r := resultOf(Check(Input{Key: k}), StepProvider)
		if r.Status == StatusFail {
			t.Errorf("%d characters: %s: %s", len(k), r.Status, r.Detail)
		}
		if r.Status == StatusWarn && !strings.Contains(r.Detail, "HiAPI keys also start with sk-") {
			t.Errorf("a warning that does not name the possibility: %s", r.Detail)
		}
	}
}

var ownerCases = []struct {
	name   string
	key    string
	target ProviderID
	owner  ProviderID
	ok     bool
}{
	{name: "OpenAI project", key: "sk-proj-" + randKey(201, 40) + openAIMarker + randKey(202, 40), owner: ProviderOpenAI, ok: true},
	{name: "Anthropic", key: "sk-ant-api03-" + randKey(203, 95), owner: ProviderAnthropic, ok: true},
	{name: "Anthropic, cut short", key: "sk-ant-api03-" + randKey(203, 30), owner: ProviderAnthropic, ok: true},
	{name: "Google", key: "AIza" + randKey(204, 35), owner: ProviderGoogle, ok: true},
	{name: "OpenRouter", key: "sk-or-v1-" + hexKey(205, 64), owner: ProviderOpenRouter, ok: true},
	{name: "xAI", key: "xai-" + randKey(206, 80), owner: ProviderXAI, ok: true},
	{name: "Groq", key: "gsk_" + randKey(207, 52), owner: ProviderGroq, ok: true},
	{name: "HiAPI hi-sk-", key: hiKey, owner: ProviderHiAPI, ok: true},
	{name: "HiAPI sk-: a common shape, no certain owner", key: goodKey},
	{name: "HiAPI sk- for target hiapi", key: goodKey, target: ProviderHiAPI, owner: ProviderHiAPI, ok: true},
	{name: "HiAPI sk- for target openai: not OpenAI's", key: goodKey, target: ProviderOpenAI},
	{name: "DeepSeek shape: HiAPI's too", key: "sk-" + hexKey(208, 32)},
	{name: "DeepSeek shape for target hiapi: only a possibility", key: "sk-" + hexKey(208, 32), target: ProviderHiAPI},
	{name: "DeepSeek shape for target deepseek", key: "sk-" + hexKey(208, 32), target: ProviderDeepSeek, owner: ProviderDeepSeek, ok: true},
	{name: "Mistral shape: too common", key: randKey(209, 32)},
	{name: "Mistral shape for target mistral", key: randKey(209, 32), target: ProviderMistral, owner: ProviderMistral, ok: true},
	{name: "Anthropic for target mistral", key: "sk-ant-api03-" + randKey(203, 95), target: ProviderMistral, owner: ProviderAnthropic, ok: true},
	{name: "not a target's: Stripe", key: "sk_test_" + randKey(210, 24)},
	{name: "not a target's: JWT", key: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0." + randKey(211, 40)},
	{name: "wrapped and quoted", key: "Authorization: Bearer \"sk-ant-api03-" + randKey(203, 95) + "\"\n", owner: ProviderAnthropic, ok: true},
	{name: "base64", key: b64([]byte("sk-proj-" + randKey(212, 40) + "\n")), owner: ProviderOpenAI, ok: true},
	{name: "a look-alike letter", key: "ѕk-ant-api03-" + randKey(203, 95), owner: ProviderAnthropic, ok: true},
	{name: "no key", key: ""},
	{name: "a placeholder", key: "YOUR_API_KEY"},
}

func TestOwnerOf(t *testing.T) {
	for _, c := range ownerCases {
		t.Run(c.name, func(t *testing.T) {
			owner, ok := OwnerOf(c.key)
			if c.target != "" {
				owner, ok = OwnerFor(c.key, c.target)
			}
			if owner != c.owner || ok != c.ok {
				t.Errorf("owner %q, %v; want %q, %v", owner, ok, c.owner, c.ok)
			}
		})
	}
}

// targetProviderCases: the provider step follows the target. Its own
// shapes pass, another provider's fail naming the target, a shape the
// target could issue never fails, and fixes name the target's dashboard.
var targetProviderCases = []stepCase{
	{name: "openai: an OpenAI key", in: Input{Provider: ProviderOpenAI, Key: "sk-proj-" + randKey(301, 60) + openAIMarker + randKey(302, 60)}, want: StatusPass, detail: []string{"the shape of an OpenAI key", "project key"}},
	{name: "openai: an Anthropic key", headline: "This is an Anthropic key: OpenAI has never seen it.", in: Input{Provider: ProviderOpenAI, Key: "sk-ant-api03-" + randKey(303, 95)}, want: StatusFail, detail: []string{"OpenAI has never seen it"}, fix: []string{"Use an OpenAI key with https://api.openai.com/v1 (create one at https://platform.openai.com/api-keys)", "Anthropic's own API (https://api.anthropic.com)"}},
	{name: "openai: a HiAPI key", headline: "This looks like a HiAPI key, not an OpenAI one", in: Input{Provider: ProviderOpenAI, Key: goodKey}, want: StatusWarn, detail: []string{"shape of a HiAPI key", "https://api.hiapi.ai"}, fix: []string{"https://platform.openai.com/api-keys", "https://api.openai.com/v1"}},
	{name: "openai: a DeepSeek-shaped key", headline: "This may be a DeepSeek key, or a HiAPI one", in: Input{Provider: ProviderOpenAI, Key: "sk-" + hexKey(304, 32)}, want: StatusWarn, detail: []string{"HiAPI keys can have too"}, fix: []string{"https://platform.openai.com/api-keys", "https://api.deepseek.com"}},
	{name: "openai: cut short", headline: "This starts like an OpenAI key", in: Input{Provider: ProviderOpenAI, Key: "sk-proj-" + randKey(305, 30)}, want: StatusWarn, detail: []string{"a project key (sk-proj…)"}, fix: []string{"https://platform.openai.com/api-keys"}},
	{name: "openai: SK- upper-cased", headline: "OpenAI's start with lowercase sk-", in: Input{Provider: ProviderOpenAI, Key: "SK-PROJ-" + randKey(306, 60)}, want: StatusFail},
	{name: "openai: a hi-sk- key is HiAPI's", headline: "This is a HiAPI key: OpenAI has never seen it.", in: Input{Provider: ProviderOpenAI, Key: hiKey}, want: StatusFail},
	{name: "anthropic: an API key", in: Input{Provider: ProviderAnthropic, Key: "sk-ant-api03-" + randKey(307, 93) + "AA"}, want: StatusPass, detail: []string{"the shape of an Anthropic key"}},
	{name: "anthropic: an OAuth token", headline: "OAuth token", in: Input{Provider: ProviderAnthropic, Key: "sk-ant-oat01-" + randKey(308, 95)}, want: StatusWarn, detail: []string{"CLAUDE_CODE_OAUTH_TOKEN", "x-api-key"}, fix: []string{"https://console.anthropic.com/settings/keys"}},
	{name: "anthropic: an OpenAI key", in: Input{Provider: ProviderAnthropic, Key: "sk-proj-" + randKey(309, 60) + openAIMarker + randKey(310, 60)}, want: StatusFail, detail: []string{"Anthropic has never seen it"}},
	{name: "anthropic: no known shape", headline: "This does not look like an Anthropic key: they start with sk-ant-, then api03", in: Input{Provider: ProviderAnthropic, Key: randKey(311, 50)}, want: StatusWarn, fix: []string{"https://console.anthropic.com/settings/keys"}},
	{name: "google: a Gemini key", in: Input{Provider: ProviderGoogle, Key: "AIza" + randKey(312, 35)}, want: StatusPass},
	{name: "google: a HiAPI key", headline: "This looks like a HiAPI key, not a Google Gemini one", in: Input{Provider: ProviderGoogle, Key: goodKey}, want: StatusWarn},
	{name: "openrouter: its key", in: Input{Provider: ProviderOpenRouter, Key: "sk-or-v1-" + hexKey(313, 64)}, want: StatusPass},
	{name: "xai: its key", in: Input{Provider: ProviderXAI, Key: "xai-" + randKey(314, 80)}, want: StatusPass},
	{name: "groq: its key", in: Input{Provider: ProviderGroq, Key: "gsk_" + randKey(315, 52)}, want: StatusPass},
	{name: "groq: a Google key", headline: "This is a Google AI (Gemini) key: Groq has never seen it.", in: Input{Provider: ProviderGroq, Key: "AIza" + randKey(316, 35)}, want: StatusFail},
	{name: "deepseek: its key", in: Input{Provider: ProviderDeepSeek, Key: "sk-" + hexKey(317, 32)}, want: StatusPass, detail: []string{"32 hex digits"}},
	{name: "deepseek: a HiAPI key", headline: "This looks like a HiAPI key, not a DeepSeek one", in: Input{Provider: ProviderDeepSeek, Key: goodKey}, want: StatusWarn},
	{name: "mistral: 32 letters and digits", in: Input{Provider: ProviderMistral, Key: randKey(318, 32)}, want: StatusPass, detail: []string{"common", "only the live test proves it is Mistral's"}},
	{name: "mistral: an xAI key", in: Input{Provider: ProviderMistral, Key: "xai-" + randKey(319, 80)}, want: StatusFail, detail: []string{"Mistral has never seen it"}},
	{name: "hiapi: Mistral's shape is a possibility, not a verdict", in: Input{Key: randKey(320, 32)}, want: StatusWarn, detail: []string{"Mistral", "too common to be sure"}},
	{name: "an unknown target reads as HiAPI", in: Input{Provider: "nope", Key: goodKey}, want: StatusPass, detail: []string{"like HiAPI keys"}},
}

var _ = register(StepProvider, &targetProviderCases)

func TestProviderFollowsTarget(t *testing.T) { runTable(t, StepProvider, targetProviderCases) }

// TestPlanFollowsTarget: another provider's key means another than the
// target's; a key of the target itself is sent, and what is not sent says
// which provider nothing goes to.
func TestPlanFollowsTarget(t *testing.T) {
	openAI := "sk-proj-" + randKey(401, 60) + openAIMarker + randKey(402, 60)
	anthropic := "sk-ant-api03-" + randKey(403, 95)
	for _, c := range []struct {
		name    string
		key     string
		target  ProviderID
		send    bool
		reason  string
		removed string
	}{
		{name: "an OpenAI key to OpenAI", key: openAI, target: ProviderOpenAI, send: true},
		{name: "an OpenAI key with a newline to OpenAI", key: openAI + "\n", target: ProviderOpenAI, send: true, removed: "the trailing newline"},
		{name: "an OpenAI key to HiAPI", key: openAI, target: ProviderHiAPI, reason: "Not sent, since this is an OpenAI key: HiAPI has never seen it."},
		{name: "an OpenAI key, no target", key: openAI, reason: "HiAPI has never seen it"},
		{name: "an Anthropic key to OpenAI", key: anthropic, target: ProviderOpenAI, reason: "Not sent, since this is an Anthropic key: OpenAI has never seen it."},
		{name: "an Anthropic key to Anthropic", key: "Bearer " + anthropic, target: ProviderAnthropic, send: true, removed: "the ‘Bearer’ in front"},
		{name: "a HiAPI key to OpenAI: a warning, sent", key: goodKey, target: ProviderOpenAI, send: true},
		{name: "a hi-sk- key to OpenAI", key: hiKey, target: ProviderOpenAI, reason: "this is a HiAPI key: OpenAI has never seen it"},
		{name: "a DeepSeek key to DeepSeek", key: "sk-" + hexKey(404, 32), target: ProviderDeepSeek, send: true},
		{name: "a masked key to Groq", key: "gsk_" + randKey(405, 8) + "…" + randKey(406, 4), target: ProviderGroq, reason: "shortened copy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := PlanLiveTo(c.key, c.target)
			wantTarget := c.target
			if wantTarget == ProviderHiAPI {
				wantTarget = ""
			}
			if p.Send != c.send || p.Removed != c.removed || p.Target != wantTarget || !strings.Contains(p.Reason, c.reason) {
				t.Fatalf("plan send=%v removed=%q target=%q reason=%q; want send=%v removed=%q target=%q reason with %q", p.Send, p.Removed, p.Target, p.Reason, c.send, c.removed, wantTarget, c.reason)
			}
			if w := leak(p.Reason, secretsOf(Input{Key: c.key})); w != "" {
				t.Errorf("reason leaks %q: %s", w, p.Reason)
			}
			if p.Send {
				return
			}
			name := targetRef(c.target).Name
			if r := p.NotSent(StepAuth); r.Status != StatusSkip || !strings.Contains(r.Detail, "Nothing goes to "+name+" until") {
				t.Errorf("not sent: %s %q", r.Status, r.Detail)
			}
		})
	}
}
