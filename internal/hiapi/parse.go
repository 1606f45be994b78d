package hiapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/keycheck/keycheck/checks"
)

// errorFields are the fields an error carries at the top level of a body
// and inside its "error" object alike. They are raw because sources
// disagree on their types (a code may be 400 or "400").
type errorFields struct {
	Code      json.RawMessage `json:"code"`
	Type      json.RawMessage `json:"type"`
	Message   json.RawMessage `json:"message"`
	RequestID json.RawMessage `json:"request_id"`
}

// envelope holds every top-level field of every body shape the client reads:
// HiAPI's flat {"code","message","data","error_code"}, the nested
// {"error":{...}} seen live, and other providers' errors.
type envelope struct {
	errorFields
	Msg        json.RawMessage `json:"msg"`
	Data       json.RawMessage `json:"data"`
	ErrorCode  json.RawMessage `json:"error_code"`
	Error      json.RawMessage `json:"error"`
	RequestID2 json.RawMessage `json:"requestId"`
	// Detail is a FastAPI-style {"detail": "…"} or {"detail": [{"msg"}]}
	// (Mistral's validation errors).
	Detail json.RawMessage `json:"detail"`
}

// nested is the "error" object: HiAPI's and OpenAI's {code, type, message,
// request_id}, Anthropic's {type, message}, Google's {code: 400, status,
// details: [{reason}, {requestId}]}, OpenRouter's {code: 401, message}.
type nested struct {
	errorFields
	Status  json.RawMessage `json:"status"`
	Details []struct {
		Reason    json.RawMessage `json:"reason"`
		RequestID json.RawMessage `json:"requestId"` // google.rpc.RequestInfo
	} `json:"details"`
}

// requestIDHeaders are the headers a request id may come in when the body
// has none, most specific first.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Hiapi-Request-Id", "X-Trace-Id"}

const maxMessage = 300 // runes of a provider's message kept

// parseEnvelope decodes body as a JSON object. ok is false for anything
// else (HTML, text, an array, an empty body).
func parseEnvelope(body []byte) (env envelope, ok bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return env, false
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return env, false
	}
	return env, true
}

// ParseError reads an answer's status, headers and body into an Error. It
// returns nil when the answer is a success: a 2xx whose body is JSON and has
// neither an "error" object nor a flat "code" outside 2xx. It never panics,
// whatever the body. It masks no key: the client's calls, which know the
// key they sent, mask every piece of it.
func ParseError(status int, header http.Header, body []byte) *Error {
	return parseError(status, header, body, time.Now(), requestIDHeaders, nil)
}

// parseError is ParseError with the clock that reads an HTTP-date
// Retry-After and the headers a request id may come in, masking the pieces
// of the key sec finds.
func parseError(status int, header http.Header, body []byte, now time.Time, ridHeaders []string, sec *checks.Secret) *Error {
	e := &Error{Kind: checks.AnswerHTTP, HTTPStatus: status}
	e.RetryAfter, _ = parseRetryAfter(header.Get("Retry-After"), now)
	ok2xx := is2xx(status)
	if env, isJSON := parseEnvelope(body); !isJSON {
		e.readNotJSON(bytes.TrimSpace(body), header, ok2xx, sec)
	} else if !e.readJSON(env, ok2xx, sec) {
		return nil
	}
	if e.RequestID == "" {
		e.RequestID = headerRequestID(header, ridHeaders, sec)
	}
	return e
}

func is2xx(status int) bool { return status >= 200 && status < 300 }

// readNotJSON describes a body that is not a JSON object: an error status
// with no body, a page (a proxy's or a firewall's), or a success that makes
// no sense.
func (e *Error) readNotJSON(body []byte, header http.Header, ok2xx bool, sec *checks.Secret) {
	switch {
	case len(body) == 0 && !ok2xx:
		e.Message = describeEmpty(e.HTTPStatus, header, sec)
	case looksHTML(body, header) || !ok2xx:
		e.Kind = checks.AnswerNotJSON
		e.Message = snippet(body, sec)
		if ct := header.Get("Content-Type"); ct != "" && e.Message == "" {
			e.Message = clean(sec, ct, 60)
		}
	default:
		e.Kind = checks.AnswerGarbled
		e.Message = "the body is not a JSON object"
	}
}

// readJSON reads the error out of a JSON body, and reports false when the
// body is a success: a 2xx with neither an "error" object nor a flat
// "code" outside 2xx.
func (e *Error) readJSON(env envelope, ok2xx bool, sec *checks.Secret) bool {
	n, hasNested := parseNested(env.Error)
	bodyCode, hasBodyCode := intOf(env.Code)
	if ok2xx && !hasNested && (!hasBodyCode || is2xx(bodyCode)) {
		return false
	}
	if ok2xx && hasBodyCode && !is2xx(bodyCode) {
		e.BodyCode = bodyCode
	}
	// Nested first: it is what HiAPI sends for auth errors.
	if hasNested {
		e.readNested(n, env.Error)
	}
	e.Code = clean(sec, cmp.Or(e.Code, scalar(env.ErrorCode), flatCode(env.Code)), 80)
	if t := scalar(env.Type); e.Type == "" && t != "error" { // Anthropic's top-level "type":"error" says nothing
		e.Type = t
	}
	e.Type = clean(sec, e.Type, 80)
	e.Message = clean(sec, cmp.Or(e.Message, scalar(env.Message), scalar(env.Msg), detail(env.Detail)), maxMessage)
	e.RequestID = clean(sec, cmp.Or(e.RequestID, scalar(env.RequestID), scalar(env.RequestID2)), 120)
	return true
}

