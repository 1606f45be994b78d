package checks

import (
	"slices"
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

// overlapsFold is overlaps for lower-cased text such as a host: whether s
// holds a run of window bytes of secret in any ASCII letter case. A run of
// 8 bytes, folded to upper case, fits in a uint64, so the runs of s are
// kept as numbers (on the stack for a host's length) and each run of the
// secret is compared with them, with no copy of the secret.
func overlapsFold(s, secret string) bool {
	_ = [1]struct{}{}[window-8] // a run is 8 bytes, one uint64
	if len(s) < window || len(secret) < window {
		return false
	}
	var buf [128]uint64
	runs := buf[:0]
	var v uint64
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint64(upper(s[i]))
		if i >= window-1 {
			runs = append(runs, v)
		}
	}
	v = 0
	for j := 0; j < len(secret); j++ {
		v = v<<8 | uint64(upper(secret[j]))
		if j >= window-1 && slices.Contains(runs, v) {
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
