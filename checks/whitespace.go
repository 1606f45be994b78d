package checks

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// hidden reports whether r is whitespace or a character that shows as
// nothing: the characters a person cannot see in a key.
func hidden(r rune) bool {
	if r > ' ' && r < 0x7f {
		return false
	}
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	case 0x034F, 0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0:
		// Combining grapheme joiner, Hangul fillers and the blank braille
		// pattern: letters or marks, but they draw nothing.
		return true
	}
	if r < 0x80 {
		return false
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// hiddenNames names the invisible characters a paste most often carries.
var hiddenNames = map[rune]string{
	0x000B: "VERTICAL TAB",
	0x000C: "FORM FEED",
	0x0085: "NEXT LINE (NEL)",
	0x00A0: "NO-BREAK SPACE (NBSP)",
	0x00AD: "SOFT HYPHEN",
	0x034F: "COMBINING GRAPHEME JOINER",
	0x061C: "ARABIC LETTER MARK",
	0x115F: "HANGUL CHOSEONG FILLER",
	0x1160: "HANGUL JUNGSEONG FILLER",
	0x1680: "OGHAM SPACE MARK",
	0x180E: "MONGOLIAN VOWEL SEPARATOR",
	0x2000: "EN QUAD",
	0x2001: "EM QUAD",
	0x2002: "EN SPACE",
	0x2003: "EM SPACE",
	0x2004: "THREE-PER-EM SPACE",
	0x2005: "FOUR-PER-EM SPACE",
	0x2006: "SIX-PER-EM SPACE",
	0x2007: "FIGURE SPACE",
	0x2008: "PUNCTUATION SPACE",
	0x2009: "THIN SPACE",
	0x200A: "HAIR SPACE",
	0x200B: "ZERO WIDTH SPACE",
	0x200C: "ZERO WIDTH NON-JOINER",
	0x200D: "ZERO WIDTH JOINER",
	0x200E: "LEFT-TO-RIGHT MARK",
	0x200F: "RIGHT-TO-LEFT MARK",
	0x2028: "LINE SEPARATOR",
	0x2029: "PARAGRAPH SEPARATOR",
	0x202A: "LEFT-TO-RIGHT EMBEDDING",
	0x202B: "RIGHT-TO-LEFT EMBEDDING",
	0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE",
	0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x202F: "NARROW NO-BREAK SPACE",
	0x205F: "MEDIUM MATHEMATICAL SPACE",
	0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION",
	0x2062: "INVISIBLE TIMES",
	0x2063: "INVISIBLE SEPARATOR",
	0x2064: "INVISIBLE PLUS",
	0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE",
	0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
	0x2800: "BRAILLE PATTERN BLANK",
	0x3000: "IDEOGRAPHIC SPACE",
	0x3164: "HANGUL FILLER",
	0xFEFF: "BYTE ORDER MARK (BOM)",
	0xFFA0: "HALFWIDTH HANGUL FILLER",
}

// hiddenName describes one invisible character, e.g. "a newline (⏎)" or
// "U+200B ZERO WIDTH SPACE".
func hiddenName(r rune) string {
	switch r {
	case ' ':
		return "a space (␣)"
	case '\n':
		return "a newline (⏎)"
	case '\r':
		return "a carriage return (␍, CR)"
	case '\t':
		return "a tab (⇥)"
	}
	if n, ok := hiddenNames[r]; ok {
		return CodePoint(r) + " " + n
	}
	return CodePoint(r) + " (invisible)"
}

// hiddenNames describes n copies of r, e.g. "2 spaces (␣␣)".
func hiddenCount(n int, r rune) string {
	if n == 1 {
		return hiddenName(r)
	}
	vis := strings.Repeat(Visible(string(r)), min(n, 8))
	switch r {
	case ' ':
		return plural(n, "space", "spaces") + " (" + vis + ")"
	case '\n':
		return plural(n, "newline", "newlines") + " (" + vis + ")"
	case '\r':
		return plural(n, "carriage return", "carriage returns") + " (" + vis + ")"
	case '\t':
		return plural(n, "tab", "tabs") + " (" + vis + ")"
	}
	return itoa(n) + " × " + hiddenName(r)
}

// wsRun is a run of consecutive invisible characters in the key.
type wsRun struct {
	lo, hi int // byte offsets in the key
	pos    int // 1-based character position of the first one
	n      int // characters in the run
}

// Fix copy for the whitespace step. Commands use HIAPI_API_KEY; state.cmd
// swaps in the variable the person's code reads.
const (
	seeEnd = "See the end of the key as the process has it: `printf '%s' \"$HIAPI_API_KEY\" | od -c | tail -3`"

	stripLine = "Strip it where the key is read: shell `KEY=\"$(printf '%s' \"$KEY\" | tr -d '[:space:]')\"`, Python `key.strip()`, JS `key.trim()`, Go `strings.TrimSpace(key)`."

	fixTrailingNewline = "Write keys with `printf`, not `echo` (it adds the newline): `printf 'HIAPI_API_KEY=%s\\n' \"$KEY\" >> .env`, or `printf '%s' \"$KEY\" | base64` for a Kubernetes secret.\n" +
		stripLine + "\n" + seeEnd

	fixCR = "Remove the Windows line endings (CR LF) from the file the key came from: `sed -i 's/\\r$//' .env` or `dos2unix .env`.\n" +
		stripLine + "\n" + seeEnd

	fixEdges = stripLine + "\n" + seeEnd

	fixInner = "The key was split when copied: copy it again with the dashboard's copy button, not a drag-select over a wrapped line.\n" +
		"Or join it: `KEY=\"$(printf '%s' \"$KEY\" | tr -d '[:space:]')\"`."

	fixUnicodeSpace = "Trim functions and `tr -d '[:space:]'` miss this character: copy the key again with the dashboard's copy button, not from a chat, doc or PDF.\n" +
		"Or keep only key characters: `KEY=\"$(printf '%s' \"$KEY\" | LC_ALL=C tr -cd 'A-Za-z0-9_-')\"`.\n" +
		"Find it: `printf '%s' \"$HIAPI_API_KEY\" | LC_ALL=C tr -d ' -~' | od -An -tx1` prints only the bytes that are not plain ASCII."

	fixBOM = "An editor saved the file as \"UTF-8 with BOM\" (Notepad, some Windows tools): save it as plain UTF-8, or remove the mark: `sed -i '1s/^\\xEF\\xBB\\xBF//' .env`."
)

func checkWhitespace(st *state) Result {
	k := &st.key
	if r, ok := keySkip(st); ok {
		return r
	}
	runs, nr, total := hiddenRuns(k.raw)
	if total == 0 {
		return Result{Status: StatusPass, Detail: "No spaces, newlines, tabs or invisible characters, at the ends or inside."}
	}
	var f findings
	for _, run := range runs[:nr] {
		reportRun(st, run, &f)
	}
	if total > nr {
		f.add(StatusFail, "And "+plural(total-nr, "more run", "more runs")+" of invisible characters.", "")
	}
	if len(f.list) == 0 {
		return Result{Status: StatusPass, Detail: "No spaces, newlines, tabs or invisible characters around or inside the key (blanks inside its wrapper are covered under characters)."}
	}
	res := f.result("")
	res.Detail += " As given: " + k.evidence() + "."
	return res
}

// hiddenRuns finds the runs of invisible characters in raw: the first
// eight, and how many there are.
func hiddenRuns(raw string) (runs [8]wsRun, nr, total int) {
	// Fast path: nothing invisible at all.
	if printable(raw) {
		return runs, 0, 0
	}
	pos := 0
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		pos++
		if !hidden(r) || (r == utf8.RuneError && size == 1) {
			i += size
			continue
		}
		run := wsRun{lo: i, pos: pos}
		for i < len(raw) {
			r, size = utf8.DecodeRuneInString(raw[i:])
			if !hidden(r) || (r == utf8.RuneError && size == 1) {
				break
			}
			i += size
			run.n++
		}
		pos += run.n - 1
		run.hi = i
		total++
		if nr < len(runs) {
			runs[nr] = run
			nr++
		}
	}
	return runs, nr, total
}

