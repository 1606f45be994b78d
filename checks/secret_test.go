package checks

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

const canary = "sk-CANARYkey0123456789abcdefGHIJKLmnopqrstuv"

func TestSecret(t *testing.T) {
	s := NewSecret(canary)
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"nothing", "HiAPI answered 401 permission_denied", false},
		{"the whole key", "key " + canary + " refused", true},
		{"eight characters", "…0123456…", false},
		{"eight in a row", "id-01234567-x", true},
		{"cut in the middle", "Incorrect API key provided: sk-CANARYkey0123456***stuv", true},
		{"lower-cased", "invalid " + strings.ToLower(canary[10:30]), true},
		{"upper-cased", strings.ToUpper(canary[5:15]), true},
		{"base64", base64.StdEncoding.EncodeToString([]byte(canary)), true},
		{"base64 of a piece", base64.StdEncoding.EncodeToString([]byte("x" + canary[7:20] + "yz")), true},
		{"url-safe base64", base64.URLEncoding.EncodeToString([]byte("ab" + canary[3:30])), true},
		{"hex", hex.EncodeToString([]byte(canary[12:24])), true},
		{"upper hex", strings.ToUpper(hex.EncodeToString([]byte(canary[2:12]))), true},
		{"url-encoded", url.QueryEscape("x " + canary), true},
		{"fingerprint", "sk-CAN…stuv (44 characters, sha256:0f1e2d3c4b5a)", false},
		{"a request id", "req_01HZTQ8BX2N3GM3YFK4Z9D7VQR", false},
	}
	for _, tt := range tests {
		if got := s.In(tt.text); got != tt.want {
			t.Errorf("%s: In(%q) = %v, want %v", tt.name, tt.text, got, tt.want)
		}
		red := s.Redact(tt.text)
		if tt.want == (red == tt.text) {
			t.Errorf("%s: Redact(%q) = %q", tt.name, tt.text, red)
		}
		if s.In(red) {
			t.Errorf("%s: Redact left a piece: %q", tt.name, red)
		}
	}
}

func TestSecretRedactKeepsTheRest(t *testing.T) {
	s := NewSecret(canary)
	got := s.Redact("before " + canary + " after, and again " + strings.ToLower(canary) + ".")
	if got != "before ‹key› after, and again ‹key›." {
		t.Errorf("Redact = %q", got)
	}
}

func TestSecretShortKey(t *testing.T) {
	s := NewSecret("sk-abc")
	if s.In("sk-abc sk-abc") {
		t.Error("a key shorter than the window matched")
	}
}

func FuzzSecret(f *testing.F) {
	f.Add(canary, 3, 20, 0)
	f.Add("hi-sk-Zz9_-aaaaBBBBccccDDDD", 0, 27, 1)
	f.Fuzz(func(t *testing.T, key string, lo, n int, form int) {
		form = max(form, -form)
		if len(key) < Window || lo < 0 || n < Window || lo+n > len(key) {
			return
		}
		s := NewSecret(key)
		piece := key[lo : lo+n]
		var text string
		switch form % 4 {
		case 0:
			text = "x" + piece + "y"
		case 1:
			text = strings.ToLower("(" + piece + ")")
		case 2:
			text = "data " + base64.StdEncoding.EncodeToString([]byte("q"+piece+"r"))
		case 3:
			text = hex.EncodeToString([]byte(piece))
		}
		ascii := strings.IndexFunc(piece, func(r rune) bool { return r >= 0x80 }) < 0
		found := map[int]bool{0: true, 1: ascii, 2: n >= 10, 3: true}[form%4]
		if found && !s.In(text) {
			t.Fatalf("In(%q) = false for %q of %q", text, piece, key)
		}
		red := s.Redact(text)
		if strings.Contains(red, piece) {
			t.Fatalf("Redact(%q) = %q still holds %q", text, red, piece)
		}
		if s.In(red) {
			t.Fatalf("Redact(%q) = %q still shows the key", text, red)
		}
	})
}

