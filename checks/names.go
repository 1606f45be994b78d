package checks

import "strings"

// isVarName reports whether s is a valid POSIX shell variable name.
func isVarName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], i == 0) {
			return false
		}
	}
	return s != ""
}

// isNameByte reports whether c may stand in a variable name, at its start
// when first is set.
func isNameByte(c byte, first bool) bool {
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9')
}

// nearName is a variable whose name is close to the one the code reads.
type nearName struct {
	name  string
	line  int // 0 for the process environment
	score int
	note  string
}

// nearness scores how likely name is a misspelling of target: 0 not at
// all, 5 the same but for letter case.
func nearness(target, name string) (int, string) {
	if name == target || len(name) > 64 || len(target) > 64 {
		return 0, ""
	}
	if strings.EqualFold(name, target) {
		return 5, "only the letter case differs, and names are case-sensitive"
	}
	if equalIgnoringUnderscores(name, target) {
		return 4, "only the underscores differ"
	}
	// One pass over the name's parts: a name about something else
	// (HIAPI_BASE_URL) is not a near miss; sharing a distinctive part
	// (HIAPI) or being made only of the target's parts (API_KEY) is.
	shared, distinctive, subset, other := 0, false, true, false
	forTokens(name, func(t string) {
		if hasToken(target, t) {
			shared++
			if !genericToken(t) {
				distinctive = true
			}
			return
		}
		subset = false
		for _, w := range [...]string{"URL", "BASE", "HOST", "ENDPOINT", "MODEL", "ORG", "PROJECT", "TIMEOUT", "REGION", "VERSION"} {
			if strings.EqualFold(t, w) {
				other = true
			}
		}
	})
	if other {
		return 0, ""
	}
	if withinEdits(target, name, max(2, len(target)/3)) {
		return 3, ""
	}
	switch {
	case distinctive:
		return 2, ""
	case subset && shared > 0:
		return 1, ""
	}
	return 0, ""
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func genericToken(t string) bool {
	for _, g := range [...]string{"API", "KEY", "TOKEN", "SECRET", "ACCESS", "AUTH", "SK", "PRIVATE"} {
		if strings.EqualFold(t, g) {
			return true
		}
	}
	return false
}

// forTokens calls fn with each '_'-separated part of a name.
func forTokens(s string, fn func(string)) {
	for s != "" {
		i := strings.IndexByte(s, '_')
		if i < 0 {
			fn(s)
			return
		}
		if i > 0 {
			fn(s[:i])
		}
		s = s[i+1:]
	}
}

func hasToken(s, tok string) bool {
	found := false
	forTokens(s, func(t string) {
		if strings.EqualFold(t, tok) {
			found = true
		}
	})
	return found
}

func equalIgnoringUnderscores(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && a[i] == '_' {
			i++
		}
		for j < len(b) && b[j] == '_' {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if upper(a[i]) != upper(b[j]) {
			return false
		}
		i++
		j++
	}
}

// upper is c in upper case, for an ASCII letter.
func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// levenshteinFold is the edit distance between two short ASCII strings,
// ignoring case; -1 when either is longer than 64 bytes.
func levenshteinFold(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return -1
	}
	var row [65]int
	for j := 0; j <= len(b); j++ {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if upper(a[i-1]) == upper(b[j-1]) {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return row[len(b)]
}

// withinEdits reports whether a and b are at most limit edits apart,
// ignoring case. Two cheap lower bounds (the length difference, and half
// the difference of their letter counts) rule out most names before the
// edit distance is computed.
func withinEdits(a, b string, limit int) bool {
	if abs(len(a)-len(b)) > limit || len(a) > 64 || len(b) > 64 {
		return false
	}
	var hist [128]int
	for i := 0; i < len(a); i++ {
		hist[upper(a[i])&127]++
	}
	for i := 0; i < len(b); i++ {
		hist[upper(b[i])&127]--
	}
	diff := 0
	for _, n := range hist {
		diff += abs(n)
	}
	if (diff+1)/2 > limit {
		return false
	}
	d := levenshteinFold(a, b)
	return d >= 0 && d <= limit
}

// addNear keeps the best three near names.
func addNear(list []nearName, n nearName) []nearName {
	for _, x := range list {
		if x.name == n.name {
			return list
		}
	}
	list = append(list, n)
	for i := len(list) - 1; i > 0 && list[i].score > list[i-1].score; i-- {
		list[i], list[i-1] = list[i-1], list[i]
	}
	if len(list) > 3 {
		list = list[:3]
	}
	return list
}
