package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestNameRedirectRefusesNastyBack: after the name form, keycheck goes back
// only to a plain path of its own. A browser drops tabs and newlines from a
// Location and reads a backslash as a slash, so each value below would,
// answered as it came, send the person to another host (or run a script);
// each goes home instead.
func TestNameRedirectRefusesNastyBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	for _, back := range []string{
		"",
		"runs",
		"/\t/evil.example/x",
		"/\t\t/evil.example",
		"\t//evil.example",
		"/\n/evil.example",
		"/\r/evil.example",
		"/\r\n/evil.example",
		"/\x00/evil.example",
		"/\x0b/evil.example",
		"/\x7f/evil.example",
		"//evil.example/x",
		"///evil.example",
		"/\\evil.example",
		"/\\/evil.example",
		"\\\\evil.example",
		"/%09/evil.example",
		"/%0a/evil.example",
		"/%2f/evil.example",
		"/%2F%2Fevil.example",
		"/%5cevil.example",
		"/%zz",
		"/ /evil.example",
		"/\u00a0/evil.example",
		"/\u2028/evil.example",
		"/\u3000/evil.example",
		"/\u200b/evil.example",
		"/\ufeff/evil.example",
		"/runs\u202e",
		"/\xff/evil.example",
		"javascript:alert(1)",
		" javascript:alert(1)",
		"https://evil.example/x",
		"http:/evil.example",
		"HTTPS://evil.example",
		"//evil.example@keycheck",
		"/runs\t",
	} {
		r := b.postForm("/name", url.Values{"name": {"x"}, "back": {back}}).wantStatus(http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != "/" {
			t.Errorf("back %q redirects to %q, want /", back, got)
		}
	}
	// keycheck's own paths, as the layout's form sends them, come back.
	for _, back := range []string{"/", "/runs", "/runs/AAAAAAAAAAAAAAAAAAAAAA", "/runs/AAAAAAAAAAAAAAAAAAAAAA/steps/whitespace", "/runs?step=whitespace&status=fail"} {
		r := b.postForm("/name", url.Values{"name": {"x"}, "back": {back}}).wantStatus(http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != back {
			t.Errorf("back %q redirects to %q", back, got)
		}
	}
}
