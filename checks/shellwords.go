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
	var b strings.Builder
	var cur shellWord
	in := false
	line := 1
	flush := func() {
		if in {
			cur.text = b.String()
			words = append(words, cur)
			b.Reset()
			cur = shellWord{}
			in = false
		}
	}
	start := func() {
		if !in {
			in = true
			cur.line = line
		}
	}
	i := 0
loop:
	for i < len(s) {
		c := s[i]
		switch c {
		case ' ', '\t':
			flush()
			i++
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
				continue
			}
			flush()
			i++
		case '\n':
			flush()
			i++
			line++
			break loop
		case ';', '|', '&':
			flush()
			i++
			break loop
		case '#':
			if !in {
				for i < len(s) && s[i] != '\n' {
					i++
				}
				continue
			}
			b.WriteByte(c)
			i++
		case '\\', '^', '`':
			// A continuation: backslash (sh), caret (cmd) or backtick
			// (PowerShell) at the end of a line.
			j := i + 1
			if j < len(s) && s[j] == '\n' {
				i = j + 1
				line++
				continue
			}
			if c == '\\' && j < len(s) && (s[j] == '\r' || s[j] == ' ' || s[j] == '\t') {
				k := j
				for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r') {
					k++
				}
				if k == len(s) || s[k] == '\n' {
					flush()
					brokenLine, brokenCR = line, s[j] == '\r'
					if k < len(s) {
						k++
					}
					i = k
					line++
					break loop
				}
			}
			if c != '\\' {
				start()
				b.WriteByte(c)
				i++
				continue
			}
			start()
			if j < len(s) {
				if s[j] == '$' {
					cur.literalDollar = true
				}
				b.WriteByte(s[j])
				i = j + 1
			} else {
				i = j
			}
		case '\'':
			start()
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			part := s[i+1 : i+1+j]
			if strings.IndexByte(part, '$') >= 0 {
				cur.literalDollar = true
			}
			line += strings.Count(part, "\n")
			b.WriteString(part)
			i += j + 2
		case '"':
			start()
			i++
			for i < len(s) && s[i] != '"' {
				d := s[i]
				if d == '\\' && i+1 < len(s) {
					switch s[i+1] {
					case '\n':
						i += 2
						line++
						continue
					case '$':
						cur.literalDollar = true
						b.WriteByte('$')
						i += 2
						continue
					case '"', '\\', '`':
						b.WriteByte(s[i+1])
						i += 2
						continue
					}
				}
				if d == '$' {
					cur.expandedDollar = true
				}
				if d == '\n' {
					line++
				}
				b.WriteByte(d)
				i++
			}
			i++
		default:
			start()
			if c == '$' {
				cur.expandedDollar = true
			}
			b.WriteByte(c)
			i++
		}
	}
	flush()
	if i < len(s) {
		rest = s[i:]
	}
	return words, brokenLine, brokenCR, rest
}
