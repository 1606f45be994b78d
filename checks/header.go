package checks

import "strings"

// Fix copy for the header step.
const (
	fixBearer = "Send exactly `Authorization: Bearer <key>`: the word Bearer, one space, then the key.\n" +
		"curl: `-H \"Authorization: Bearer $HIAPI_API_KEY\"`; Python: `headers={\"Authorization\": f\"Bearer {key}\"}`; JS: `headers: { Authorization: \"Bearer \" + key }`."
	fixSingleQuotes = "Use double quotes so the shell expands the variable: `-H \"Authorization: Bearer $HIAPI_API_KEY\"`. Inside single quotes the shell sends the name itself, dollar sign and all."
	fixHeaderName   = "HiAPI reads the key only from the Authorization header: `-H \"Authorization: Bearer $HIAPI_API_KEY\"`."
	fixNoHeader     = "Add the header: `curl https://api.hiapi.ai/v1/tasks -H \"Authorization: Bearer $HIAPI_API_KEY\" -H \"Content-Type: application/json\" …`."
	fixBroken       = "Make `\\` the very last character of each continued line (no space after it), and save the script with Unix line endings (`dos2unix script.sh`)."
	fixTwoHeaders   = "Send the Authorization header once; remove the other -H."
	fixHeaderKey    = "The header is built from another key than the one you pasted: check which variable your code reads and what it holds; `" + HashCommand + "` prints the hash to compare."
	fixHeaderEnd    = "The variable holding the key has whitespace at the end: strip it before building the header (`key.strip()`, `key.trim()`, `strings.TrimSpace(key)`), and convert files with CR LF endings (`dos2unix .env`)."
	fixTemplateText = "If this is what the server received, the template was never filled in: a Python f-string lost its f, or a JS string used quotes instead of backticks. Check with a request to a echo service or by logging the header's length."
)

// headerLine is the Authorization (or similar) header found in the input.
type headerLine struct {
	name  string // "" when only a value was pasted
	value string
	line  int
	// From a shell command: whether a '$' was sent literally (single
	// quotes) or expanded by the shell.
	curl           bool
	literalDollar  bool
	expandedDollar bool
	// code: taken from source code, e.g. {"Authorization": f"Bearer {key}"}.
	code     bool
	template bool
}

// keyHeaderNames are the header names people put keys in. It is the one
// list for both readers: the header step takes the key from a header of any
// of these names (and says which ones HiAPI does not read), and the key
// field peels "Name: " off a key pasted with one of them in front. (Token
// is also a scheme: written bare before a colon it is read as one, see
// authSchemes; as a quoted name in code it is a header.)
var keyHeaderNames = [...]string{"authorization", "authorisation", "authentication", "proxy-authorization", "x-api-key", "api-key", "apikey", "x-goog-api-key", "x-auth-token", "auth", "token", "x-token", "key"}

func isKeyHeaderName(n string) bool {
	for _, a := range keyHeaderNames {
		if strings.EqualFold(n, a) {
			return true
		}
	}
	return false
}

// authSchemes are the schemes people write before a key in a header
// ("Bearer sk-…"). Before a colon they are a scheme written wrong
// ("Bearer: sk-…"), not a header name.
var authSchemes = [...]string{"bearer", "token", "basic"}

func isAuthScheme(s string) bool {
	for _, a := range authSchemes {
		if strings.EqualFold(s, a) {
			return true
		}
	}
	return false
}

// splitHeader splits "Name: value"; ok is false when the text is only a
// value (including the malformed "Bearer: sk-...").
func splitHeader(t string) (name, value string, ok bool) {
	c := strings.IndexByte(t, ':')
	if c <= 0 || c > 64 {
		return "", t, false
	}
	name = t[:c]
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == ' ') {
			return "", t, false
		}
	}
	if l := strings.TrimSpace(name); isAuthScheme(l) || strings.EqualFold(l, "http") || strings.EqualFold(l, "https") {
		return "", t, false
	}
	return name, t[c+1:], true
}

// codeHeader reads a header written as code: "Authorization": "Bearer …",
// 'Authorization': f'Bearer {key}', Authorization: `Bearer ${key}`,
func codeHeader(t string) (headerLine, bool) {
	for i := 0; i < len(t); i++ {
		if t[i] == '"' || t[i] == '\'' {
			if h, ok := codeHeaderAt(t[i:]); ok {
				return h, true
			}
		}
	}
	return headerLine{}, false
}

