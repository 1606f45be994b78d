package checks

import "strings"

// envEntry is one variable in a pasted .env file or `env` output, read the
// way dotenv loaders read it, with notes on where other readers (the shell's
// `source`, `docker run --env-file`) would read it differently.
type envEntry struct {
	line    int // 1-based line where the entry starts
	endLine int // last line, for quoted values that span lines
	name    string
	// value is what a dotenv loader gets.
	value string
	// export is "export" or "declare -x" when the line starts with it.
	export string
	quote  byte // the opening quote, 0 if unquoted
	// crlf: the line ended in CR LF. Dotenv loaders drop the CR; `source`
	// keeps it at the end of the value.
	crlf bool
	// spaceBefore / spaceAfter: blanks around '=' (NAME = value).
	spaceBefore, spaceAfter bool
	unbalanced              bool // the quote is never closed
	comment                 bool // an inline " # comment" was dropped from an unquoted value
	trailingWS              bool // blanks after an unquoted value (docker keeps them)
	noEquals                bool // just NAME: Docker passes the variable through from its own environment
	yaml                    bool // NAME: value, as in a Compose file
	afterQuote              bool // text after the closing quote
}

// parseEnv calls fn for each variable in src, in order; fn returns false to
// stop. Lines that are not assignments (comments, blank lines, the rest of
// a multi-line value in `env` output) are skipped.
func parseEnv(src string, fn func(e *envEntry) bool) {
	p := envParser{src: src}
	// One entry, reused: fn gets a pointer, so a new one per line would
	// allocate for every line of a long file.
	var e envEntry
	for p.pos < len(src) {
		if p.entry(&e) && !fn(&e) {
			return
		}
	}
}

// envParser is where parseEnv is in src.
type envParser struct {
	src  string
	pos  int // the start of the next line
	line int // the line last read, 1-based
}

// entry reads the next line into e, and the lines after it that a quoted
// value spans; it reports whether the line sets a variable.
func (p *envParser) entry(e *envEntry) bool {
	src := p.src
	end := strings.IndexByte(src[p.pos:], '\n')
	next := len(src)
	if end < 0 {
		end = len(src)
	} else {
		end += p.pos
		next = end + 1
	}
	p.line++
	*e = envEntry{line: p.line, endLine: p.line}
	l := src[p.pos:end]
	p.pos = next
	if strings.HasSuffix(l, "\r") {
		e.crlf = true
		l = l[:len(l)-1]
	}
	t := strings.TrimLeft(l, " \t")
	if t == "" || t[0] == '#' {
		return false
	}
	// A Compose list item: "- NAME=value".
	if strings.HasPrefix(t, "- ") {
		t = strings.TrimLeft(t[2:], " \t")
	}
	for _, pre := range [...]string{"export ", "export\t", "declare -x "} {
		if strings.HasPrefix(t, pre) {
			e.export = strings.TrimSpace(pre)
			t = strings.TrimLeft(t[len(pre):], " \t")
			break
		}
	}
	eq := strings.IndexByte(t, '=')
	if eq < 0 {
		return nameOnly(t, e)
	}
	name := t[:eq]
	if trimmed := strings.TrimRight(name, " \t"); len(trimmed) != len(name) {
		e.spaceBefore = true
		name = trimmed
	}
	if !isVarName(name) {
		return false
	}
	e.name = name
	v := t[eq+1:]
	if trimmed := strings.TrimLeft(v, " \t"); len(trimmed) != len(v) {
		e.spaceAfter = true
		v = trimmed
	}
	if v != "" && (v[0] == '"' || v[0] == '\'' || v[0] == '`') {
		p.quoted(v, e)
	} else {
		unquoted(v, e)
	}
	return true
}

// nameOnly reads a line without '=': a bare NAME, which Docker passes
// through from its own environment, or NAME: value, as in a Compose
// environment map.
func nameOnly(t string, e *envEntry) bool {
	name := strings.TrimRight(t, " \t")
	if isVarName(name) {
		e.name, e.noEquals = name, true
		return true
	}
	if c := strings.IndexByte(t, ':'); c > 0 && isVarName(t[:c]) && (c+1 == len(t) || t[c+1] == ' ') {
		e.name, e.yaml = t[:c], true
		e.value = unquoteYAML(strings.TrimSpace(t[c+1:]))
		return true
	}
	return false
}

// quoted reads a quoted value v. Unclosed on its line, it may go on over
// the next lines, as dotenv allows inside quotes; p moves past them.
func (p *envParser) quoted(v string, e *envEntry) {
	e.quote = v[0]
	body := v[1:]
	if closeAt := closingQuote(body, e.quote); closeAt >= 0 {
		e.value = unescape(body[:closeAt], e.quote)
		e.afterQuote = afterText(body[closeAt+1:])
		return
	}
	rest := p.src[p.pos:]
	c := closingQuote(rest, e.quote)
	if c < 0 {
		e.unbalanced = true
		e.value = body
		return
	}
	nl := strings.Count(rest[:c], "\n")
	eol := strings.IndexByte(rest[c:], '\n')
	if eol < 0 {
		eol = len(rest)
	} else {
		eol += c
	}
	multi := body + "\n" + rest[:c]
	if e.crlf {
		multi = body + "\r\n" + rest[:c]
	}
	e.value = unescape(multi, e.quote)
	e.afterQuote = afterText(strings.TrimRight(rest[c+1:eol], "\r"))
	p.line += nl + 1
	e.endLine = p.line
	p.pos += eol + 1
	if eol == len(rest) {
		p.pos = len(p.src)
	}
}

// unquoted reads an unquoted value: an inline " # comment" and the blanks
// after it are dropped, as dotenv drops them.
func unquoted(v string, e *envEntry) {
	if i := inlineComment(v); i >= 0 {
		e.comment = true
		v = v[:i]
	}
	if trimmed := strings.TrimRight(v, " \t"); len(trimmed) != len(v) {
		e.trailingWS = true
		v = trimmed
	}
	e.value = v
}

// closingQuote finds the quote that closes a value opened with q; inside
// double quotes a backslash escapes the next character.
func closingQuote(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			return i
		}
	}
	return -1
}

// unescape applies the escapes dotenv loaders expand in double quotes.
func unescape(s string, q byte) string {
	if q != '"' || strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '"', '\\', '$':
				b.WriteByte(s[i])
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// afterText reports whether something other than a comment follows a
// closing quote.
func afterText(s string) bool {
	s = strings.TrimLeft(s, " \t")
	return s != "" && s[0] != '#'
}

// inlineComment finds a " #" comment in an unquoted value: dotenv treats a
// '#' after a blank as the start of a comment.
func inlineComment(v string) int {
	for i := 1; i < len(v); i++ {
		if v[i] == '#' && (v[i-1] == ' ' || v[i-1] == '\t') {
			return i - 1
		}
	}
	return -1
}

// unquoteYAML strips one pair of quotes from a YAML scalar.
func unquoteYAML(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
