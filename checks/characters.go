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
	placeholder bool
}

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
	k.placeholder = isPlaceholder(k.core)
	k.decodeBase64()
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

// Quotes people wrap keys in: ASCII, typographic, guillemets, full-width.
func isQuote(r rune) bool {
	switch r {
	case '"', '\'', '`', 0x00AB, 0x00BB, 0x00B4, 0x2018, 0x2019, 0x201A, 0x201B, 0x201C, 0x201D, 0x201E, 0x201F,
		0x2032, 0x2033, 0x2039, 0x203A, 0x300C, 0x300D, 0xFF02, 0xFF07:
		return true
	}
	return false
}

// Header names that carry keys, as people paste them before a key.
var keyHeaders = [...]string{"authorization", "proxy-authorization", "x-api-key", "api-key", "apikey", "x-goog-api-key", "authentication", "x-auth-token", "auth"}

// unwrap peels quotes, header names, schemes, assignments, trailing
// punctuation and escaped newlines off the key, outermost first.
func (k *keyInfo) unwrap() {
	lo, hi := k.lo, k.hi
	s := k.raw
	for iter := 0; iter < 8 && lo < hi; iter++ {
		lo, hi = trimHidden(s, lo, hi)
		if lo >= hi {
			break
		}
		cur := s[lo:hi]
		// Trailing comma or semicolon, copied from code.
		if c := cur[len(cur)-1]; (c == ',' || c == ';') && len(cur) > 1 {
			k.wraps = append(k.wraps, wrap{kind: wrapPunct, text: cur[len(cur)-1:], lo: hi - 1, hi: hi})
			hi--
			continue
		}
		// A newline written as an escape, or URL-encoded.
		if e := escapeSuffix(cur); e != "" && len(e) < len(cur) {
			k.wraps = append(k.wraps, wrap{kind: wrapEscape, text: e, lo: hi - len(e), hi: hi})
			hi -= len(e)
			continue
		}
		f, fs := utf8.DecodeRuneInString(cur)
		l, ls := utf8.DecodeLastRuneInString(cur)
		if isQuote(f) && isQuote(l) && fs+ls <= len(cur) {
			k.wraps = append(k.wraps, wrap{kind: wrapQuotes, text: string(f) + string(l), lo: lo, hi: lo + fs, lo2: hi - ls, hi2: hi})
			lo, hi = lo+fs, hi-ls
			continue
		}
		if w, rest, ok := assignPrefix(cur); ok {
			w.lo, w.hi = lo, lo+rest
			k.wraps = append(k.wraps, w)
			lo += rest
			continue
		}
		if w, rest, ok := headerPrefix(cur); ok {
			w.lo, w.hi = lo, lo+rest
			k.wraps = append(k.wraps, w)
			lo += rest
			continue
		}
		if w, rest, ok := schemePrefix(cur); ok {
			w.lo, w.hi = lo, lo+rest
			k.wraps = append(k.wraps, w)
			lo += rest
			continue
		}
		if isQuote(f) {
			k.wraps = append(k.wraps, wrap{kind: wrapStrayQuote, text: cur[:fs], lo: lo, hi: lo + fs})
			lo += fs
			continue
		}
		if isQuote(l) {
			k.wraps = append(k.wraps, wrap{kind: wrapStrayQuote, text: cur[len(cur)-ls:], lo: hi - ls, hi: hi})
			hi -= ls
			continue
		}
		break
	}
	if lo > hi {
		lo = hi
	}
	k.core, k.coreLo = s[lo:hi], lo
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

func isNameByte(c byte, first bool) bool {
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9')
}

// headerPrefix matches "Authorization:" and similar, and "NAME:" as in
// YAML.
func headerPrefix(s string) (wrap, int, bool) {
	c := strings.IndexByte(s, ':')
	if c <= 0 || c > 40 {
		return wrap{}, 0, false
	}
	name := s[:c]
	known := false
	for _, h := range keyHeaders {
		if strings.EqualFold(name, h) {
			known = true
			break
		}
	}
	if !known {
		// A YAML or env-style name: HIAPI_API_KEY: sk-...
		if !isVarName(name) || (!strings.Contains(name, "_") && strings.ToUpper(name) != name) {
			return wrap{}, 0, false
		}
		if strings.EqualFold(name, "bearer") || strings.EqualFold(name, "token") || strings.EqualFold(name, "basic") {
			return wrap{}, 0, false
		}
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
	for _, p := range [...]string{"bearer", "token", "basic"} {
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
	body := l
	for _, p := range [...]string{"hi-sk-", "sk-"} {
		if strings.HasPrefix(body, p) {
			body = body[len(p):]
			break
		}
	}
	if body == l {
		// Without a key prefix, fillers are masks (the complete step's)
		// and short strings are just short.
		return false
	}
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

// lookalike is a character that passes for an ASCII one.
type lookalike struct {
	name string
	like rune
}

// lookalikes maps the characters that impersonate key characters to what
// they imitate: dashes for '-', Cyrillic and Greek letters for Latin ones.
var lookalikes = map[rune]lookalike{
	0x2010: {"HYPHEN", '-'},
	0x2011: {"NON-BREAKING HYPHEN", '-'},
	0x2012: {"FIGURE DASH", '-'},
	0x2013: {"EN DASH", '-'},
	0x2014: {"EM DASH", '-'},
	0x2015: {"HORIZONTAL BAR", '-'},
	0x2043: {"HYPHEN BULLET", '-'},
	0x2212: {"MINUS SIGN", '-'},
	0x2796: {"HEAVY MINUS SIGN", '-'},
	0x02D7: {"MODIFIER LETTER MINUS SIGN", '-'},
	0x058A: {"ARMENIAN HYPHEN", '-'},
	0xFE58: {"SMALL EM DASH", '-'},
	0xFE63: {"SMALL HYPHEN-MINUS", '-'},
	0xFF0D: {"FULLWIDTH HYPHEN-MINUS", '-'},
	0xFF3F: {"FULLWIDTH LOW LINE", '_'},
	0x2017: {"DOUBLE LOW LINE", '_'},
	0x0430: {"CYRILLIC SMALL LETTER A", 'a'},
	0x0435: {"CYRILLIC SMALL LETTER IE", 'e'},
	0x043E: {"CYRILLIC SMALL LETTER O", 'o'},
	0x0440: {"CYRILLIC SMALL LETTER ER", 'p'},
	0x0441: {"CYRILLIC SMALL LETTER ES", 'c'},
	0x0443: {"CYRILLIC SMALL LETTER U", 'y'},
	0x0445: {"CYRILLIC SMALL LETTER HA", 'x'},
	0x0455: {"CYRILLIC SMALL LETTER DZE", 's'},
	0x0456: {"CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I", 'i'},
	0x0458: {"CYRILLIC SMALL LETTER JE", 'j'},
	0x04BB: {"CYRILLIC SMALL LETTER SHHA", 'h'},
	0x0501: {"CYRILLIC SMALL LETTER KOMI DE", 'd'},
	0x051B: {"CYRILLIC SMALL LETTER QA", 'q'},
	0x051D: {"CYRILLIC SMALL LETTER WE", 'w'},
	0x0410: {"CYRILLIC CAPITAL LETTER A", 'A'},
	0x0412: {"CYRILLIC CAPITAL LETTER VE", 'B'},
	0x0415: {"CYRILLIC CAPITAL LETTER IE", 'E'},
	0x0417: {"CYRILLIC CAPITAL LETTER ZE", '3'},
	0x041A: {"CYRILLIC CAPITAL LETTER KA", 'K'},
	0x041C: {"CYRILLIC CAPITAL LETTER EM", 'M'},
	0x041D: {"CYRILLIC CAPITAL LETTER EN", 'H'},
	0x041E: {"CYRILLIC CAPITAL LETTER O", 'O'},
	0x0420: {"CYRILLIC CAPITAL LETTER ER", 'P'},
	0x0421: {"CYRILLIC CAPITAL LETTER ES", 'C'},
	0x0422: {"CYRILLIC CAPITAL LETTER TE", 'T'},
	0x0425: {"CYRILLIC CAPITAL LETTER HA", 'X'},
	0x0405: {"CYRILLIC CAPITAL LETTER DZE", 'S'},
	0x0406: {"CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I", 'I'},
	0x0408: {"CYRILLIC CAPITAL LETTER JE", 'J'},
	0x04AE: {"CYRILLIC CAPITAL LETTER STRAIGHT U", 'Y'},
	0x04C0: {"CYRILLIC LETTER PALOCHKA", 'I'},
	0x03B1: {"GREEK SMALL LETTER ALPHA", 'a'},
	0x03B9: {"GREEK SMALL LETTER IOTA", 'i'},
	0x03BA: {"GREEK SMALL LETTER KAPPA", 'k'},
	0x03BD: {"GREEK SMALL LETTER NU", 'v'},
	0x03BF: {"GREEK SMALL LETTER OMICRON", 'o'},
	0x03C1: {"GREEK SMALL LETTER RHO", 'p'},
	0x03C5: {"GREEK SMALL LETTER UPSILON", 'u'},
	0x0391: {"GREEK CAPITAL LETTER ALPHA", 'A'},
	0x0392: {"GREEK CAPITAL LETTER BETA", 'B'},
	0x0395: {"GREEK CAPITAL LETTER EPSILON", 'E'},
	0x0396: {"GREEK CAPITAL LETTER ZETA", 'Z'},
	0x0397: {"GREEK CAPITAL LETTER ETA", 'H'},
	0x0399: {"GREEK CAPITAL LETTER IOTA", 'I'},
	0x039A: {"GREEK CAPITAL LETTER KAPPA", 'K'},
	0x039C: {"GREEK CAPITAL LETTER MU", 'M'},
	0x039D: {"GREEK CAPITAL LETTER NU", 'N'},
	0x039F: {"GREEK CAPITAL LETTER OMICRON", 'O'},
	0x03A1: {"GREEK CAPITAL LETTER RHO", 'P'},
	0x03A4: {"GREEK CAPITAL LETTER TAU", 'T'},
	0x03A5: {"GREEK CAPITAL LETTER UPSILON", 'Y'},
	0x03A7: {"GREEK CAPITAL LETTER CHI", 'X'},
	0x0131: {"LATIN SMALL LETTER DOTLESS I", 'i'},
	0x0269: {"LATIN SMALL LETTER IOTA", 'i'},
	0x01C0: {"LATIN LETTER DENTAL CLICK", 'l'},
	0x2160: {"ROMAN NUMERAL ONE", 'I'},
	0x216C: {"ROMAN NUMERAL FIFTY", 'L'},
	0x2170: {"SMALL ROMAN NUMERAL ONE", 'i'},
	0x217C: {"SMALL ROMAN NUMERAL FIFTY", 'l'},
}

// lookalikeOf returns what r impersonates, including the full-width forms
// of ASCII that Asian input methods produce.
func lookalikeOf(r rune) (lookalike, bool) {
	if r >= 0xFF10 && r <= 0xFF5A && r != 0xFF3F {
		a := r - 0xFEE0
		if (a >= '0' && a <= '9') || (a >= 'A' && a <= 'Z') || (a >= 'a' && a <= 'z') {
			return lookalike{"FULLWIDTH " + string(a), a}, true
		}
	}
	l, ok := lookalikes[r]
	return l, ok
}

// isMask reports characters the complete step owns: ellipses and the
// bullets dashboards mask keys with.
func isMask(r rune) bool {
	switch r {
	case '*', 0x2026, 0x2025, 0x22EF, 0x2022, 0x25CF, 0x00B7, 0x2219, 0x25E6, 0x2027:
		return true
	}
	return false
}

// Fix copy for the characters step.
const (
	fixQuotes = "Remove the quotes: they are not part of the key. In a .env file write `HIAPI_API_KEY=sk-...` (quotes are optional there, but `docker run --env-file` keeps them in the value); " +
		"in YAML or JSON the quotes are syntax, so check the value is not quoted twice (`'\"sk-...\"'`)."
	fixCurly = "Typographic quotes (“ ” ‘ ’) come from a word processor, a chat app or a docs page; shells and .env loaders do not treat them as quotes, so they become part of the key. " +
		"Retype the quotes as plain ' or \", or leave them out."
	fixPrefix = "Keep only the key (from sk- to its last character) in the variable; the header is built around it: `-H \"Authorization: Bearer $HIAPI_API_KEY\"`. " +
		"A variable that already holds `Bearer …` makes the header `Bearer Bearer …`."
	fixAssign = "Paste only what comes after the = sign. If the variable itself holds `NAME=…`, it was assigned twice over (e.g. `HIAPI_API_KEY=HIAPI_API_KEY=sk-...`): fix the line that sets it."
	fixPunct  = "Remove the trailing punctuation: copy only the key, from sk- to its last character, not the code around it."
	fixEscape = "Remove the escaped line break. In .env files only double-quoted values turn \\n into a newline, and a real newline is wrong too; " +
		"in shell, `echo -e` and `$'…'` expand it. Set the key with `printf '%s' \"$KEY\"`."
	fixURLEnc = "Remove the %0A (a URL-encoded newline): the key was URL-encoded along with a trailing newline. Strip the key (`key.strip()`, `key.trim()`) before encoding it."
	fixVar    = "Single quotes stop the shell from expanding variables: write \"$HIAPI_API_KEY\" in double quotes. " +
		"`.env` files, `docker run --env-file` and YAML do not expand variables either: put the key itself there, or check the loader supports `${VAR}`."
	fixTemplate = "The template was never rendered, so its text is the key. In GitHub Actions map the secret in `env:` (`HIAPI_API_KEY: ${{ secrets.HIAPI_API_KEY }}`), check the secret exists in this repository or environment, and that it is not empty."
	fixCode     = "This is the code that reads the key, not its value. Paste what it returns: `printenv HIAPI_API_KEY`, or run `keycheck check --var HIAPI_API_KEY` where the code runs."
	fixPlace    = "Create a key in the HiAPI dashboard (Dashboard → API Keys), copy it with the copy button (the full value is shown only once), and put that value in HIAPI_API_KEY."
	fixUnicode  = "Copy the key with the dashboard's copy button, not from a chat, document or PDF that \"prettifies\" text, or retype the character. " +
		"Find non-ASCII bytes: `printf '%s' \"$HIAPI_API_KEY\" | LC_ALL=C tr -d ' -~' | od -An -tx1` (prints nothing for a clean key)."
	fixUTF8 = "The key was read with the wrong text encoding (e.g. Latin-1 or UTF-16). Copy it again from the dashboard and save files as UTF-8. " +
		"Find the bad bytes: `printf '%s' \"$HIAPI_API_KEY\" | LC_ALL=C tr -d ' -~' | od -An -tx1`."
	fixUTF16 = "The key was written as UTF-16, which puts a zero byte after every character: Windows PowerShell 5's `>` and `Out-File` do that. " +
		"Write it with `Set-Content -Encoding ascii key.txt $key` or `[IO.File]::WriteAllText('key.txt', $key)`, or convert: `iconv -f UTF-16 -t UTF-8 key.txt`."
	fixControl = "Remove the control characters: `KEY=\"$(printf '%s' \"$KEY\" | LC_ALL=C tr -cd 'A-Za-z0-9_-')\"`, and copy the key from the dashboard rather than from terminal output."
	fixANSI    = "Terminal colour codes were copied with the key: copy it from the dashboard, or print it without colour (`printf '%s' \"$HIAPI_API_KEY\"` into a file, or `| cat`), not from coloured logs."
	fixOdd     = "Check the key against the dashboard: HiAPI keys are letters, digits, - and _. Copy it with the dashboard's copy button, not from surrounding code."
	fixBase64  = "This is the base64 form a Kubernetes Secret's `data:` holds; the pod sees it decoded. Put the decoded key where your code reads it, or use `stringData:` with the plain key. " +
		"Create secrets without a newline: `kubectl create secret generic hiapi --from-literal=HIAPI_API_KEY=\"$KEY\"`, or `printf '%s' \"$KEY\" | base64`, not `echo`."
)

func checkCharacters(st *state) Result {
	if r, ok := keySkip(st); ok {
		return r
	}
	k := &st.key
	var f findings
	for i := range k.wraps {
		w := &k.wraps[i]
		switch w.kind {
		case wrapQuotes:
			fix := fixQuotes
			kind := "quotes"
			if curly(w.text) {
				fix, kind = fixCurly, "typographic quotes"
			}
			f.add(StatusFail, "Wrapped in "+kind+" ("+Visible(w.text[:len(w.text)-utf8RuneLen(w.text)])+" at "+k.span(w.lo, w.hi)+
				" and "+Visible(w.text[len(w.text)-utf8RuneLen(w.text):])+" at "+k.span(w.lo2, w.hi2)+"): the quotes became part of the key.", st.cmd(fix))
		case wrapStrayQuote:
			fix := fixQuotes
			if curly(w.text) {
				fix = fixCurly
			}
			f.add(StatusFail, "A stray quote "+quoteText(w.text)+" at "+k.span(w.lo, w.hi)+", with no partner at the other end.", st.cmd(fix))
		case wrapHeader:
			name := "a header name"
			if st.safe(w.text) {
				name = "‘" + w.text + ":’"
			}
			f.add(StatusFail, "Starts with "+name+" ("+k.span(w.lo, w.hi)+"): that belongs to the header or the file, not to the key.", st.cmd(fixPrefix))
		case wrapScheme:
			f.add(StatusFail, "Starts with ‘"+w.text+"’ ("+k.span(w.lo, w.hi)+"): the scheme goes in the header before the key, not inside the variable.", st.cmd(fixPrefix))
		case wrapAssign:
			name := "a variable"
			if st.safe(w.text) {
				name = w.text
			}
			lead := "a NAME=value line"
			if w.export != "" {
				lead = "an ‘" + w.export + "’ line"
			}
			f.add(StatusFail, "This is "+lead+" for "+name+" ("+k.span(w.lo, w.hi)+" are the assignment), not just the key.", st.cmd(fixAssign))
		case wrapPunct:
			f.add(StatusFail, "Ends with ‘"+w.text+"’ at "+k.span(w.lo, w.hi)+", copied from code along with the key.", st.cmd(fixPunct))
		case wrapEscape:
			if w.text[0] == '%' {
				f.add(StatusFail, "Ends with ‘"+w.text+"’ at "+k.span(w.lo, w.hi)+": a URL-encoded line break.", st.cmd(fixURLEnc))
			} else {
				f.add(StatusFail, "Ends with the characters ‘"+w.text+"’ at "+k.span(w.lo, w.hi)+": a line break typed as an escape, kept as plain text.", st.cmd(fixEscape))
			}
		}
	}
	core := k.core
	switch {
	case core == "":
		f.add(StatusFail, "Nothing is left once the wrapper is removed: the value inside is empty.", st.cmd(fixPlace))
		return f.result("")
	case k.placeholder:
		f.add(StatusFail, "This is a placeholder from documentation or an example, not a real key.", st.cmd(fixPlace))
		return f.result("")
	}
	if d, fix, ok := unexpanded(st, core); ok {
		f.add(StatusFail, d, st.cmd(fix))
		return f.result("")
	}
	scanCharacters(st, &f)
	if k.decoded != "" {
		d := "This is base64, as a Kubernetes Secret's data holds a key: it decodes to a " + itoa(k.decodedLen) + "-character key (" + ends(k.decoded) + ")"
		switch {
		case k.decodedTail == "\n":
			d += " followed by a newline: base64 of a key ending in a newline, which `echo` adds before encoding"
		case k.decodedTail == "\r\n":
			d += " followed by a Windows line ending (␍⏎)"
		case k.decodedTail != "":
			d += " followed by " + describeRun(k.decodedTail, runeCount(k.decodedTail))
		}
		f.add(StatusFail, d+". The server wants the decoded key.", st.cmd(fixBase64))
	}
	if len(f.list) == 0 {
		return Result{Status: StatusPass, Detail: "Only key characters: no quotes, prefix, variable, placeholder or look-alike Unicode."}
	}
	return f.result("")
}

func utf8RuneLen(s string) int {
	_, n := utf8.DecodeLastRuneInString(s)
	return n
}

func curly(s string) bool {
	for _, r := range s {
		if r > 0x7f {
			return true
		}
	}
	return false
}

func quoteText(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	return quoteChar(r)
}

// unexpanded recognises a variable, template or line of code standing in
// for the key.
func unexpanded(st *state, s string) (detail, fix string, ok bool) {
	name := ""
	kind := ""
	switch {
	case len(s) > 1 && s[0] == '$' && isVarName(s[1:]):
		name, kind = s[1:], "var"
	case strings.HasPrefix(s, "${{") && strings.HasSuffix(s, "}}"):
		kind = "template"
	case strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}"):
		inner := s[2 : len(s)-1]
		if i := strings.IndexAny(inner, ":-=?"); i > 0 {
			inner = inner[:i]
		}
		if isVarName(inner) {
			name = inner
		}
		kind = "var"
	case strings.HasPrefix(s, "$(") && strings.HasSuffix(s, ")"), strings.HasPrefix(s, "`") && strings.HasSuffix(s, "`"):
		kind = "subst"
	case len(s) > 2 && s[0] == '%' && s[len(s)-1] == '%' && isVarName(s[1:len(s)-1]):
		name, kind = s[1:len(s)-1], "var"
	case len(s) > 5 && strings.EqualFold(s[:5], "$env:") && isVarName(s[5:]):
		name, kind = s[5:], "var"
	case strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}"), strings.HasPrefix(s, "<%") && strings.HasSuffix(s, "%>"):
		kind = "template"
	case strings.HasPrefix(s, "process.env"), strings.HasPrefix(s, "os.environ"), strings.HasPrefix(s, "os.getenv("),
		strings.HasPrefix(s, "os.Getenv("), strings.HasPrefix(s, "System.getenv("), strings.HasPrefix(s, "ENV["), strings.HasPrefix(s, "getenv("):
		kind = "code"
	}
	// The name is all the key holds here, so it is no secret; it is shown
	// unless it looks like a key itself.
	shown := "a variable's name"
	if name != "" && !keyLike(name) && len(name) <= 64 {
		shown = "‘$" + name + "’"
	}
	switch kind {
	case "var":
		return "The key is the literal text of " + shown + ": the variable was never expanded, so that text is what gets sent.", fixVar, true
	case "subst":
		return "The key is a command substitution that was never run: its text, not its output, is the key.", fixVar, true
	case "template":
		return "The key is a template placeholder ({{ … }}) that was never filled in.", fixTemplate, true
	case "code":
		return "This is code that reads the key, not the key itself.", fixCode, true
	}
	return "", "", false
}

// scanCharacters reports, character by character, what does not belong in
// a key: bad UTF-8, control characters, look-alikes, other non-ASCII,
// stray quotes, $NAME, escapes and unusual punctuation.
func scanCharacters(st *state, f *findings) {
	k := &st.key
	core := k.core
	// Fast path: a plain key of letters, digits, - and _.
	plain := true
	for i := 0; i < len(core); i++ {
		c := core[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			plain = false
			break
		}
	}
	if plain {
		return
	}
	const maxEach = 4
	var nBad, nCtl, nLook, nOther, nOdd int
	var bad, ctl, look, other, odd []string
	nuls := 0
	pos := k.pos(k.coreLo) - 1
	for i := 0; i < len(core); {
		r, size := utf8.DecodeRuneInString(core[i:])
		pos++
		off := k.coreLo + i
		if r == utf8.RuneError && size == 1 {
			nBad++
			if len(bad) < maxEach {
				bad = append(bad, "byte 0x"+hex2(core[i])+" at byte position "+itoa(off+1))
			}
			i++
			continue
		}
		i += size
		switch {
		case r == 0:
			nuls++
			fallthrough
		case (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) && !hidden(r):
			if r == 0x1b && i < len(core) && core[i] == '[' {
				if !f.full(StatusFail) {
					f.add(StatusFail, "Terminal colour codes (‘ESC[’ at "+at(pos, pos+1)+") were copied along with the key.", st.cmd(fixANSI))
				}
				// Skip the rest of the escape sequence.
				for i < len(core) && !(core[i] >= '@' && core[i] <= '~' && core[i] != '[') {
					i++
					pos++
				}
				if i < len(core) {
					i++
					pos++
				}
				continue
			}
			nCtl++
			if len(ctl) < maxEach {
				ctl = append(ctl, "control character "+codePoint(r)+controlName(r)+" at position "+itoa(pos))
			}
		case hidden(r) || isMask(r):
			// The whitespace and complete steps report these.
		case r == '.':
			// Part of "..." (complete's), or allowed.
		case isQuote(r):
			fix := fixQuotes
			if r > 0x7f {
				fix = fixCurly
			}
			if f.full(StatusFail) {
				continue
			}
			f.add(StatusFail, "A quote "+quoteChar(r)+" at position "+itoa(pos)+", inside the key.", st.cmd(fix))
		case r >= 0x80:
			if l, ok := lookalikeOf(r); ok {
				nLook++
				if len(look) < maxEach {
					look = append(look, codePoint(r)+" "+l.name+" ("+quoteChar(r)+") at position "+itoa(pos)+", in place of "+quoteChar(l.like))
				}
				continue
			}
			nOther++
			if len(other) < maxEach {
				other = append(other, quoteChar(r)+" ("+codePoint(r)+") at position "+itoa(pos))
			}
		case r == '$' && i < len(core) && (core[i] == '{' || isNameByte(core[i], true)):
			if f.full(StatusFail) {
				continue
			}
			f.add(StatusFail, "A ‘$’ followed by a name at position "+itoa(pos)+": part of the key is an unexpanded variable.", st.cmd(fixVar))
		case r == '\\' && i < len(core) && (core[i] == 'n' || core[i] == 'r' || core[i] == 't'):
			if f.full(StatusFail) {
				i++
				pos++
				continue
			}
			f.add(StatusFail, "The characters ‘\\"+string(core[i])+"’ at "+at(pos, pos+1)+", inside the key: a line break typed as an escape.", st.cmd(fixEscape))
			i++
			pos++
		case r == '%' && i+1 < len(core) && isHex(core[i]) && isHex(core[i+1]):
			if f.full(StatusFail) {
				i += 2
				pos += 2
				continue
			}
			f.add(StatusFail, "‘%"+core[i:i+2]+"’ at "+at(pos, pos+2)+": the key was URL-encoded.", st.cmd(fixURLEnc))
			i += 2
			pos += 2
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '+', r == '/', r == '=', r == '~':
		default:
			nOdd++
			if len(odd) < maxEach {
				odd = append(odd, quoteChar(r)+" at position "+itoa(pos))
			}
		}
	}
	if nBad > 0 {
		f.add(StatusFail, "Not valid UTF-8: "+list(bad, nBad)+".", st.cmd(fixUTF8))
	}
	if nuls > 0 && nuls*3 >= len(core) {
		f.add(StatusFail, "Holds "+plural(nuls, "zero byte", "zero bytes")+" between the characters: the key was saved as UTF-16.", st.cmd(fixUTF16))
	} else if nCtl > 0 {
		f.add(StatusFail, capitalise(list(ctl, nCtl))+": control characters never belong in a key.", st.cmd(fixControl))
	}
	if nLook > 0 {
		f.add(StatusFail, "Look-alike characters: "+list(look, nLook)+". They look right but are different characters, so the key does not match.", st.cmd(fixUnicode))
	}
	if nOther > 0 {
		f.add(StatusFail, "Not plain ASCII: "+list(other, nOther)+". HiAPI keys are plain ASCII letters, digits, - and _.", st.cmd(fixUnicode))
	}
	if nOdd > 0 {
		f.add(StatusWarn, "Unusual for a key: "+list(odd, nOdd)+".", st.cmd(fixOdd))
	}
}

// list joins up to len(items) descriptions, noting how many more there are.
func list(items []string, total int) string {
	s := strings.Join(items, "; ")
	if total > len(items) {
		s += "; and " + itoa(total-len(items)) + " more"
	}
	return s
}

func controlName(r rune) string {
	switch r {
	case 0:
		return " (NUL)"
	case 0x1b:
		return " (ESC)"
	case 0x7f:
		return " (DEL)"
	case 0x08:
		return " (BACKSPACE)"
	}
	return ""
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hex2(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// keySkip is the result of a key-reading step when there is no key to
// read.
// judgedKey is the key the length and provider steps judge: the key without
// its wrapper. ok is false, with the skip to return, when there is none.
func judgedKey(st *state) (key string, skipped Result, ok bool) {
	if r, skip := keySkip(st); skip {
		return "", r, false
	}
	k := &st.key
	if k.placeholder {
		return "", skip("Skipped: the key is a documentation placeholder (see characters).", ""), false
	}
	if key = k.judged(); key == "" {
		return "", skip("Skipped: nothing is left of the key once its wrapper is removed (see characters).", ""), false
	}
	return key, Result{}, true
}

func keySkip(st *state) (Result, bool) {
	k := &st.key
	switch {
	case k.raw == "":
		return skip("Skipped: no key to check.", ""), true
	case k.blank:
		return skip("Skipped: the key is only whitespace (see the first step).", ""), true
	}
	return Result{}, false
}
