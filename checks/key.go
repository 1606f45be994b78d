package checks

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// keyInfo is the analysis of the key that the key-reading steps share.
type keyInfo struct {
	raw   string
	valid bool // valid UTF-8
	blank bool // not empty, but only invisible characters
	// lo and hi bound the key without surrounding invisible characters.
	lo, hi int
	// core is the key with its wrappers removed (quotes, "Bearer ",
	// "NAME=", ...): what the person meant to paste. It is a substring of
	// raw starting at byte coreLo.
	core   string
	coreLo int
	wraps  []wrap
	// decoded is the key found inside base64 (without its wrappers or
	// trailing whitespace), and decodedTail what followed it.
	decoded     string
	decodedTail string
	decodedLen  int
	// stand says what stands where the key belongs when it is no key at
	// all (a placeholder, a variable's name, only "Bearer").
	stand standIn
	// unwrapped is false when unwrap gave up with wrappers left.
	unwrapped bool
}

// standIn is text that stands where a key belongs but is none: the steps
// that judge a key's shape skip it, the characters step (or, for a lone
// word, the present step) says what it is, and the live test sends
// nothing. It is no secret (keyInfo.secret), so a field may show it.
type standIn uint8

const (
	standNone standIn = iota
	// standPlaceholder is a placeholder from documentation: YOUR_API_KEY.
	standPlaceholder
	// standVariable is a variable's name, never expanded: $HIAPI_API_KEY.
	standVariable
	// standUnexpanded is a command, template or line of code never run or
	// filled in: $(cat key), {{ .Key }}, process.env.KEY. It may hold a
	// real key (a default, a literal): what in it looks like one is secret.
	standUnexpanded
	// standWord is a lone word with no key: the scheme of a header whose
	// variable was empty ("Bearer "), what code prints for a variable
	// never set ("undefined", "None"), or a variable set to nothing
	// ("HIAPI_API_KEY=").
	standWord
)

// standInOf says what stands where the key belongs, if it is no key.
func standInOf(core string) standIn {
	unexpanded, _ := unexpandedKind(core)
	switch {
	case isPlaceholder(core):
		return standPlaceholder
	case isAuthScheme(core) || isNullWord(core) || isEmptyAssign(core):
		return standWord
	case isVarReference(core):
		return standVariable
	case unexpanded != "":
		return standUnexpanded
	}
	return standNone
}

