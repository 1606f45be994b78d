package checks

import (
	"net/netip"
	"strings"
)

// hiapiHost is the host of HiAPIOrigin, which the base URL and header
// steps compare hosts with: one name for HiAPI's address.
var hiapiHost = strings.TrimPrefix(HiAPIOrigin, "https://")

const (
	// whichBase says which base URL each kind of client needs.
	whichBase = "Use https://api.hiapi.ai for the task API (your code calls /v1/tasks on it) and https://api.hiapi.ai/v1 for OpenAI-style clients (they add /chat/completions or /images/generations)."
	fixBase   = "Set the base URL your client uses (e.g. `HIAPI_BASE_URL`, `OPENAI_BASE_URL`, `base_url=` in Python, `baseURL` in JS) to https://api.hiapi.ai/v1 for an OpenAI-style client, or https://api.hiapi.ai for the task API."
)

// providerHosts are other providers' API hosts, by name.
var providerHosts = map[string]string{
	"api.openai.com":                    "OpenAI",
	"api.anthropic.com":                 "Anthropic",
	"generativelanguage.googleapis.com": "Google AI (Gemini)",
	"aiplatform.googleapis.com":         "Google Vertex AI",
	"openrouter.ai":                     "OpenRouter",
	"api.groq.com":                      "Groq",
	"api.x.ai":                          "xAI",
	"api-inference.huggingface.co":      "Hugging Face",
	"router.huggingface.co":             "Hugging Face",
	"api.replicate.com":                 "Replicate",
	"api.perplexity.ai":                 "Perplexity",
	"api.deepseek.com":                  "DeepSeek",
	"api.mistral.ai":                    "Mistral",
	"api.together.xyz":                  "Together AI",
	"api.fireworks.ai":                  "Fireworks AI",
	"api.cohere.ai":                     "Cohere",
	"api.cohere.com":                    "Cohere",
	"api.cerebras.ai":                   "Cerebras",
}

// hostProvider names the provider that owns host, if keycheck knows it.
func hostProvider(host string) string {
	if p, ok := providerHosts[host]; ok {
		return p
	}
	switch {
	case strings.HasSuffix(host, ".openai.azure.com"):
		return "Azure OpenAI"
	case strings.HasSuffix(host, "-aiplatform.googleapis.com"):
		return "Google Vertex AI"
	}
	return ""
}

// urlParts is a URL split by hand: net/url rejects the very mistakes
// (spaces, control characters) this step exists to explain.
type urlParts struct {
	scheme    string
	hasScheme bool
	userinfo  bool
	host      string // lower case, without a trailing dot
	port      string
	path      string
	query     bool
	fragment  bool
}

func splitURL(s string) urlParts {
	var u urlParts
	if i := strings.Index(s, "://"); i > 0 && i <= 10 {
		u.scheme, u.hasScheme = strings.ToLower(s[:i]), true
		s = s[i+3:]
	} else {
		s = strings.TrimPrefix(s, "//")
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		u.fragment = true
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		u.query = true
		s = s[:i]
	}
	auth := s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		auth, u.path = s[:i], s[i:]
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		u.userinfo = true
		auth = auth[i+1:]
	}
	if i := strings.LastIndexByte(auth, ':'); i >= 0 && !strings.HasSuffix(auth, "]") {
		auth, u.port = auth[:i], auth[i+1:]
	}
	u.host = strings.TrimSuffix(strings.ToLower(auth), ".")
	return u
}

// isLocalHost reports hosts that are not on the internet: local names
// (localhost, *.localhost, *.local, *.internal, Docker's host), and
// loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
// (169.254/16, fe80::/10), unspecified (0.0.0.0, ::) and carrier-grade NAT
// (100.64/10) addresses, IPv4 or IPv6.
func isLocalHost(h string) bool {
	h = strings.Trim(h, "[]")
	if h == "localhost" || h == "host.docker.internal" ||
		strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".local") || strings.HasSuffix(h, ".internal") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	cgnat := netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, 0, 0}), 10)
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || cgnat.Contains(ip)
}

func hostChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

