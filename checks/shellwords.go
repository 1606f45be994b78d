package checks

import "strings"

// shellWord is one word of a shell command after quote removal.
type shellWord struct {
	text           string
	line           int
	literalDollar  bool
	expandedDollar bool
}

// shellWords splits the first command of s into words the way a POSIX
// shell would, keeping $VAR unexpanded. A line continuation broken by a
// space or CR after the backslash ends the command: brokenLine says where.
func shellWords(s string) (words []shellWord, brokenLine int, brokenCR bool, rest string) {
	lx := shellLexer{s: s, line: 1}
	for more := true; more && lx.i < len(s); {
		more = lx.next()
		if lx.done {
			words = append(words, lx.word)
			lx.done = false
		}
	}
	if lx.flush(); lx.done {
		words = append(words, lx.word)
	}
	if lx.i < len(s) {
		rest = s[lx.i:]
	}
	return words, lx.brokenLine, lx.brokenCR, rest
}

// shellLexer is shellWords' state: where it is in s, and the word it is
// building.
type shellLexer struct {
	s    string
	i    int // the next byte to read
	line int
	b    strings.Builder
	cur  shellWord
	in   bool // inside a word
	// word is the last word finished, when done is set: the caller takes
	// it (each step finishes at most one).
	word shellWord
	done bool
	// brokenLine is the line whose continuation a blank or CR broke.
	brokenLine int
	brokenCR   bool
}

// next reads what starts at s[i]; it returns false at the end of the
// command (a newline, ;, |, & or a broken continuation).
func (lx *shellLexer) next() bool {
	s, c := lx.s, lx.s[lx.i]
	switch c {
	case ' ', '\t':
		lx.flush()
		lx.i++
	case '\r':
		if lx.i+1 < len(s) && s[lx.i+1] == '\n' {
			lx.i++
			return true
		}
		lx.flush()
		lx.i++
	case '\n':
		lx.flush()
		lx.i++
		lx.line++
		return false
	case ';', '|', '&':
		lx.flush()
		lx.i++
		return false
	case '#':
		if !lx.in {
			lx.skipComment()
			return true
		}
		lx.b.WriteByte(c)
		lx.i++
	case '\\', '^', '`':
		return lx.escape(c)
	case '\'':
		lx.singleQuoted()
	case '"':
		lx.doubleQuoted()
	default:
		lx.start()
		if c == '$' {
			lx.cur.expandedDollar = true
		}
		lx.b.WriteByte(c)
		lx.i++
	}
	return true
}

// start begins a word, unless one is under way.
func (lx *shellLexer) start() {
	if !lx.in {
		lx.in = true
		lx.cur.line = lx.line
	}
}

// flush ends the word under way, if any.
func (lx *shellLexer) flush() {
	if lx.in {
		lx.cur.text = lx.b.String()
		lx.word, lx.done = lx.cur, true
		lx.b.Reset()
		lx.cur = shellWord{}
		lx.in = false
	}
}

// skipComment skips a # comment up to its newline.
func (lx *shellLexer) skipComment() {
	for lx.i < len(lx.s) && lx.s[lx.i] != '\n' {
		lx.i++
	}
}

// escape reads a backslash (sh), caret (cmd) or backtick (PowerShell): a
// line continuation when a newline follows, a broken one when blanks or a
// CR come first (the command ends there), else for a backslash the escaped
// character, and for the others itself.
func (lx *shellLexer) escape(c byte) bool {
	s := lx.s
	j := lx.i + 1
	if j < len(s) && s[j] == '\n' {
		lx.i = j + 1
		lx.line++
		return true
	}
	if c == '\\' && j < len(s) && (s[j] == '\r' || s[j] == ' ' || s[j] == '\t') && lx.brokenContinuation(j) {
		return false
	}
	lx.start()
	if c != '\\' {
		lx.b.WriteByte(c)
		lx.i++
		return true
	}
	if j < len(s) {
		if s[j] == '$' {
			lx.cur.literalDollar = true
		}
		lx.b.WriteByte(s[j])
		j++
	}
	lx.i = j
	return true
}

// brokenContinuation reports a backslash at j-1 followed only by blanks or
// CRs up to the end of its line, and if so ends the command after that
// line: the shell runs what came before and the next line on its own.
func (lx *shellLexer) brokenContinuation(j int) bool {
	s := lx.s
	k := j
	for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r') {
		k++
	}
	if k < len(s) && s[k] != '\n' {
		return false
	}
	lx.flush()
	lx.brokenLine, lx.brokenCR = lx.line, s[j] == '\r'
	if k < len(s) {
		k++
	}
	lx.i = k
	lx.line++
	return true
}

// singleQuoted reads '…': everything up to the closing quote, as is, so a
// $ in it is sent literally.
func (lx *shellLexer) singleQuoted() {
	s := lx.s
	lx.start()
	j := strings.IndexByte(s[lx.i+1:], '\'')
	if j < 0 {
		j = len(s) - lx.i - 1
	}
	part := s[lx.i+1 : lx.i+1+j]
	if strings.IndexByte(part, '$') >= 0 {
		lx.cur.literalDollar = true
	}
	lx.line += strings.Count(part, "\n")
	lx.b.WriteString(part)
	lx.i += j + 2
}

// doubleQuoted reads "…": a $ in it is expanded unless escaped, and a
// backslash escapes only \n, $, ", \ and `.
func (lx *shellLexer) doubleQuoted() {
	s := lx.s
	lx.start()
	lx.i++
	for lx.i < len(s) && s[lx.i] != '"' {
		d := s[lx.i]
		if d == '\\' && lx.i+1 < len(s) {
			switch e := s[lx.i+1]; e {
			case '\n':
				lx.i += 2
				lx.line++
				continue
			case '$', '"', '\\', '`':
				if e == '$' {
					lx.cur.literalDollar = true
				}
				lx.b.WriteByte(e)
				lx.i += 2
				continue
			}
		}
		if d == '$' {
			lx.cur.expandedDollar = true
		}
		if d == '\n' {
			lx.line++
		}
		lx.b.WriteByte(d)
		lx.i++
	}
	lx.i++
}
