package checks

import (
	"strings"
	"unicode/utf8"
)

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
	// What stands in for the key comes first: it is the deeper fault, and
	// its headline the one to show, whatever wraps it. There are no key
	// characters to scan then.
	standing := true
	switch d, h, fix, ok := unexpanded(st, k.core); {
	case k.core == "":
		f.addHeadline(StatusFail, "There is no key inside the wrapper: the value is empty.",
			"Nothing is left once the wrapper is removed: the value inside is empty.", st.cmd(fixPlace))
	case k.stand == standPlaceholder:
		f.addHeadline(StatusFail, "This is a placeholder from the docs, not a real key.",
			"This is a placeholder from documentation or an example, not a real key.", st.cmd(fixPlace))
	case ok:
		f.addHeadline(StatusFail, h, d, st.cmd(fix))
	default:
		standing = false
	}
	reportWraps(st, &f)
	if standing {
		return f.result("")
	}
	scanCharacters(st, &f)
	if k.decoded != "" {
		f.addHeadline(StatusFail, "Your key is base64-encoded: HiAPI wants the key itself, decoded.",
			base64Detail(k)+". The server wants the decoded key.", st.cmd(fixBase64))
	}
	if len(f.list) == 0 {
		return Result{Status: StatusPass, Detail: "Only key characters: no quotes, prefix, variable, placeholder or look-alike Unicode."}
	}
	return f.result("")
}

// reportWraps reports each wrapper found around the key, where it is.
func reportWraps(st *state, f *findings) {
	k := &st.key
	for i := range k.wraps {
		w := &k.wraps[i]
		switch w.kind {
		case wrapQuotes:
			fix := fixQuotes
			kind := "quotes"
			if curly(w.text) {
				fix, kind = fixCurly, "typographic quotes"
			}
			f.addHeadline(StatusFail, "Your key is wrapped in "+kind+": they became part of it.",
				"Wrapped in "+kind+" ("+Visible(w.text[:len(w.text)-utf8RuneLen(w.text)])+" at "+k.span(w.lo, w.hi)+
					" and "+Visible(w.text[len(w.text)-utf8RuneLen(w.text):])+" at "+k.span(w.lo2, w.hi2)+"): the quotes became part of the key.", st.cmd(fix))
		case wrapStrayQuote:
			fix := fixQuotes
			if curly(w.text) {
				fix = fixCurly
			}
			f.addHeadline(StatusFail, "Your key has a stray quote "+quoteText(w.text)+" at one end: it became part of the key.",
				"A stray quote "+quoteText(w.text)+" at "+k.span(w.lo, w.hi)+", with no partner at the other end.", st.cmd(fix))
		case wrapHeader:
			name := "a header name"
			if st.safe(w.text) {
				name = "‘" + w.text + ":’"
			}
			f.addHeadline(StatusFail, "Your key starts with "+name+", which belongs to the header or the file, not to the key.",
				"Starts with "+name+" ("+k.span(w.lo, w.hi)+"): that belongs to the header or the file, not to the key.", st.cmd(fixPrefix))
		case wrapScheme:
			f.addHeadline(StatusFail, "Your key starts with ‘"+w.text+"’, which belongs in the header before the key, not in the key.",
				"Starts with ‘"+w.text+"’ ("+k.span(w.lo, w.hi)+"): the scheme goes in the header before the key, not inside the variable.", st.cmd(fixPrefix))
		case wrapAssign:
			name := "a variable"
			if st.safe(w.text) {
				name = w.text
			}
			lead := "a NAME=value line"
			if w.export != "" {
				lead = "an ‘" + w.export + "’ line"
			}
			f.addHeadline(StatusFail, "Your key is a whole "+strings.TrimPrefix(strings.TrimPrefix(lead, "an "), "a ")+" for "+name+", not just the key.",
				"This is "+lead+" for "+name+" ("+k.span(w.lo, w.hi)+" are the assignment), not just the key.", st.cmd(fixAssign))
		case wrapPunct:
			f.addHeadline(StatusFail, "Your key ends with ‘"+w.text+"’, copied from code along with it.",
				"Ends with ‘"+w.text+"’ at "+k.span(w.lo, w.hi)+", copied from code along with the key.", st.cmd(fixPunct))
		case wrapEscape:
			if w.text[0] == '%' {
				f.addHeadline(StatusFail, "Your key ends with ‘"+w.text+"’, a URL-encoded line break: HiAPI would reject it.",
					"Ends with ‘"+w.text+"’ at "+k.span(w.lo, w.hi)+": a URL-encoded line break.", st.cmd(fixURLEnc))
			} else {
				f.addHeadline(StatusFail, "Your key ends with the text ‘"+w.text+"’, a line break typed as an escape: HiAPI would reject it.",
					"Ends with the characters ‘"+w.text+"’ at "+k.span(w.lo, w.hi)+": a line break typed as an escape, kept as plain text.", st.cmd(fixEscape))
			}
		}
	}
}