// isNullWord reports what code puts in a string for a variable that holds
// nothing: JavaScript's undefined and null, Python's None, Go's <nil>.
func isNullWord(s string) bool {
	for _, w := range [...]string{"undefined", "null", "none", "nil", "<nil>"} {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// isEmptyAssign reports a variable set to nothing, HIAPI_API_KEY=: an
// upper-case name with an underscore, so base64 (which can end in = too)
// does not count.
func isEmptyAssign(s string) bool {
	name, ok := strings.CutSuffix(s, "=")
	if !ok || len(name) > 64 || !strings.Contains(name, "_") || !isVarName(name) {
		return false
	}
	return strings.ToUpper(name) == name
}

// hasKey reports whether there is a key to compare others with: not
// nothing, not only blanks, not something standing in for one.
func (k *keyInfo) hasKey() bool {
	return k.raw != "" && !k.blank && k.stand == standNone
}

func (k *keyInfo) analyse(raw string) {
	k.raw = raw
	k.valid = utf8.ValidString(raw)
	lo, hi := trimHidden(raw, 0, len(raw))
	k.lo, k.hi = lo, hi
	k.blank = raw != "" && lo == hi
	k.core, k.coreLo = raw[lo:hi], lo
	if k.blank || raw == "" {
		return
	}
	k.unwrap()
	if k.stand = standInOf(k.core); k.stand == standNone {
		k.decodeBase64()
	}
}

// secret is the Secret of the key as the steps read it: without its
// wrappers, and decoded from base64 when it is base64. A key that is only
// a variable's name ($HIAPI_API_KEY), a placeholder (YOUR_API_KEY) or a
// lone word ("Bearer") holds no secret, so any text may show it: refusing
// a variable name that shares eight characters with it (HIAPI_API_KEY
// holds "_API_KEY") would blame a good name for the very mistake the
// characters step explains.
func (k *keyInfo) secret() *Secret {
	switch k.stand {
	case standVariable, standPlaceholder, standWord:
		return &Secret{}
	case standUnexpanded:
		// A command, template or line of code is no secret either, but
		// what in it looks like a key may be one (a default, a literal).
		return NewSecret(keyishWords(k.core)...)
	}
	return NewSecret(k.core, k.decoded)
}

// keyishWords are the words of s (runs of letters, digits, - and _) that
// could be a key: one that looks like a key, or eight characters or more
// mixing lower-case letters and digits, as keys do and names do not.
func keyishWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) {
		lower := strings.IndexFunc(w, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0
		digit := strings.IndexFunc(w, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0
		if keyLike(w) || len(w) >= Window && lower && digit {
			out = append(out, w)
		}
	}
	return out
}

// isVarReference reports text that is only a reference to a variable, in
// shell, cmd or PowerShell syntax: $NAME, ${NAME}, %NAME% or $env:NAME. A
// default (${NAME:-...}) or a name that looks like a key does not count:
// either may be a real key.
func isVarReference(s string) bool {
	var name string
	switch {
	case len(s) > 3 && s[:2] == "${" && s[len(s)-1] == '}':
		name = s[2 : len(s)-1]
	case len(s) > 5 && strings.EqualFold(s[:5], "$env:"):
		name = s[5:]
	case len(s) > 1 && s[0] == '$':
		name = s[1:]
	case len(s) > 2 && s[0] == '%' && s[len(s)-1] == '%':
		name = s[1 : len(s)-1]
	default:
		return false
	}
	return isVarName(name) && !keyLike(name)
}

// unexpandedKind recognises a variable ("var", with its name when it has
// one), a command substitution ("subst"), a template ("template") or a
// line of code ("code") standing in for the key; "" for none.
func unexpandedKind(s string) (kind, name string) {
	switch {
	case len(s) > 1 && s[0] == '$' && isVarName(s[1:]):
		return "var", s[1:]
	case strings.HasPrefix(s, "${{") && strings.HasSuffix(s, "}}"):
		return "template", ""
	case strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}"):
		inner := s[2 : len(s)-1]
		if i := strings.IndexAny(inner, ":-=?"); i > 0 {
			inner = inner[:i]
		}
		if isVarName(inner) {
			name = inner
		}
		return "var", name
	case strings.HasPrefix(s, "$(") && strings.HasSuffix(s, ")"), strings.HasPrefix(s, "`") && strings.HasSuffix(s, "`"):
		return "subst", ""
	case len(s) > 2 && s[0] == '%' && s[len(s)-1] == '%' && isVarName(s[1:len(s)-1]):
		return "var", s[1 : len(s)-1]
	case len(s) > 5 && strings.EqualFold(s[:5], "$env:") && isVarName(s[5:]):
		return "var", s[5:]
	case strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}"), strings.HasPrefix(s, "<%") && strings.HasSuffix(s, "%>"):
		return "template", ""
	case strings.HasPrefix(s, "process.env"), strings.HasPrefix(s, "os.environ"), strings.HasPrefix(s, "os.getenv("),
		strings.HasPrefix(s, "os.Getenv("), strings.HasPrefix(s, "System.getenv("), strings.HasPrefix(s, "ENV["), strings.HasPrefix(s, "getenv("):
		return "code", ""
	}
	return "", ""
}

// trimmed is the key without surrounding invisible characters.
func (k *keyInfo) trimmed() string { return k.raw[k.lo:k.hi] }

// judged is the key the shape steps judge: the key inside base64 when
// there is one, else the key without wrappers.
func (k *keyInfo) judged() string {
	if k.decoded != "" {
		return k.decoded
	}
	return k.core
}

