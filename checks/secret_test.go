package checks

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
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
