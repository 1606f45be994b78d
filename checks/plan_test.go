package checks

import (
	"encoding/base64"
	"strings"
	"testing"
)

// planCase is one row of the live plan's table: a key, and what the live
// test does with it. A plan that sends has removed ("" for the key as
// given) and cause; one that refuses has cause and a fragment of its
// reason.
type planCase struct {
	name    string
	key     string
	send    bool
	removed string
	cause   ID
	reason  string
}

var (
	openAIKey = "sk-proj-" + randKey(5, 60)
	masked    = goodKey[:12] + "…" + goodKey[len(goodKey)-4:]
)

var planCases = []planCase{
	// Sent as given: nothing to remove, and nothing that stops it.
	{name: "a clean key", key: goodKey, send: true},
	{name: "hi-sk- shape", key: hiKey, send: true},
	{name: "a fake scenario key", key: fakeKeys[0], send: true},
	{name: "a DeepSeek-shaped key HiAPI could own: a warning, still sent", key: "sk-" + hexKey(3, 32), send: true},
	{name: "shorter than usual: a warning, still sent", key: "sk-" + randKey(8, 24), send: true},
	{name: "an unusual character: a warning, still sent", key: goodKey + "!", send: true},
	{name: "sk_ with an underscore: a warning, still sent", key: "sk_" + randKey(9, 40), send: true},

	// Sent cleaned: the fault is around the key, and removing it is sure.
	{name: "trailing newline", key: goodKey + "\n", send: true, removed: "the trailing newline", cause: StepWhitespace},
	{name: "CRLF", key: goodKey + "\r\n", send: true, removed: "the trailing Windows line ending (CR LF)", cause: StepWhitespace},
	{name: "two newlines", key: goodKey + "\n\n", send: true, removed: "the 2 trailing newlines", cause: StepWhitespace},
	{name: "leading space", key: " " + goodKey, send: true, removed: "the leading space", cause: StepWhitespace},
	{name: "trailing spaces", key: goodKey + "   ", send: true, removed: "the 3 trailing spaces", cause: StepWhitespace},
	{name: "both ends", key: "\t" + goodKey + "\n", send: true, removed: "the leading tab and the trailing newline", cause: StepWhitespace},
	{name: "a mix at the end", key: goodKey + " \r\n", send: true, removed: "the trailing whitespace", cause: StepWhitespace},
	{name: "BOM", key: "\ufeff" + goodKey, send: true, removed: "the leading byte order mark (BOM)", cause: StepWhitespace},
	{name: "NBSP", key: goodKey + "\u00a0", send: true, removed: "the trailing U+00A0 NO-BREAK SPACE (NBSP)", cause: StepWhitespace},
	{name: "zero-width spaces", key: goodKey + "\u200b\u200b", send: true, removed: "the trailing 2 × U+200B ZERO WIDTH SPACE", cause: StepWhitespace},
	{name: "quotes", key: `"` + goodKey + `"`, send: true, removed: "the quotes", cause: StepCharacters},
	{name: "typographic quotes", key: "“" + goodKey + "”", send: true, removed: "the quotes", cause: StepCharacters},
	{name: "a stray quote", key: "'" + goodKey, send: true, removed: "the quotes", cause: StepCharacters},
	{name: "quotes and a newline", key: `"` + goodKey + "\"\n", send: true, removed: "the quotes and the trailing newline", cause: StepCharacters},
	{name: "a newline inside the quotes", key: `"` + goodKey + "\n\"", send: true, removed: "the quotes", cause: StepCharacters},
	{name: "Bearer", key: "Bearer " + goodKey, send: true, removed: "the ‘Bearer’ in front", cause: StepCharacters},
	{name: "Bearer, two spaces", key: "Bearer  " + goodKey, send: true, removed: "the ‘Bearer’ in front", cause: StepCharacters},
	{name: "a whole header", key: "Authorization: Bearer " + goodKey + "\r\n", send: true, removed: "the ‘Authorization: Bearer’ in front and the trailing Windows line ending (CR LF)", cause: StepCharacters},
	{name: "NAME=", key: "HIAPI_API_KEY=" + goodKey, send: true, removed: "the ‘HIAPI_API_KEY=’ in front", cause: StepCharacters},
	{name: "an export line", key: `export HIAPI_API_KEY="` + goodKey + "\"\n", send: true, removed: "the ‘export HIAPI_API_KEY=’ in front, the quotes and the trailing newline", cause: StepCharacters},
	{name: "YAML", key: "HIAPI_API_KEY: " + goodKey, send: true, removed: "the ‘HIAPI_API_KEY:’ in front", cause: StepCharacters},
	{name: "an escaped newline", key: goodKey + `\n`, send: true, removed: "the trailing ‘\\n’", cause: StepCharacters},
	{name: "a URL-encoded newline", key: goodKey + "%0A", send: true, removed: "the trailing ‘%0A’", cause: StepCharacters},
	{name: "a trailing comma", key: goodKey + ",", send: true, removed: "the trailing ‘,’", cause: StepCharacters},
	{name: "an unusual character stays", key: `"` + goodKey + `!"`, send: true, removed: "the quotes", cause: StepCharacters},

	// Nothing sent: no key.
	{name: "no key", key: "", cause: StepPresent, reason: "there is no key"},
	{name: "only whitespace", key: " \n", cause: StepPresent, reason: "only whitespace"},
	{name: "only Bearer", key: "Bearer ", cause: StepPresent, reason: "only the word ‘Bearer’"},
	{name: "Authorization: Bearer and nothing", key: "Authorization: Bearer \n", cause: StepPresent, reason: "only the word ‘Bearer’"},
	{name: "undefined", key: "Bearer undefined", cause: StepPresent, reason: "the word ‘undefined’"},
	{name: "None", key: "None\n", cause: StepPresent, reason: "the word ‘None’"},
	{name: "a variable set to nothing", key: "HIAPI_API_KEY=\n", cause: StepPresent, reason: "only ‘HIAPI_API_KEY=’"},
	// Another provider's key: no cleaning makes it HiAPI's.
	{name: "an OpenAI key", key: openAIKey, cause: StepProvider, reason: "Not sent, since this is an OpenAI key: HiAPI has never seen it."},
	{name: "an OpenAI key with a newline", key: openAIKey + "\n", cause: StepProvider, reason: "this is an OpenAI key"},
	{name: "an OpenAI key in quotes", key: `"` + openAIKey + `"`, cause: StepProvider, reason: "this is an OpenAI key"},
	{name: "an Anthropic key", key: "sk-ant-api03-" + randKey(6, 90), cause: StepProvider, reason: "this is an Anthropic key"},
	{name: "a Google key", key: "AIza" + randKey(7, 35), cause: StepProvider, reason: "Google"},
	{name: "a JWT", key: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0." + randKey(8, 40), cause: StepProvider, reason: "login token (JWT)"},
	{name: "upper-cased", key: "SK-" + goodKey[3:], cause: StepProvider, reason: "case-sensitive"},
	// Cut short or masked: no copy of it works.
	{name: "masked with an ellipsis", key: masked, cause: StepComplete, reason: "shortened copy"},
	{name: "masked, in quotes", key: `"` + masked + `"`, cause: StepComplete, reason: "shortened copy"},
	{name: "masked with stars", key: goodKey[:12] + "********" + goodKey[40:], cause: StepComplete, reason: "masked copy"},
	{name: "cut short", key: goodKey[:15], cause: StepComplete, reason: "only 15 characters"},
	{name: "twice", key: goodKey + goodKey, cause: StepComplete, reason: "twice"},
	{name: "CI mask", key: "***", cause: StepComplete, reason: "CI log"},
	// Something standing in for the key.
	{name: "a placeholder", key: "YOUR_API_KEY", cause: StepCharacters, reason: "Not sent, since this is a placeholder from the docs, not a real key."},
	{name: "a placeholder in quotes", key: "\"sk-your-key-here\"\n", cause: StepCharacters, reason: "placeholder"},
	{name: "a variable's name", key: "$HIAPI_API_KEY", cause: StepCharacters, reason: "Not sent, since your key is the text $HIAPI_API_KEY, not its value: the variable was never expanded."},
	{name: "a variable in braces", key: "${HIAPI_API_KEY}\n", cause: StepCharacters, reason: "the text $HIAPI_API_KEY"},
	{name: "a variable after Bearer", key: "Bearer $HIAPI_API_KEY", cause: StepCharacters, reason: "the text $HIAPI_API_KEY"},
	{name: "a template", key: "${{ secrets.HIAPI_API_KEY }}", cause: StepCharacters, reason: "template"},
	{name: "a command", key: "$(cat /run/secrets/hiapi)", cause: StepCharacters, reason: "command"},
	{name: "empty quotes", key: `""`, cause: StepCharacters, reason: "no key inside"},
	// A fault inside the key: nothing keycheck can remove with certainty.
	{name: "a space inside", key: goodKey[:20] + " " + goodKey[20:], cause: StepWhitespace, reason: "a space inside it"},
	{name: "split, with a trailing newline too", key: goodKey[:20] + "\n" + goodKey[20:] + "\n", cause: StepWhitespace, reason: "split across two lines"},
	{name: "a zero-width space inside", key: goodKey[:20] + "\u200b" + goodKey[20:], cause: StepWhitespace, reason: "U+200B"},
	{name: "a look-alike", key: goodKey[:3] + "а" + goodKey[4:], cause: StepCharacters, reason: "look-alike"},
	{name: "a look-alike in quotes: the look-alike, not the quotes", key: `"` + goodKey[:10] + "а" + goodKey[11:] + `"`, cause: StepCharacters, reason: "look-alike character, U+0430"},
	{name: "invalid UTF-8", key: goodKey[:10] + "\xff" + goodKey[11:], cause: StepCharacters, reason: "not valid UTF-8"},
	{name: "invalid UTF-8 in quotes with a newline", key: `"` + goodKey[:10] + "\xc3" + goodKey[11:] + "\"\n", cause: StepCharacters, reason: "not valid UTF-8"},
	{name: "a control character", key: goodKey[:10] + "\x1b" + goodKey[11:], cause: StepCharacters, reason: "control characters"},
	{name: "a quote inside", key: goodKey[:10] + `"` + goodKey[11:], cause: StepCharacters, reason: "a quote ‘\"’ inside"},
	{name: "a quote inside a quoted key", key: `"` + goodKey[:10] + `"` + goodKey[11:] + `"`, cause: StepCharacters, reason: "a quote ‘\"’ inside"},
	{name: "base64", key: base64.StdEncoding.EncodeToString([]byte(goodKey)), cause: StepCharacters, reason: "base64"},
	{name: "base64 of a key and a newline, in quotes", key: `"` + base64.StdEncoding.EncodeToString([]byte(goodKey+"\n")) + "\"\n", cause: StepCharacters, reason: "base64"},
	{name: "more wrappers than keycheck peels", key: strings.Repeat(`"`, 10) + goodKey + strings.Repeat(`"`, 10), cause: StepCharacters, reason: "quotes"},
}

func TestPlanLive(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range planCases {
		if seen[c.name] {
			t.Errorf("duplicate case %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			p := PlanLive(c.key)
			if p.Send != c.send || p.Cause != c.cause || p.Removed != c.removed {
				t.Fatalf("plan send=%v cause=%q removed=%q reason=%q\nwant send=%v cause=%q removed=%q", p.Send, p.Cause, p.Removed, p.Reason, c.send, c.cause, c.removed)
			}
			if c.send {
				want := c.key
				if c.removed != "" {
					var k keyInfo
					k.analyse(c.key)
					want = k.core
				}
				if p.Key != want || p.Reason != "" {
					t.Errorf("sends %q (reason %q), want %q", p.Key, p.Reason, want)
				}
				return
			}
			if p.Key != "" || !strings.HasPrefix(p.Reason, "Not sent, since ") || !strings.Contains(p.Reason, c.reason) || !strings.HasSuffix(p.Reason, ".") {
				t.Errorf("refuses with key %q, reason %q; want a reason with %q", p.Key, p.Reason, c.reason)
			}
			if w := leak(p.Reason, secretsOf(Input{Key: c.key})); w != "" {
				t.Errorf("reason leaks %q: %s", w, p.Reason)
			}
		})
	}
}

// TestCheckShowsThePlan: Check's live steps say what the live test will
// do with the key, whatever else the input holds: the last four and
// length the dashboard shows tell another key from this one, not a key
// HiAPI cannot accept.
func TestCheckShowsThePlan(t *testing.T) {
	for _, c := range planCases {
		p := PlanLive(c.key)
		for _, in := range []Input{
			{Key: c.key},
			{Key: c.key, ExpectedLast4: "zz9Z", ExpectedLength: 7, VarName: "OPENAI_API_KEY", BaseURL: "https://api.openai.com/v1", Header: "x-api-key: " + otherKey},
			{Key: c.key, Surface: SurfaceCLI, Environ: []string{"HIAPI_API_KEY=" + c.key}},
		} {
			rs := Check(in)
			cause := resultOf(rs, p.Cause)
			// A refusal says what PlanLive says; with more input, the
			// cause's words may say more (the CLI names the variable
			// where the page names the field), but it starts the same.
			reason := p.Reason
			if in.Environ != nil {
				reason = "Not sent, since "
			}
			for _, id := range []ID{StepAuth, StepModel, StepResult} {
				r := resultOf(rs, id)
				switch {
				case p.Send && (r.Status != StatusPending || strings.Contains(r.Detail, "removed") != (p.Removed != "")):
					t.Errorf("%s: %s is %s %q, want pending (removed %q)", c.name, id, r.Status, r.Detail, p.Removed)
				case p.Send && p.Removed != "" && !strings.Contains(r.Detail, "It sends the key with "+p.Removed+" removed"):
					t.Errorf("%s: %s does not say what it removes: %q", c.name, id, r.Detail)
				case !p.Send && (r.Status != StatusSkip || !strings.HasPrefix(r.Detail, reason) || !strings.Contains(r.Detail, ". Nothing goes to HiAPI until “")):
					t.Errorf("%s: %s is %s %q, want skip with %q", c.name, id, r.Status, r.Detail, reason)
				}
			}
			// The cause of a refusal fails, so the verdict names it.
			if !p.Send && cause.Status != StatusFail {
				t.Errorf("%s: refused for %s, which is %s", c.name, p.Cause, cause.Status)
			}
		}
	}
}

// FuzzPlanLive proves the plan's promises for any key: what it sends passes
// every step that reads a key alone (so what it removed was the whole
// offline fault), carries no byte an HTTP header cannot, and is the key as
// given or its core; what it refuses, a failing step explains.
func FuzzPlanLive(f *testing.F) {
	for _, c := range planCases {
		f.Add(c.key)
	}
	f.Fuzz(func(t *testing.T, key string) {
		p := PlanLive(key)
		if !p.Send {
			if p.Key != "" || p.Removed != "" || !strings.HasPrefix(p.Reason, "Not sent, since ") {
				t.Fatalf("refusal %+v", p)
			}
			if r := resultOf(Check(Input{Key: key}), p.Cause); r.Status != StatusFail {
				t.Fatalf("refused for %s, which is %s", p.Cause, r.Status)
			}
			return
		}
		var k keyInfo
		k.analyse(key)
		if p.Removed == "" && p.Key != key || p.Removed != "" && p.Key != k.core || p.Reason != "" {
			t.Fatalf("plan %+v for %q", p, key)
		}
		for _, r := range Check(Input{Key: p.Key})[:5] {
			if r.Status == StatusFail {
				t.Fatalf("sends %q, which fails %s: %s", p.Key, r.ID, r.Detail)
			}
		}
		for _, r := range p.Key {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("sends a control character %q in %q", r, p.Key)
			}
		}
	})
}
