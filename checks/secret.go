package checks

import (
	"encoding/base64"
	"math/bits"
	"net/url"
	"unicode/utf8"
)

// Secret finds a key's pieces in other text, so that text can be refused or
// redacted: any run of Window or more of the key's characters in any case,
// and the key base64-, hex- or URL-encoded. It is the one rule for "does
// this show the key?", used by the checks' evidence, the fields a person
// fills in, and everything a provider echoes back.
//
// A Secret holds the key's runs, folded to lower case: that is a copy of
// the key in memory, so build one per key, use it, and Wipe it. A nil or
// zero Secret finds nothing.
type Secret struct {
	// slots is a set of Window-byte runs, each read as a little-endian
	// uint64 (eight bytes fit exactly), by open addressing: its length is
	// a power of two, and 0 marks a free slot. It holds every run of the
	// key and of its URL encodings, ASCII-lower-cased, and every run of
	// its base64 forms (case matters there) with the URL-safe alphabet
	// written as the standard one, so one entry serves both.
	slots []uint64
	shift uint
	// zero says a run of eight NUL bytes is in the set: 0 cannot.
	zero bool
}

// Window is the shortest run of a key's characters that counts as showing
// it. Fingerprints show 6 leading and 4 trailing characters, never next to
// each other; 8 in a row is more than any of them.
const Window = 8

// The shortest runs of an encoded form that count. 16 hex digits are 8 of
// the key's bytes. 8 base64 characters are two whole groups of three
// bytes; wherever a piece of the key starts in a group, 10 or more of its
// bytes encoded hold two whole groups.
const (
	b64Window = 8
	hexWindow = 16
)

// Compile-time checks: a run of the key and of its base64 is one uint64.
var (
	_ = [1]struct{}{}[Window-8]
	_ = [1]struct{}{}[b64Window-8]
)

// NewSecret prepares the search for the pieces of keys (a key, and the
// same key in another form, such as decoded from base64). A key shorter
// than Window adds nothing: a piece of it would match everywhere.
func NewSecret(keys ...string) *Secret {
	// The texts whose runs are kept as they are, folded: each key and its
	// URL encodings where they differ.
	var plain []string
	count := 0
	for _, k := range keys {
		if len(k) < Window {
			continue
		}
		plain = append(plain, k)
		for _, esc := range [...]string{url.QueryEscape(k), url.PathEscape(k)} {
			if esc != k {
				plain = append(plain, esc)
			}
		}
		count += 3 * (len(k) / 3) // base64, at three offsets
	}
	for _, p := range plain {
		count += len(p)
	}
	s := &Secret{}
	if count == 0 {
		return s
	}
	// At most half full, so a search for text that is not there (the
	// common case) stops after a slot or two.
	size := 16
	for size < 2*count {
		size <<= 1
	}
	s.slots = make([]uint64, size)
	s.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, p := range plain {
		s.addFolded(p)
	}
	// base64 depends on where the key starts in a group of three bytes:
	// encode it at each of the three offsets, and keep each two whole
	// groups in a row (not the last group, which depends on what follows).
	// Text that holds the key encoded holds whole groups of it at one of
	// those offsets, so runs that start inside a group add nothing.
	var rawBuf, encBuf [128]byte // on the stack for a key of up to 96 bytes
	raw, enc := rawBuf[:0], encBuf[:0]
	for _, k := range keys {
		if len(k) < Window {
			continue
		}
		raw = append(raw[:0], k...)
		for off := range 3 {
			whole := (len(k) - off) / 3 * 4
			enc = base64.StdEncoding.AppendEncode(enc[:0], raw[off:])
			for i := 0; i+b64Window <= whole; i += 4 {
				s.add(norm8(load8(enc, i)))
			}
		}
	}
	// They held the key. (The compiler may drop the clearing of the stack
	// arrays, which are about to be reused anyway.)
	clear(raw)
	clear(enc)
	clear(rawBuf[:])
	clear(encBuf[:])
	return s
}

// Wipe zeroes the Secret's copy of the key; it finds nothing after. Call it
// once the Secret has done its work, so the copy does not wait for the
// garbage collector.
func (s *Secret) Wipe() {
	if s == nil {
		return
	}
	clear(s.slots)
	s.slots, s.zero = nil, false
}

// addFolded adds every Window-byte run of text, lower-cased.
func (s *Secret) addFolded(text string) {
	for i := 0; i+Window <= len(text); i++ {
		s.add(fold8(load8(text, i)))
	}
}