// codeHeaderAt reads a quoted header name and its value at the start of t.
func codeHeaderAt(t string) (headerLine, bool) {
	q := t[0]
	end := strings.IndexByte(t[1:], q)
	if end < 0 {
		return headerLine{}, false
	}
	name := t[1 : 1+end]
	rest := strings.TrimLeft(t[2+end:], " \t")
	if !strings.HasPrefix(rest, ":") || !isKeyHeaderName(name) {
		return headerLine{}, false
	}
	v := strings.TrimSpace(rest[1:])
	v = strings.TrimRight(v, ",;})] \t")
	h := headerLine{name: name, code: true}
	if len(v) >= 2 && (v[0] == 'f' || v[0] == 'F') && (v[1] == '"' || v[1] == '\'') {
		h.template = true
		v = v[1:]
	}
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'' || v[0] == '`') && v[len(v)-1] == v[0] {
		if v[0] == '`' {
			h.template = true
		}
		v = v[1 : len(v)-1]
	}
	h.value = v
	return h, true
}

func checkHeader(st *state) Result {
	raw := st.in.Header
	if lo, hi := trimHidden(raw, 0, len(raw)); lo == hi {
		return skip(askHeader[st.in.Surface], "")
	}
	var f findings
	var hs []headerLine
	note := ""
	if cmd, ok := isCurl(raw); ok {
		c := parseCurl(cmd)
		hs = curlHeaders(st, &c, &f)
		note = curlURLNote(st, c.url, c.headers)
	} else {
		hs = headerLines(st, raw, &f)
	}
	if len(hs) > 1 {
		lines := ""
		if hs[0].line > 0 {
			lines = " (lines " + itoa(hs[0].line) + " and " + itoa(hs[1].line) + ")"
		}
		f.addHeadline(StatusFail, "Your request sends the key header more than once: which one a server reads is undefined.",
			"Sends "+plural(len(hs), "key header", "key headers")+lines+": which one a server reads is undefined.", fixTwoHeaders)
	}
	if len(hs) > 0 {
		checkAuthHeader(st, &hs[len(hs)-1], &f)
	}
	r := f.result("")
	if note != "" {
		r.Detail += " " + note
	}
	return r
}

// curlHeaders returns the key headers a curl command sends (its -H options,
// or --oauth2-bearer), reporting -H options a broken line cuts off and a
// command that sends none.
func curlHeaders(st *state, c *curlCmd, f *findings) []headerLine {
	if c.brokenLine > 0 && len(c.dropped) > 0 {
		why := "a space after the backslash"
		if c.brokenCR {
			why = "a Windows line ending (CR LF) after the backslash"
		}
		opts := "the -H option after it never reaches curl"
		if len(c.dropped) > 1 {
			opts = "the " + itoa(len(c.dropped)) + " -H options after it never reach curl"
		}
		f.addHeadline(StatusFail, "Your curl command is cut short at line "+itoa(c.brokenLine)+": the options after it never reach curl.",
			"Line "+itoa(c.brokenLine)+" of the command ends with "+why+": the shell ends the command there, so "+opts+".", fixBroken)
	}
	var hs []headerLine
	for _, w := range c.headers {
		if name, value, ok := keyHeader(w.text); ok {
			hs = append(hs, headerLine{name: name, value: value, line: w.line, curl: true, literalDollar: w.literalDollar, expandedDollar: w.expandedDollar})
		}
	}
	if o := c.oauth2; o != nil && len(hs) == 0 {
		hs = append(hs, headerLine{name: "Authorization", value: " Bearer " + o.text, line: o.line, curl: true, literalDollar: o.literalDollar, expandedDollar: o.expandedDollar})
	}
	if len(hs) > 0 {
		return hs
	}
	if c.basic {
		f.addHeadline(StatusFail, "Your curl command uses Basic auth (-u), not an Authorization: Bearer header.", "The command authenticates with -u (Basic auth) and sends no Authorization: Bearer header; HiAPI wants Bearer.", st.cmd(fixNoHeader))
		return nil
	}
	d := "The curl command sends no Authorization header"
	if len(c.headers) > 0 {
		d += " (its " + plural(len(c.headers), "header is", "headers are") + " something else)"
	}
	for _, w := range c.dropped {
		if _, _, ok := keyHeader(w.text); ok {
			d += "; the one on line " + itoa(w.line) + " is cut off from the command"
			break
		}
	}
	f.addHeadline(StatusFail, "Your curl command sends no Authorization header.", d+".", st.cmd(fixNoHeader))
	return nil
}

