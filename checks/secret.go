package checks

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"net/url"
)

// Secret finds a key's pieces in other text, so that text can be refused or
// redacted: any run of Window or more of the key's characters in any case,
// and the key base64-, hex- or URL-encoded. It is the one rule for "does
// this show the key?", used by the checks' evidence, the fields a person
// fills in, and everything a provider echoes back.
//
// A Secret holds the key's windows, not the key: build one per key, use it,
// drop it.
type Secret struct {
	// folded holds every Window-byte run of the key (and of its URL
	// encodings), ASCII-lower-cased, as a uint64: eight bytes fit exactly.
	folded map[uint64]struct{}
	// encoded holds every encWindow-byte run of the key's base64 forms (case
	// matters in base64) and, lower-cased, of its hex form.
	encoded map[string]struct{}
}

// Window is the shortest run of a key's characters that counts as showing
// it. Fingerprints show 6 leading and 4 trailing characters, never next to
// each other; 8 in a row is more than any of them.
const Window = 8

// The shortest runs of an encoded form that count. 16 hex digits are 8 of
// the key's bytes. 8 base64 characters are 6 bytes in whole groups of
// three; since the key may start anywhere in a group, any 10 or more of its
// bytes encoded hold such a run.
const (
	b64Window = 8
	hexWindow = 16
)

// NewSecret prepares the search for key's pieces. A key shorter than Window
// finds nothing: a piece of it would match everywhere.
func NewSecret(key string) *Secret {
	s := &Secret{folded: map[uint64]struct{}{}, encoded: map[string]struct{}{}}
	if len(key) < Window {
		return s
	}
	for _, form := range []string{key, url.QueryEscape(key), url.PathEscape(key)} {
		f := foldASCII(form)
		for i := 0; i+Window <= len(f); i++ {
			s.folded[binary.LittleEndian.Uint64([]byte(f[i:i+Window]))] = struct{}{}
		}
	}
	// base64 depends on where the key starts in a group of three bytes:
	// encode it at each of the three offsets, and keep the characters that
	// depend on the key alone (not the last group, which depends on what
	// follows).
	for off := 0; off < 3 && off < len(key); off++ {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			e := enc.EncodeToString([]byte(key[off:]))
			whole := (len(key) - off) / 3 * 4
			for i := 0; i+b64Window <= whole; i++ {
				s.encoded[e[i:i+b64Window]] = struct{}{}
			}
		}
	}
	h := hex.EncodeToString([]byte(key))
	for i := 0; i+hexWindow <= len(h); i += 2 {
		s.encoded[h[i:i+hexWindow]] = struct{}{}
	}
	return s
}

// In reports whether text shows a piece of the key.
func (s *Secret) In(text string) bool {
	return len(s.spans(text)) > 0
}

// Redact replaces every piece of the key in text with "‹key›". Text without
// one comes back as is.
func (s *Secret) Redact(text string) string {
	spans := s.spans(text)
	if len(spans) == 0 {
		return text
	}
	var b []byte
	last := 0
	for _, sp := range spans {
		b = append(b, text[last:sp[0]]...)
		b = append(b, "‹key›"...)
		last = sp[1]
	}
	return string(append(b, text[last:]...))
}

// spans returns the byte ranges of text that show the key, merged and in
// order.
func (s *Secret) spans(text string) [][2]int {
	if len(s.folded) == 0 || len(text) < Window {
		return nil
	}
	var out [][2]int
	mark := func(lo, hi int) {
		if n := len(out); n > 0 && lo <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], hi)
			return
		}
		out = append(out, [2]int{lo, hi})
	}
	// One pass, left to right: at each position, the longest match of
	// either kind starting there.
	folded := foldASCII(text)
	for i := 0; i+Window <= len(text); i++ {
		hi := -1
		if _, ok := s.folded[binary.LittleEndian.Uint64([]byte(folded[i:i+Window]))]; ok {
			hi = i + Window
		}
		if i+b64Window <= len(text) {
			if _, ok := s.encoded[text[i:i+b64Window]]; ok {
				hi = max(hi, i+b64Window)
			}
		}
		if i+hexWindow <= len(text) {
			if _, ok := s.encoded[folded[i:i+hexWindow]]; ok {
				hi = max(hi, i+hexWindow)
			}
		}
		if hi > 0 {
			mark(i, hi)
		}
	}
	return out
}

// foldASCII lower-cases ASCII letters only, so every byte keeps its offset.
func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
