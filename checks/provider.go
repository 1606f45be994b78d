package checks

import "strings"

// provider is another API provider whose keys people send to HiAPI by
// mistake.
type provider struct {
	name string
	// base is where its keys belong.
	base string
	// shape names the key without quoting more than 7 characters of it, so
	// the detail never carries an 8-character piece of the key.
	shape string
}

var (
	provOpenAI     = provider{"OpenAI", "https://api.openai.com/v1", ""}
	provAnthropic  = provider{"Anthropic", "https://api.anthropic.com", "it starts with sk-ant-"}
	provGoogle     = provider{"Google AI (Gemini)", "https://generativelanguage.googleapis.com", "AIza and 35 more characters"}
	provOpenRouter = provider{"OpenRouter", "https://openrouter.ai/api/v1", "it starts with sk-or-"}
	provGroq       = provider{"Groq", "https://api.groq.com/openai/v1", "it starts with gsk_"}
	provXAI        = provider{"xAI", "https://api.x.ai/v1", "it starts with xai-"}
	provHF         = provider{"Hugging Face", "https://router.huggingface.co/v1", "it starts with hf_"}
	provReplicate  = provider{"Replicate", "https://api.replicate.com/v1", "it starts with r8_"}
	provPerplexity = provider{"Perplexity", "https://api.perplexity.ai", "it starts with pplx-"}
	provDeepSeek   = provider{"DeepSeek", "https://api.deepseek.com", "sk- and exactly 32 hex digits"}
	provCerebras   = provider{"Cerebras", "https://api.cerebras.ai/v1", "it starts with csk-"}
	provFireworks  = provider{"Fireworks AI", "https://api.fireworks.ai/inference/v1", "it starts with fw_"}
	provTogether   = provider{"Together AI", "https://api.together.xyz/v1", "it starts with tgp_v1_"}
	provStripe     = provider{"Stripe", "https://api.stripe.com", "it starts with sk_ or rk_ and live_ or test_"}
	provGitHub     = provider{"GitHub", "https://api.github.com", "a GitHub token prefix"}
	provAWS        = provider{"AWS", "the AWS API (with its secret key, signed)", "an AWS access key id"}
	provSlack      = provider{"Slack", "https://slack.com/api", "it starts with xox"}
)

// identify names the provider whose key this is. ambiguous is set when the
// shape is also a plausible HiAPI key.
func identify(k string) (p provider, ok, ambiguous bool) {
	switch {
	case strings.HasPrefix(k, "sk-ant-"):
		p = provAnthropic
		switch {
		case strings.HasPrefix(k, "sk-ant-api"):
			p.shape += ", an Anthropic API key"
		case strings.HasPrefix(k, "sk-ant-adm"):
			p.shape += ", an Anthropic Admin key"
		}
		return p, true, false
	case strings.HasPrefix(k, "sk-or-"):
		return provOpenRouter, true, false
	case strings.HasPrefix(k, "sk-proj-"):
		p = provOpenAI
		p.shape = "a project key: sk-proj and OpenAI's marker inside"
		return p, true, false
	case strings.HasPrefix(k, "sk-svcacct-"):
		p = provOpenAI
		p.shape = "a service-account key (sk-svc…)"
		return p, true, false
	case strings.HasPrefix(k, "sk-admin-"):
		p = provOpenAI
		p.shape = "an admin key (sk-adm…)"
		return p, true, false
	case strings.HasPrefix(k, "sk-None-"):
		p = provOpenAI
		p.shape = "a user key (sk-None…)"
		return p, true, false
	case strings.HasPrefix(k, "sk-") && strings.Contains(k, "T3BlbkFJ"):
		p = provOpenAI
		p.shape = "sk- with OpenAI's marker (base64 of \"OpenAI\") in the middle"
		return p, true, false
	case strings.HasPrefix(k, "AIza"):
		p = provGoogle
		if len(k) != 39 {
			p.shape = "it starts with AIza, Google's API key prefix"
		}
		return p, true, false
	case strings.HasPrefix(k, "gsk_"):
		return provGroq, true, false
	case strings.HasPrefix(k, "xai-"):
		return provXAI, true, false
	case strings.HasPrefix(k, "hf_"):
		return provHF, true, false
	case strings.HasPrefix(k, "r8_"):
		return provReplicate, true, false
	case strings.HasPrefix(k, "pplx-"):
		return provPerplexity, true, false
	case strings.HasPrefix(k, "csk-"):
		return provCerebras, true, false
	case strings.HasPrefix(k, "fw_"):
		return provFireworks, true, false
	case strings.HasPrefix(k, "tgp_v1_"):
		return provTogether, true, false
	case strings.HasPrefix(k, "sk_live_"), strings.HasPrefix(k, "sk_test_"), strings.HasPrefix(k, "rk_live_"), strings.HasPrefix(k, "rk_test_"):
		return provStripe, true, false
	case strings.HasPrefix(k, "ghp_"), strings.HasPrefix(k, "gho_"), strings.HasPrefix(k, "ghu_"), strings.HasPrefix(k, "ghs_"), strings.HasPrefix(k, "github_pat_"):
		return provGitHub, true, false
	case (strings.HasPrefix(k, "AKIA") || strings.HasPrefix(k, "ASIA")) && len(k) == 20 && isUpperAlnum(k):
		return provAWS, true, false
	case strings.HasPrefix(k, "xoxb-"), strings.HasPrefix(k, "xoxp-"), strings.HasPrefix(k, "xapp-"):
		return provSlack, true, false
	case len(k) == 35 && strings.HasPrefix(k, "sk-") && isLowerHex(k[3:]):
		return provDeepSeek, true, true
	}
	return provider{}, false, false
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}