// reportRun says where a run of invisible characters is (at the start, at
// the end, inside the key) and how to remove it. Runs inside a wrapper are
// the characters step's.
func reportRun(st *state, run wsRun, f *findings) {
	k, raw := &st.key, st.key.raw
	seg := raw[run.lo:run.hi]
	desc := describeRun(seg, run.n)
	where := at(run.pos, run.pos+run.n-1)
	switch {
	case run.lo >= k.lo && run.hi <= k.hi && (run.hi <= k.coreLo || run.lo >= k.coreLo+len(k.core)):
		// Blanks inside a wrapper ("Bearer sk-…", "export NAME=…"):
		// the characters step reports the wrapper.
	case run.lo == 0:
		d := "Starts with " + desc + " at " + where + "."
		if strings.HasPrefix(seg, "\uFEFF") {
			d = "Starts with a byte order mark (‹BOM›, U+FEFF) at position 1, invisible in editors."
			if run.n > 1 {
				d += " Then " + describeRun(seg[3:], run.n-1) + "."
			}
			f.addHeadline(StatusFail, "Your key starts with an invisible byte order mark (BOM): HiAPI would reject it.", d, st.cmd(fixBOM))
			return
		}
		art, noun := aBlank(seg)
		f.addHeadline(StatusFail, "Your key starts with "+art+noun+": HiAPI would reject it.", d, st.cmd(fixFor(seg, fixEdges)))
	case run.hi == len(raw):
		d := "Ends with " + desc + " at " + where + ", after the key."
		fix := fixFor(seg, fixEdges)
		if strings.HasSuffix(seg, "\r\n") || seg == "\r" {
			fix = fixCR
		} else if strings.HasSuffix(seg, "\n") {
			fix = fixTrailingNewline
		}
		art, noun := aBlank(seg)
		f.addHeadline(StatusFail, "Your key ends with "+art+noun+": HiAPI would reject it.", d, st.cmd(fix))
	default:
		d := capitalise(desc) + " at " + where + ", inside the key"
		art, noun := aBlank(seg)
		h := "Your key has " + art + noun + " inside it: HiAPI would reject it."
		if strings.ContainsAny(seg, "\n\r") {
			d += ": the key was split across two lines"
			h = "Your key is split across two lines: HiAPI would reject it."
		} else if noun == "whitespace" {
			h = "Your key has invisible characters inside it: HiAPI would reject it."
		}
		f.addHeadline(StatusFail, h, d+".", st.cmd(fixFor(seg, fixInner)))
	}
}

