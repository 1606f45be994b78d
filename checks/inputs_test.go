package checks

import (
	"strings"
	"testing"
)

// TestHintsNameTheSurface: a hint that asks for an input names what the
// person can fill in where they are: a form field on the page, a flag in
// the CLI.
func TestHintsNameTheSurface(t *testing.T) {
	tests := []struct {
		name     string
		in       Input
		id       ID
		web, cli string
		// fix is true when the words are in the fix, not the detail.
		fix bool
	}{
		{name: "no base URL", in: Input{Key: goodKey}, id: StepBaseURL,
			web: "Skipped: no base URL given. Paste the base URL your client uses (e.g. the value of HIAPI_BASE_URL or OPENAI_BASE_URL, or base_url in your code) to check it.",
			cli: "Skipped: no base URL given. Pass --base-url with the base URL your client uses (e.g. the value of HIAPI_BASE_URL or OPENAI_BASE_URL, or base_url in your code) to check it."},
		{name: "no header", in: Input{Key: goodKey}, id: StepHeader,
			web: "Skipped: no header given. Paste the Authorization header your code sends, or the whole curl command, to check it.",
			cli: "Skipped: no header given. Pass --header with the Authorization header your code sends, or the whole curl command, to check it."},
		{name: "no variable input", in: Input{Key: goodKey}, id: StepVariable,
			web: "Skipped: no variable name, .env file or `env` output given. Paste your .env file, or the output of `env | grep -i key` run where the key fails, to check that the process reads this key.",
			cli: "Skipped: no variable name, .env file or `env` output given. Pass --env-file with your .env file, or the output of `env | grep -i key` run where the key fails, to check that the process reads this key."},
		{name: "a name but nothing to look in", in: Input{Key: goodKey, VarName: "HIAPI_API_KEY"}, id: StepVariable,
			web: "Paste the output of `env | grep -i key` (run where the key fails) or your .env file to check it.",
			cli: "Pass --env-file with the output of `env | grep -i key` (run where the key fails) or your .env file to check it."},
		{name: "the name HiAPI documents", in: Input{Key: goodKey, Environ: []string{"HIAPI_API_KEY=" + goodKey}}, id: StepVariable,
			web: "(Checked HIAPI_API_KEY, the name HiAPI documents: give the name your code reads if it is another.)",
			cli: "(Checked HIAPI_API_KEY, the name HiAPI documents: pass --var with the name your code reads if it is another.)"},
		{name: "the name HiAPI documents, missing", in: Input{Key: goodKey, Environ: []string{"A=1"}}, id: StepVariable,
			web: "HIAPI_API_KEY (the name HiAPI documents; give the name your code reads if it is another): it is not in",
			cli: "HIAPI_API_KEY (the name HiAPI documents; pass --var with the name your code reads if it is another): it is not in"},
		{name: "an invalid name", in: Input{Key: goodKey, VarName: "1 2", Environ: []string{"A=1"}}, id: StepVariable, fix: true,
			web: "Give the name exactly as your code reads it",
			cli: "Pass --var with the name exactly as your code reads it"},
		{name: "a key for a name", in: Input{Key: goodKey, VarName: "gsk_" + randKey(60, 52), Environ: []string{"A=1"}}, id: StepVariable,
			web: "The variable name field holds a key, not a name",
			cli: "--var holds a key, not a name"},
		{name: "a key for a name: the fix", in: Input{Key: goodKey, VarName: "gsk_" + randKey(60, 52), Environ: []string{"A=1"}}, id: StepVariable, fix: true,
			web: "Put the name your code reads (e.g. HIAPI_API_KEY) in the variable name field, and the key in the key field.",
			cli: "Put the name your code reads (e.g. HIAPI_API_KEY) in --var, and the key in the environment (or --stdin)."},
		{name: "the last four and length", in: Input{Key: goodKey}, id: StepComplete,
			web: "Compare both with the key in the HiAPI dashboard, or enter the last four and length it shows to have them checked.",
			cli: "Compare both with the key in the HiAPI dashboard, or pass --expected-last4 and --expected-length with the last four and length it shows to have them checked."},
		{name: "a length that is none", in: Input{Key: goodKey, ExpectedLength: -1}, id: StepComplete,
			web: "is not a length: enter the number of characters the dashboard shows.",
			cli: "is not a length: pass --expected-length with the number of characters the dashboard shows."},
		{name: "a key for a base URL", in: Input{Key: goodKey, BaseURL: otherKey}, id: StepBaseURL, fix: true,
			web: "Paste the base URL (https://api.hiapi.ai/v1 or https://api.hiapi.ai) instead, and the key in the key field.",
			cli: "Pass --base-url with the base URL (https://api.hiapi.ai/v1 or https://api.hiapi.ai) instead, and the key in the environment (or --stdin)."},
		{name: "no header in the lines", in: Input{Key: goodKey, Header: "a b c\nd e f"}, id: StepHeader,
			web: "paste one `Authorization: Bearer …` line or the curl command.",
			cli: "pass --header with one `Authorization: Bearer …` line or the curl command."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range []struct {
				surface Surface
				want    string
			}{{SurfaceWeb, tt.web}, {SurfaceCLI, tt.cli}} {
				in := tt.in
				in.Surface = s.surface
				r := resultOf(Check(in), tt.id)
				got := r.Detail
				if tt.fix {
					got = r.Fix
				}
				if !strings.Contains(got, s.want) {
					t.Errorf("surface %d: %s\nlacks %q", s.surface, got, s.want)
				}
			}
		})
	}
}

