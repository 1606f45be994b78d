package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

// TestCheckReadsTheKeyFromEnvFile: with --env-file, a variable the process
// does not have is read from the file, as a dotenv loader reads it, and the
// output says where the key came from; a variable the process has wins,
// and the variable step says when the file holds another key.
func TestCheckReadsTheKeyFromEnvFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		environ []string
		args    []string
		code    int
		key     string // the key checked; "" for none
		from    string // "file" or "env"
		want    []string
	}{
		{"the variable the code reads, only in the file", "# keys\nOPENAI_API_KEY=" + goodKey + "\n", []string{"PATH=/usr/bin"}, []string{"--var", "OPENAI_API_KEY"},
			0, goodKey, "file", []string{"✓ present", "✓ variable", "(line 2; this process has no OPENAI_API_KEY", `printf '%s' "$OPENAI_API_KEY" | sha256sum`}},
		{"quoted, as dotenv reads it", "HIAPI_API_KEY=\"" + goodKey + "\"\n", nil, nil,
			0, goodKey, "file", []string{"✓ whitespace", "✓ characters"}},
		{"the last definition wins", "HIAPI_API_KEY=" + revokedKey + "\nHIAPI_API_KEY=" + goodKey + "\n", nil, nil,
			0, goodKey, "file", []string{"defined 2 times"}},
		{"Windows line endings", "HIAPI_API_KEY=" + goodKey + "\r\n", nil, nil,
			1, goodKey, "file", []string{"✗ variable", "CR LF", "dos2unix"}},
		{"the environment wins, and the file differs", "OPENAI_API_KEY=" + goodKey + "\n", []string{"OPENAI_API_KEY=" + revokedKey}, []string{"--var", "OPENAI_API_KEY"},
			1, revokedKey, "env", []string{"✗ variable", "different key", "override"}},
		{"the environment and the file agree", "HIAPI_API_KEY=" + goodKey + "\n", []string{"HIAPI_API_KEY=" + goodKey}, nil,
			0, goodKey, "env", []string{"✓ variable"}},
		{"set but empty in the process: the file does not override it", "HIAPI_API_KEY=" + goodKey + "\n", []string{"HIAPI_API_KEY="}, nil,
			1, "", "env", []string{"✗ present"}},
		{"the file has another name", "OPENAI_API_KEY=" + goodKey + "\n", []string{"PATH=/usr/bin"}, nil,
			1, "", "env", []string{"✗ present", "✗ variable", "OPENAI_API_KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeEnvFile(t, tt.file)
			args := append([]string{"--env-file", path}, tt.args...)
			j := runCheck(t, tt.environ, "", append([]string{"--json"}, args...)...)
			d := runCheck(t, tt.environ, "", args...)
			for _, c := range []checkRun{j, d} {
				if c.code != tt.code {
					t.Errorf("exit %d, want %d\n%s%s", c.code, tt.code, c.stdout, c.stderr)
				}
				if piece, ok := leaks(c.stdout+c.stderr, goodKey); ok {
					t.Errorf("the output holds %q of the key", piece)
				}
			}
			var fp struct{ Fingerprint checks.Fingerprint }
			if err := json.Unmarshal([]byte(j.stdout), &fp); err != nil {
				t.Fatalf("--json: %v\n%s", err, j.stdout)
			}
			if want := checks.FingerprintOf(tt.key).SHA256; fp.Fingerprint.SHA256 != want {
				t.Errorf("checked the key %s, want %s", fp.Fingerprint.SHA256, want)
			}
			first, _, _ := strings.Cut(d.stdout, "\n")
			name := strings.TrimPrefix(first, "keycheck: checking the key in ")
			varName := "HIAPI_API_KEY"
			if len(tt.args) == 2 {
				varName = tt.args[1]
			}
			want := "$" + varName
			if tt.from == "file" {
				want = path + "'s " + varName
			}
			if name != want {
				t.Errorf("says the key is in %q, want %q", name, want)
			}
			out := strings.Join(strings.Fields(d.stdout), " ")
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, d.stdout)
				}
			}
		})
	}
}

// writeEnvFile writes a .env file for one test and returns its path.
func writeEnvFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCheckEmptyStdin: an empty pipe is not an unset variable; the CLI
// says what was empty and how to pipe the key, and checks nothing.
func TestCheckEmptyStdin(t *testing.T) {
	c := runCheck(t, []string{"HIAPI_API_KEY=" + goodKey}, "", "--stdin")
	if c.code != 2 {
		t.Errorf("exit %d, want 2", c.code)
	}
	for _, want := range []string{"standard input is empty", `printf '%s' "$HIAPI_API_KEY" | keycheck check --stdin`} {
		if !strings.Contains(c.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, c.stderr)
		}
	}
	if strings.Contains(c.stdout+c.stderr, "not set in this process") {
		t.Errorf("an empty pipe is blamed on the variable:\n%s%s", c.stdout, c.stderr)
	}
}

// TestCheckVarAsTyped: --var given as a shell reference or an export
// line reads the same variable the steps check.
func TestCheckVarAsTyped(t *testing.T) {
	for _, v := range []string{"$OPENAI_API_KEY", "${OPENAI_API_KEY}", "export OPENAI_API_KEY"} {
		c := runCheck(t, []string{"OPENAI_API_KEY=" + goodKey}, "", "--var", v)
		if !strings.Contains(c.stdout, "checking the key in $OPENAI_API_KEY") || strings.Contains(c.stdout, "✗ present") {
			t.Errorf("--var %q did not read OPENAI_API_KEY:\n%s%s", v, c.stdout, c.stderr)
		}
	}
}

// TestCheckEnvFileErrorHidesPath: the file is read before the flags are
// checked for pieces of the key, so its errors never repeat the path,
// which may hold one.
func TestCheckEnvFileErrorHidesPath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), goodKey, ".env")
	c := runCheck(t, []string{"HIAPI_API_KEY=" + goodKey}, "", "--env-file", missing)
	if c.code != 2 || !strings.Contains(c.stderr, "--env-file: cannot open the file") {
		t.Errorf("exit %d, stderr %q; want 2 and the file not opened", c.code, c.stderr)
	}
	if piece, ok := leaks(c.stdout+c.stderr, goodKey); ok {
		t.Errorf("the error repeats %q of the key from the path", piece)
	}
}