// keyHeader splits a header that carries a key into its name and value.
func keyHeader(t string) (name, value string, ok bool) {
	name, value, ok = splitHeader(t)
	return name, value, ok && isKeyHeaderName(strings.TrimSpace(name))
}

// headerLines finds the key header in pasted header lines, or takes a lone
// line as the header value.
func headerLines(st *state, raw string, f *findings) []headerLine {
	s := raw
	// A final line break ends the paste; it is not part of the header. A
	// CR without it is kept: that is a CR in the header.
	if strings.HasSuffix(s, "\n") {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	}
	all := strings.Split(s, "\n")
	var hs []headerLine
	var others, lines int
	var lone headerLine
	for i, l := range all {
		if i < len(all)-1 {
			l = strings.TrimSuffix(l, "\r")
		}
		t := strings.TrimLeft(l, " \t")
		if strings.TrimSpace(t) == "" {
			continue
		}
		lines++
		if h, ok := codeHeader(t); ok {
			h.line = i + 1
			hs = append(hs, h)
			continue
		}
		if name, value, ok := splitHeader(t); ok {
			if isKeyHeaderName(strings.TrimSpace(name)) {
				hs = append(hs, headerLine{name: name, value: value, line: i + 1})
			} else {
				others++
			}
			continue
		}
		lone = headerLine{value: t, line: i + 1}
	}
	switch {
	case len(hs) > 0:
		if lines == 1 {
			hs[0].line = 0
		}
		return hs
	case lines == 1 && lone.value != "":
		lone.line = 0
		return []headerLine{lone}
	case others > 0:
		f.add(StatusFail, "None of the "+plural(lines, "pasted line", "pasted lines")+" is an Authorization header.", fixNoHeader)
	default:
		f.add(StatusFail, "Could not find a header in the "+plural(lines, "pasted line", "pasted lines")+": "+st.give("one `Authorization: Bearer …` line or the curl command", inputHeader)+".", fixBearer)
	}
	return nil
}

// curlURLNote mentions a curl command that calls something other than
// HiAPI; the base URL step is where URLs are judged.
func curlURLNote(st *state, url string, headers []shellWord) string {
	if url == "" || strings.Contains(url, "$") {
		return ""
	}
	p := splitURL(url)
	home := hiapiHost
	if st.other {
		home = strings.TrimPrefix(st.t.Origin, "https://")
	}
	if p.host == home && p.scheme == "https" {
		return ""
	}
	host := shownHost(st, p.host, "another host")
	if wordsSecret(headers).In(p.host) {
		host = "another host"
	}
	if p.host == home {
		scheme := p.scheme
		if len(scheme) > 8 || !st.safe(scheme) {
			scheme = "another scheme"
		}
		return "The command calls " + home + " over " + scheme + ", not https (see the base URL step)."
	}
	if name := hostProvider(p.host); name != "" {
		return "The command calls " + name + " (" + host + "), not " + home + ": see the base URL step."
	}
	return "The command calls " + host + ", not " + home + ": see the base URL step."
}

// wordsSecret finds the pieces of the command's header values, which may
// hold a key other than the one pasted as the key.
func wordsSecret(words []shellWord) *Secret {
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.text
	}
	return NewSecret(texts...)
}

// checkAuthHeader judges the key header: its name, the end of its value,
// its scheme, and what stands where the key belongs, which it compares
// with the pasted key.
func checkAuthHeader(st *state, h *headerLine, f *findings) {
	where := "The header"
	if h.line > 0 {
		where = "The header on line " + itoa(h.line)
	}
	if st.t.Auth != AuthBearer {
		keyHeaderAt(st, h, where, f)
		return
	}
	if h.name != "" {
		judgeHeaderName(st, h.name, where, f)
	}
	body := headerValue(st, h.value, where, f)
	if body == "" {
		return
	}
	if token := schemeToken(st, body, where, f); token != "" {
		judgeToken(st, h, token, where, f)
	}
}