// trimHidden narrows s[lo:hi] past invisible characters at both ends.
func trimHidden(s string, lo, hi int) (int, int) {
	for lo < hi {
		r, size := utf8.DecodeRuneInString(s[lo:hi])
		if (r == utf8.RuneError && size == 1) || !hidden(r) {
			break
		}
		lo += size
	}
	for hi > lo {
		r, size := utf8.DecodeLastRuneInString(s[lo:hi])
		if (r == utf8.RuneError && size == 1) || !hidden(r) {
			break
		}
		hi -= size
	}
	return lo, hi
}

// pos converts a byte offset in the raw key to a 1-based character
// position.
func (k *keyInfo) pos(off int) int { return runeCount(k.raw[:off]) + 1 }

// span describes raw[lo:hi] as a position or range.
func (k *keyInfo) span(lo, hi int) string {
	p := k.pos(lo)
	return at(p, p+runeCount(k.raw[lo:hi])-1)
}

// evidence shows the key's ends with the invisible characters around it
// made visible, e.g. "␣sk-abc…wxyz⏎", never more of the key than a
// fingerprint shows.
func (k *keyInfo) evidence() string {
	return capVisible(k.raw[:k.lo], 12) + ends(k.trimmed()) + capVisible(k.raw[k.hi:], 12)
}

// ends shows the first and last few characters of s, as a fingerprint
// does.
func ends(s string) string {
	n := runeCount(s)
	pre, suf := shownEnds(n)
	var p, q string
	i := 0
	for off := range s {
		if i == pre {
			p = s[:off]
			break
		}
		i++
	}
	if pre >= n {
		p = s
	}
	if suf > 0 {
		j := len(s)
		for c := 0; c < suf && j > 0; c++ {
			_, size := utf8.DecodeLastRuneInString(s[:j])
			j -= size
		}
		q = s[j:]
	}
	return Visible(p) + "…" + Visible(q)
}

// capVisible shows at most n characters of s, visibly.
func capVisible(s string, n int) string {
	if s == "" {
		return ""
	}
	c := 0
	for off := range s {
		if c == n {
			return Visible(s[:off]) + "…"
		}
		c++
	}
	return Visible(s)
}

// isPlaceholder reports whether k is a documentation placeholder rather
// than a key. Words like fake, demo or test are not placeholders: test
// keys use them.
func isPlaceholder(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	l := strings.ToLower(strings.Trim(k, "<>[]{}()_ "))
	if l == "" {
		return false
	}
	for _, w := range [...]string{"your", "here", "insert", "replace", "placeholder", "changeme", "change_me", "change-me"} {
		if strings.Contains(l, w) {
			if w == "your" || w == "here" {
				if strings.Contains(l, "key") || strings.Contains(l, "token") || strings.Contains(l, "secret") {
					return true
				}
				continue
			}
			return true
		}
	}
	switch l {
	case "api_key", "api-key", "apikey", "key", "token", "secret", "sk", "hiapi_api_key", "api key", "sk-", "hi-sk-", "sk-key", "sk-test", "xxx", "todo":
		return true
	}
	p := hiapiKeyPrefix(l)
	if p == "" {
		// Without a key prefix, fillers are masks (the complete step's)
		// and short strings are just short.
		return false
	}
	body := l[len(p):]
	if body == "" {
		return true
	}
	// sk-..., sk-xxxx, sk-****, sk-…: nothing but filler after the prefix.
	filler := true
	for _, r := range body {
		if r != 'x' && r != '.' && r != '*' && r != '…' && r != '•' && r != '-' && r != '_' && r != '#' {
			filler = false
			break
		}
	}
	if filler {
		return true
	}
	// sk-abc123, sk-1234567890abcdef: a counting sequence.
	for _, seq := range [...]string{"abcdefghijklmnopqrstuvwxyz0123456789", "1234567890abcdefghijklmnopqrstuvwxyz", "0123456789abcdef", "abc123", "123abc"} {
		if len(body) >= 3 && strings.HasPrefix(seq, body) {
			return true
		}
	}
	return false
}

