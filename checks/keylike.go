package checks

import "strings"

// keyLike reports text that looks like a key rather than a name: another
// provider's key shape, or a long run mixing upper and lower case and
// digits, which variable names and hosts never are.
func keyLike(s string) bool {
	if len(s) < 16 {
		return false
	}
	if _, ok, _ := identify(s); ok {
		return true
	}
	if hiapiKeyPrefix(s) != "" {
		return true
	}
	var lower, upper, digit bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	return len(s) >= 24 && lower && upper && digit
}

// HoldsKeyLike reports whether any word of s looks like a key: a display
// name, for instance, that is really a pasted key. keycheck keeps such
// text nowhere, since it cannot tell whose key it is.
func HoldsKeyLike(s string) bool {
	for _, w := range strings.Fields(s) {
		if keyLike(w) {
			return true
		}
	}
	return false
}
