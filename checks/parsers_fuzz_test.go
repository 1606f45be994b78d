package checks

import (
	"strings"
	"testing"
)

// The parsers of outside input get their own fuzzers, with invariants
// beyond "does not panic".

func FuzzParseEnv(f *testing.F) {
	for _, s := range []string{
		"HIAPI_API_KEY=sk-abc\n",
		"export HIAPI_API_KEY=\"sk-abc \"\r\nHIAPI_KEY='x'\n",
		"A=\"multi\nline\"\nB=2 # comment\n- C=3\nD: e\n",
		"=\n==\n\"\n'\n\\\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Count(src, "\n") + 1
		last := 0
		parseEnv(src, func(e *envEntry) bool {
			if e.line < 1 || e.line > lines || e.endLine < e.line || e.endLine > lines {
				t.Fatalf("entry %q on lines %d-%d of a %d-line input", e.name, e.line, e.endLine, lines)
			}
			if e.line <= last {
				t.Fatalf("entries out of order: line %d after %d", e.line, last)
			}
			last = e.endLine
			if e.name == "" {
				t.Fatalf("entry without a name on line %d", e.line)
			}
			return true
		})
	})
}

func FuzzParseCurl(f *testing.F) {
	for _, s := range []string{
		`curl -X POST https://api.hiapi.ai/v1/tasks -H "Authorization: Bearer $HIAPI_API_KEY" -d '{}'`,
		"curl https://x \\\r\n  -H 'Authorization: Bearer sk-abc' \\\n -H \"x-api-key: k\"",
		`curl -H$'Authorization: Bearer \x41' --header=Auth -u user:pass --oauth2-bearer t`,
		`'unterminated "quote \`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := parseCurl(s)
		for _, h := range c.headers {
			if h.line < 0 {
				t.Fatalf("header on line %d", h.line)
			}
		}
		shellWords(s)
		splitHeader(s)
	})
}

func FuzzSplitURL(f *testing.F) {
	for _, s := range []string{"https://api.hiapi.ai/v1", "api.hiapi.ai", "http://u:p@h:80/p?q#f", "://", "//x", " https://API.HIAPI.AI./v1/v1 \n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := splitURL(s)
		if u.host != strings.ToLower(u.host) {
			t.Fatalf("host %q is not lower case", u.host)
		}
	})
}
