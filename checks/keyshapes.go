package checks

import (
	"regexp"
	"strings"
)

// keyOwner is whoever issues a key shape: one of the targets, or another
// provider whose keys people paste by mistake.
type keyOwner struct {
	// target is set when the owner is one of the targets; its name, base
	// URL and dashboard then come from the targets table.
	target ProviderID
	name   string
	// base is where the owner's keys belong (targets: their first base
	// URL).
	base string
	// looks says what the owner's keys look like, after "its keys".
	looks string
	// token marks a login token rather than any provider's API key.
	token bool
}

// Name is the owner's name as the provider step writes it.
func (o *keyOwner) Name() string {
	if o.name == "" {
		t, _ := TargetOf(o.target)
		return t.Name
	}
	return o.name
}

// Base is where the owner's keys belong.
func (o *keyOwner) Base() string {
	if o.base == "" {
		t, _ := TargetOf(o.target)
		return t.BaseURLs[0]
	}
	return o.base
}

// The owners. The nine targets take their name, base URL and dashboard
// from the targets table; only Google's name is more exact here, since an
// AIza key is a Google API key that Gemini is one use of.
var (
	ownerHiAPI      = &keyOwner{target: ProviderHiAPI, looks: "start with sk-"}
	ownerOpenAI     = &keyOwner{target: ProviderOpenAI, looks: "start with sk-proj, sk-svc… or sk-adm… and carry OpenAI's marker inside"}
	ownerAnthropic  = &keyOwner{target: ProviderAnthropic, looks: "start with sk-ant-, then api03 (108 characters in all)"}
	ownerGoogle     = &keyOwner{target: ProviderGoogle, name: "Google AI (Gemini)", looks: "start with AIza (39 characters)"}
	ownerOpenRouter = &keyOwner{target: ProviderOpenRouter, looks: "start with sk-or-, then v1- and 64 hex digits"}
	ownerXAI        = &keyOwner{target: ProviderXAI, looks: "start with xai-"}
	ownerDeepSeek   = &keyOwner{target: ProviderDeepSeek, looks: "are sk- and 32 hex digits"}
	ownerGroq       = &keyOwner{target: ProviderGroq, looks: "start with gsk_ (56 characters)"}
	ownerMistral    = &keyOwner{target: ProviderMistral, looks: "are 32 letters and digits, with no prefix"}
	ownerCohere     = &keyOwner{name: "Cohere", base: "https://api.cohere.com"}
	ownerHF         = &keyOwner{name: "Hugging Face", base: "https://router.huggingface.co/v1"}
	ownerReplicate  = &keyOwner{name: "Replicate", base: "https://api.replicate.com/v1"}
	ownerPerplexity = &keyOwner{name: "Perplexity", base: "https://api.perplexity.ai"}
	ownerTogether   = &keyOwner{name: "Together AI", base: "https://api.together.xyz/v1"}
	ownerFireworks  = &keyOwner{name: "Fireworks AI", base: "https://api.fireworks.ai/inference/v1"}
	ownerCerebras   = &keyOwner{name: "Cerebras", base: "https://api.cerebras.ai/v1"}
	ownerStripe     = &keyOwner{name: "Stripe", base: "https://api.stripe.com"}
	ownerGitHub     = &keyOwner{name: "GitHub", base: "https://api.github.com"}
	ownerGitLab     = &keyOwner{name: "GitLab", base: "https://gitlab.com/api/v4"}
	ownerAWS        = &keyOwner{name: "AWS", base: "the AWS API (with its secret key, signed)"}
	ownerSlack      = &keyOwner{name: "Slack", base: "https://slack.com/api"}
	ownerTwilio     = &keyOwner{name: "Twilio", base: "https://api.twilio.com"}
	ownerSendGrid   = &keyOwner{name: "SendGrid", base: "https://api.sendgrid.com"}
	ownerNPM        = &keyOwner{name: "npm", base: "https://registry.npmjs.org"}
	ownerJWT        = &keyOwner{name: "JWT", token: true}
)

