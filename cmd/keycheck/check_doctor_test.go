package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// checkRun is what one "keycheck check" printed.
type checkRun struct {
	code           int
	stdout, stderr string
}

// runCheck runs "keycheck check args…" as the binary does, in a process
// whose environment is environ (getenv reads it too), with stdin.
func runCheck(t *testing.T, environ []string, stdin string, args ...string) checkRun {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { v, _ := lookupEnv(environ, k); return v }
	code := checkCmd(context.Background(), args, strings.NewReader(stdin), &out, &errOut, getenv, environ)
	return checkRun{code, out.String(), errOut.String()}
}

// checkJSON is keycheck check --json's answer.
type checkJSON struct {
	Verdict checks.Verdict
	Summary string
	Steps   []checks.Result
}

func (c checkRun) json(t *testing.T) checkJSON {
	t.Helper()
	var v checkJSON
	if err := json.Unmarshal([]byte(c.stdout), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, c.stdout)
	}
	return v
}

func (v checkJSON) step(id checks.ID) checks.Result {
	for _, s := range v.Steps {
		if s.ID == id {
			return s
		}
	}
	return checks.Result{}
}

// startFake serves a fake HiAPI for the live steps.
func startFake(t *testing.T) (*fake.Server, string) {
	t.Helper()
	f := fake.New(fake.Options{Step: 10 * time.Millisecond})
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return f, ts.URL
}

// plain is product copy as a terminal without styles shows it: code spans
// without their backticks, every run of blanks one space.
func plain(s string) string {
	if strings.Count(s, "`")%2 == 0 {
		s = strings.ReplaceAll(s, "`", "")
	}
	return strings.Join(strings.Fields(s), " ")
}

// blocks splits the doctor output at its blank lines, each block with its
// blanks collapsed, as a person reads wrapped lines.
func blocks(out string) []string {
	var b []string
	for _, p := range strings.Split(out, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b = append(b, strings.Join(strings.Fields(p), " "))
		}
	}
	return b
}

// anyTask matches what differs between two live tests of one key: the
// task's id (in its URL too) and when its image expires.
var anyTask = regexp.MustCompile(`tk-hiapi-\w+|\d{4}-\d\d-\d\d \d\d:\d\d`)

// TestCheckPrintsVerdictFirstAndLast: the answer is the first thing under
// the key's fingerprint and the last thing printed, with the one fix at
// the end; --json carries it as "verdict"; the exit codes are the steps'.
func TestCheckPrintsVerdictFirstAndLast(t *testing.T) {
	t.Parallel()
	_, hiapiURL := startFake(t)
	live := []string{"--live", "--hiapi-url", hiapiURL}
	tests := []struct {
		name    string
		key     string
		args    []string
		code    int
		status  checks.Status
		step    checks.ID
		want    string // in the headline
		wantFix bool
	}{
		{"trailing newline", goodKey + "\n", nil, 1, checks.StatusFail, checks.StepWhitespace, "", true},
		{"an OpenAI key", "sk-proj-" + strings.Repeat("Ab3dE", 20), nil, 1, checks.StatusFail, checks.StepProvider, "", true},
		{"clean key, offline", goodKey, nil, 0, checks.StatusPending, "", "", false},
		{"working key, live", goodKey, live, 0, checks.StatusPass, "", "", false},
		{"trailing newline, live", goodKey + "\n", live, 1, checks.StatusFail, checks.StepWhitespace, "newline removed", true},
		{"HiAPI down, live", downKey, live, 2, checks.StatusUnknown, checks.StepAuth, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			environ := []string{"HIAPI_API_KEY=" + tt.key}
			j := runCheck(t, environ, "", append([]string{"--json"}, tt.args...)...)
			if j.code != tt.code {
				t.Errorf("--json: exit %d, want %d", j.code, tt.code)
			}
			var raw struct {
				Verdict map[string]any
			}
			json.Unmarshal([]byte(j.stdout), &raw)
			for _, k := range []string{"status", "headline"} {
				if _, ok := raw.Verdict[k]; !ok {
					t.Errorf("--json: verdict has no %q: %v", k, raw.Verdict)
				}
			}
			v := j.json(t).Verdict
			if v.Status != tt.status || v.Step != tt.step {
				t.Errorf("--json verdict: %s at %q, want %s at %q (%q)", v.Status, v.Step, tt.status, tt.step, v.Headline)
			}
			if !strings.Contains(v.Headline, tt.want) || v.Headline == "" {
				t.Errorf("--json headline %q lacks %q", v.Headline, tt.want)
			}
			if (v.Fix != "") != tt.wantFix {
				t.Errorf("--json fix: %q", v.Fix)
			}

			d := runCheck(t, environ, "", tt.args...)
			if d.code != tt.code {
				t.Errorf("exit %d, want %d", d.code, tt.code)
			}
			// Two live tests create two tasks, each with its id and time.
			b := blocks(anyTask.ReplaceAllString(d.stdout, "tk-…"))
			headline := mark(v.Status) + " " + plain(anyTask.ReplaceAllString(v.Headline, "tk-…"))
			// The header (where the key is, its fingerprint), then the
			// verdict, then the steps.
			if len(b) < 4 || b[1] != headline || !strings.HasPrefix(b[2], "✓ present") && !strings.HasPrefix(b[2], "✗ present") {
				t.Errorf("the verdict %q is not the first thing under the header:\n%s", headline, d.stdout)
			}
			last := b[len(b)-1]
			want := headline
			if v.Fix != "" {
				want += " fix: " + plain(v.Fix)
			}
			if last != want {
				t.Errorf("the output does not end with the verdict and its fix:\n got %q\nwant %q", last, want)
			}
		})
	}
}