func checkBaseURL(st *state) Result {
	raw := st.in.BaseURL
	lo, hi := trimHidden(raw, 0, len(raw))
	if lo == hi {
		return skip(askBaseURL[st.in.Surface], "")
	}
	var f findings
	u := unwrapURL(st, raw, lo, hi, &f)
	if looksLikeKey(u) {
		f.addHeadline(StatusFail, "Your base URL is an API key, not a URL.", "This is an API key, not a URL. "+st.whichBase(),
			capitalise(st.give("the base URL ("+st.bases(" or ")+") instead", inputBaseURL))+", and the key in "+st.field(inputKey)+".")
		return f.result("")
	}
	p, hostShown := judgeScheme(st, u, &f)
	if p.userinfo {
		f.addHeadline(StatusFail, "Your base URL carries credentials before the host: a key in a URL ends up in logs.", "The URL carries credentials (user:password@ before the host). Never put a key in a URL: it ends up in logs. HiAPI reads the key only from the Authorization header.", "Remove the part before @, and rotate the key if it was a real one.")
	}
	// Only a host that means HiAPI's API can pass, so base is read only
	// then.
	if st.other {
		return baseURLAt(st, p, hostShown, &f)
	}
	meant := judgeHost(st, p, hostShown, &f)
	base := ""
	if meant {
		base = judgePath(st, p.path, &f)
	}
	judgeTail(p, meant, "the Authorization header", &f)
	if len(f.list) == 0 {
		if base == "/v1" {
			return Result{Status: StatusPass, Detail: "https://api.hiapi.ai/v1 is right for OpenAI-style clients: they add /chat/completions or /images/generations. If your code calls the task API itself, use https://api.hiapi.ai instead: with /v1 here, /v1/tasks becomes /v1/v1/tasks."}
		}
		return Result{Status: StatusPass, Detail: "https://api.hiapi.ai is HiAPI's base for the task API (POST /v1/tasks). OpenAI-style clients need https://api.hiapi.ai/v1 instead: they add /chat/completions or /images/generations to it."}
	}
	r := f.result("")
	r.Detail += " " + whichBase
	return r
}

// unwrapURL returns the URL in raw[lo:hi], reporting what was around it
// (blanks at the ends, a NAME= assignment, quotes) and blanks inside it.
func unwrapURL(st *state, raw string, lo, hi int, f *findings) string {
	u := raw[lo:hi]
	if lo > 0 || hi < len(raw) {
		var parts []string
		if lo > 0 {
			parts = append(parts, "starts with "+describeRun(raw[:lo], runeCount(raw[:lo])))
		}
		if hi < len(raw) {
			parts = append(parts, "ends with "+describeRun(raw[hi:], runeCount(raw[hi:])))
		}
		f.addHeadline(StatusFail, "Your base URL has whitespace around it: clients send it as part of the URL or refuse it.",
			"The base URL "+strings.Join(parts, " and ")+": clients send it as part of the URL or refuse it.",
			"Trim it where it is set: `HIAPI_BASE_URL=\"$(printf '%s' \"$HIAPI_BASE_URL\" | tr -d '[:space:]')\"`, or `.strip()` / `.trim()` in code.")
	}
	if w, rest, ok := assignPrefix(u); ok {
		name := "a variable"
		if st.safe(w.text) {
			name = w.text
		}
		f.add(StatusWarn, "This is a NAME=value line for "+name+"; only the URL after = was checked.", "Give the client only the URL.")
		u = u[rest:]
	}
	if len(u) >= 2 && isQuote(rune(u[0])) && u[len(u)-1] == u[0] {
		f.addHeadline(StatusFail, "Your base URL is wrapped in quotes, which become part of it.", "The base URL is wrapped in quotes, which become part of it.", "Remove the quotes around the URL.")
		u = u[1 : len(u)-1]
	}
	if i := strings.IndexFunc(u, hidden); i >= 0 {
		f.addHeadline(StatusFail, "Your base URL has a blank inside it: it was split or pasted with extra text.", "A blank or invisible character inside the URL at position "+itoa(runeCount(raw[:lo])+runeCount(u[:i])+1)+": the URL was split or pasted with extra text.", "Paste the URL as one piece, without spaces.")
	}
	return u
}