// keyShape is one row of the key-shape table: a shape some owner issues.
// A key matches a row when it starts with one of its prefixes and, unless
// the row is loose, the rest fits too (length, alphabet, marker, re).
type keyShape struct {
	// id names the row in tests and comments.
	id       string
	owner    *keyOwner
	prefixes []string
	// chars is the alphabet of what follows the prefix; nil is any.
	chars func(byte) bool
	// min and max bound the length of what follows the prefix; max 0 is
	// no bound.
	min, max int
	// marker must appear in the key.
	marker string
	// re, when set, is the whole shape; it runs only once a prefix
	// matched.
	re *regexp.Regexp
	// loose: the prefix alone names the owner, so a key with it but
	// another length or alphabet is still theirs (cut short, or a newer
	// format).
	loose bool
	// hiapi: HiAPI could issue this shape too (an sk- key), so it never
	// makes a confident verdict against HiAPI.
	hiapi bool
	// generic: the shape is too common to name an owner (letters and
	// digits of some length): it only confirms the target's own shape, and
	// is named as a possibility otherwise.
	generic bool
	// what names the shape without quoting 8 characters of the key (the
	// Secret rule), e.g. "a project key: sk-proj and OpenAI's marker
	// inside".
	what string
	// near is what replaces what for a loose row whose prefix matched but
	// whose rest does not fit; "" keeps what.
	near string
	// pass, when set, is the provider step's detail for a key of the
	// target's own with this shape.
	pass string
	// ownHeadline and ownNote, when set, make a key of the target's own
	// with this shape a warning: it is the owner's, but not what the API
	// takes.
	ownHeadline, ownNote string
}

// openAIMarker is base64 of "OpenAI", inside every OpenAI user and
// project key.
const openAIMarker = "T3BlbkFJ"

