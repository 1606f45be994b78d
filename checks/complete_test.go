package checks

import (
	"strings"
	"testing"
)

var last4 = goodKey[len(goodKey)-4:]

var completeCases = []stepCase{
	{name: "clean, nothing to compare", in: Input{Key: goodKey}, want: StatusPass, detail: []string{"51 characters", "ending in ‘" + last4 + "’", "no ellipsis or mask", "dashboard"}},
	{name: "no key", in: Input{}, want: StatusSkip},
	{name: "blank", in: Input{Key: "  "}, want: StatusSkip},
	{name: "placeholder is characters'", in: Input{Key: "sk-..."}, want: StatusSkip, detail: []string{"placeholder"}},
	{name: "empty quotes", in: Input{Key: "''"}, want: StatusSkip, detail: []string{"nothing is left"}},

	// Masks and ellipses.
	{name: "three dots", headline: "This is a shortened copy of your key (with ‘...’), not the key itself.", in: Input{Key: "sk-abcd...wxyz"}, want: StatusFail, detail: []string{"ellipsis (‘...’) at positions 8–10", "shortened copy"}, fix: []string{"shown only once", "create a new key"}},
	{name: "unicode ellipsis", headline: "This is a shortened copy of your key (with ‘…’), not the key itself.", in: Input{Key: goodKey[:10] + "…" + last4}, want: StatusFail, detail: []string{"ellipsis (…) at position 11"}},
	{name: "midline ellipsis", in: Input{Key: goodKey[:10] + "⋯" + last4}, want: StatusFail, detail: []string{"ellipsis (⋯)"}},
	{name: "ellipsis at end", in: Input{Key: goodKey[:30] + "..."}, want: StatusFail, detail: []string{"positions 31–33"}},
	{name: "ellipsis after whitespace", in: Input{Key: "  " + goodKey[:10] + "…" + last4}, want: StatusFail, detail: []string{"position 13"}},
	{name: "two dots", in: Input{Key: goodKey[:20] + ".." + goodKey[20:]}, want: StatusFail, detail: []string{"‘..’"}},
	{name: "single dot is fine", in: Input{Key: goodKey[:20] + "." + goodKey[20:]}, want: StatusPass},
	{name: "stars", headline: "This is a masked copy of your key (with ‘******’), not the key itself.", in: Input{Key: "sk-abcd****************wxyz"}, want: StatusFail, detail: []string{"16 mask characters", "positions 8–23", "masked"}},
	{name: "one star", in: Input{Key: goodKey[:20] + "*" + goodKey[20:]}, want: StatusFail, detail: []string{"1 mask character"}},
	{name: "bullets", in: Input{Key: "sk-ab••••••••wxyz"}, want: StatusFail, detail: []string{"8 mask characters", "‘••••••’"}},
	{name: "black circles", in: Input{Key: "sk-ab●●●●●●wxyz" + randKey(1, 10)}, want: StatusFail, detail: []string{"mask characters"}},
	{name: "middle dots", in: Input{Key: goodKey[:8] + "·····" + last4}, want: StatusFail, detail: []string{"mask characters"}},
	{name: "CI mask", headline: "This is the ‘***’ a CI log shows in place of a secret, not your key.", in: Input{Key: "***"}, want: StatusFail, detail: []string{"CI logs"}, fix: []string{"keycheck check"}},
	{name: "CI mask of four", in: Input{Key: "****"}, want: StatusFail, detail: []string{"CI logs"}},
	{name: "x run of 8", headline: "This is a masked copy of your key (with ‘xxxxxx’), not the key itself.", in: Input{Key: "sk-abcd" + strings.Repeat("x", 8) + goodKey[15:]}, want: StatusFail, detail: []string{"run of 8 ‘x’", "positions 8–15"}},
	{name: "X run of 6", in: Input{Key: goodKey[:20] + "XXXXXX" + goodKey[20:]}, want: StatusFail, detail: []string{"run of 6"}},
	{name: "x run of 4 warns", headline: "Your key has a run of ‘xxxx’ that looks like a mask: compare it with the dashboard.", in: Input{Key: goodKey[:20] + "xxxx" + goodKey[20:]}, want: StatusWarn, detail: []string{"run of 4", "ignore this"}},
	{name: "x run of 3 is fine", in: Input{Key: goodKey[:20] + "xxx" + goodKey[20:]}, want: StatusPass},
	{name: "hash run", in: Input{Key: goodKey[:10] + "######" + last4}, want: StatusFail, detail: []string{"run of 6 ‘#’"}},
	{name: "REDACTED", headline: "This is a marker (‘redacted’) a tool put in place of your key, not the key.", in: Input{Key: "sk-[REDACTED]"}, want: StatusFail, detail: []string{"‘redacted’ at position 5"}},
	{name: "redacted lower", in: Input{Key: "<redacted>"}, want: StatusFail, detail: []string{"redacted"}},
	{name: "FILTERED", in: Input{Key: "[FILTERED]"}, want: StatusFail, detail: []string{"filtered"}},
	{name: "ellipsis and mask", in: Input{Key: "sk-ab...**"}, want: StatusFail, detail: []string{"ellipsis", "mask"}},
	{name: "masked does not also say short", in: Input{Key: "sk-abcd...wxyz"}, want: StatusFail, not: []string{"too short"}},

	// Lengths.
	{name: "19 chars", headline: "Your key is only 19 characters: it was cut short when copied.", in: Input{Key: "sk-" + randKey(12, 16)}, want: StatusFail, detail: []string{"Only 19 characters", "clipped"}, fix: []string{"wc -c"}},
	{name: "10 chars", in: Input{Key: "sk-" + randKey(12, 7)}, want: StatusFail, detail: []string{"Only 10 characters"}},
	{name: "1 char", in: Input{Key: "s"}, want: StatusFail, detail: []string{"Only 1 character:"}},
	{name: "20 chars warns", headline: "Your key is only 20 characters, shorter than current API keys: it may be cut short.", in: Input{Key: "sk-" + randKey(13, 17)}, want: StatusWarn, detail: []string{"Only 20 characters", "32 or more"}},
	{name: "31 chars warns", in: Input{Key: "sk-" + randKey(13, 28)}, want: StatusWarn, detail: []string{"Only 31 characters"}},
	{name: "32 chars passes", in: Input{Key: "sk-" + randKey(13, 29)}, want: StatusPass, detail: []string{"32 characters"}},
	{name: "deepseek length passes", in: Input{Key: "sk-" + hexKey(3, 32)}, want: StatusPass, detail: []string{"35 characters"}},
	{name: "anthropic length passes", in: Input{Key: "sk-ant-api03-" + randKey(14, 95)}, want: StatusPass, detail: []string{"108 characters"}},
	{name: "256 chars passes", in: Input{Key: "sk-" + randKey(15, 253)}, want: StatusPass},
	{name: "257 chars fails", headline: "This is 257 characters, far more than one key: more than the key was pasted.", in: Input{Key: "sk-" + randKey(15, 254)}, want: StatusFail, detail: []string{"257 characters", "far longer"}},
	{name: "length is of the key without wrapper", in: Input{Key: "Bearer " + "sk-" + randKey(13, 29)}, want: StatusPass, detail: []string{"32 characters", "As given it is 39"}},
	{name: "short after trimming", in: Input{Key: "sk-" + randKey(12, 10) + "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"}, want: StatusFail, detail: []string{"Only 13"}},
	{name: "pasted twice", headline: "Your key is in there twice: keep one copy.", in: Input{Key: goodKey + goodKey}, want: StatusFail, detail: []string{"there twice", "position 52"}, fix: []string{"one copy"}},
	{name: "two keys", headline: "Two keys are run together here: keep one.", in: Input{Key: goodKey + otherKey}, want: StatusFail, detail: []string{"Two keys run together", "position 52"}},
	{name: "task-fails is not two keys", in: Input{Key: fakeKeys[8]}, want: StatusPass},
	{name: "every fake key passes", in: Input{Key: fakeKeys[4]}, want: StatusPass},

	// Dashboard comparison.
	{name: "last4 matches", in: Input{Key: goodKey, ExpectedLast4: last4}, want: StatusPass, detail: []string{"ends in ‘" + last4 + "’ as the dashboard shows"}},
	{name: "length matches", in: Input{Key: goodKey, ExpectedLength: 51}, want: StatusPass, detail: []string{"51 characters as the dashboard shows"}},
	{name: "both match", in: Input{Key: goodKey, ExpectedLast4: last4, ExpectedLength: 51}, want: StatusPass, detail: []string{"as the dashboard shows, and 51 characters"}},
	{name: "last4 with spaces and ellipsis", in: Input{Key: goodKey, ExpectedLast4: " …" + last4 + " "}, want: StatusPass},
	{name: "last4 as masked key", in: Input{Key: goodKey, ExpectedLast4: "sk-...." + last4}, want: StatusPass},
	{name: "last4 three chars", in: Input{Key: goodKey, ExpectedLast4: last4[1:]}, want: StatusPass},
	{name: "last4 mismatch", headline: "Your key does not end in the last four the dashboard shows: it is another key, or cut short.", in: Input{Key: goodKey, ExpectedLast4: "QQQQ"}, want: StatusFail, detail: []string{"Ends in ‘" + last4 + "’, but the dashboard shows ‘QQQQ’", "different key"}, fix: []string{"another key"}},
	{name: "last4 case differs", headline: "Your key's end matches the dashboard's last four only if you ignore letter case.", in: Input{Key: "sk-" + randKey(16, 44) + "abcd", ExpectedLast4: "ABCD"}, want: StatusWarn, detail: []string{"letter case"}},
	{name: "last4 earlier: something added", headline: "Something was added after your key: the dashboard's last four come before its end.", in: Input{Key: goodKey + "zz", ExpectedLast4: last4}, want: StatusFail, detail: []string{"appears 2 characters before the end", "added after"}},
	{name: "last4 with trailing newline: compared trimmed", in: Input{Key: goodKey + "\n", ExpectedLast4: last4}, want: StatusPass, detail: []string{"as the dashboard shows", "as given"}},
	{name: "length with trailing newline: compared trimmed", in: Input{Key: goodKey + "\n", ExpectedLength: 51}, want: StatusPass, detail: []string{"as given it is 52"}},
	{name: "length short", headline: "Your key is 11 characters shorter than the dashboard shows: part of it was cut off.", in: Input{Key: goodKey[:40], ExpectedLength: 51}, want: StatusFail, detail: []string{"Has 40 characters, 11 fewer than the 51", "cut off"}},
	{name: "length long", headline: "Your key is 2 characters longer than the dashboard shows: something was added to it.", in: Input{Key: goodKey + "ab", ExpectedLength: 51}, want: StatusFail, detail: []string{"2 more than the 51"}},
	{name: "length and last4 both wrong", in: Input{Key: goodKey[:40], ExpectedLength: 51, ExpectedLast4: last4}, want: StatusFail, detail: []string{"fewer", "but the dashboard shows"}},
	{name: "negative length", in: Input{Key: goodKey, ExpectedLength: -3}, want: StatusWarn, detail: []string{"not a length"}},
	{name: "blank last4", in: Input{Key: goodKey, ExpectedLast4: "  "}, want: StatusPass},
	{name: "last4 of only dots", in: Input{Key: goodKey, ExpectedLast4: "..."}, want: StatusWarn, detail: []string{"no characters"}},
	{name: "whole key as last4 is not shown", in: Input{Key: goodKey, ExpectedLast4: otherKey}, want: StatusFail, detail: []string{"the last four given"}},
	{name: "base64 key compared decoded", in: Input{Key: b64([]byte(goodKey + "\n")), ExpectedLength: 51, ExpectedLast4: last4}, want: StatusPass, detail: []string{"of the decoded key"}},
}

var _ = register(StepComplete, &completeCases)

func TestComplete(t *testing.T) { runTable(t, StepComplete, completeCases) }

func TestExpectedLast4(t *testing.T) {
	for in, want := range map[string]string{"wxyz": "wxyz", " wxyz ": "wxyz", "…wxyz": "wxyz", "...wxyz": "wxyz", "sk-ab…wxyz": "wxyz", "xXyz": "xXyz", "": "", "..": ""} {
		if got := expectedLast4(in); got != want {
			t.Errorf("expectedLast4(%q) = %q, want %q", in, got, want)
		}
	}
}