// judgeScheme splits u and reports a scheme that is not https://; a
// malformed one (https:/, https//) is read past, so the host is still
// judged. hostShown is the host when it is safe to show.
func judgeScheme(st *state, u string, f *findings) (p urlParts, hostShown string) {
	p = splitURL(u)
	hostShown = shownHost(st, p.host, "this host")
	lower := strings.ToLower(u)
	switch {
	case !p.hasScheme && (strings.HasPrefix(lower, "https:/") || strings.HasPrefix(lower, "http:/") || strings.HasPrefix(lower, "https//")):
		f.addHeadline(StatusFail, "Your base URL's scheme is malformed: it needs exactly https://.", "The scheme is malformed (it needs exactly ‘https://’).", "Write it as "+st.bases(" (or ")+".")
		p = splitURL(strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(lower, "https"), "http"), ":/"))
		hostShown = shownHost(st, p.host, hostShown)
	case !p.hasScheme:
		f.addHeadline(StatusFail, "Your base URL has no https:// in front: most clients refuse it.", "No scheme: the URL does not start with https://, so most clients refuse it or read it as a path.", "Write https:// in front: "+st.bases(" (or ")+".")
	case p.scheme == "http":
		f.addHeadline(StatusFail, "Your base URL uses http://: the key would travel unencrypted.", "Uses http://: the key would travel unencrypted, and when the server redirects to https many clients drop the Authorization header or turn the POST into a GET.", "Use https://: "+st.bases(" (or ")+".")
	case p.scheme != "https":
		sc := "an unknown scheme"
		if len(p.scheme) <= 8 && st.safe(p.scheme) {
			sc = "‘" + Visible(p.scheme) + "://’"
		}
		f.addHeadline(StatusFail, "Your base URL does not use https://.", "Uses "+sc+", not https://.", "Use "+st.bases(" (or ")+".")
	}
	return p, hostShown
}

// shownHost is host when it is short, plain and safe to show, else
// fallback: the one rule for showing a host, in the base URL step and in
// the header step's note on a curl command's URL.
func shownHost(st *state, host, fallback string) string {
	if host != "" && len(host) <= 100 && hostChars(host) && st.safe(host) {
		return host
	}
	return fallback
}

// judgeHost reports a host that is not HiAPI's API: another provider's,
// HiAPI's website or docs, a typo, a local proxy or another. It returns
// whether HiAPI's API was meant (its host or a typo of it), so the path is
// judged as HiAPI's too.
func judgeHost(st *state, p urlParts, hostShown string, f *findings) (meant bool) {
	switch {
	case p.host == hiapiHost:
		if p.port != "" && p.port != "443" {
			f.addHeadline(StatusFail, "Your base URL adds a port to api.hiapi.ai: HiAPI answers on the standard one.", "Port :"+shortText(st, p.port, 6)+" on api.hiapi.ai: HiAPI answers on the standard https port.", "Drop the port: https://api.hiapi.ai/v1.")
		}
		return true
	case p.host == "":
		f.addHeadline(StatusFail, "Your base URL has no host.", "There is no host in the URL.", fixBase)
	case hostProvider(p.host) != "":
		name := hostProvider(p.host)
		h := "Your client sends the key to " + name + " (" + hostShown + "), not HiAPI: " + name + " has never seen HiAPI keys."
		if p.host == "api.openai.com" {
			h = "Your client is left at OpenAI's default base URL: it sends the key to OpenAI, not HiAPI."
		}
		f.addHeadline(StatusFail, h, "Sends the key to "+name+" ("+hostShown+"), not HiAPI: "+name+" has never seen HiAPI keys, so it always answers that the key is invalid.", fixBase)
	case p.host == "hiapi.ai" || p.host == "www.hiapi.ai":
		f.addHeadline(StatusFail, hostShown+" is HiAPI's website, not its API: use api.hiapi.ai.", hostShown+" is HiAPI's website, not its API: the API is at api.hiapi.ai.", fixBase)
		return true
	case p.host == "docs.hiapi.ai":
		f.addHeadline(StatusFail, "docs.hiapi.ai is HiAPI's documentation site, not its API: use api.hiapi.ai.", "docs.hiapi.ai is HiAPI's documentation site, not its API: the API is at api.hiapi.ai.", fixBase)
	case strings.Contains(p.host, "hiapi") || strings.Contains(p.host, "hi-api") || levenshteinFold(p.host, hiapiHost) <= 3:
		f.addHeadline(StatusFail, "‘"+hostShown+"’ is not HiAPI's API host: did you mean api.hiapi.ai?", "‘"+hostShown+"’ is not HiAPI's API host: did you mean api.hiapi.ai?", fixBase)
		return true
	case isLocalHost(p.host):
		f.addHeadline(StatusWarn, "Your client sends the key to a local address, not HiAPI: fine if that is your proxy.", "Sends the key to a local address ("+hostShown+"), not HiAPI: fine if that is your proxy, as long as it passes the Authorization header on to https://api.hiapi.ai.", "If there is no proxy there, use https://api.hiapi.ai/v1 (OpenAI-style clients) or https://api.hiapi.ai (task API).")
	default:
		f.addHeadline(StatusWarn, "Your client sends the key to "+hostShown+", not HiAPI: fine if that is your proxy.", hostShown+" is not HiAPI: fine if this is your proxy or gateway, as long as it passes the Authorization header on to https://api.hiapi.ai.", "If it is not a proxy, set the base URL to https://api.hiapi.ai/v1 (OpenAI-style clients) or https://api.hiapi.ai (task API).")
	}
	return false
}