// keyShapes is the table, most specific prefix first: the first row that
// matches decides. Facts only (prefixes, lengths, alphabets) taken from the
// rule files of the open-source secret scanners, as of 2026-08:
//
//	gitleaks    github.com/gitleaks/gitleaks          config/gitleaks.toml (rule ids)
//	betterleaks github.com/betterleaks/betterleaks    cmd/generate/config/rules/<name>.go
//	trufflehog  github.com/trufflesecurity/trufflehog pkg/detectors/<name>/<name>.go
//	noseyparker github.com/praetorian-inc/noseyparker crates/noseyparker/data/default/builtin/rules/<name>.yml
var keyShapes = [...]keyShape{
	// Anthropic. gitleaks anthropic-api-key, anthropic-admin-api-key
	// (sk-ant-api03-/sk-ant-admin01- + 93 [A-Za-z0-9_-] + AA); trufflehog
	// anthropic; noseyparker np.anthropic.1 (sk-ant-api\d\d- + 95).
	{id: "anthropic-api", owner: ownerAnthropic, prefixes: []string{"sk-ant-api"}, chars: isURLSafe, min: 98, max: 98, loose: true,
		what: "it starts with sk-ant-, an Anthropic API key"},
	{id: "anthropic-admin", owner: ownerAnthropic, prefixes: []string{"sk-ant-admin"}, chars: isURLSafe, min: 98, max: 98, loose: true,
		what: "it starts with sk-ant-, an Anthropic Admin key"},
	// No scanner has a rule for it: Claude Code's `claude setup-token` and
	// login make sk-ant-oat01- tokens (Claude Code docs, authentication).
	{id: "anthropic-oauth", owner: ownerAnthropic, prefixes: []string{"sk-ant-oat"}, loose: true,
		what:        "it starts with sk-ant-, an OAuth token such as Claude Code's login makes",
		ownHeadline: "This is an OAuth token from a Claude login, not an Anthropic API key.",
		ownNote:     "This is an OAuth token from a Claude login, not an API key: Claude Code reads it from CLAUDE_CODE_OAUTH_TOKEN, while Anthropic's API takes an API key (sk-ant- and api03) in x-api-key."},
	// Any other sk-ant-: keycheck's earlier table; every scanner above
	// keys Anthropic on sk-ant-.
	{id: "anthropic-other", owner: ownerAnthropic, prefixes: []string{"sk-ant-"}, loose: true,
		what: "it starts with sk-ant-"},
	// OpenRouter. betterleaks openrouter-api-key, trufflehog openrouter:
	// sk-or-v1- + 64 lowercase hex.
	{id: "openrouter", owner: ownerOpenRouter, prefixes: []string{"sk-or-"}, re: regexp.MustCompile(`^sk-or-v1-[0-9a-f]{64}$`), loose: true,
		what: "it starts with sk-or-"},
	// OpenAI. gitleaks openai-api-key and betterleaks openai-api-key
	// (sk-proj|svcacct|admin- + 58 or 74 + T3BlbkFJ + 58 or 74 of
	// [A-Za-z0-9_-]; legacy sk- + 20 + T3BlbkFJ + 20 alnum); trufflehog
	// openai (sk-proj-/sk-svcacct-/sk-service-, legacy sk-…T3BlbkFJ…) and
	// openaiadmin (sk-admin- + 58 + T3BlbkFJ + 58); noseyparker
	// np.openai.1 (sk- + 48 alnum).
	{id: "openai-project", owner: ownerOpenAI, prefixes: []string{"sk-proj-"}, chars: isURLSafe, marker: openAIMarker, loose: true,
		what: "a project key: sk-proj and OpenAI's marker inside", near: "a project key (sk-proj…)"},
	{id: "openai-svcacct", owner: ownerOpenAI, prefixes: []string{"sk-svcacct-", "sk-service-"}, chars: isURLSafe, marker: openAIMarker, loose: true,
		what: "a service-account key (sk-svc… or sk-ser…)"},
	{id: "openai-admin", owner: ownerOpenAI, prefixes: []string{"sk-admin-"}, chars: isURLSafe, marker: openAIMarker, loose: true,
		what: "an admin key (sk-adm…)"},
	// No scanner has it: OpenAI's user keys of 2024 (sk-None-), from
	// keycheck's earlier table.
	{id: "openai-user", owner: ownerOpenAI, prefixes: []string{"sk-None-"}, loose: true,
		what: "a user key (sk-None…)"},
	{id: "openai-legacy", owner: ownerOpenAI, prefixes: []string{"sk-"}, chars: isURLSafe, marker: openAIMarker,
		what: "sk- with OpenAI's marker (base64 of \"OpenAI\") in the middle"},
	// DeepSeek. betterleaks deepseek-api-key (sk- + 32 [a-f0-9], only near
	// the word deepseek); trufflehog deepseek (sk- + 32 [a-z0-9], likewise).
	// HiAPI keys start with sk- too.
	{id: "deepseek", owner: ownerDeepSeek, prefixes: []string{"sk-"}, chars: isLowerHex, min: 32, max: 32, hiapi: true,
		what: "sk- and exactly 32 hex digits"},
	// HiAPI: its docs (HIAPI.md) show sk- keys, and one page hi-sk-.
	{id: "hiapi-hi-sk", owner: ownerHiAPI, prefixes: []string{"hi-sk-"}, loose: true,
		what: "hi-sk-, the HiAPI key shape one HiAPI page shows",
		pass: "Starts with hi-sk-, the HiAPI key shape one HiAPI page shows; most HiAPI keys start with plain sk-. The live test proves it."},
	{id: "hiapi-sk", owner: ownerHiAPI, prefixes: []string{"sk-"}, hiapi: true, generic: true,
		what: "sk- and letters and digits, like HiAPI keys",
		pass: "Starts with sk-, like HiAPI keys, and matches no other provider's key shape. Other providers use sk- too: the live test proves it is HiAPI's."},
	// Google. gitleaks gcp-api-key and noseyparker np.google.5 (AIza + 35
	// [\w-]); trufflehog googlegemini (AIzaSy + 33).
	{id: "google-api", owner: ownerGoogle, prefixes: []string{"AIza"}, chars: isURLSafe, min: 35, max: 35, loose: true,
		what: "AIza and 35 more characters", near: "it starts with AIza, Google's API key prefix"},
	// xAI. betterleaks xai-api-key (xai- + 70 to 120 [A-Za-z0-9_-]);
	// trufflehog xai (xai- + 80 [0-9a-zA-Z_]).
	{id: "xai", owner: ownerXAI, prefixes: []string{"xai-"}, chars: isURLSafe, min: 70, max: 120, loose: true,
		what: "it starts with xai-"},
	// Groq. betterleaks groq-api-key and trufflehog groq (gsk_ + 52
	// alnum); noseyparker np.groq.1 (50 to 54).
	{id: "groq", owner: ownerGroq, prefixes: []string{"gsk_"}, chars: isAlnum, min: 50, max: 54, loose: true,
		what: "it starts with gsk_"},
	// Hugging Face. gitleaks huggingface-access-token and
	// huggingface-organization-api-token (hf_/api_org_ + 34 letters);
	// trufflehog huggingface (34 alnum); noseyparker np.huggingface.1.
	{id: "huggingface", owner: ownerHF, prefixes: []string{"hf_", "api_org_"}, chars: isAlnum, min: 34, max: 34, loose: true,
		what: "it starts with hf_"},
	// Replicate. betterleaks replicate-api-token (r8_ + 37 alnum);
	// trufflehog replicate (37 [0-9A-Za-z_-]).
	{id: "replicate", owner: ownerReplicate, prefixes: []string{"r8_"}, chars: isURLSafe, min: 37, max: 37, loose: true,
		what: "it starts with r8_"},
	// Perplexity. gitleaks and betterleaks perplexity-api-key (pplx- + 48
	// alnum).
	{id: "perplexity", owner: ownerPerplexity, prefixes: []string{"pplx-"}, chars: isAlnum, min: 48, max: 48, loose: true,
		what: "it starts with pplx-"},
	// Cerebras. betterleaks cerebras-api-key (csk- + 48 alnum).
	{id: "cerebras", owner: ownerCerebras, prefixes: []string{"csk-"}, chars: isAlnum, min: 48, max: 48, loose: true,
		what: "it starts with csk-"},
	// Together AI. betterleaks togetherai-api-key (tgp_v1_ + 43
	// [A-Za-z0-9_-]).
	{id: "together", owner: ownerTogether, prefixes: []string{"tgp_v1_"}, chars: isURLSafe, min: 43, max: 43, loose: true,
		what: "it starts with tgp_v1_"},
	// No scanner has a rule for it: Fireworks AI's keys start with fw_
	// (keycheck's earlier table).
	{id: "fireworks", owner: ownerFireworks, prefixes: []string{"fw_"}, loose: true,
		what: "it starts with fw_"},

	// Keys that are not for an AI API, pasted by mistake.
	// Stripe. gitleaks stripe-access-token ((sk|rk)_(test|live|prod)_ + 10
	// to 99 alnum); trufflehog stripe ([rs]k_live_ + 20 to 247).
	{id: "stripe", owner: ownerStripe, prefixes: []string{"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"}, chars: isAlnum, min: 10, max: 247, loose: true,
		what: "it starts with sk_ or rk_ and live_ or test_"},
	// GitHub. gitleaks github-pat, github-oauth, github-app-token,
	// github-refresh-token (prefix + 36 alnum) and github-fine-grained-pat
	// (github_pat_ + 82 [\w]); trufflehog github v2.
	{id: "github", owner: ownerGitHub, prefixes: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, chars: isAlnum, min: 36, max: 36, loose: true,
		what: "a GitHub token prefix"},
	{id: "github-fine-grained", owner: ownerGitHub, prefixes: []string{"github_pat_"}, chars: isWordByte, min: 82, max: 82, loose: true,
		what: "a GitHub token prefix"},
	// GitLab. gitleaks gitlab-pat (glpat- + 20 [\w-]) and
	// gitlab-pat-routable (longer, with a dot); trufflehog gitlab v2, v3.
	{id: "gitlab", owner: ownerGitLab, prefixes: []string{"glpat-"}, loose: true,
		what: "it starts with glpat-"},
	// AWS. gitleaks aws-access-token ((A3T.|AKIA|ASIA|ABIA|ACCA) + 16
	// [A-Z2-7]); trufflehog aws access_keys.
	{id: "aws", owner: ownerAWS, prefixes: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, chars: isUpperAlnum, min: 16, max: 16,
		what: "an AWS access key id"},
	// Slack. gitleaks slack-bot-token, slack-user-token, slack-app-token;
	// trufflehog slack (xoxb-, xoxp-, xoxa-, xoxr-).
	{id: "slack", owner: ownerSlack, prefixes: []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxe-", "xapp-"}, loose: true,
		what: "it starts with xox"},
	// Twilio. gitleaks twilio-api-key (SK + 32 hex); trufflehog
	// twilioapikey (SK + 32 alnum). Not loose: SK alone is too short.
	{id: "twilio", owner: ownerTwilio, prefixes: []string{"SK"}, chars: isHexDigit, min: 32, max: 32,
		what: "SK and 32 hex digits, a Twilio API key sid"},
	// SendGrid. gitleaks sendgrid-api-token (SG. + 66); trufflehog
	// sendgrid (SG. + 20 to 24 + . + 39 to 50).
	{id: "sendgrid", owner: ownerSendGrid, prefixes: []string{"SG."}, re: regexp.MustCompile(`^SG\.[\w-]{20,24}\.[\w-]{39,50}$`), loose: true,
		what: "it starts with SG."},
	// npm. gitleaks npm-access-token, trufflehog npmtokenv2 (npm_ + 36
	// alnum).
	{id: "npm", owner: ownerNPM, prefixes: []string{"npm_"}, chars: isAlnum, min: 36, max: 36, loose: true,
		what: "it starts with npm_"},
	// JWT. gitleaks jwt, trufflehog jwt: eyJ… . eyJ… . signature.
	{id: "jwt", owner: ownerJWT, prefixes: []string{"eyJ"}, re: regexp.MustCompile(`^eyJ[\w-]+=*\.[\w-]+=*\.[\w-]*=*$`), loose: true,
		what: "it starts with eyJ"},

	// Generic shapes, last: letters and digits of a length, named only as
	// a possibility, or as the target's own shape. betterleaks
	// mistral-api-key ([A-Z0-9]{32}, case-insensitive, near the word
	// mistral); gitleaks cohere-api-token (40 alnum, near cohere or
	// CO_API_KEY).
	{id: "mistral", owner: ownerMistral, prefixes: []string{""}, chars: isAlnum, min: 32, max: 32, generic: true,
		what: "32 letters and digits, the shape of Mistral keys"},
	{id: "cohere", owner: ownerCohere, prefixes: []string{""}, chars: isAlnum, min: 40, max: 40, generic: true,
		what: "40 letters and digits, the shape of Cohere keys"},
}

