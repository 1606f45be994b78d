package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/":                    "/",
		"/runs":                "/runs",
		"/runs/abc?x=1":        "/runs/abc?x=1",
		"":                     "/",
		"runs":                 "/",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"/a\r\nLocation: x":    "/",
		"/a\nb":                "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Ada":                        "Ada",
		"  Ada   Lovelace  ":         "Ada Lovelace",
		"Ada\u200bLovelace":          "AdaLovelace",
		"Ada\x00\x07\x1b[31mRed":     "Ada[31mRed",
		"Ada\u202eecalevoL":          "AdaecalevoL", // no right-to-left override
		"\xff\xfe":                   "",
		"line\nbreak":                "line break",
		"<b>bold</b>":                "<b>bold</b>", // escaped when shown, not here
		strings.Repeat("é", 61):      strings.Repeat("é", 60),
		strings.Repeat("x", 60):      strings.Repeat("x", 60),
		"tab\tseparated\u00a0nbsp":   "tab separated nbsp",
		"\u2028line separator\u2029": "line separator",
	} {
		got := cleanName(in)
		if got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 60 {
			t.Errorf("cleanName(%q) = %q: not short valid text", in, got)
		}
	}
}

func TestValidRunID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{randomID(), randomID(), "AAAAAAAAAAAAAAAAAAAAAA", "abc-_09ABCDEFGHIJKLMNOP"[:22]} {
		if !validRunID(id) {
			t.Errorf("validRunID(%q) = false", id)
		}
	}
	for _, id := range []string{"", "short", strings.Repeat("A", 21), strings.Repeat("A", 23), "AAAAAAAAAAAAAAAAAAAA..", "AAAAAAAAAAAAAAAAAAAA%2f", "AAAAAAAAAAAAAAAAAAAA/A", "AAAAAAAAAAAAAAAAAAAAé"} {
		if validRunID(id) {
			t.Errorf("validRunID(%q) = true", id)
		}
	}
	seen := map[string]bool{}
	for range 1000 {
		id := randomID()
		if seen[id] || len(id) != 22 {
			t.Fatalf("randomID gave %q", id)
		}
		seen[id] = true
	}
}

func TestNormalizeFormNewlines(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"sk-abc":       "sk-abc",
		"sk-abc\r\n":   "sk-abc\n",
		"a\r\nb\r\n":   "a\nb\n",
		"sk-abc\r":     "sk-abc\r", // a lone CR is kept: a browser does not make one
		"sk-abc\n":     "sk-abc\n",
		"a\r\r\nb":     "a\r\nb",
		"\xff\r\n\xfe": "\xff\n\xfe",
		"":             "",
	} {
		if got := normalizeFormNewlines(in); got != want {
			t.Errorf("normalizeFormNewlines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDurationWords(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0:                "a few minutes",
		-time.Second:     "a few minutes",
		15 * time.Minute: "15 minutes",
		time.Minute:      "1 minute",
		90 * time.Second: "2 minutes",
		time.Hour:        "1 hour",
		2 * time.Hour:    "2 hours",
		30 * time.Second: "30 seconds",
		time.Second:      "1 second",
	} {
		if got := durationWords(d); got != want {
			t.Errorf("durationWords(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestUnknownField(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`"colour"`:                     `Unknown field "colour"`,
		`"var_Name"`:                   `Unknown field "var_Name"`,
		`"sk-abc"`:                     "The body has an unknown field",
		`"HIAPI_API_KEY_abcdefghijkl"`: "The body has an unknown field",
		`"abc123"`:                     "The body has an unknown field",
		`""`:                           "The body has an unknown field",
		`not quoted`:                   "The body has an unknown field",
	} {
		if got := unknownField(in); got != want {
			t.Errorf("unknownField(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestIsJSON(t *testing.T) {
	t.Parallel()
	for ct, want := range map[string]bool{
		"application/json":                  true,
		"Application/JSON; charset=utf-8":   true,
		" application/json ":                true,
		"application/json-patch+json":       false,
		"text/plain":                        false,
		"application/x-www-form-urlencoded": false,
		"":                                  false,
	} {
		r, _ := http.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Content-Type", ct)
		if got := isJSON(r); got != want {
			t.Errorf("isJSON(%q) = %v", ct, got)
		}
	}
}