// TestCheckPrintsEachFixOnce: with the variable unset, the present and
// variable steps give the same long fix; it is printed once, and the
// variable step's own first line (the name that holds the key) is not lost.
func TestCheckPrintsEachFixOnce(t *testing.T) {
	t.Parallel()
	for _, environ := range [][]string{
		{"PATH=/usr/bin"},
		{"HIAPI_KEY=" + goodKey},
		{"HIAPI_API_KEY=" + goodKey + "\n"},
		{"HIAPI_API_KEY=\"" + goodKey + "\"\r\n"},
	} {
		j := runCheck(t, environ, "", "--json", "--base-url", "http://api.openai.com/v1").json(t)
		d := runCheck(t, environ, "", "--base-url", "http://api.openai.com/v1")
		out := strings.Join(strings.Fields(d.stdout), " ")
		seen := map[string]bool{}
		for _, s := range j.Steps {
			if s.Status == checks.StatusSkip {
				continue
			}
			for _, line := range strings.Split(s.Fix, "\n") {
				line = plain(line)
				if line == "" || seen[line] {
					continue
				}
				seen[line] = true
				if n := strings.Count(out, line); n != 1 {
					t.Errorf("%q: the %s step's fix line %q is printed %d times:\n%s", environ, s.ID, line, n, d.stdout)
				}
			}
		}
		if len(seen) == 0 {
			t.Errorf("%q: no step has a fix: the test proves nothing", environ)
		}
	}
}

// TestCheckPrintsNoMarkdown: product copy marks code with backticks; the
// terminal gets none, every code span stays whole on one line (so it can
// be copied), and only a line that holds a command too long to fit runs
// past 80 columns.
func TestCheckPrintsNoMarkdown(t *testing.T) {
	t.Parallel()
	_, hiapiURL := startFake(t)
	inputs := []struct {
		environ []string
		args    []string
	}{
		{[]string{"PATH=/usr/bin"}, nil},
		{[]string{"HIAPI_API_KEY=" + goodKey + "\n"}, nil},
		{[]string{"HIAPI_API_KEY=export HIAPI_API_KEY=" + goodKey}, nil},
		{[]string{"HIAPI_API_KEY=" + goodKey}, []string{"--base-url", "https://api.openai.com/v1", "--header", "Authorization: " + goodKey}},
		{[]string{"HIAPI_API_KEY=" + revokedKey + "\n"}, []string{"--live", "--hiapi-url", hiapiURL}},
		{[]string{"HIAPI_API_KEY=sk-fake-task-fails-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"}, []string{"--live", "--hiapi-url", hiapiURL}},
	}
	for _, in := range inputs {
		d := runCheck(t, in.environ, "", in.args...)
		if strings.Contains(d.stdout, "`") {
			t.Errorf("%q: a backtick is printed:\n%s", in.environ, d.stdout)
		}
		j := runCheck(t, in.environ, "", append([]string{"--json"}, in.args...)...).json(t)
		var spans []string
		for _, s := range append(j.Steps, checks.Result{Detail: j.Verdict.Headline, Fix: j.Verdict.Fix}) {
			for _, line := range strings.Split(s.Detail+"\n"+s.Fix, "\n") {
				if strings.Count(line, "`")%2 != 0 {
					continue
				}
				parts := strings.Split(line, "`")
				for i := 1; i < len(parts); i += 2 {
					spans = append(spans, parts[i])
				}
			}
		}
		if len(spans) == 0 {
			t.Fatalf("%q: no code in the copy: the test proves nothing", in.environ)
		}
		lines := strings.Split(d.stdout, "\n")
	spans:
		for _, s := range spans {
			for _, l := range lines {
				if strings.Contains(l, s) {
					continue spans
				}
			}
			t.Errorf("%q: the code %q is cut across lines:\n%s", in.environ, s, d.stdout)
		}
		for _, l := range lines {
			if utf8.RuneCountInString(l) <= lineWidth {
				continue
			}
			long := false
			for _, s := range spans {
				rest := strings.TrimSpace(strings.Replace(l, s, "", 1))
				rest = strings.TrimSpace(strings.TrimPrefix(rest, "fix:"))
				long = long || strings.Contains(l, s) && !strings.Contains(rest, " ")
			}
			if !long {
				t.Errorf("%q: a line of %d columns:\n%s", in.environ, utf8.RuneCountInString(l), l)
			}
		}
	}
}