// match reports whether k has the row's shape: ok when it does (for a
// loose row, when it has the prefix), full when all of it fits.
func (s *keyShape) match(k string) (ok, full bool) {
	for _, p := range s.prefixes {
		if !strings.HasPrefix(k, p) {
			continue
		}
		full = s.fits(k, k[len(p):])
		return s.loose || full, full
	}
	return false, false
}

// fits reports whether the whole key k, whose body follows the prefix,
// fits the row.
func (s *keyShape) fits(k, body string) bool {
	if n := len(body); n < s.min || s.max > 0 && n > s.max || n == 0 {
		return false
	}
	if s.marker != "" && !strings.Contains(k, s.marker) {
		return false
	}
	if s.chars != nil {
		for i := 0; i < len(body); i++ {
			if !s.chars(body[i]) {
				return false
			}
		}
	}
	return s.re == nil || s.re.MatchString(k)
}

// shape is the row's description for a key that matched it.
func (s *keyShape) shape(full bool) string {
	if !full && s.near != "" {
		return s.near
	}
	return s.what
}

// shapeMatch is a key's match with a row.
type shapeMatch struct {
	row  *keyShape
	full bool
}

// shapesFor sorts out a key's matches for target: own is the first row of
// the target's that matches (generic or not), other the first row of
// another owner's that names it (not generic), maybe the first generic
// row of another owner's.
func shapesFor(k string, target ProviderID) (own, other, maybe shapeMatch) {
	for i := range keyShapes {
		s := &keyShapes[i]
		mine := target != "" && s.owner.target == target
		switch {
		case mine && own.row != nil, !mine && s.generic && maybe.row != nil, !mine && !s.generic && other.row != nil:
			continue
		}
		ok, full := s.match(k)
		if !ok {
			continue
		}
		m := shapeMatch{s, full}
		switch {
		case mine:
			own = m
		case s.generic:
			maybe = m
		default:
			other = m
		}
	}
	return own, other, maybe
}