// judgeHeaderName reports a header name other than Authorization, naming
// the provider whose header it is when keycheck knows.
func judgeHeaderName(st *state, raw, where string, f *findings) {
	name := strings.TrimSpace(raw)
	shown := "‘" + name + "’"
	if len(name) > 40 || !st.safe(name) {
		shown = "this header"
	}
	switch l := strings.ToLower(name); {
	case raw != name && strings.HasSuffix(raw, " "):
		f.addHeadline(StatusFail, "Your header has a space before its colon: servers must reject it.", where+" has a space before the colon (‘"+name+" :’): servers must reject that header.", st.cmd(fixBearer))
	case l == "authorization":
	case l == "authorisation":
		f.addHeadline(StatusFail, "Your header is spelt Authorisation: HTTP wants Authorization, with a z.", where+" is spelt Authorisation; the HTTP header is Authorization, with a z.", st.cmd(fixHeaderName))
	case l == "authentication":
		f.addHeadline(StatusFail, "Your header is called Authentication: the key goes in Authorization.", where+" is called Authentication; the key goes in Authorization.", st.cmd(fixHeaderName))
	case l == "x-api-key":
		f.addHeadline(StatusFail, "Your key goes in x-api-key, Anthropic's header: HiAPI reads only Authorization.", where+" is x-api-key, Anthropic's header; HiAPI reads Authorization: Bearer.", st.cmd(fixHeaderName))
	case l == "api-key":
		f.addHeadline(StatusFail, "Your key goes in api-key, Azure OpenAI's header: HiAPI reads only Authorization.", where+" is api-key, Azure OpenAI's header; HiAPI reads Authorization: Bearer.", st.cmd(fixHeaderName))
	case l == "x-goog-api-key":
		f.addHeadline(StatusFail, "Your key goes in x-goog-api-key, Google's header: HiAPI reads only Authorization.", where+" is x-goog-api-key, Google's header; HiAPI reads Authorization: Bearer.", st.cmd(fixHeaderName))
	default:
		f.addHeadline(StatusFail, "Your key goes in another header than Authorization: HiAPI reads only that one.", where+" is "+shown+"; HiAPI reads the key only from Authorization.", st.cmd(fixHeaderName))
	}
}

// headerValue returns the header's value without the blanks around it,
// reporting the line ending or whitespace the key would carry, and a value
// that is empty ("" is returned then).
func headerValue(st *state, value, where string, f *findings) string {
	v := strings.TrimLeft(value, " \t")
	body := strings.TrimRight(v, " \t\r\n")
	if tail := v[len(body):]; tail != "" {
		switch {
		case strings.ContainsAny(tail, "\r\n"):
			f.addHeadline(StatusFail, "Your header's key ends with a line ending: most clients refuse it, the rest send it as part of the key.",
				where+" ends with "+describeRun(tail, runeCount(tail))+": the key variable carries a line ending, which most clients refuse in a header and the rest send as part of the key.", st.cmd(fixHeaderEnd))
		default:
			f.add(StatusWarn, where+" ends with "+describeRun(tail, runeCount(tail))+": servers usually strip it, but it means the variable holding the key has trailing whitespace.", st.cmd(fixHeaderEnd))
		}
	}
	if body == "" {
		f.addHeadline(StatusFail, "Your header has no key: the variable holding it was empty.", where+" has no value: the variable holding the key was empty when the header was built.", st.cmd(fixEmptyVar))
	}
	return body
}

// schemeToken judges the scheme before the key and returns what follows
// it, where the key belongs; "" when there is nothing to judge there.
func schemeToken(st *state, body, where string, f *findings) string {
	sp := strings.IndexAny(body, " \t:")
	scheme, rest := body, ""
	if sp >= 0 {
		scheme, rest = body[:sp], body[sp:]
	}
	ls := strings.ToLower(scheme)
	// The scheme is shown only when it is a short plain word.
	shownScheme := "‘" + scheme + "’"
	if len(scheme) > 16 || !isWord(scheme) || !st.safe(scheme) {
		shownScheme = "a scheme that is not Bearer"
	}
	switch {
	case ls == "bearer":
		return bearerToken(st, scheme, shownScheme, rest, where, f)
	case ls == "token", ls == "basic", ls == "key", ls == "apikey", ls == "api-key", ls == "jwt", ls == "digest", ls == "oauth", ls == "bearertoken":
		h := "Your header uses a scheme other than Bearer: HiAPI wants Bearer."
		if strings.HasPrefix(shownScheme, "‘") {
			h = "Your header uses the " + shownScheme + " scheme: HiAPI wants Bearer."
		}
		f.addHeadline(StatusFail, h, where+" uses the "+shownScheme+" scheme; HiAPI wants Bearer.", st.cmd(fixBearer))
		return strings.TrimLeft(strings.TrimPrefix(rest, ":"), " \t")
	case sp < 0 && isWord(ls) && levenshteinFold(ls, "bearer") <= 2 && len(ls) >= 4 && len(ls) <= 8:
		f.addHeadline(StatusFail, "Your header has no key after its scheme: the variable holding it was empty.", where+" is "+shownScheme+" with no key after it.", st.cmd(fixBearer))
		return ""
	case sp >= 0 && isWord(ls) && levenshteinFold(ls, "bearer") <= 2 && len(ls) >= 4:
		f.addHeadline(StatusFail, "Your header misspells Bearer as "+shownScheme+".", where+" misspells Bearer as "+shownScheme+".", st.cmd(fixBearer))
		return strings.TrimLeft(rest, " \t:")
	case sp < 0:
		f.addHeadline(StatusFail, "Your header sends the bare key, without ‘Bearer ’ in front.", where+" sends the bare key with no ‘Bearer ’ in front.", st.cmd(fixBearer))
		return body
	}
	f.addHeadline(StatusFail, "Your header is not ‘Bearer <key>’.", where+" is not ‘Bearer <key>’.", st.cmd(fixBearer))
	return ""
}

