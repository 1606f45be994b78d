package checks

import (
	"strings"
	"testing"
)

// lowerPiece is a piece of goodKey in lower case, as splitURL lower-cases a
// host: a host made of it must not be shown.
var lowerPiece = strings.ToLower(goodKey[10:30])

var baseURLCases = []stepCase{
	{name: "none", in: Input{Key: goodKey}, want: StatusSkip, detail: []string{"no base URL given", "Paste the base URL your client uses"}},
	{name: "blank", in: Input{BaseURL: " \n"}, want: StatusSkip},
	{name: "task base", in: Input{BaseURL: "https://api.hiapi.ai"}, want: StatusPass, detail: []string{"task API", "https://api.hiapi.ai/v1", "OpenAI-style"}},
	{name: "task base slash", in: Input{BaseURL: "https://api.hiapi.ai/"}, want: StatusPass},
	{name: "openai base", in: Input{BaseURL: "https://api.hiapi.ai/v1"}, want: StatusPass, detail: []string{"right for OpenAI-style clients", "/v1/v1/tasks"}},
	{name: "openai base slash", in: Input{BaseURL: "https://api.hiapi.ai/v1/"}, want: StatusPass},
	{name: "upper case", in: Input{BaseURL: "HTTPS://API.HIAPI.AI/v1"}, want: StatusPass},
	{name: "port 443", in: Input{BaseURL: "https://api.hiapi.ai:443/v1"}, want: StatusPass},
	{name: "trailing dot host", in: Input{BaseURL: "https://api.hiapi.ai./v1"}, want: StatusPass},
	{name: "no key needed", in: Input{BaseURL: "https://api.hiapi.ai"}, want: StatusPass},

	// Another provider.
	{name: "OpenAI", headline: "Your client is left at OpenAI's default base URL: it sends the key to OpenAI, not HiAPI.", in: Input{BaseURL: "https://api.openai.com/v1"}, want: StatusFail, detail: []string{"Sends the key to OpenAI (api.openai.com), not HiAPI", "Use https://api.hiapi.ai for the task API"}, fix: []string{"OPENAI_BASE_URL", "https://api.hiapi.ai/v1"}},
	{name: "Anthropic", headline: "Your client sends the key to Anthropic (api.anthropic.com), not HiAPI: Anthropic has never seen HiAPI keys.", in: Input{BaseURL: "https://api.anthropic.com"}, want: StatusFail, detail: []string{"Anthropic (api.anthropic.com)"}},
	{name: "Google", in: Input{BaseURL: "https://generativelanguage.googleapis.com/v1beta"}, want: StatusFail, detail: []string{"Google AI (Gemini)"}},
	{name: "OpenRouter", in: Input{BaseURL: "https://openrouter.ai/api/v1"}, want: StatusFail, detail: []string{"OpenRouter"}},
	{name: "Groq", in: Input{BaseURL: "https://api.groq.com/openai/v1"}, want: StatusFail, detail: []string{"Groq"}},
	{name: "xAI", in: Input{BaseURL: "https://api.x.ai/v1"}, want: StatusFail, detail: []string{"xAI"}},
	{name: "HF inference", in: Input{BaseURL: "https://api-inference.huggingface.co/models/x"}, want: StatusFail, detail: []string{"Hugging Face"}},
	{name: "HF router", in: Input{BaseURL: "https://router.huggingface.co/v1"}, want: StatusFail, detail: []string{"Hugging Face"}},
	{name: "Replicate", in: Input{BaseURL: "https://api.replicate.com/v1"}, want: StatusFail, detail: []string{"Replicate"}},
	{name: "Perplexity", in: Input{BaseURL: "https://api.perplexity.ai"}, want: StatusFail, detail: []string{"Perplexity"}},
	{name: "DeepSeek", in: Input{BaseURL: "https://api.deepseek.com"}, want: StatusFail, detail: []string{"DeepSeek"}},
	{name: "Mistral", in: Input{BaseURL: "https://api.mistral.ai/v1"}, want: StatusFail, detail: []string{"Mistral"}},
	{name: "Azure", in: Input{BaseURL: "https://myco.openai.azure.com/openai"}, want: StatusFail, detail: []string{"Azure OpenAI"}},

	// Typos and other HiAPI hosts.
	{name: "typo host, doubled path", in: Input{BaseURL: "https://api.hiap.ai/v1/v1"}, want: StatusFail, detail: []string{"did you mean", "repeats /v1"}},
	{name: "website with tasks path", in: Input{BaseURL: "https://hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"website", "task endpoint"}},
	{name: "typo hiap", headline: "is not HiAPI's API host: did you mean api.hiapi.ai?", in: Input{BaseURL: "https://api.hiap.ai/v1"}, want: StatusFail, detail: []string{"‘api.hiap.ai’ is not HiAPI's API host", "did you mean api.hiapi.ai?"}},
	{name: "typo com", in: Input{BaseURL: "https://api.hiapi.com"}, want: StatusFail, detail: []string{"‘api.hiapi.com’", "did you mean"}},
	{name: "typo dash", in: Input{BaseURL: "https://api-hiapi.ai"}, want: StatusFail, detail: []string{"did you mean"}},
	{name: "typo letters", in: Input{BaseURL: "https://api.haipi.ai"}, want: StatusFail, detail: []string{"did you mean"}},
	{name: "website", headline: "hiapi.ai is HiAPI's website, not its API: use api.hiapi.ai.", in: Input{BaseURL: "https://hiapi.ai"}, want: StatusFail, detail: []string{"website", "api.hiapi.ai"}},
	{name: "www", in: Input{BaseURL: "https://www.hiapi.ai/v1"}, want: StatusFail, detail: []string{"website"}},
	{name: "docs", in: Input{BaseURL: "https://docs.hiapi.ai"}, want: StatusFail, detail: []string{"documentation"}},
	{name: "other subdomain", in: Input{BaseURL: "https://app.hiapi.ai"}, want: StatusFail, detail: []string{"did you mean"}},
	{name: "wrong port", in: Input{BaseURL: "https://api.hiapi.ai:8443/v1"}, want: StatusFail, detail: []string{"Port :‘8443’"}},

	// Schemes.
	{name: "http", headline: "Your base URL uses http://: the key would travel unencrypted.", in: Input{BaseURL: "http://api.hiapi.ai/v1"}, want: StatusFail, detail: []string{"http://", "unencrypted", "redirects"}, fix: []string{"https://"}},
	{name: "no scheme", headline: "Your base URL has no https:// in front: most clients refuse it.", in: Input{BaseURL: "api.hiapi.ai/v1"}, want: StatusFail, detail: []string{"No scheme"}, fix: []string{"https://"}},
	{name: "no scheme bare", in: Input{BaseURL: "api.hiapi.ai"}, want: StatusFail, detail: []string{"No scheme"}},
	{name: "scheme-relative", in: Input{BaseURL: "//api.hiapi.ai"}, want: StatusFail, detail: []string{"No scheme"}},
	{name: "one slash", in: Input{BaseURL: "https:/api.hiapi.ai"}, want: StatusFail, detail: []string{"malformed"}},
	{name: "no colon", in: Input{BaseURL: "https//api.hiapi.ai"}, want: StatusFail, detail: []string{"malformed"}},
	{name: "typo scheme", in: Input{BaseURL: "htps://api.hiapi.ai"}, want: StatusFail, detail: []string{"‘htps://’"}},
	{name: "wss", in: Input{BaseURL: "wss://api.hiapi.ai"}, want: StatusFail, detail: []string{"‘wss://’"}},

	// Paths.
	{name: "doubled v1", headline: "Your base URL repeats /v1: the client adds it itself.", in: Input{BaseURL: "https://api.hiapi.ai/v1/v1"}, want: StatusFail, detail: []string{"repeats /v1"}},
	{name: "tasks endpoint", headline: "Your base URL ends in an endpoint, not the base: the client would add it twice.", in: Input{BaseURL: "https://api.hiapi.ai/v1/tasks"}, want: StatusFail, detail: []string{"task endpoint", "/v1/tasks/v1/tasks"}},
	{name: "tasks endpoint with id", in: Input{BaseURL: "https://api.hiapi.ai/v1/tasks/tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"}, want: StatusFail, detail: []string{"task endpoint"}},
	{name: "chat endpoint", in: Input{BaseURL: "https://api.hiapi.ai/v1/chat/completions"}, want: StatusFail, detail: []string{"Ends in an endpoint (‘/v1/chat/completions’)"}},
	{name: "images endpoint", in: Input{BaseURL: "https://api.hiapi.ai/v1/images/generations"}, want: StatusFail, detail: []string{"endpoint"}},
	{name: "other path", in: Input{BaseURL: "https://api.hiapi.ai/api/v1"}, want: StatusFail, detail: []string{"The path ‘/api/v1’ is not part"}},
	{name: "v2", in: Input{BaseURL: "https://api.hiapi.ai/v2"}, want: StatusFail, detail: []string{"‘/v2’"}},
	{name: "double slash", in: Input{BaseURL: "https://api.hiapi.ai//v1"}, want: StatusWarn, detail: []string{"double slash"}},
	{name: "query", in: Input{BaseURL: "https://api.hiapi.ai/v1?key=" + goodKey}, want: StatusFail, detail: []string{"query string"}},
	{name: "fragment", in: Input{BaseURL: "https://api.hiapi.ai/v1#x"}, want: StatusWarn, detail: []string{"fragment"}},
	{name: "userinfo", in: Input{BaseURL: "https://user:" + goodKey + "@api.hiapi.ai/v1"}, want: StatusFail, detail: []string{"credentials"}},
	{name: "key in path not shown", in: Input{Key: goodKey, BaseURL: "https://api.hiapi.ai/" + goodKey}, want: StatusFail, detail: []string{"The path … is not part"}},

	// Whitespace and wrappers.
	{name: "trailing newline", headline: "Your base URL has whitespace around it: clients send it as part of the URL or refuse it.", in: Input{BaseURL: "https://api.hiapi.ai/v1\n"}, want: StatusFail, detail: []string{"ends with a newline (⏎)"}, fix: []string{"tr -d '[:space:]'"}},
	{name: "trailing CRLF", in: Input{BaseURL: "https://api.hiapi.ai/v1\r\n"}, want: StatusFail, detail: []string{"Windows line ending"}},
	{name: "leading space", in: Input{BaseURL: " https://api.hiapi.ai/v1"}, want: StatusFail, detail: []string{"starts with a space"}},
	{name: "inner space", in: Input{BaseURL: "https://api.hiapi.ai/ v1"}, want: StatusFail, detail: []string{"inside the URL at position 22"}},
	{name: "quoted", in: Input{BaseURL: `"https://api.hiapi.ai/v1"`}, want: StatusFail, detail: []string{"wrapped in quotes"}},
	{name: "NAME=value", in: Input{BaseURL: "HIAPI_BASE_URL=https://api.hiapi.ai"}, want: StatusWarn, detail: []string{"NAME=value line for HIAPI_BASE_URL"}},
	{name: "a key instead", headline: "Your base URL is an API key, not a URL.", in: Input{Key: goodKey, BaseURL: goodKey}, want: StatusFail, detail: []string{"This is an API key, not a URL"}},
	{name: "another key instead", in: Input{BaseURL: "sk-ant-api03-" + randKey(70, 90)}, want: StatusFail, detail: []string{"API key, not a URL"}},

	// Proxies and others.
	{name: "localhost", in: Input{BaseURL: "http://localhost:8080/v1"}, want: StatusFail, detail: []string{"local address (localhost)", "proxy"}},
	{name: "localhost https", in: Input{BaseURL: "https://localhost:8080/v1"}, want: StatusWarn, detail: []string{"local address"}},
	{name: "127.0.0.1", in: Input{BaseURL: "https://127.0.0.1/v1"}, want: StatusWarn, detail: []string{"local address"}},
	{name: "private 10.", in: Input{BaseURL: "https://10.1.2.3/v1"}, want: StatusWarn, detail: []string{"local address"}},
	{name: "private 172.20", in: Input{BaseURL: "https://172.20.0.5/v1"}, want: StatusWarn, detail: []string{"local address"}},
	{name: "public 172.40", in: Input{BaseURL: "https://172.40.0.5/v1"}, want: StatusWarn, detail: []string{"not HiAPI: fine if this is your proxy"}},
	{name: "docker host", in: Input{BaseURL: "https://host.docker.internal/v1"}, want: StatusWarn, detail: []string{"local address"}},
	{name: "IPv6 unique local", in: Input{BaseURL: "https://[fd00::1]/v1"}, want: StatusWarn, detail: []string{"local address ([fd00::1])"}},
	{name: "IPv6 link-local", in: Input{BaseURL: "https://[fe80::1]:8080/v1"}, want: StatusWarn, detail: []string{"local address ([fe80::1])"}},
	{name: "IPv6 loopback", in: Input{BaseURL: "https://[::1]:8080/v1"}, want: StatusWarn, detail: []string{"local address ([::1])"}},
	{name: "link-local metadata", in: Input{BaseURL: "http://169.254.169.254/v1"}, want: StatusFail, detail: []string{"local address (169.254.169.254)"}},
	{name: "CGNAT", in: Input{BaseURL: "https://100.64.0.1/v1"}, want: StatusWarn, detail: []string{"local address (100.64.0.1)"}},
	{name: "unspecified", in: Input{BaseURL: "https://0.0.0.0:8080/v1"}, want: StatusWarn, detail: []string{"local address (0.0.0.0)"}},
	{name: "public IPv6", in: Input{BaseURL: "https://[2606:4700:4700::1111]/v1"}, want: StatusWarn, detail: []string{"[2606:4700:4700::1111] is not HiAPI: fine if this is your proxy"}},
	{name: "public next to CGNAT", in: Input{BaseURL: "https://100.128.0.1/v1"}, want: StatusWarn, detail: []string{"100.128.0.1 is not HiAPI"}},
	{name: "a name that starts like a private address", in: Input{BaseURL: "https://10.example.com/v1"}, want: StatusWarn, detail: []string{"10.example.com is not HiAPI"}},
	{name: "gateway", headline: "Your client sends the key to ", in: Input{BaseURL: "https://gateway.example.com/hiapi"}, want: StatusWarn, detail: []string{"gateway.example.com is not HiAPI", "proxy"}},
	{name: "gateway with query", in: Input{BaseURL: "https://gateway.example.com/hiapi?x=1"}, want: StatusWarn, detail: []string{"query string"}},
	{name: "no host", in: Input{BaseURL: "https:///v1"}, want: StatusFail, detail: []string{"no host"}},
	{name: "a host made of the key, lower-cased", in: Input{Key: goodKey, BaseURL: "https://" + lowerPiece + ".example.com/v1"}, want: StatusWarn, detail: []string{"this host is not HiAPI"}, not: []string{lowerPiece}},
	{name: "a scheme made of the key, lower-cased", in: Input{Key: goodKey, BaseURL: lowerPiece[:8] + "://api.hiapi.ai/v1"}, want: StatusFail, detail: []string{"Uses an unknown scheme"}, not: []string{lowerPiece[:8]}},
}

var _ = register(StepBaseURL, &baseURLCases)

func TestBaseURL(t *testing.T) { runTable(t, StepBaseURL, baseURLCases) }

func TestSplitURL(t *testing.T) {
	u := splitURL("https://u:p@API.hiapi.ai.:8443/v1/x?y=1#z")
	if !u.hasScheme || u.scheme != "https" || !u.userinfo || u.host != "api.hiapi.ai" || u.port != "8443" || u.path != "/v1/x" || !u.query || !u.fragment {
		t.Errorf("splitURL = %+v", u)
	}
	u = splitURL("[::1]:80")
	if u.host != "[::1]" || u.port != "80" {
		t.Errorf("splitURL ipv6 = %+v", u)
	}
}

func TestIsLocalHost(t *testing.T) {
	for h, want := range map[string]bool{
		"localhost": true, "api.localhost": true, "printer.local": true, "db.internal": true, "host.docker.internal": true,
		"127.0.0.1": true, "127.1.2.3": true, "10.1.2.3": true, "172.16.0.1": true, "172.31.255.255": true, "192.168.1.1": true,
		"169.254.169.254": true, "100.64.0.1": true, "100.127.255.255": true, "0.0.0.0": true,
		"::1": true, "[::1]": true, "fd00::1": true, "[fd00::1]": true, "fc00::5": true, "fe80::1": true, "[fe80::1]": true,
		"fe80::1%eth0": true, "::": true, "::ffff:10.0.0.1": true, "[::ffff:127.0.0.1]": true,
		"172.15.0.1": false, "172.32.0.1": false, "100.63.255.255": false, "100.128.0.1": false, "8.8.8.8": false,
		"2606:4700:4700::1111": false, "[2001:db8::1]": false, "api.hiapi.ai": false, "10.example.com": false, "127.0.0.1.nip.io": false, "": false,
	} {
		if got := isLocalHost(h); got != want {
			t.Errorf("isLocalHost(%q) = %v, want %v", h, got, want)
		}
	}
}
