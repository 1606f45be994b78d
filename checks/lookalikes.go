package checks

import "strings"

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

// skeleton maps look-alike characters to the ASCII they imitate.
func skeleton(s string) (string, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s, false
	}
	var b strings.Builder
	changed := false
	for _, r := range s {
		if l, ok := lookalikeOf(r); ok {
			b.WriteRune(l.like)
			changed = true
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), changed
}
