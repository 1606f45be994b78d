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
	for _, k := range []string{"", " ", "\n\r\t"} {
		rs := Check(Input{Key: k})
		for _, r := range rs[1:5] {
			if r.Status != StatusSkip {
				t.Errorf("%q: %s is %s", k, r.ID, r.Status)
			}
		}
	}
}