func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// hiapiKeyPrefixes are how HiAPI keys start: sk- for most, hi-sk- as one of
// HiAPI's pages shows them. The provider step judges the shape; redaction,
// the placeholder test and the base URL step ask hiapiKeyPrefix.
var hiapiKeyPrefixes = [...]string{"sk-", "hi-sk-"}

// hiapiKeyPrefix returns the HiAPI key prefix s starts with, or "".
func hiapiKeyPrefix(s string) string {
	for _, p := range hiapiKeyPrefixes {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

const fixNotHiAPI = "Check which provider's dashboard this key came from. A HiAPI key is created in the HiAPI dashboard (Dashboard → API Keys) and starts with sk-; use it with https://api.hiapi.ai."

func checkProvider(st *state) Result {
	key, r, ok := judgedKey(st)
	if !ok {
		return r
	}
	k := &st.key
	note := ""
	if k.decoded != "" {
		note = " (Judged on the key decoded from base64.)"
	}
	// Read look-alike characters as the letters they imitate, so a Cyrillic
	// letter in "sk-" does not hide what the key is.
	if sk, changed := skeleton(key); changed {
		key = sk
		note += " (Judged reading the look-alike characters as the letters they imitate: see characters.)"
	}
	if p, ok, ambiguous := identify(key); ok {
		return otherProviderKey(p, ambiguous, note)
	}
	switch {
	case strings.HasPrefix(key, "sk-"):
		return Result{Status: StatusPass, Detail: "Starts with sk-, like HiAPI keys, and matches no other provider's key shape. Other providers use sk- too: the live test proves it is HiAPI's." + note}
	case strings.HasPrefix(key, "hi-sk-"):
		return Result{Status: StatusPass, Detail: "Starts with hi-sk-, the HiAPI key shape one HiAPI page shows; most HiAPI keys start with plain sk-. The live test proves it." + note}
	case strings.HasPrefix(key, "eyJ"):
		return Result{
			Status:   StatusFail,
			Headline: "This is a login token (JWT), not an API key.",
			Detail:   "This is a JSON Web Token (it starts with eyJ): a login or session token, not an API key." + note,
			Fix:      fixNotHiAPI,
		}
	case len(key) >= 3 && strings.EqualFold(key[:3], "sk-"):
		return Result{
			Status:   StatusFail,
			Headline: "Your key starts with ‘" + key[:3] + "’: keys are case-sensitive, and HiAPI's start with lowercase sk-.",
			Detail:   "Starts with ‘" + key[:3] + "’: HiAPI keys start with lowercase sk-, and keys are case-sensitive, so the case was changed somewhere." + note,
			Fix:      "Copy the key again with the dashboard's copy button; check nothing upper-cases it (a form field, a `tr a-z A-Z`, a spreadsheet).",
		}
	case strings.HasPrefix(key, "sk_"):
		return Result{
			Status:   StatusWarn,
			Headline: "Your key starts with sk_, not sk-: it may not be a HiAPI key.",
			Detail:   "Starts with sk_ (underscore): HiAPI keys start with sk- (hyphen)." + note,
			Fix:      fixNotHiAPI,
		}
	}
	n := runeCount(key)
	pre, _ := shownEnds(n)
	pre = min(pre, 4)
	shown := ""
	if pre > 0 {
		shown = ": this one starts with ‘" + Visible(string([]rune(key)[:pre])) + "’"
	}
	return Result{
		Status:   StatusWarn,
		Headline: "This does not look like a HiAPI key: they start with sk-.",
		Detail:   "Does not look like a HiAPI key (they start with sk-)" + shown + ", and it matches no provider keycheck knows." + note,
		Fix:      fixNotHiAPI,
	}
}

// otherProviderKey is the verdict on a key with another provider's shape: a
// warning when HiAPI keys can have that shape too, else a failure.
func otherProviderKey(p provider, ambiguous bool, note string) Result {
	if ambiguous {
		return Result{
			Status:   StatusWarn,
			Headline: "This may be " + article(p.name) + " " + p.name + " key: only the live test can tell whether it is HiAPI's.",
			Detail:   "This has the shape of a " + p.name + " key (" + p.shape + "). HiAPI keys also start with sk-, so it may well be HiAPI's: only the live test can tell." + note,
			Fix:      "If HiAPI rejects it, check it did not come from " + p.name + "'s dashboard; a " + p.name + " key works only with " + p.name + "'s own API (" + p.base + ").",
		}
	}
	return Result{
		Status:   StatusFail,
		Headline: "This is " + article(p.name) + " " + p.name + " key: HiAPI has never seen it.",
		Detail:   "This is " + article(p.name) + " " + p.name + " key (" + p.shape + "). HiAPI has never seen it, so it always reads as invalid there." + note,
		Fix:      "Use a HiAPI key with https://api.hiapi.ai, or send this key to " + p.name + "'s own API (" + p.base + ").",
	}
}

// article returns "a" or "an" for a provider name.
func article(name string) string {
	switch name[0] {
	case 'A', 'E', 'I', 'O', 'U', 'x':
		return "an"
	}
	return "a"
}