// b64Prefixes are the starts of keys worth reporting inside base64.
var b64Prefixes = [...]string{"sk-", "hi-sk-", "sk_", "AIza", "gsk_", "xai-", "hf_", "r8_", "pplx-", "csk-", "fw_"}

// decodeBase64 looks for a key pasted base64-encoded, as a Kubernetes
// Secret's data holds it, and keeps the key it finds.
func (k *keyInfo) decodeBase64() {
	s := k.core
	if len(s) < 12 || len(s) > 4096 {
		return
	}
	url, pad := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			if pad > 0 {
				return
			}
		case c == '-' || c == '_':
			url = true
		case c == '=':
			pad++
		default:
			return
		}
	}
	if pad > 2 {
		return
	}
	enc := base64.StdEncoding
	if url {
		enc = base64.URLEncoding
	}
	if pad == 0 && len(s)%4 != 0 {
		enc = enc.WithPadding(base64.NoPadding)
	}
	// Decode the first quantum on the stack: random key characters almost
	// never decode to printable text, so most keys stop here.
	var head [3]byte
	if n, err := enc.Decode(head[:], []byte(s[:4])); err != nil || n < 3 || !printableASCII(head[:]) {
		return
	}
	dec, err := enc.DecodeString(s)
	if err != nil || !utf8.Valid(dec) {
		return
	}
	text := string(dec)
	var sub keyInfo
	sub.analyse0(text)
	key := sub.core
	ok := false
	for _, p := range b64Prefixes {
		if strings.HasPrefix(key, p) && len(key) >= len(p)+8 {
			ok = true
			break
		}
	}
	if !ok || strings.ContainsAny(key, " \t\r\n\x00") {
		return
	}
	k.decoded = key
	k.decodedTail = text[sub.hi:]
	k.decodedLen = runeCount(key)
}

// analyse0 is analyse without the base64 step, for decoded text.
func (k *keyInfo) analyse0(raw string) {
	k.raw = raw
	k.valid = utf8.ValidString(raw)
	k.lo, k.hi = trimHidden(raw, 0, len(raw))
	k.core, k.coreLo = raw[k.lo:k.hi], k.lo
	if k.lo < k.hi {
		k.unwrap()
	}
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// judgedKey is the key the length and provider steps judge: the key without
// its wrapper, or the key inside base64. ok is false, with the skip to
// return, when there is none.
func judgedKey(st *state) (key string, skipped Result, ok bool) {
	if r, skip := keySkip(st); skip {
		return "", r, false
	}
	k := &st.key
	if k.stand != standNone {
		return "", skip("Skipped: the key is "+k.standName()+" (see characters).", ""), false
	}
	if key = k.judged(); key == "" {
		return "", skip("Skipped: nothing is left of the key once its wrapper is removed (see characters).", ""), false
	}
	return key, Result{}, true
}

// keySkip is the result of a key-reading step when there is no key to
// read.
func keySkip(st *state) (Result, bool) {
	k := &st.key
	switch {
	case k.raw == "":
		return skip("Skipped: no key to check.", ""), true
	case k.blank:
		return skip("Skipped: the key is only whitespace (see the first step).", ""), true
	case k.stand == standWord:
		return skip("Skipped: the key is "+k.standName()+" (see the first step).", ""), true
	}
	return Result{}, false
}

// standName says what stands where the key belongs, after "the key is".
func (k *keyInfo) standName() string {
	switch k.stand {
	case standPlaceholder:
		return "a documentation placeholder, not a real key"
	case standVariable:
		return "a variable's name, not its value"
	case standUnexpanded:
		return "a command, template or code that was never run, not a key"
	case standWord:
		return "only ‘" + Visible(k.core) + "’, with no key"
	}
	return "a key"
}
