package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"unicode/utf8"
)

// Fingerprint identifies a key without revealing it, so two people (or a
// person and a container) can tell whether they hold the same key by
// comparing short strings.
type Fingerprint struct {
	// Prefix and Suffix are the first and last few characters, with
	// invisible characters made visible. Short keys show fewer, so a
	// fingerprint never reveals most of a key.
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
	// Length is the number of characters (bytes, where the key is not valid
	// UTF-8).
	Length int `json:"length"`
	// SHA256 is "sha256:" and the first 12 hex digits of the SHA-256 of the
	// key's exact bytes: what HashCommand prints.
	SHA256 string `json:"sha256"`
}

// HashCommand prints the fingerprint's hash of $HIAPI_API_KEY inside any
// process or container.
const HashCommand = hashCommandHead + defaultVarName + hashCommandTail

// The hash command around the variable's name: the one place it is written.
const (
	hashCommandHead = `printf '%s' "$`
	hashCommandTail = `" | sha256sum | cut -c1-12`
)

// HashCommandFor is HashCommand for another variable name.
func HashCommandFor(varName string) string {
	if varName == "" || !isVarName(varName) {
		varName = defaultVarName
	}
	return hashCommandHead + varName + hashCommandTail
}

// FingerprintOf returns the fingerprint of key. The empty key has an empty
// fingerprint.
func FingerprintOf(key string) Fingerprint {
	if key == "" {
		return Fingerprint{}
	}
	sum := sha256.Sum256([]byte(key))
	fp := Fingerprint{SHA256: "sha256:" + hex.EncodeToString(sum[:])[:12]}
	if !utf8.ValidString(key) {
		fp.Length = len(key)
		return fp
	}
	runes := []rune(key)
	n := len(runes)
	fp.Length = n
	pre, suf := shownEnds(n)
	fp.Prefix = Visible(string(runes[:pre]))
	fp.Suffix = Visible(string(runes[n-suf:]))
	return fp
}

// shownEnds says how many leading and trailing characters of an n-character
// key may be shown: 6 and 4 for a real key, fewer for short strings, and
// never more than 10 in all or more than a third of the key.
func shownEnds(n int) (pre, suf int) {
	pre, suf = min(6, n/4), min(4, n/6)
	return pre, suf
}

// Short returns the fingerprint as one line, e.g. "sk-abc…wxyz (51 chars,
// sha256:0f1e2d3c4b5a)".
func (f Fingerprint) Short() string {
	if f.SHA256 == "" {
		return "no key"
	}
	return f.Prefix + "…" + f.Suffix + " (" + strconv.Itoa(f.Length) + " chars, " + f.SHA256 + ")"
}

// Hash returns the 12 hex digits HashCommand prints.
func (f Fingerprint) Hash() string {
	if len(f.SHA256) > len("sha256:") {
		return f.SHA256[len("sha256:"):]
	}
	return ""
}
