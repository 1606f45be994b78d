package checks

import "testing"

func TestVisible(t *testing.T) {
	cases := map[string]string{
		"":                      "",
		"sk-abc":                "sk-abc",
		"a b":                   "a␣b",
		"a\n":                   "a⏎",
		"\r\n":                  "␍⏎",
		"\t":                    "⇥",
		"\u00a0":                "‹NBSP›",
		"\ufeffx":               "‹BOM›x",
		"a\u200bb":              "a‹U+200B›b",
		"\u3164":                "‹U+3164›",
		"\x00\x1b":              "‹U+0000›‹U+001B›",
		"\xff":                  "‹0xFF›",
		"é–а":                   "é–а",
		"\U0001F511":            "🔑",
		"\U000E0041":            "‹U+E0041›",
		"\u2028":                "‹U+2028›",
		"sk-abc\u200b\u200bxyz": "sk-abc‹U+200B›‹U+200B›xyz",
	}
	for in, want := range cases {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Visible("sk-abcdefghijklmnop") }); n != 0 {
		t.Errorf("Visible of plain text allocates %v times", n)
	}
}

func TestCodePoint(t *testing.T) {
	for r, want := range map[rune]string{0: "U+0000", '\n': "U+000A", 0x0b: "U+000B", 0x7f: "U+007F", 0x85: "U+0085", 0x200b: "U+200B", 0xfeff: "U+FEFF", 0x1f511: "U+1F511", 0x10ffff: "U+10FFFF"} {
		if got := CodePoint(r); got != want {
			t.Errorf("CodePoint(%x) = %q, want %q", r, got, want)
		}
	}
}
