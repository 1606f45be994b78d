package checks

import (
	"strings"
	"testing"
)

// env builds a .env file from lines.
func env(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

var variableCases = []stepCase{
	// Nothing to check.
	{name: "nothing given", in: Input{Key: goodKey}, want: StatusSkip, detail: []string{"no variable name", "env | grep -i key"}},
	{name: "only a name", in: Input{Key: goodKey, VarName: "HIAPI_API_KEY"}, want: StatusSkip, detail: []string{"nothing to look for HIAPI_API_KEY in", "env | grep -i key", ".env"}, fix: []string{"printenv HIAPI_API_KEY | od -c | tail -3", "keycheck check --var HIAPI_API_KEY"}},
	{name: "only a $name", in: Input{Key: goodKey, VarName: "$MY_KEY"}, want: StatusSkip, detail: []string{"MY_KEY"}, fix: []string{"--var MY_KEY"}},
	{name: "only a ${name}", in: Input{Key: goodKey, VarName: "${MY_KEY}"}, want: StatusSkip, fix: []string{"--var MY_KEY"}},
	{name: "invalid name only", in: Input{Key: goodKey, VarName: "my key!"}, want: StatusWarn, detail: []string{"not a valid name"}},
	{name: "key in the name field", headline: "The variable name field holds a key, not a variable's name.", in: Input{Key: goodKey, VarName: "gsk_" + randKey(60, 52)}, want: StatusFail, detail: []string{"holds a key, not a name"}},
	{name: "NAME=value in name field", in: Input{Key: goodKey, VarName: "HIAPI_API_KEY=" + goodKey}, want: StatusSkip, detail: []string{"HIAPI_API_KEY"}},
	{name: "whitespace file is no file", in: Input{Key: goodKey, EnvFile: " \n "}, want: StatusSkip},

	// The file has it.
	{name: "file ok", in: Input{Key: goodKey, EnvFile: env("A=1", "HIAPI_API_KEY="+goodKey)}, want: StatusPass, detail: []string{"HIAPI_API_KEY on line 2 is set to this key", "sha256:", "the name HiAPI documents"}},
	{name: "file ok, named", in: Input{Key: goodKey, VarName: "MY_KEY", EnvFile: env("MY_KEY=" + goodKey)}, want: StatusPass, detail: []string{"MY_KEY on line 1"}, not: []string{"HiAPI documents"}},
	{name: "file ok, double quoted", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY="` + goodKey + `"`)}, want: StatusPass, detail: []string{"quoted", "docker run --env-file"}},
	{name: "file ok, single quoted", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY='` + goodKey + `'`)}, want: StatusPass},
	{name: "file ok, comment after quote", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY="` + goodKey + `" # prod`)}, want: StatusPass},
	{name: "file ok, comments and blanks", in: Input{Key: goodKey, EnvFile: "# HiAPI\n\n   \nHIAPI_API_KEY=" + goodKey}, want: StatusPass, detail: []string{"line 4"}},
	{name: "file ok, no key pasted", in: Input{EnvFile: env("HIAPI_API_KEY=" + goodKey)}, want: StatusPass, detail: []string{"is set."}},
	{name: "file clean, paste had newline", in: Input{Key: goodKey + "\n", EnvFile: env("HIAPI_API_KEY=" + goodKey)}, want: StatusPass, detail: []string{"without what surrounds your paste"}},
	{name: "env output", in: Input{Key: goodKey, EnvFile: "SHELL=/bin/bash\nHIAPI_API_KEY=" + goodKey + "\nPATH=/usr/bin:/bin\n"}, want: StatusPass},
	{name: "compose list", in: Input{Key: goodKey, EnvFile: "environment:\n  - HIAPI_API_KEY=" + goodKey + "\n"}, want: StatusPass},
	{name: "compose map", in: Input{Key: goodKey, EnvFile: "environment:\n  HIAPI_API_KEY: " + goodKey + "\n"}, want: StatusPass},
	{name: "multiline double quote escapes", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY="` + goodKey + `\n"`)}, want: StatusFail, detail: []string{"whitespace inside the quotes", "a newline (⏎) after it"}},

	// Missing.
	{name: "missing, near by containment", in: Input{Key: goodKey, EnvFile: env("HIAPI_KEY="+otherKey, "OTHER=1")}, want: StatusFail, detail: []string{"HIAPI_API_KEY (the name HiAPI documents", "not in the pasted file (2 variables", "Did you mean HIAPI_KEY (line 1)?"}, fix: []string{"Rename HIAPI_KEY to HIAPI_API_KEY", "make your code read HIAPI_KEY"}},
	{name: "missing, lower case", in: Input{Key: goodKey, EnvFile: env("hiapi_api_key=" + goodKey)}, want: StatusFail, detail: []string{"hiapi_api_key (line 1: only the letter case differs", "This key is in hiapi_api_key (line 1)"}},
	{name: "missing, underscores", in: Input{Key: goodKey, EnvFile: env("HIAPIAPIKEY=x")}, want: StatusFail, detail: []string{"only the underscores differ"}},
	{name: "missing, typo", headline: "The pasted file has ", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KYE=x")}, want: StatusFail, detail: []string{"Did you mean HIAPI_API_KYE"}},
	{name: "missing, plural", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEYS=x")}, want: StatusFail, detail: []string{"HIAPI_API_KEYS"}},
	{name: "missing, generic API_KEY", in: Input{Key: goodKey, EnvFile: env("API_KEY=x")}, want: StatusFail, detail: []string{"API_KEY (line 1)"}},
	{name: "missing, HIAPI_TOKEN", in: Input{Key: goodKey, EnvFile: env("HIAPI_TOKEN=x")}, want: StatusFail, detail: []string{"HIAPI_TOKEN"}},
	{name: "missing, base url is not a near miss", in: Input{Key: goodKey, EnvFile: env("HIAPI_BASE_URL=https://api.hiapi.ai")}, want: StatusFail, not: []string{"HIAPI_BASE_URL"}},
	{name: "missing, key in OPENAI_API_KEY", headline: "Your code reads HIAPI_API_KEY, but the pasted file has the key in OPENAI_API_KEY.", in: Input{Key: goodKey, EnvFile: env("OPENAI_API_KEY=" + goodKey)}, want: StatusFail, detail: []string{"This key is in OPENAI_API_KEY (line 1)"}, fix: []string{"Rename OPENAI_API_KEY"}},
	{name: "missing, key with newline in other var", in: Input{Key: goodKey, EnvFile: env(`OTHER_VAR="` + goodKey + ` "`)}, want: StatusFail, detail: []string{"This key is in OTHER_VAR"}},
	{name: "missing, nothing near", headline: "HIAPI_API_KEY is not in the pasted file.", in: Input{Key: goodKey, EnvFile: env("PATH=/bin", "HOME=/root")}, want: StatusFail, detail: []string{"not in the pasted file (2 variables in it)."}, fix: []string{"HIAPI_API_KEY=sk-..."}},
	{name: "missing, no assignments", in: Input{Key: goodKey, EnvFile: "just some text\nmore text"}, want: StatusFail, detail: []string{"no NAME=value lines"}},
	{name: "missing, the key's variable redefined later", in: Input{Key: goodKey, EnvFile: env("HIAPI_KEY="+goodKey, "HIAPI_KEY="+otherKey)}, want: StatusFail, detail: []string{"This key is in HIAPI_KEY (line 1), but line 2 sets HIAPI_KEY again, and the last definition wins"}},
	{name: "missing, named var", in: Input{Key: goodKey, VarName: "MY_HIAPI_KEY", EnvFile: env("HIAPI_API_KEY=" + goodKey)}, want: StatusFail, detail: []string{"MY_HIAPI_KEY is not in the pasted file", "This key is in HIAPI_API_KEY"}},
	{name: "missing, three near", in: Input{Key: goodKey, EnvFile: env("hiapi_api_key=1", "HIAPI_KEY=2", "HIAPI_API_KYE=3", "API_KEY=4")}, want: StatusFail, detail: []string{"Near matches: hiapi_api_key", "HIAPI_API_KYE", "HIAPI_KEY"}, not: []string{"API_KEY (line 4)"}},
	{name: "missing, key-like name not shown", in: Input{Key: goodKey, EnvFile: env("gsk_" + randKey(61, 52))}, want: StatusFail, not: []string{"gsk_"}},

	// Problems on the line.
	{name: "set but empty", headline: "HIAPI_API_KEY is set but empty in the pasted file.", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=")}, want: StatusFail, detail: []string{"HIAPI_API_KEY on line 1 is set but empty"}},
	{name: "set but empty quotes", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY=""`)}, want: StatusFail, detail: []string{"set but empty"}},
	{name: "CRLF", headline: "The .env line for HIAPI_API_KEY ends with a Windows line ending (CR LF): the key would end with ␍.", in: Input{Key: goodKey, EnvFile: "A=1\r\nHIAPI_API_KEY=" + goodKey + "\r\n"}, want: StatusFail, detail: []string{"line 2 ends with a Windows line ending", "␍"}, fix: []string{"dos2unix"}},
	{name: "CRLF quoted", in: Input{Key: goodKey, EnvFile: "HIAPI_API_KEY=\"" + goodKey + "\"\r\n"}, want: StatusFail, detail: []string{"Windows line ending"}},
	{name: "space inside quotes, start", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY=" ` + goodKey + `"`)}, want: StatusFail, detail: []string{"whitespace inside the quotes (a space (␣) before it)", "holds the same key plus a space"}, fix: []string{"inside the quotes"}},
	{name: "space inside quotes, end", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY='` + goodKey + ` '`)}, want: StatusFail, detail: []string{"a space (␣) after it"}},
	{name: "tab inside quotes", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=\"\t" + goodKey + "\"")}, want: StatusFail, detail: []string{"a tab"}},
	{name: "unbalanced quote at EOF", headline: "The .env line for HIAPI_API_KEY opens a quote it never closes.", in: Input{Key: goodKey, EnvFile: `HIAPI_API_KEY="` + goodKey}, want: StatusFail, detail: []string{"never closed"}, fix: []string{"Close the quote"}},
	{name: "unbalanced quote swallows lines", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY="`+goodKey, `OTHER="x"`)}, want: StatusFail, detail: []string{"closes only on line 2", "spans 2 lines"}},
	{name: "single quote never closed", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY='` + goodKey)}, want: StatusFail, detail: []string{"never closed"}},
	{name: "spaces around =", headline: "The .env line for HIAPI_API_KEY has blanks around ‘=’: the shell and Docker misread it.", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY = " + goodKey)}, want: StatusFail, detail: []string{"blanks around '='", "`source`"}, fix: []string{"no spaces around ="}},
	{name: "space after =", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY= " + goodKey)}, want: StatusFail, detail: []string{"blanks around '='"}},
	{name: "space before =", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY =" + goodKey)}, want: StatusFail, detail: []string{"blanks around '='"}},
	{name: "export in file", in: Input{Key: goodKey, EnvFile: env("export HIAPI_API_KEY=" + goodKey)}, want: StatusWarn, detail: []string{"starts with `export`", "docker run --env-file"}, fix: []string{"set -a"}},
	{name: "declare -x", in: Input{Key: goodKey, EnvFile: env(`declare -x HIAPI_API_KEY="` + goodKey + `"`)}, want: StatusWarn, detail: []string{"`declare -x`"}},
	{name: "inline comment", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=" + goodKey + " # prod key")}, want: StatusWarn, detail: []string{"inline comment", "docker run --env-file"}, fix: []string{"own line"}},
	{name: "hash without space is value", in: Input{Key: goodKey + "#x", EnvFile: env("HIAPI_API_KEY=" + goodKey + "#x")}, want: StatusPass},
	{name: "trailing blanks", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=" + goodKey + "   ")}, want: StatusWarn, detail: []string{"blanks after the value"}},
	{name: "space inside unquoted value", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=" + goodKey[:20] + " " + goodKey[20:])}, want: StatusFail, detail: []string{"blank inside its unquoted value"}},
	{name: "text after closing quote", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY="` + goodKey + `"abc`)}, want: StatusWarn, detail: []string{"after the closing quote"}},
	{name: "no equals", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY")}, want: StatusWarn, detail: []string{"no '='"}},

	// Duplicates.
	{name: "duplicate same", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY="+goodKey, "A=1", "HIAPI_API_KEY="+goodKey)}, want: StatusWarn, detail: []string{"defined 2 times (lines 1, 3) with the same value", "line 3, wins"}, fix: []string{"Keep one line"}},
	{name: "duplicate, last is the key", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY="+otherKey, "HIAPI_API_KEY="+goodKey)}, want: StatusWarn, detail: []string{"different values", "keep the last one, line 2"}},
	{name: "duplicate, first is the key", headline: "The pasted file sets HIAPI_API_KEY more than once, and a later line, not your key, wins.", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY="+goodKey, "B=2", "HIAPI_API_KEY="+otherKey)}, want: StatusFail, detail: []string{"Your key is the one on line 1, which loses", "holds a different key"}},
	{name: "duplicate, no key", in: Input{EnvFile: env("HIAPI_API_KEY=a1", "HIAPI_API_KEY=b2")}, want: StatusWarn, detail: []string{"different values"}},
	{name: "many duplicates", in: Input{Key: goodKey, EnvFile: strings.Repeat("HIAPI_API_KEY="+goodKey+"\n", 9)}, want: StatusWarn, detail: []string{"defined 9 times", "…"}},

	// Compared with the pasted key.
	{name: "different key", headline: "HIAPI_API_KEY in the pasted file holds a different key than the one you pasted.", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=" + otherKey)}, want: StatusFail, detail: []string{"holds a different key", FingerprintOf(otherKey).Short() + " there", FingerprintOf(goodKey).Short() + " pasted"}, fix: []string{"restart", "override=True"}},
	{name: "same key plus CR inside quotes", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=\"" + goodKey + "\r\"")}, want: StatusFail, detail: []string{"the same key plus a carriage return"}},
	{name: "same key plus escaped newline", in: Input{Key: goodKey, EnvFile: env(`HIAPI_API_KEY="` + goodKey + `\n"`)}, want: StatusFail, detail: []string{"same key plus a newline"}},
	{name: "file matches a wrapped paste", in: Input{Key: "Bearer " + goodKey, EnvFile: env("HIAPI_API_KEY=" + goodKey)}, want: StatusPass},
	{name: "file matches a base64 paste", in: Input{Key: b64([]byte(goodKey + "\n")), EnvFile: env("HIAPI_API_KEY=" + goodKey)}, want: StatusPass},

	// The process environment (CLI).
	{name: "environ ok", in: Input{Key: goodKey, Environ: []string{"PATH=/bin", "HIAPI_API_KEY=" + goodKey}}, want: StatusPass, detail: []string{"HIAPI_API_KEY is set in this process and holds this key"}},
	{name: "environ missing", headline: "This process never inherited HIAPI_API_KEY: it is not in its environment.", in: Input{Key: goodKey, Environ: []string{"PATH=/bin", "HOME=/root"}}, want: StatusFail, detail: []string{"This process never inherited HIAPI_API_KEY", "2 variables"}, fix: []string{"cron", "crontab", "docker run -e HIAPI_API_KEY", "Environment=HIAPI_API_KEY", "secrets.HIAPI_API_KEY", "sudo"}},
	{name: "environ missing, empty env", in: Input{Environ: []string{}}, want: StatusFail, detail: []string{"never inherited", "0 variables"}},
	{name: "environ missing, near", headline: "Your code reads HIAPI_API_KEY, but this process has the key in HIAPI_KEY.", in: Input{Key: goodKey, Environ: []string{"HIAPI_KEY=" + goodKey}}, want: StatusFail, detail: []string{"Did you mean HIAPI_KEY?", "This key is in HIAPI_KEY"}, fix: []string{"Set HIAPI_API_KEY instead of HIAPI_KEY", "cron"}},
	{name: "environ missing, named", in: Input{Key: goodKey, VarName: "APP_KEY", Environ: []string{"HIAPI_API_KEY=" + goodKey}}, want: StatusFail, detail: []string{"never inherited APP_KEY", "This key is in HIAPI_API_KEY"}},
	{name: "environ empty value", headline: "HIAPI_API_KEY is set but empty in this process.", in: Input{Environ: []string{"HIAPI_API_KEY="}}, want: StatusFail, detail: []string{"set but empty in this process"}, fix: []string{"GitHub Actions"}},
	{name: "environ different", headline: "HIAPI_API_KEY in this process holds a different key than the one you pasted.", in: Input{Key: goodKey, Environ: []string{"HIAPI_API_KEY=" + otherKey}}, want: StatusFail, detail: []string{"holds a different key", FingerprintOf(otherKey).Short()}},
	{name: "environ plus newline", headline: "HIAPI_API_KEY in this process holds the key plus a newline (⏎) after it: HiAPI would reject it.", in: Input{Key: goodKey, Environ: []string{"HIAPI_API_KEY=" + goodKey + "\n"}}, want: StatusFail, detail: []string{"same key plus a newline (⏎) after it"}},
	{name: "environ key has newline, pasted clean", in: Input{Key: goodKey + "\n", Environ: []string{"HIAPI_API_KEY=" + goodKey + "\n"}}, want: StatusPass},
	{name: "environ malformed entries", in: Input{Key: goodKey, Environ: []string{"=x", "noequals", "HIAPI_API_KEY=" + goodKey}}, want: StatusPass},
	{name: "file and environ", in: Input{Key: goodKey, EnvFile: env("HIAPI_API_KEY=" + goodKey), Environ: []string{"PATH=/bin"}}, want: StatusFail, detail: []string{"In the pasted file: HIAPI_API_KEY on line 1 is set", "In this process: This process never inherited"}},
}

var _ = register(StepVariable, &variableCases)

func TestVariable(t *testing.T) { runTable(t, StepVariable, variableCases) }

func TestCleanVarName(t *testing.T) {
	for in, want := range map[string]string{
		"HIAPI_API_KEY": "HIAPI_API_KEY", " $HIAPI_API_KEY ": "HIAPI_API_KEY", "${X}": "X", "%X%": "X", "$env:X": "X",
		"export X": "X", "X=secret": "X", "'X'": "X", "1X": "", "a b": "", "": "", "os.environ['X']": "",
	} {
		if got := CleanVarName(in); got != want {
			t.Errorf("CleanVarName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNearness(t *testing.T) {
	cases := []struct {
		name string
		near bool
	}{
		{"hiapi_api_key", true}, {"HIAPI_KEY", true}, {"HIAPIAPIKEY", true}, {"HIAPI_API_KYE", true}, {"API_KEY", true},
		{"HIAPI_TOKEN", true}, {"HI_API_KEY", true}, {"HIAPI_BASE_URL", false}, {"PATH", false}, {"OPENAI_API_KEY", false},
		{"HIAPI_API_KEY", false}, {"HOME", false}, {"KEY", true},
	}
	for _, c := range cases {
		if s, _ := nearness("HIAPI_API_KEY", c.name); (s > 0) != c.near {
			t.Errorf("nearness(%q) = %d, want near=%v", c.name, s, c.near)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"API.HIAPI.AI", "api.hiap.ai", 1}, {"abc", "ABC", 0}, {strings.Repeat("a", 65), "a", -1}} {
		if got := levenshteinFold(c.a, c.b); got != c.d {
			t.Errorf("levenshteinFold(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
