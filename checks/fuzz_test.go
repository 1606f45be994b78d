package checks

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheck proves that Check never panics, always returns one valid
// result per step, and never shows an 8-character piece of the key.
func FuzzCheck(f *testing.F) {
	for _, cases := range allTables {
		for _, c := range *cases {
			f.Add(c.in.Key, c.in.VarName, c.in.EnvFile, c.in.BaseURL, c.in.Header, c.in.ExpectedLast4, c.in.ExpectedLength, strings.Join(c.in.Environ, "\x00"))
		}
	}
	f.Add(goodKey, "", "", "", "", "", 0, "")
	f.Add("\xff\xfe\xfd", "$", "A=\"", "://", "curl '", "…", -1, "=\x00A")
	valid := map[Status]bool{StatusPass: true, StatusWarn: true, StatusFail: true, StatusSkip: true, StatusPending: true}
	cat := Catalogue()
	f.Fuzz(func(t *testing.T, key, varName, envFile, baseURL, header, last4 string, length int, environ string) {
		in := Input{Key: key, VarName: varName, EnvFile: envFile, BaseURL: baseURL, Header: header, ExpectedLast4: last4, ExpectedLength: length}
		if environ != "" {
			in.Environ = strings.Split(environ, "\x00")
		}
		rs := Check(in)
		if len(rs) != len(cat) {
			t.Fatalf("got %d results", len(rs))
		}
		// The live steps say what the live test will do with this key:
		// pending when it sends it, skip ("Not sent, since …") when not.
		plan := PlanLive(key)
		for i, r := range rs {
			if r.ID != cat[i].ID || r.Title != cat[i].Title {
				t.Fatalf("result %d is %q", i, r.ID)
			}
			if !valid[r.Status] {
				t.Fatalf("%s: status %q", r.ID, r.Status)
			}
			switch {
			case !cat[i].Live && r.Status == StatusPending,
				cat[i].Live && plan.Send && r.Status != StatusPending,
				cat[i].Live && !plan.Send && (r.Status != StatusSkip || !strings.HasPrefix(r.Detail, "Not sent, since ")):
				t.Fatalf("%s: status %s (%s) for a plan that sends: %v", r.ID, r.Status, r.Detail, plan.Send)
			}
			if (r.Status == StatusFail) && r.Headline == "" && failHeadlines[r.ID] == "" {
				t.Fatalf("%s fails with no headline to say", r.ID)
			}
			if r.Detail == "" {
				t.Fatalf("%s: no detail", r.ID)
			}
			if !utf8.ValidString(r.Detail) || !utf8.ValidString(r.Fix) {
				t.Fatalf("%s: invalid UTF-8 in %q / %q", r.ID, r.Detail, r.Fix)
			}
		}
		// The key itself, without its wrappers, must not show. Keys made
		// of the product's own words (a fuzzer may type "the key ") are
		// not secrets, so only key-like pieces count.
		var k keyInfo
		k.analyse(key)
		for _, sec := range []string{k.core, k.decoded} {
			if !keyish(sec) {
				continue
			}
			v := VerdictOf(rs)
			if w := leak(v.Headline, []string{sec}); w != "" && keyish(w) {
				t.Fatalf("verdict leaks %q: %s", w, v.Headline)
			}
			for _, r := range rs {
				if w := leak(r.Detail, []string{sec}); w != "" && keyish(w) {
					t.Fatalf("%s detail leaks %q: %s", r.ID, w, r.Detail)
				}
				if w := leak(r.Headline, []string{sec}); w != "" && keyish(w) {
					t.Fatalf("%s headline leaks %q: %s", r.ID, w, r.Headline)
				}
				if w := leak(r.Fix, []string{sec}); w != "" && keyish(w) {
					t.Fatalf("%s fix leaks %q: %s", r.ID, w, r.Fix)
				}
			}
		}
	})
}

// keyish reports a piece of text that mixes lower-case letters and digits,
// as keys do and the product's copy does not.
func keyish(s string) bool {
	lower, digit := false, false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return lower && digit
}