func (s *Secret) add(v uint64) {
	if v == 0 {
		s.zero = true
		return
	}
	mask := uint64(len(s.slots) - 1)
	for h := (v * 0x9e3779b97f4a7c15) >> s.shift; ; h = (h + 1) & mask {
		switch s.slots[h] {
		case v:
			return
		case 0:
			s.slots[h] = v
			return
		}
	}
}

func (s *Secret) has(v uint64) bool {
	if v == 0 {
		return s.zero
	}
	mask := uint64(len(s.slots) - 1)
	for h := (v * 0x9e3779b97f4a7c15) >> s.shift; ; h = (h + 1) & mask {
		switch s.slots[h] {
		case v:
			return true
		case 0:
			return false
		}
	}
}

// In reports whether text shows a piece of the key.
func (s *Secret) In(text string) bool {
	found := false
	s.scan(text, func(int, int) bool {
		found = true
		return false
	})
	return found
}

// Redact replaces every piece of the key in text with "‹key›", widened to
// whole UTF-8 characters. Text without one comes back as is.
func (s *Secret) Redact(text string) string {
	var spans [][2]int
	s.scan(text, func(lo, hi int) bool {
		for lo > 0 && !utf8.RuneStart(text[lo]) {
			lo--
		}
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
		if n := len(spans); n > 0 && lo <= spans[n-1][1] {
			spans[n-1][1] = max(spans[n-1][1], hi)
		} else {
			spans = append(spans, [2]int{lo, hi})
		}
		return true
	})
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

// scan calls found with the byte range of each piece of the key in text,
// left to right by where it starts (the longest piece starting there),
// until found returns false.
func (s *Secret) scan(text string, found func(lo, hi int) bool) {
	if s == nil || len(s.slots) == 0 || len(text) < Window {
		return
	}
	hexEnd := 0 // text[i:hexEnd] are hex digits, when i < hexEnd
	for i := 0; i+Window <= len(text); i++ {
		hi := -1
		w := load8(text, i)
		if f := fold8(w); s.has(f) {
			hi = i + Window
		} else if n := norm8(w); n != f && s.has(n) {
			hi = i + b64Window
		}
		if hexEnd <= i {
			hexEnd = i
			for hexEnd < len(text) && unhex(text[hexEnd]) < 16 {
				hexEnd++
			}
		}
		if hexEnd-i >= hexWindow && s.has(fold8(decodeHex8(text, i))) {
			hi = i + hexWindow
		}
		if hi > 0 && !found(i, hi) {
			return
		}
	}
}

// load8 reads s[i:i+8] as a little-endian uint64.
func load8[T string | []byte](s T, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// decodeHex8 reads the 16 hex digits at s[i:] as eight bytes, in a
// little-endian uint64.
func decodeHex8(s string, i int) uint64 {
	var v uint64
	for k := 0; k < 8; k++ {
		b := unhex(s[i+2*k])<<4 | unhex(s[i+2*k+1])
		v |= uint64(b) << (8 * k)
	}
	return v
}

// unhex is a hex digit's value, or 16 and more for any other byte.
func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 16
}

// The bytes 0x01 and 0x80 in each of eight lanes, for the functions below,
// which work on the eight bytes of a uint64 at once.
const (
	lanes01 = 0x0101010101010101
	lanes7f = 0x7f7f7f7f7f7f7f7f
	lanes80 = 0x8080808080808080
)

// fold8 lower-cases the ASCII letters among the eight bytes of v, leaving
// every other byte as it is.
func fold8(v uint64) uint64 {
	low := v & lanes7f
	geA := low + (0x80-'A')*lanes01   // top bit set where the byte is 'A' or more
	gtZ := low + (0x80-'Z'-1)*lanes01 // top bit set where the byte is past 'Z'
	upper := geA &^ gtZ &^ v & lanes80
	return v | upper>>2 // 0x80>>2 is 0x20, the case bit
}

// norm8 writes the URL-safe base64 alphabet's '-' and '_' among the eight
// bytes of v as the standard alphabet's '+' and '/'.
func norm8(v uint64) uint64 {
	v -= eq8(v, '-') >> 7 * ('-' - '+')
	return v - eq8(v, '_')>>7*('_'-'/')
}

// eq8 sets the top bit of each byte of v that equals c, and no other bit.
func eq8(v uint64, c byte) uint64 {
	x := v ^ uint64(c)*lanes01
	return ^((x&lanes7f + lanes7f) | x | lanes7f)
}
