package checks

import (
	"strings"
	"unicode/utf8"
)

// window is how many consecutive characters of a secret may never appear
// in a Detail or Fix. Fingerprints show at most 6 leading and 4 trailing
// characters, never next to each other.
const window = 8

// overlaps reports whether s and secret share a run of window characters:
// whether showing s would show a piece of the secret.
func overlaps(s, secret string) bool {
	if len(s) < window || len(secret) < window {
		return false
	}
	for i := 0; i < len(s); {
		j, n := i, 0
		for j < len(s) && n < window {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
			n++
		}
		if n < window {
			return false
		}
		if strings.Contains(secret, s[i:j]) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
}

// overlapsFold is overlaps for lower-cased ASCII text such as a host:
// whether s holds a run of window characters of secret in any letter case.
// It allocates nothing: each window of the secret is lower-cased on the
// stack.
func overlapsFold(s, secret string) bool {
	if len(s) < window || len(secret) < window {
		return false
	}
	var w [window]byte
	for i := 0; i+window <= len(secret); i++ {
		for j := range w {
			c := secret[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			w[j] = c
		}
		if strings.Contains(s, string(w[:])) {
			return true
		}
	}
	return false
}

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