// blankWords names a run of invisible characters in a person's words:
// "newline", "Windows line ending (CR LF)", "2 spaces", "U+00A0 NO-BREAK
// SPACE (NBSP)", or "whitespace" for a mix. one reports a single thing,
// which takes an article.
func blankWords(seg string) (noun string, one bool) {
	if seg == "\r\n" {
		return "Windows line ending (CR LF)", true
	}
	first, _ := utf8.DecodeRuneInString(seg)
	n := 0
	for _, r := range seg {
		if r != first {
			return "whitespace", false
		}
		n++
	}
	var name, names string
	switch first {
	case '\n':
		name, names = "newline", "newlines"
	case '\r':
		name, names = "carriage return (CR)", "carriage returns (CR)"
	case ' ':
		name, names = "space", "spaces"
	case '\t':
		name, names = "tab", "tabs"
	case 0xFEFF:
		name, names = "byte order mark (BOM)", "byte order marks (BOM)"
	default:
		name = CodePoint(first)
		if s, ok := hiddenNames[first]; ok {
			name += " " + s
		}
		names = "× " + name
	}
	if n == 1 {
		return name, true
	}
	return plural(n, name, names), false
}

// aBlank is blankWords with its article, in two parts to join: "a " and
// "newline", "an invisible " and "U+200B ZERO WIDTH SPACE", "" and "2
// spaces".
func aBlank(seg string) (article, noun string) {
	noun, one := blankWords(seg)
	switch {
	case !one:
		return "", noun
	case strings.HasPrefix(noun, "U+"):
		return "an invisible ", noun
	}
	return "a ", noun
}

// fixFor picks the fix for a run: the Unicode one when plain trimming
// would not remove it.
func fixFor(seg, plain string) string {
	for _, r := range seg {
		if r >= 0x80 {
			if r == 0xFEFF {
				return fixBOM
			}
			return fixUnicodeSpace
		}
	}
	return plain
}

// describeRun names a run of n invisible characters.
func describeRun(seg string, n int) string {
	if seg == "\r\n" {
		return "a Windows line ending (␍⏎, CR LF)"
	}
	first, _ := utf8.DecodeRuneInString(seg)
	same := true
	for _, r := range seg {
		if r != first {
			same = false
			break
		}
	}
	if same {
		return hiddenCount(n, first)
	}
	vis := seg
	if n > 12 {
		cut := 0
		for i := range seg {
			if cut == 12 {
				vis = seg[:i]
				break
			}
			cut++
		}
		return plural(n, "invisible character", "invisible characters") + " (" + Visible(vis) + "…)"
	}
	return plural(n, "invisible character", "invisible characters") + " (" + Visible(vis) + ")"
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
