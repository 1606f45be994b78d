package checks

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
