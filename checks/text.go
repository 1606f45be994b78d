package checks

import (
	"strconv"
	"unicode/utf8"
)

// plural returns "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// at describes a 1-based position or range of positions.
func at(from, to int) string {
	if to <= from {
		return "position " + strconv.Itoa(from)
	}
	return "positions " + strconv.Itoa(from) + "–" + strconv.Itoa(to)
}

// runeCount counts characters, each invalid byte counting as one.
func runeCount(s string) int { return utf8.RuneCountInString(s) }

// CodePoint formats r as Unicode writes it, U+ and at least four hex
// digits: U+000A for a newline, U+1F600 for an emoji. It is the one
// format for a code point on every surface (the HiAPI client's refusal of
// a key no header can carry uses it too).
func CodePoint(r rune) string {
	const digits = "0123456789ABCDEF"
	var buf [10]byte
	i := len(buf)
	for n := 0; n < 4 || r > 0; n++ {
		i--
		buf[i] = digits[r&15]
		r >>= 4
	}
	i -= 2
	buf[i], buf[i+1] = 'U', '+'
	return string(buf[i:])
}

// quoteChar shows one character between quotes, made visible.
func quoteChar(r rune) string {
	return "‘" + Visible(string(r)) + "’"
}

func itoa(n int) string { return strconv.Itoa(n) }
