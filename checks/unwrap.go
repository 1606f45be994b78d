package checks

import (
	"strings"
	"unicode/utf8"
)

// wrapKind is what was around the key.
type wrapKind uint8

const (
	wrapQuotes wrapKind = iota
	wrapStrayQuote
	wrapHeader
	wrapScheme
	wrapAssign
	wrapPunct
	wrapEscape
)

// wrap is one wrapper found around the key. text is the wrapper itself
// (a quote, "Bearer", a variable name), never part of the key.
type wrap struct {
	kind     wrapKind
	text     string
	lo, hi   int // byte offsets in raw
	lo2, hi2 int // the closing quote, for wrapQuotes
	export   string
}

// Quotes people wrap keys in: ASCII, typographic, guillemets, full-width.
func isQuote(r rune) bool {
	switch r {
	case '"', '\'', '`', 0x00AB, 0x00BB, 0x00B4, 0x2018, 0x2019, 0x201A, 0x201B, 0x201C, 0x201D, 0x201E, 0x201F,
		0x2032, 0x2033, 0x2039, 0x203A, 0x300C, 0x300D, 0xFF02, 0xFF07:
		return true
	}
	return false
}

// unwrap peels quotes, header names, schemes, assignments, trailing
// punctuation and escaped newlines off the key, outermost first.
// It peels at most 8 wrappers; k.unwrapped says whether that was all.
func (k *keyInfo) unwrap() {
	lo, hi := k.lo, k.hi
	for iter := 0; iter < 8 && !k.unwrapped; iter++ {
		lo, hi = trimHidden(k.raw, lo, hi)
		var peeled bool
		if lo < hi {
			lo, hi, peeled = k.peel(lo, hi)
		}
		k.unwrapped = !peeled
	}
	if lo > hi {
		lo = hi
	}
	k.core, k.coreLo = k.raw[lo:hi], lo
}

// keyPrefixes match what people put before a key, in the order they are
// tried: an assignment (NAME=), a header or YAML name (Name:), a scheme
// (Bearer ). Each returns the wrapper and how many bytes it takes.
var keyPrefixes = [...]func(string) (wrap, int, bool){assignPrefix, headerPrefix, schemePrefix}

// peel removes the outermost wrapper from raw[lo:hi] and keeps it in
// k.wraps: trailing punctuation or an escaped line break, a pair of
// quotes, a prefix, or a quote without its partner. It returns the bounds
// left, and false when there was nothing to peel.
func (k *keyInfo) peel(lo, hi int) (int, int, bool) {
	cur := k.raw[lo:hi]
	// Trailing comma or semicolon, copied from code.
	if c := cur[len(cur)-1]; (c == ',' || c == ';') && len(cur) > 1 {
		k.wraps = append(k.wraps, wrap{kind: wrapPunct, text: cur[len(cur)-1:], lo: hi - 1, hi: hi})
		return lo, hi - 1, true
	}
	// A newline written as an escape, or URL-encoded.
	if e := escapeSuffix(cur); e != "" && len(e) < len(cur) {
		k.wraps = append(k.wraps, wrap{kind: wrapEscape, text: e, lo: hi - len(e), hi: hi})
		return lo, hi - len(e), true
	}
	f, fs := utf8.DecodeRuneInString(cur)
	l, ls := utf8.DecodeLastRuneInString(cur)
	if isQuote(f) && isQuote(l) && fs+ls <= len(cur) {
		k.wraps = append(k.wraps, wrap{kind: wrapQuotes, text: string(f) + string(l), lo: lo, hi: lo + fs, lo2: hi - ls, hi2: hi})
		return lo + fs, hi - ls, true
	}
	for _, prefix := range keyPrefixes {
		if w, n, ok := prefix(cur); ok {
			w.lo, w.hi = lo, lo+n
			k.wraps = append(k.wraps, w)
			return lo + n, hi, true
		}
	}
	if isQuote(f) {
		k.wraps = append(k.wraps, wrap{kind: wrapStrayQuote, text: cur[:fs], lo: lo, hi: lo + fs})
		return lo + fs, hi, true
	}
	if isQuote(l) {
		k.wraps = append(k.wraps, wrap{kind: wrapStrayQuote, text: cur[len(cur)-ls:], lo: hi - ls, hi: hi})
		return lo, hi - ls, true
	}
	return lo, hi, false
}

// escapeSuffix returns a trailing escaped or URL-encoded line break.
func escapeSuffix(s string) string {
	for _, e := range [...]string{`\r\n`, `\n`, `\r`, "%0D%0A", "%0d%0a", "%0A", "%0a", "%0D", "%0d", "%20"} {
		if strings.HasSuffix(s, e) {
			return e
		}
	}
	return ""
}

// assignPrefix matches "NAME=", "export NAME=", "set NAME=",
// "$env:NAME =", "declare -x NAME=" and returns how many bytes it takes.
func assignPrefix(s string) (wrap, int, bool) {
	i, export := 0, ""
	for _, p := range [...]string{"export ", "declare -x ", "set ", "setx ", "$env:"} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			export = strings.TrimSpace(p)
			i = len(p)
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			break
		}
	}
	start := i
	for i < len(s) && isNameByte(s[i], i == start) {
		i++
	}
	if i == start || i-start > 64 {
		return wrap{}, 0, false
	}
	name := s[start:i]
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	switch {
	case i < len(s) && s[i] == '=':
		i++
	case export == "setx" && i > start+len(name):
		// setx NAME value
	default:
		return wrap{}, 0, false
	}
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) || s[i] == '=' {
		return wrap{}, 0, false
	}
	return wrap{kind: wrapAssign, text: name, export: export}, i, true
}

// headerPrefix matches "Authorization:" and similar, and "NAME:" as in
// YAML.
func headerPrefix(s string) (wrap, int, bool) {
	c := strings.IndexByte(s, ':')
	if c <= 0 || c > 40 {
		return wrap{}, 0, false
	}
	name := s[:c]
	// "Bearer:" and "Token:" are a scheme written with a colon:
	// schemePrefix reports them as such.
	if isAuthScheme(name) {
		return wrap{}, 0, false
	}
	// Else a header name, or a YAML or env-style name: HIAPI_API_KEY: sk-...
	if !isKeyHeaderName(name) && (!isVarName(name) || (!strings.Contains(name, "_") && strings.ToUpper(name) != name)) {
		return wrap{}, 0, false
	}
	i := c + 1
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) || s[i] == '/' {
		return wrap{}, 0, false
	}
	return wrap{kind: wrapHeader, text: name}, i, true
}

// schemePrefix matches an auth scheme before the key: "Bearer ",
// "Bearer:", "Token ", "Basic ".
func schemePrefix(s string) (wrap, int, bool) {
	for _, p := range authSchemes {
		if len(s) <= len(p)+1 || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		i := len(p)
		if s[i] != ' ' && s[i] != ':' && s[i] != '\t' && s[i] != '=' {
			continue
		}
		for i < len(s) && (s[i] == ' ' || s[i] == ':' || s[i] == '\t' || s[i] == '=') {
			i++
		}
		if i >= len(s) {
			return wrap{}, 0, false
		}
		return wrap{kind: wrapScheme, text: s[:len(p)]}, i, true
	}
	return wrap{}, 0, false
}