// bearerToken judges what a Bearer scheme is written with (a colon, the
// gap after it, its case, a second Bearer) and returns the token after it.
func bearerToken(st *state, scheme, shownScheme, rest, where string, f *findings) string {
	token := ""
	switch {
	case strings.HasPrefix(rest, ":"):
		f.addHeadline(StatusFail, "Your header says ‘Bearer:’ with a colon: HiAPI wants the word Bearer and one space.", where+" has ‘Bearer:’ with a colon; the scheme is the word Bearer, then one space.", st.cmd(fixBearer))
		token = strings.TrimLeft(rest[1:], " \t")
	case rest == "":
		f.addHeadline(StatusFail, "Your header has no key after ‘Bearer’: the variable holding it was empty.", where+" is ‘Bearer’ with nothing after it: the variable holding the key was empty when the header was built.", st.cmd(fixEmptyVar))
		return ""
	default:
		token = strings.TrimLeft(rest, " \t")
		if gap := rest[:len(rest)-len(token)]; gap != " " {
			art, noun := aBlank(gap)
			f.addHeadline(StatusFail, "Your header has "+art+noun+" after Bearer: it must be exactly one space.",
				where+" has "+describeRun(gap, runeCount(gap))+" after Bearer; it must be exactly one space.", st.cmd(fixBearer))
		}
	}
	switch scheme {
	case "Bearer":
	case "bearer":
		f.add(StatusWarn, where+" writes ‘bearer’ in lower case: the scheme is case-insensitive and most servers accept it, but write Bearer to rule it out.", st.cmd(fixBearer))
	default:
		f.add(StatusWarn, where+" writes "+shownScheme+": the scheme is case-insensitive and most servers accept it, but write Bearer to rule it out.", st.cmd(fixBearer))
	}
	if t := strings.TrimLeft(token, " \t"); len(t) > 7 && strings.EqualFold(t[:7], "bearer ") {
		f.addHeadline(StatusFail, "Your header says Bearer twice: the variable already holds ‘Bearer …’.", where+" says Bearer twice: the variable already holds ‘Bearer …’ and the code adds another.", st.cmd(fixPrefix))
		token = strings.TrimLeft(t[7:], " \t")
	}
	return token
}

// judgeToken judges what stands where the key belongs (quotes, a variable,
// template text, a placeholder, an escaped line break) and compares the
// key it holds with the pasted one.
func judgeToken(st *state, h *headerLine, token, where string, f *findings) {
	if len(token) >= 2 && isQuote(rune(token[0])) && token[len(token)-1] == token[0] {
		f.addHeadline(StatusFail, "Your header has the key in quotes, which the server takes as part of it.", where+" has the key wrapped in quotes, which the server takes as part of the key.", st.cmd(fixQuotes))
		token = token[1 : len(token)-1]
	}
	if i := strings.IndexByte(token, '$'); i >= 0 {
		headerVariable(st, h, varAt(token[i+1:]), where, f)
		return
	}
	if strings.ContainsAny(token, "{}") || (strings.HasPrefix(token, "<") && strings.HasSuffix(token, ">") && !isPlaceholder(token)) {
		if h.template {
			f.list = append(f.list, finding{status: StatusPass, detail: where + builtInCode})
		} else {
			f.add(StatusWarn, where+" holds template text where the key belongs: if the server received this, the template was never filled in.", fixTemplateText)
		}
		return
	}
	if isPlaceholder(token) {
		f.addHeadline(StatusFail, "Your header carries a placeholder from the docs, not a real key.", where+" carries a placeholder from documentation, not a real key.", st.cmd(fixPlace))
		return
	}
	if e := escapeSuffix(token); e != "" && len(e) < len(token) {
		f.addHeadline(StatusFail, "Your header's key ends with the text ‘"+e+"’: it had a line break when the header was built.", where+" ends with the text ‘"+e+"’: the key had a trailing line break when it was logged or built.", st.cmd(fixHeaderEnd))
		token = token[:len(token)-len(e)]
	}
	compareHeaderKey(st, token, where, f)
}