// identify names another provider whose key this is, from a shape that
// names its owner (not a generic one, nor HiAPI's own). ambiguous is set
// when HiAPI keys can have that shape too.
func identify(k string) (m shapeMatch, ok, ambiguous bool) {
	if k == "" || !shapeStarts[k[0]] {
		// Most words keyLike asks about start like no key.
		return shapeMatch{}, false, false
	}
	for i := range keyShapes {
		s := &keyShapes[i]
		if s.generic || s.owner == ownerHiAPI {
			continue
		}
		if ok, full := s.match(k); ok {
			return shapeMatch{s, full}, true, s.hiapi
		}
	}
	return shapeMatch{}, false, false
}

// shapeStarts holds the first bytes of the prefixes of the rows that name
// an owner: a key that starts with none of them matches none of those
// rows.
var shapeStarts = func() (set [256]bool) {
	for i := range keyShapes {
		for _, p := range keyShapes[i].prefixes {
			if p != "" {
				set[p[0]] = true
			}
		}
	}
	return set
}()

// OwnerOf returns the target whose key this is, when its shape says so
// without doubt: an sk-proj-… key is OpenAI's, an sk-ant-… key
// Anthropic's, a hi-sk-… key HiAPI's. A shape HiAPI could issue too
// (DeepSeek's sk- and 32 hex digits) or one too common to name an owner
// (Mistral's 32 letters and digits) has no certain owner: OwnerFor judges
// those against a target. The key is read as the provider step reads it:
// without its wrappers, decoded from base64, look-alike letters read as
// the letters they imitate.
func OwnerOf(key string) (ProviderID, bool) {
	return ownerOf(key, "")
}