// readNested reads the "error" member n, raw as sent.
func (e *Error) readNested(n nested, raw json.RawMessage) {
	e.Code = scalar(n.Code)
	if _, numeric := intOf(n.Code); numeric {
		e.Code = "" // Google's nested code is the HTTP status again
	}
	if e.Code == "" {
		for _, d := range n.Details {
			if r := scalar(d.Reason); r != "" {
				e.Code = r
				break
			}
		}
	}
	e.Type = cmp.Or(scalar(n.Type), scalar(n.Status))
	e.Message = scalar(n.Message)
	e.RequestID = scalar(n.RequestID)
	for _, d := range n.Details {
		e.RequestID = cmp.Or(e.RequestID, scalar(d.RequestID))
	}
	if e.Message == "" && n.Code == nil && n.Type == nil {
		e.Message = scalar(raw) // {"error": "Unauthorized"}
	}
}

// flatCode is a top-level "code" that names the error (Mistral's
// {"message","type","code"}); a number is the status again, not a name.
func flatCode(raw json.RawMessage) string {
	if _, numeric := intOf(raw); numeric {
		return ""
	}
	return scalar(raw)
}

// detail reads {"detail": "…"} or the first message of {"detail": [{"msg":
// "…"}]}.
func detail(raw json.RawMessage) string {
	if s := scalar(raw); s != "" {
		return s
	}
	var items []struct {
		Msg json.RawMessage `json:"msg"`
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return ""
	}
	for _, it := range items {
		if m := scalar(it.Msg); m != "" {
			return m
		}
	}
	return ""
}

// parseNested reads the "error" member: an object with at least one field
// set, or a bare string.
func parseNested(raw json.RawMessage) (nested, bool) {
	var n nested
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return n, false
	}
	if raw[0] == '"' {
		return n, scalar(raw) != ""
	}
	if raw[0] != '{' || json.Unmarshal(raw, &n) != nil {
		return n, false
	}
	set := scalar(n.Code) != "" || scalar(n.Type) != "" || scalar(n.Message) != "" || scalar(n.Status) != ""
	return n, set
}

func describeEmpty(status int, header http.Header, sec *checks.Secret) string {
	if status >= 300 && status < 400 {
		if loc := header.Get("Location"); loc != "" {
			return "redirected to " + clean(sec, loc, 200)
		}
	}
	return ""
}

// scalar returns a JSON string's text, or a number's or boolean's literal;
// "" for null, objects, arrays and anything unparsable.
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	case c == '-' || c >= '0' && c <= '9' || string(raw) == "true" || string(raw) == "false":
		if !json.Valid(raw) {
			return ""
		}
		return string(raw)
	}
	return ""
}

// intOf reads a JSON number or a numeric string as an int.
func intOf(raw json.RawMessage) (int, bool) {
	s := scalar(raw)
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e9 || f < -1e9 {
		return 0, false
	}
	return int(f), true
}

func headerRequestID(h http.Header, names []string, sec *checks.Secret) string {
	for _, k := range names {
		if v := h.Get(k); v != "" {
			return clean(sec, v, 120)
		}
	}
	return ""
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 86400 {
			n = 86400
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d.Round(time.Second), true
	}
	return 0, false
}

func looksHTML(body []byte, h http.Header) bool {
	if strings.Contains(strings.ToLower(h.Get("Content-Type")), "html") {
		return true
	}
	head := strings.ToLower(string(body[:min(len(body), 512)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.Contains(head, "<html") || strings.Contains(head, "<title")
}

var (
	titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	h1RE    = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// snippet returns a short, safe description of a body that is not JSON: the
// page's title or first heading, else its first words.
func snippet(body []byte, sec *checks.Secret) string {
	body = body[:min(len(body), 64<<10)]
	for _, re := range []*regexp.Regexp{titleRE, h1RE} {
		if m := re.FindSubmatch(body); m != nil {
			if s := clean(sec, html.UnescapeString(tagRE.ReplaceAllString(string(m[1]), " ")), 80); s != "" {
				return s
			}
		}
	}
	text := tagRE.ReplaceAllString(string(body[:min(len(body), 4096)]), " ")
	return clean(sec, html.UnescapeString(text), 80)
}

// Clean makes text a provider sent safe to show and store, as every call's
// answer is: on one line, every piece of the key sec finds masked, at most
// max runes. internal/probe cleans the facts a probe reveals with it.
func Clean(sec *checks.Secret, s string, max int) string { return clean(sec, s, max) }

// clean makes provider text safe to show and store, on one line: invalid
// UTF-8 and control characters dropped, runs of whitespace collapsed, every
// piece of the key sec finds masked (nil masks nothing), and at most max
// runes. The key is masked after the text is squashed, so a key split by a
// control character is whole again, and before it is cut short, so a piece
// is found whole wherever the cut falls.
func clean(sec *checks.Secret, s string, max int) string {
	out, _ := mask(sec, s, max)
	return out
}

// mask is clean, also saying whether a piece of the key was masked.
func mask(sec *checks.Secret, s string, max int) (string, bool) {
	// Text past twice the length kept cannot reach the part kept.
	full := squash(s, 2*max+checks.Window)
	masked := sec.Redact(full)
	return squash(masked, max), masked != full
}

// squash drops invalid UTF-8 and control characters, collapses runs of
// whitespace and keeps at most max runes, marking a cut with "…".
func squash(s string, max int) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range strings.ToValidUTF8(s, "") {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if n >= max {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// validTaskID accepts what can safely be shown and put in a URL path: HiAPI
// documents "tk-hiapi-" plus 26 characters, but any short printable id is
// taken, since sources disagree on details.
func validTaskID(id string) bool {
	if id == "" || len(id) > 128 || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f || r > 0x7e {
			return false
		}
	}
	return true
}
