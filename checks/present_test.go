package checks

import "testing"

var presentCases = []stepCase{
	{name: "empty", headline: "There is no key: the key field is empty.", in: Input{}, want: StatusFail, detail: []string{"No key was given"}, fix: []string{"wc -c"}},
	{name: "empty in the CLI", in: Input{Environ: []string{"PATH=/bin"}}, want: StatusFail, detail: []string{"HIAPI_API_KEY is empty or not set in this process"}, fix: []string{"cron", "systemd", "docker run -e HIAPI_API_KEY"}},
	{name: "empty in the CLI, named var", in: Input{Environ: []string{}, VarName: "MY_KEY"}, want: StatusFail, detail: []string{"MY_KEY is empty"}, fix: []string{"docker run -e MY_KEY"}},
	{name: "a space", in: Input{Key: " "}, want: StatusFail, detail: []string{"only whitespace", "1 character", "␣"}},
	{name: "a newline", headline: "Your key is only whitespace: there is no key in it.", in: Input{Key: "\n"}, want: StatusFail, detail: []string{"only whitespace", "⏎"}},
	{name: "CRLF", in: Input{Key: "\r\n"}, want: StatusFail, detail: []string{"␍⏎"}},
	{name: "tabs and spaces", in: Input{Key: " \t \t"}, want: StatusFail, detail: []string{"4 characters", "␣⇥␣⇥"}},
	{name: "NBSP", in: Input{Key: "\u00a0"}, want: StatusFail, detail: []string{"‹NBSP›"}},
	{name: "zero-width space", in: Input{Key: "\u200b"}, want: StatusFail, detail: []string{"‹U+200B›"}},
	{name: "BOM", in: Input{Key: "\ufeff"}, want: StatusFail, detail: []string{"‹BOM›"}},
	{name: "long whitespace", in: Input{Key: "                                        "}, want: StatusFail, detail: []string{"40 characters", "…"}},
	{name: "only Bearer", headline: "Your key is only the word ‘Bearer’: the variable that should follow it was empty.", in: Input{Key: "Bearer "}, want: StatusFail, detail: []string{"No key: only the word ‘Bearer’"}, fix: []string{"wc -c"}},
	{name: "a whole header and no key", headline: "Your key is only the word ‘Bearer’", in: Input{Key: "Authorization: Bearer \r\n"}, want: StatusFail},
	{name: "undefined", headline: "Your key is the word ‘undefined’: the variable in your code was never set.", in: Input{Key: "Bearer undefined"}, want: StatusFail, fix: []string{"wc -c"}},
	{name: "None", headline: "Your key is the word ‘None’", in: Input{Key: "None"}, want: StatusFail},
	{name: "NAME= and nothing", headline: "Your key is only ‘HIAPI_API_KEY=’, with nothing after the ‘=’: the variable is empty.", in: Input{Key: "HIAPI_API_KEY=\n"}, want: StatusFail},
	{name: "base64 ending in = is a key, not an empty variable", in: Input{Key: "c2stYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo="}, want: StatusPass},
	{name: "good key", in: Input{Key: goodKey}, want: StatusPass, detail: []string{"Got a key", "51 characters", "sha256:", FingerprintOf(goodKey).Prefix + "…" + FingerprintOf(goodKey).Suffix, HashCommand}},
	{name: "good key, named var", in: Input{Key: goodKey, VarName: "OPENAI_API_KEY"}, want: StatusPass, detail: []string{`"$OPENAI_API_KEY"`}},
	{name: "key with newline", in: Input{Key: goodKey + "\n"}, want: StatusPass, detail: []string{"52 characters", "⏎"}},
	{name: "invalid UTF-8", in: Input{Key: "sk-\xff\xfe" + goodKey[5:]}, want: StatusPass, detail: []string{"51 bytes"}},
	{name: "one character", in: Input{Key: "x"}, want: StatusPass, detail: []string{"1 character"}},
	{name: "var name that is a key is not used in commands", in: Input{Key: goodKey, VarName: "gsk_" + randKey(4, 52)}, want: StatusPass, detail: []string{"$HIAPI_API_KEY"}},
}

var _ = register(StepPresent, &presentCases)

func TestPresent(t *testing.T) { runTable(t, StepPresent, presentCases) }

func TestPresentSkipsKeySteps(t *testing.T) {
	// A lone word where the key belongs (Bearer, undefined, NAME=) is no
	// key either: the steps after it have nothing to read.
	for _, k := range []string{"", " ", "\n\r\t", "Bearer ", "undefined", "HIAPI_API_KEY="} {
		rs := Check(Input{Key: k})
		for _, r := range rs[1:5] {
			if r.Status != StatusSkip {
				t.Errorf("%q: %s is %s", k, r.ID, r.Status)
			}
		}
	}
}
