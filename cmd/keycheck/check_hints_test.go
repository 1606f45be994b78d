package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

// formWords are how the page asks for an input; the CLI asks for flags.
var formWords = regexp.MustCompile(`(?i)\bpaste[ds]?\b|\bfield\b`)

// TestCheckHintsNameFlags: every hint in the CLI names the flag to pass,
// never a form field to paste into.
func TestCheckHintsNameFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		environ []string
		stdin   string
		args    []string
		want    []string // flags named
	}{
		{"a key and nothing else", []string{"HIAPI_API_KEY=" + goodKey}, "", nil, []string{"--base-url", "--header"}},
		{"a key on stdin", nil, goodKey, []string{"--stdin"}, []string{"--base-url", "--header", "--env-file"}},
		{"a variable name and a key on stdin", nil, goodKey, []string{"--stdin", "--var", "MY_KEY"}, []string{"--env-file"}},
		{"no key in the environment", []string{"PATH=/usr/bin"}, "", nil, nil},
		{"a header without the key", []string{"HIAPI_API_KEY=" + goodKey}, "", []string{"--header", "Authorization: Bearer $TOKEN"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := tt.args
			d := runCheck(t, tt.environ, tt.stdin, args...)
			j := runCheck(t, tt.environ, tt.stdin, append([]string{"--json"}, args...)...).json(t)
			for _, l := range strings.Split(d.stdout+d.stderr, "\n") {
				if formWords.MatchString(l) {
					t.Errorf("a hint names the page's form: %q", strings.TrimSpace(l))
				}
			}
			for _, s := range append(j.Steps, checks.Result{ID: "verdict", Detail: j.Verdict.Headline, Fix: j.Verdict.Fix}) {
				if m := formWords.FindString(s.Detail + "\n" + s.Fix); m != "" {
					t.Errorf("%s says %q:\n%s\n%s", s.ID, m, s.Detail, s.Fix)
				}
			}
			out := strings.Join(strings.Fields(d.stdout), " ")
			for _, f := range tt.want {
				if !strings.Contains(out, f) {
					t.Errorf("no hint names %s:\n%s", f, d.stdout)
				}
			}
		})
	}
}

// TestCheckKeyIsAPlaceholderOrAVariable: when the key is a variable's name
// or reference, or a placeholder from documentation, the CLI checks it and
// says so; it does not refuse --var, nor fail the variable step blaming the
// variable's name, which is a good one.
func TestCheckKeyIsAPlaceholderOrAVariable(t *testing.T) {
	t.Parallel()
	keys := []string{"$HIAPI_API_KEY", "${HIAPI_API_KEY}", "HIAPI_API_KEY", "YOUR_API_KEY", "<YOUR_API_KEY>", "your_api_key_here", "sk-your-api-key-here", "$OPENAI_API_KEY"}
	for _, key := range keys {
		for _, args := range [][]string{nil, {"--var", "HIAPI_API_KEY"}, {"--stdin", "--var", "HIAPI_API_KEY"}} {
			environ, stdin := []string{"HIAPI_API_KEY=" + key}, ""
			if len(args) == 3 {
				environ, stdin = nil, key
			}
			j := runCheck(t, environ, stdin, append([]string{"--json"}, args...)...)
			d := runCheck(t, environ, stdin, args...)
			if j.code != 1 || d.code != 1 || d.stderr != "" {
				t.Errorf("key %q %v: exit %d/%d, want 1 (a failed step):\n%s%s", key, args, j.code, d.code, d.stderr, d.stdout)
				continue
			}
			v := j.json(t)
			if s := v.step(checks.StepVariable); s.Status == checks.StatusFail {
				t.Errorf("key %q %v: the variable step fails: %s", key, args, s.Detail)
			}
			if v.Verdict.Step != checks.StepCharacters && v.Verdict.Step != checks.StepPresent {
				t.Errorf("key %q %v: the verdict blames %s: %s", key, args, v.Verdict.Step, v.Verdict.Headline)
			}
			if strings.Contains(d.stdout, "--var holds") || strings.Contains(d.stdout, "holds a key, not") {
				t.Errorf("key %q %v: --var is blamed:\n%s", key, args, d.stdout)
			}
		}
	}
}