// builtInCode follows "The header" when code builds it from a variable.
const builtInCode = " is built from a variable in code; keycheck cannot see its value, so it cannot compare it with the pasted key."

// headerVariable judges a header that takes the key from the variable
// name: sent literally from single quotes, filled in by the shell or by
// code (which keycheck cannot see), or never expanded.
func headerVariable(st *state, h *headerLine, name, where string, f *findings) {
	// The name is shown, and used in the command to compare, when it is
	// safe to; else the variable the code reads stands in.
	shown, varName, text := "a variable", st.name, "a variable's name"
	if name != "" && st.safe(name) && len(name) <= 64 {
		shown, varName, text = "$"+name, name, "$"+name
	}
	switch {
	case h.curl && h.literalDollar:
		f.addHeadline(StatusFail, "Your curl command sends the text "+text+", not the key: it is in single quotes.", where+" puts "+shown+" inside single quotes: the shell sends the literal text ‘"+shown+"’, not the key.", st.cmd(fixSingleQuotes))
	case h.curl:
		d := where + " takes the key from " + shown + ", which the shell fills in: keycheck cannot see its value, so it cannot compare it with the pasted key. To compare, run `keycheck check --var " + varName + "` in the same shell."
		if name != "" && st.in.VarName != "" && name != st.name && st.safe(name) {
			f.add(StatusWarn, d+" Your code reads "+st.name+", not "+name+".", "Use the same variable in the command and in your code.")
		} else {
			f.list = append(f.list, finding{status: StatusPass, detail: d})
		}
	case h.template:
		f.list = append(f.list, finding{status: StatusPass, detail: where + builtInCode})
	default:
		f.addHeadline(StatusWarn, "Your header holds the text "+text+", not a key: the variable may never have been expanded.", where+" holds the text ‘"+shown+"’ rather than a key: if this is what was sent, the variable was never expanded (single quotes, or a file that does not expand variables).", st.cmd(fixSingleQuotes))
	}
}

// isWord reports a non-empty run of ASCII letters and '-'.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return s != ""
}

// varAt returns the variable name at the start of s ($NAME or ${NAME}).
func varAt(s string) string {
	s = strings.TrimPrefix(s, "{")
	i := 0
	for i < len(s) && isNameByte(s[i], i == 0) {
		i++
	}
	return s[:i]
}

// compareHeaderKey says whether the header carries the pasted key, showing
// only fingerprints.
func compareHeaderKey(st *state, token, where string, f *findings) {
	k := &st.key
	if !k.hasKey() {
		if len(f.list) == 0 {
			f.list = append(f.list, finding{status: StatusPass, detail: where + " has the right form, " + st.headerForm() + " and a key (" + ends(token) + "); paste the key too to check it is the same one."})
		}
		return
	}
	switch {
	case token == k.raw, token == k.core, token == k.trimmed(), k.decoded != "" && token == k.decoded:
		if len(f.list) == 0 {
			f.list = append(f.list, finding{status: StatusPass, detail: where + " is " + st.headerForm() + " and carries this key (" + FingerprintOf(token).SHA256 + ")."})
		} else {
			f.list = append(f.list, finding{status: StatusPass, detail: "It carries this key (" + FingerprintOf(token).SHA256 + ")."})
		}
	default:
		f.addHeadline(StatusFail, "Your header carries a different key than the one you pasted.", where+" carries a different key: "+FingerprintOf(token).Short()+" in the header, "+FingerprintOf(k.judged()).Short()+" pasted.", st.cmd(fixHeaderKey))
	}
}