// TestCheckCleanedKeyLive: a key with a trailing newline is tested live
// without it, and the output says so where the proof is.
func TestCheckCleanedKeyLive(t *testing.T) {
	t.Parallel()
	f, hiapiURL := startFake(t)
	d := runCheck(t, []string{"HIAPI_API_KEY=" + goodKey + "\n"}, "", "--live", "--hiapi-url", hiapiURL)
	if d.code != 1 {
		t.Errorf("exit %d, want 1 (the key as given still fails)", d.code)
	}
	if !regexp.MustCompile(`✓ auth .*\n +Tested with the trailing newline removed\.`).MatchString(d.stdout) {
		t.Errorf("the auth step does not say the key was tested without its newline:\n%s", d.stdout)
	}
	if n := f.Count("GET", "/v1/tasks", goodKey); n == 0 {
		t.Errorf("HiAPI was not asked with the cleaned key")
	}
	if n := f.Count("GET", "/v1/tasks", goodKey+"\n"); n != 0 {
		t.Errorf("the key was sent with its newline %d times", n)
	}
}

// TestCheckCodePoints: an invisible character is named by its code point
// with at least four hex digits (U+000A, never U+A), whatever the key holds
// and wherever it is, offline and live (a revoked key: HiAPI answers at
// once, and whatever it is sent shows).
func TestCheckCodePoints(t *testing.T) {
	t.Parallel()
	_, hiapiURL := startFake(t)
	short := regexp.MustCompile(`U\+[0-9A-Fa-f]{1,3}\b`)
	for _, c := range []string{"\n", "\r", "\r\n", "\t", "\u00a0", "\u200b", "\ufeff", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\u2028"} {
		for _, key := range []string{revokedKey + c, c + revokedKey, revokedKey[:20] + c + revokedKey[20:]} {
			for _, args := range [][]string{nil, {"--json"}, {"--live", "--hiapi-url", hiapiURL}} {
				d := runCheck(t, []string{"HIAPI_API_KEY=" + key}, "", args...)
				if m := short.FindString(d.stdout + d.stderr); m != "" {
					t.Errorf("key %q, %v: %q in:\n%s%s", key, args, m, d.stdout, d.stderr)
				}
			}
		}
	}
}

// TestCheckHashCommandNamesTheVariable: the command that prints the key's
// hash where it is deployed reads the variable the code reads, on a line
// of its own, ready to copy.
func TestCheckHashCommandNamesTheVariable(t *testing.T) {
	t.Parallel()
	d := runCheck(t, []string{"MY_KEY=" + goodKey}, "", "--var", "MY_KEY")
	want := "\n    " + `printf '%s' "$MY_KEY" | sha256sum | cut -c1-12` + "\n"
	if d.code != 0 || !strings.Contains(d.stdout, want) {
		t.Errorf("exit %d; no line %q:\n%s", d.code, want, d.stdout)
	}
}