// base64Detail describes the key found inside base64 and what followed it.
func base64Detail(k *keyInfo) string {
	d := "This is base64, as a Kubernetes Secret's data holds a key: it decodes to a " + itoa(k.decodedLen) + "-character key (" + ends(k.decoded) + ")"
	switch {
	case k.decodedTail == "\n":
		d += " followed by a newline: base64 of a key ending in a newline, which `echo` adds before encoding"
	case k.decodedTail == "\r\n":
		d += " followed by a Windows line ending (␍⏎)"
	case k.decodedTail != "":
		d += " followed by " + describeRun(k.decodedTail, runeCount(k.decodedTail))
	}
	return d
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

// unexpanded describes a variable, command, template or line of code
// standing in for the key: the detail, the headline and the fix.
func unexpanded(st *state, s string) (detail, headline, fix string, ok bool) {
	kind, name := unexpandedKind(s)
	switch kind {
	case "var":
		// The name is all the key holds here, so it is no secret; it is
		// shown unless it looks like a key itself.
		if name == "" || keyLike(name) || len(name) > 64 {
			return "The key is the literal text of a variable's name: the variable was never expanded, so that text is what gets sent.",
				"Your key is a variable's name, not its value: the variable was never expanded.", fixVar, true
		}
		return "The key is the literal text of ‘$" + name + "’: the variable was never expanded, so that text is what gets sent.",
			"Your key is the text $" + name + ", not its value: the variable was never expanded.", fixVar, true
	case "subst":
		return "The key is a command substitution that was never run: its text, not its output, is the key.",
			"Your key is the text of a command, not its output: the command was never run.", fixVar, true
	case "template":
		return "The key is a template placeholder ({{ … }}) that was never filled in.",
			"Your key is a template that was never filled in, not a key.", fixTemplate, true
	case "code":
		return "This is code that reads the key, not the key itself.",
			"This is the code that reads your key, not the key itself.", fixCode, true
	}
	return "", "", "", false
}

// scanCharacters reports, character by character, what does not belong in
// a key: bad UTF-8, control characters, look-alikes, other non-ASCII,
// stray quotes, $NAME, escapes and unusual punctuation.
func scanCharacters(st *state, f *findings) {
	k := &st.key
	if plainKey(k.core) {
		return
	}
	sc := charScan{st: st, core: k.core, pos: k.pos(k.coreLo) - 1}
	for sc.i < len(sc.core) {
		sc.next(f)
	}
	sc.report(f)
}

// plainKey reports a key of only letters, digits, - and _: nothing for
// scanCharacters to find.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// charScan is scanCharacters' walk over the key: where it is, and the
// characters it has counted, to report each kind once. (The findings are
// passed to its methods, not kept in it, so they stay on the stack.)
type charScan struct {
	st   *state
	core string
	i    int // the next byte of core
	pos  int // the 1-based position, in the key as given, of the last character read
	// The kinds reported once, in a list: invalid bytes, control
	// characters, look-alikes, other non-ASCII, unusual ASCII.
	bad, ctl, look, other, odd tally
	nuls                       int
	// The first look-alike, other non-ASCII and unusual character, for
	// the headline.
	firstLook, firstOther, firstOdd rune
}

// tally counts one kind of character and keeps the first few
// descriptions, in place.
type tally struct {
	n    int
	kept [4]string
}

// slot counts one more and returns where its description goes, or nil
// once four are kept (the rest are only counted, so their text is never
// built).
func (t *tally) slot() *string {
	t.n++
	if t.n > len(t.kept) {
		return nil
	}
	return &t.kept[t.n-1]
}

// text lists the descriptions kept, noting how many more there are.
func (t *tally) text() string {
	k := min(t.n, len(t.kept))
	s := strings.Join(t.kept[:k], "; ")
	if t.n > k {
		s += "; and " + itoa(t.n-k) + " more"
	}
	return s
}

// next reads one character (or invalid byte) and sorts it.
func (sc *charScan) next(f *findings) {
	core := sc.core
	r, size := utf8.DecodeRuneInString(core[sc.i:])
	sc.pos++
	if r == utf8.RuneError && size == 1 {
		if d := sc.bad.slot(); d != nil {
			*d = "byte 0x" + hex2(core[sc.i]) + " at byte position " + itoa(sc.st.key.coreLo+sc.i+1)
		}
		sc.i++
		return
	}
	sc.i += size
	st, pos := sc.st, sc.pos
	switch {
	case (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) && !hidden(r):
		sc.control(f, r)
	case hidden(r) || isMask(r) || r == '.':
		// The whitespace and complete steps report these; a '.' is part
		// of "..." (complete's), or allowed.
	case isQuote(r):
		fix := fixQuotes
		if r > 0x7f {
			fix = fixCurly
		}
		if !f.full(StatusFail) {
			f.addHeadline(StatusFail, "Your key has a quote "+quoteChar(r)+" inside it: HiAPI would reject it.",
				"A quote "+quoteChar(r)+" at position "+itoa(pos)+", inside the key.", st.cmd(fix))
		}
	case r >= 0x80:
		sc.nonASCII(r)
	case r == '$' && sc.i < len(core) && (core[sc.i] == '{' || isNameByte(core[sc.i], true)):
		if !f.full(StatusFail) {
			f.addHeadline(StatusFail, "Part of your key is a variable's name that was never expanded: HiAPI would reject it.",
				"A ‘$’ followed by a name at position "+itoa(pos)+": part of the key is an unexpanded variable.", st.cmd(fixVar))
		}
	case r == '\\' && sc.i < len(core) && (core[sc.i] == 'n' || core[sc.i] == 'r' || core[sc.i] == 't'):
		if !f.full(StatusFail) {
			f.addHeadline(StatusFail, "Your key holds the text ‘\\"+string(core[sc.i])+"’, a line break typed as an escape: HiAPI would reject it.",
				"The characters ‘\\"+string(core[sc.i])+"’ at "+at(pos, pos+1)+", inside the key: a line break typed as an escape.", st.cmd(fixEscape))
		}
		sc.skip(1)
	case r == '%' && sc.i+1 < len(core) && isHex(core[sc.i]) && isHex(core[sc.i+1]):
		if !f.full(StatusFail) {
			f.addHeadline(StatusFail, "Your key was URL-encoded (‘%"+core[sc.i:sc.i+2]+"’): HiAPI wants it as it is.",
				"‘%"+core[sc.i:sc.i+2]+"’ at "+at(pos, pos+2)+": the key was URL-encoded.", st.cmd(fixURLEnc))
		}
		sc.skip(2)
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '+', r == '/', r == '=', r == '~':
	default:
		if sc.odd.n == 0 {
			sc.firstOdd = r
		}
		if d := sc.odd.slot(); d != nil {
			*d = quoteChar(r) + " at position " + itoa(pos)
		}
	}
}

// skip passes n more bytes of a sequence already reported.
func (sc *charScan) skip(n int) {
	sc.i += n
	sc.pos += n
}

// control counts a control character; terminal colour codes (ESC [ …)
// are reported at once, and the rest of their sequence skipped.
func (sc *charScan) control(f *findings, r rune) {
	core := sc.core
	if r == 0 {
		sc.nuls++
	}
	if r == 0x1b && sc.i < len(core) && core[sc.i] == '[' {
		if !f.full(StatusFail) {
			f.addHeadline(StatusFail, "Your key carries terminal colour codes, copied along with it: HiAPI would reject it.",
				"Terminal colour codes (‘ESC[’ at "+at(sc.pos, sc.pos+1)+") were copied along with the key.", sc.st.cmd(fixANSI))
		}
		for sc.i < len(core) && !(core[sc.i] >= '@' && core[sc.i] <= '~' && core[sc.i] != '[') {
			sc.skip(1)
		}
		if sc.i < len(core) {
			sc.skip(1)
		}
		return
	}
	if d := sc.ctl.slot(); d != nil {
		*d = "control character " + CodePoint(r) + controlName(r) + " at position " + itoa(sc.pos)
	}
}

// nonASCII counts a look-alike, naming what it imitates, or another
// non-ASCII character.
func (sc *charScan) nonASCII(r rune) {
	if l, ok := lookalikeOf(r); ok {
		if sc.look.n == 0 {
			sc.firstLook = r
		}
		if d := sc.look.slot(); d != nil {
			*d = CodePoint(r) + " " + l.name + " (" + quoteChar(r) + ") at position " + itoa(sc.pos) + ", in place of " + quoteChar(l.like)
		}
		return
	}
	if sc.other.n == 0 {
		sc.firstOther = r
	}
	if d := sc.other.slot(); d != nil {
		*d = quoteChar(r) + " (" + CodePoint(r) + ") at position " + itoa(sc.pos)
	}
}

// lookHeadline names the first look-alike and what it imitates.
func (sc *charScan) lookHeadline() string {
	r := sc.firstLook
	l, _ := lookalikeOf(r)
	what := CodePoint(r) + " " + l.name + " in place of " + quoteChar(l.like)
	if sc.look.n == 1 {
		return "Your key holds a look-alike character, " + what + ": HiAPI would reject it."
	}
	return "Your key holds " + itoa(sc.look.n) + " look-alike characters, such as " + what + ": HiAPI would reject it."
}

// report adds one finding per kind counted.
func (sc *charScan) report(f *findings) {
	st := sc.st
	if sc.bad.n > 0 {
		f.addHeadline(StatusFail, "Your key is not valid UTF-8 text: it was read with the wrong encoding.",
			"Not valid UTF-8: "+sc.bad.text()+".", st.cmd(fixUTF8))
	}
	if sc.nuls > 0 && sc.nuls*3 >= len(sc.core) {
		f.addHeadline(StatusFail, "Your key was saved as UTF-16, with a zero byte after every character: HiAPI would reject it.",
			"Holds "+plural(sc.nuls, "zero byte", "zero bytes")+" between the characters: the key was saved as UTF-16.", st.cmd(fixUTF16))
	} else if sc.ctl.n > 0 {
		f.addHeadline(StatusFail, "Your key holds control characters, which never belong in a key: HiAPI would reject it.",
			capitalise(sc.ctl.text())+": control characters never belong in a key.", st.cmd(fixControl))
	}
	if sc.look.n > 0 {
		f.addHeadline(StatusFail, sc.lookHeadline(),
			"Look-alike characters: "+sc.look.text()+". They look right but are different characters, so the key does not match.", st.cmd(fixUnicode))
	}
	if sc.other.n > 0 {
		f.addHeadline(StatusFail, "Your key holds "+quoteChar(sc.firstOther)+" and other characters that are not plain ASCII: HiAPI keys never do.",
			"Not plain ASCII: "+sc.other.text()+". HiAPI keys are plain ASCII letters, digits, - and _.", st.cmd(fixUnicode))
	}
	if sc.odd.n > 0 {
		f.addHeadline(StatusWarn, "Your key holds "+quoteChar(sc.firstOdd)+", unusual in a key: compare it with the dashboard.",
			"Unusual for a key: "+sc.odd.text()+".", st.cmd(fixOdd))
	}
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