// judgeTail reports a query string (a failure on the provider's own host,
// where it would land in its requests) and a fragment. header is where the
// key goes instead.
func judgeTail(p urlParts, meant bool, header string, f *findings) {
	if p.query {
		qs := StatusWarn
		if meant {
			qs = StatusFail
		}
		f.addHeadline(qs, "Your base URL has a query string, which lands in the wrong place.", "The URL has a query string (?…): clients add their paths after the base, so it lands in the wrong place, and a key in a URL ends up in logs.", "Remove everything from the ?; the key goes in "+header+".")
	}
	if p.fragment {
		f.add(StatusWarn, "The URL has a fragment (#…), which clients drop or mangle.", "Remove everything from the #.")
	}
}

// judgePath reports a path HiAPI's base URL does not have (only "" and /v1
// are right) and returns it in lower case, without trailing or doubled
// slashes.
func judgePath(st *state, path string, f *findings) string {
	lower := strings.ToLower(path)
	base := strings.TrimRight(lower, "/")
	if strings.Contains(base, "//") || strings.HasSuffix(lower, "//") {
		f.add(StatusWarn, "The path has a double slash (//): some servers treat it as a different path.", "Remove the extra slash.")
	}
	for strings.Contains(base, "//") {
		base = strings.ReplaceAll(base, "//", "/")
	}
	switch {
	case base == "" || base == "/v1":
	case strings.Contains(base, "/v1/v1"):
		f.addHeadline(StatusFail, "Your base URL repeats /v1: the client adds it itself.", "The path repeats /v1 (/v1/v1): the client adds /v1 itself.", fixBase)
	case strings.HasPrefix(base, "/v1/tasks") || strings.HasPrefix(base, "/tasks"):
		f.addHeadline(StatusFail, "Your base URL ends in an endpoint, not the base: the client would add it twice.", "Ends in the task endpoint (/v1/tasks), not the base: the client adds that path itself, so requests would go to /v1/tasks/v1/tasks.", fixBase)
	case strings.HasPrefix(base, "/v1/chat") || strings.HasPrefix(base, "/v1/images") || strings.HasPrefix(base, "/v1/models") ||
		strings.HasPrefix(base, "/v1/responses") || strings.HasPrefix(base, "/v1/embeddings") || strings.HasPrefix(base, "/v1/completions"):
		f.addHeadline(StatusFail, "Your base URL ends in an endpoint, not the base: the client would add it twice.", "Ends in an endpoint ("+shortText(st, path, 40)+"), not the base: the client adds that path itself, so it would be doubled.", fixBase)
	default:
		f.addHeadline(StatusFail, "Your base URL has a path HiAPI's does not: the only one is /v1.", "The path "+shortText(st, path, 40)+" is not part of HiAPI's base URL: the only path it has is /v1, for OpenAI-style clients.", fixBase)
	}
	return base
}

// shortText shows a short piece of input when it is safe to, else a
// stand-in.
func shortText(st *state, s string, max int) string {
	if runeCount(s) > max || !st.safe(s) {
		return "…"
	}
	return "‘" + Visible(s) + "’"
}

// looksLikeKey reports a key pasted where a URL belongs.
func looksLikeKey(s string) bool {
	if strings.ContainsAny(s, "./:") {
		return false
	}
	if _, ok, _ := identify(s); ok {
		return true
	}
	return hiapiKeyPrefix(s) != "" && len(s) >= 20
}