// OwnerFor is OwnerOf for a key used with target: a shape that is the
// target's own is the target's, even when it is ambiguous elsewhere (with
// target deepseek an sk- and 32 hex digits key is DeepSeek's; with target
// hiapi it is only possibly DeepSeek's, and HiAPI's own shape).
func OwnerFor(key string, target ProviderID) (ProviderID, bool) {
	if target == "" {
		target = ProviderHiAPI
	}
	return ownerOf(key, target)
}

func ownerOf(key string, target ProviderID) (ProviderID, bool) {
	in := Input{Key: key}
	st := newState(&in)
	defer st.secret.Wipe()
	k, _, ok := judgedKey(st)
	if !ok {
		return "", false
	}
	if sk, changed := skeleton(k); changed {
		k = sk
	}
	own, other, _ := shapesFor(k, target)
	switch {
	case own.row != nil && !own.row.generic:
		return target, true
	case other.row == nil && own.row != nil:
		// Only the target's generic shape fits.
		return target, true
	case other.row == nil:
		return "", false
	case other.row.hiapi:
		// HiAPI's or the other owner's: no certain owner.
		return "", false
	}
	// A shape that names another owner beats the target's generic one.
	return other.row.owner.target, other.row.owner.target != ""
}

// targetKeyPrefix reports whether the target's keys start with sk-, so a
// key that starts SK- or sk_ is probably one of them with a fault.
func targetKeyPrefix(target ProviderID) bool {
	for i := range keyShapes {
		s := &keyShapes[i]
		if s.owner.target == target && strings.HasPrefix(s.prefixes[0], "sk-") {
			return true
		}
	}
	return false
}

// ownerOfTarget is the owner row of a target.
func ownerOfTarget(target ProviderID) *keyOwner {
	for i := range keyShapes {
		if o := keyShapes[i].owner; o.target == target {
			return o
		}
	}
	return ownerHiAPI
}

func isLowerHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

func isHexDigit(c byte) bool { return isLowerHex(c) || c >= 'A' && c <= 'F' }

func isUpperAlnum(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }

func isAlnum(c byte) bool { return isUpperAlnum(c) || c >= 'a' && c <= 'z' }

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

func isURLSafe(c byte) bool { return isWordByte(c) || c == '-' }
