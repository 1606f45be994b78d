package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
)

// The README is the front door: these tests keep it true.

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestREADMEListsEveryFlag: every flag of "keycheck serve", with its
// environment variable, is in the README's configuration table.
func TestREADMEListsEveryFlag(t *testing.T) {
	doc := readme(t)
	// -h prints every flag, as "  -name type".
	var help strings.Builder
	if _, err := parseServe([]string{"-h"}, &help, func(string) string { return "" }); err != flag.ErrHelp {
		t.Fatalf("parseServe -h: %v", err)
	}
	var names []string
	for _, line := range strings.Split(help.String(), "\n") {
		if strings.HasPrefix(line, "  -") {
			names = append(names, strings.Fields(line)[0][1:])
		}
	}
	if len(names) < 10 {
		t.Fatalf("found only %d flags", len(names))
	}
	for _, n := range names {
		env := "KEYCHECK_" + strings.ToUpper(strings.ReplaceAll(n, "-", "_"))
		if n == "provider-url" {
			env += "S" // one variable holds every NAME=URL, comma-separated
		}
		row := "| `--" + n + "` | `" + env + "` |"
		if !strings.Contains(doc, row) {
			t.Errorf("README's configuration table lacks the row for --%s: want a line starting %s", n, row)
		}
	}
	if !strings.Contains(doc, "`KEYCHECK_SESSION_KEYS`") {
		t.Error("README does not document KEYCHECK_SESSION_KEYS")
	}
}

// TestREADMEListsScenarios: every provider's scenario table in the README
// is the one its fake serves.
func TestREADMEListsScenarios(t *testing.T) {
	doc := readme(t)
	for _, target := range checks.Targets() {
		if md := fakes.Markdown(target.ID); !strings.Contains(doc, md) {
			t.Errorf("README's scenario table for the fake %s is stale: paste the output of fakes.Markdown(%q) (go test -run TestREADMEListsScenarios -v prints it)", target.Name, target.ID)
			t.Log("\n" + md)
		}
	}
}

func TestREADMEGivesTheCommands(t *testing.T) {
	doc := readme(t)
	for _, cmd := range []string{"make run", "make test", "make demo", "make bench", "make loadtest"} {
		if !strings.Contains(doc, cmd) {
			t.Errorf("README does not give %q", cmd)
		}
	}
}

// TestREADMEListsCheckAndFakeFlags: every flag of "keycheck check" and
// "keycheck fake" is named in the README.
func TestREADMEListsCheckAndFakeFlags(t *testing.T) {
	doc := readme(t)
	noenv := func(string) string { return "" }
	var check, fake strings.Builder
	if _, code, ok := parseCheck([]string{"-h"}, &check, noenv); ok || code != 0 {
		t.Fatalf("check -h: code %d", code)
	}
	if code := fakeCmd(t.Context(), "fake", []string{"-h"}, io.Discard, &fake, noenv); code != 0 {
		t.Fatalf("fake -h: code %d", code)
	}
	for cmd, help := range map[string]string{"check": check.String(), "fake": fake.String()} {
		n := 0
		for _, line := range strings.Split(help, "\n") {
			if !strings.HasPrefix(line, "  -") {
				continue
			}
			n++
			name := strings.Fields(line)[0][1:]
			// "`--env-file PATH`" names --env-file; "`--live-timeout`" does not name --live.
			if !strings.Contains(doc, "`--"+name+"`") && !strings.Contains(doc, "`--"+name+" ") {
				t.Errorf("README does not name keycheck %s's flag --%s", cmd, name)
			}
		}
		if n < 3 {
			t.Errorf("keycheck %s -h: found only %d flags", cmd, n)
		}
	}
}
