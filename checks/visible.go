package checks

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Visible returns s with every character a person could not see replaced
// by a visible mark: ⏎ for a newline, ␍ for CR, ⇥ for a tab, ␣ for a space,
// and ‹U+XXXX› for other invisible or non-printing characters. Invalid bytes
// show as ‹0xNN›.
func Visible(s string) string {
	// Fast path: it shows as itself, with no allocation.
	if printable(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("‹0x")
			b.WriteString(hex2(s[i]))
			b.WriteString("›")
			i++
			continue
		}
		i += size
		switch {
		case r == '\n':
			b.WriteString("⏎")
		case r == '\r':
			b.WriteString("␍")
		case r == '\t':
			b.WriteString("⇥")
		case r == ' ':
			b.WriteString("␣")
		case r == '\u00A0':
			b.WriteString("‹NBSP›")
		case r == '\uFEFF':
			b.WriteString("‹BOM›")
		case hidden(r) || !unicode.IsPrint(r) || unicode.Is(unicode.Cf, r):
			b.WriteString("‹")
			b.WriteString(CodePoint(r))
			b.WriteString("›")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// printable reports text of printable ASCII without spaces: nothing in it
// is invisible, so Visible shows it as is and the whitespace step has
// nothing to find.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// hex2 shows a byte as two hex digits, for the bytes that are not UTF-8.
func hex2(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[c>>4], digits[c&15]})
}