// TestCLIHintsNameFlags: on the CLI, no detail or fix of any table row
// tells the person to paste into a field or to enter something "here".
func TestCLIHintsNameFlags(t *testing.T) {
	web := []string{"Paste the base", "Paste the Authorization", "Paste your .env", "Paste the output", "paste one", "the variable name field", "the key field", "checked here", "enter the last four"}
	for id, cases := range allTables {
		for _, c := range *cases {
			in := c.in
			in.Surface = SurfaceCLI
			for _, r := range Check(in) {
				for _, s := range []string{r.Detail, r.Fix, r.Headline} {
					for _, w := range web {
						if strings.Contains(s, w) {
							t.Errorf("%s/%s: %s says %q on the CLI: %s", id, c.name, r.ID, w, s)
						}
					}
				}
			}
		}
	}
}

// TestStandInKeyIsNotBlamedOnTheName: when the key itself is a variable's
// name or a placeholder, the variable step does not blame the variable
// name (HIAPI_API_KEY shares "_API_KEY" with YOUR_API_KEY): the characters
// step is the cause, and the variable step skips, on both surfaces.
func TestStandInKeyIsNotBlamedOnTheName(t *testing.T) {
	for _, key := range []string{"$HIAPI_API_KEY", "${HIAPI_API_KEY}", "YOUR_API_KEY", "YOUR_HIAPI_API_KEY", "sk-your-hiapi-api-key-here", "Bearer $HIAPI_API_KEY",
		"${{ secrets.HIAPI_API_KEY }}", "process.env.HIAPI_API_KEY", "os.getenv(\"HIAPI_API_KEY\")"} {
		for _, in := range []Input{
			{Key: key, VarName: "HIAPI_API_KEY", Environ: []string{"HIAPI_API_KEY=" + key}, Surface: SurfaceCLI},
			{Key: key, VarName: "HIAPI_API_KEY", EnvFile: "HIAPI_API_KEY=" + key + "\n"},
			{Key: key, VarName: "HIAPI_API_KEY"},
		} {
			rs := Check(in)
			v := resultOf(rs, StepVariable)
			if v.Status != StatusSkip || !strings.Contains(v.Detail, "(see characters)") || strings.Contains(v.Detail+v.Fix, "holds a key") {
				t.Errorf("%q (surface %d): variable %s %q", key, in.Surface, v.Status, v.Detail)
			}
			if c := resultOf(rs, StepCharacters); c.Status != StatusFail {
				t.Errorf("%q: characters %s", key, c.Status)
			}
			if verdict := VerdictOf(rs); verdict.Step != StepCharacters {
				t.Errorf("%q: verdict names %s: %q", key, verdict.Step, verdict.Headline)
			}
			for _, id := range []ID{StepComplete, StepProvider} {
				if r := resultOf(rs, id); r.Status != StatusSkip {
					t.Errorf("%q: %s is %s, not a skip: %s", key, id, r.Status, r.Detail)
				}
			}
		}
		// Every surface refuses a field that holds a piece of the key; a
		// stand-in holds none, so the variable's own name is no such piece.
		for _, name := range []string{"--var", "var_name"} {
			if f := FieldHoldingKey(key, Field{Name: name, Value: "HIAPI_API_KEY"}); f != "" {
				t.Errorf("%q: %s holding HIAPI_API_KEY is refused", key, name)
			}
		}
	}
}