// TestSecretRuns is the table the two overlap rules had before Secret
// replaced them: a shared run of Window bytes in any letter case.
func TestSecretRuns(t *testing.T) {
	cases := []struct {
		text, key string
		want      bool
	}{
		{"abcdefgh", "xxabcdefghxx", true},
		{"abcdefg", "abcdefgh", false},
		{"HIAPI_API_KEY", "sk-abcdefghijkl", false},
		{"zzzzabcdefghzz", "abcdefgh", true},
		{"", "abcdefgh", false},
		{"ааааааааа", "xаааааааа", true},
		{"sc2wd8f2qnfh.example.com", "sk-bPlNFGdSC2wd8f2QnFhk5A84", true},
		{"abcdefgh", "xxABCDEFGHxx", true},
		{"abcdefg.example.com", "ABCDEFG", false},
		{"api.hiapi.ai", "sk-" + randKey(1, 48), false},
		{"abcdefgh", "abcdefgX", false},
		{strings.Repeat("a", 200) + "zyxwvuts", "ZYXWVUTS", true},
		{"HIAPI_API_KEY", "sk-" + strings.ToLower(randKey(2, 20)) + "hiapi_api_key", true},
		{"UC1DQU5BUllrZXkw", "sk-CANARYkey0", true}, // base64, from the key's second byte
	}
	for _, c := range cases {
		if got := NewSecret(c.key).In(c.text); got != c.want {
			t.Errorf("NewSecret(%q).In(%q) = %v", c.key, c.text, got)
		}
	}
}

// TestSecretLanes checks the functions that look at eight bytes at once
// against a byte at a time, for every byte value in every lane.
func TestSecretLanes(t *testing.T) {
	fold := func(c byte) byte {
		if c >= 'A' && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
	norm := func(c byte) byte {
		switch c {
		case '-':
			return '+'
		case '_':
			return '/'
		}
		return c
	}
	for lane := range 8 {
		for c := range 256 {
			for _, fill := range []byte{0, 'A', 'z', '-', '_', 0x80, 0xff} {
				var in, wantFold, wantNorm [8]byte
				for i := range in {
					in[i] = fill
				}
				in[lane] = byte(c)
				for i, b := range in {
					wantFold[i], wantNorm[i] = fold(b), norm(b)
				}
				v := load8(string(in[:]), 0)
				if got := fold8(v); got != load8(string(wantFold[:]), 0) {
					t.Fatalf("fold8(% x) = %016x, want % x", in, got, wantFold)
				}
				if got := norm8(v); got != load8(string(wantNorm[:]), 0) {
					t.Fatalf("norm8(% x) = %016x, want % x", in, got, wantNorm)
				}
			}
		}
	}
}

// TestSecretHex finds the key hex-encoded at any alignment, in either
// case, inside a longer run of hex digits.
func TestSecretHex(t *testing.T) {
	s := NewSecret(canary)
	h := hex.EncodeToString([]byte(canary[9:17]))
	for _, text := range []string{h, "0" + h, "deadbeef" + strings.ToUpper(h) + "f", "id=" + h + ";"} {
		if !s.In(text) {
			t.Errorf("In(%q) = false", text)
		}
	}
	if s.In(h[:15]) || s.In(h[1:]) {
		t.Error("a hex run shorter than eight bytes of the key matched")
	}
	if s.In(strings.Repeat("f0e1d2c3b4a59687", 8)) {
		t.Error("hex that is not the key matched")
	}
}

func TestSecretNilFindsNothing(t *testing.T) {
	var s *Secret
	if s.In(canary) || s.Redact(canary) != canary {
		t.Error("a nil Secret found something")
	}
	if (&Secret{}).In(canary) {
		t.Error("a zero Secret found something")
	}
}

// TestSecretRedactWholeCharacters: a piece that starts or ends inside a
// character takes the whole character, so what is left is still UTF-8.
func TestSecretRedactWholeCharacters(t *testing.T) {
	key := "sk-éééééééééé-end"
	s := NewSecret(key)
	for _, text := range []string{"x" + key[4:14] + "y", "é" + key[3:12] + "ü"} {
		got := s.Redact(text)
		if !utf8.ValidString(got) || s.In(got) || !strings.Contains(got, "‹key›") {
			t.Errorf("Redact(%q) = %q", text, got)
		}
	}
}

func TestSecretWipe(t *testing.T) {
	s := NewSecret(canary)
	slots := s.slots
	s.Wipe()
	for i, v := range slots {
		if v != 0 {
			t.Fatalf("slot %d still holds %016x", i, v)
		}
	}
	if s.In(canary) {
		t.Error("a wiped Secret still finds the key")
	}
	var none *Secret
	none.Wipe()
}
