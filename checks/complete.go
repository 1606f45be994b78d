package checks

import (
	"strings"
	"unicode/utf8"
)

// Length thresholds for a key. HiAPI documents no length, so these come
// from the shapes of keys in the wild: every provider's current keys are
// 32 characters or more (DeepSeek's sk- + 32 hex is 35, Google's is 39,
// Hugging Face's 37), and keys cut short on copy are usually far shorter.
// Anthropic's are the longest common keys at 108; anything past 256 is
// more than one key, or a key with its surroundings.
const (
	// Below minKeyLen the key was almost surely clipped: fail.
	minKeyLen = 20
	// Below okKeyLen it is shorter than any current key: warn.
	okKeyLen = 32
	// Above maxKeyLen it is more than a key: fail.
	maxKeyLen = 256
)

// Fix copy for the complete step.
const (
	fixMasked = "This is a shortened or masked copy, as logs, chat previews and dashboards show keys; the server needs the whole key. " +
		"The full value is shown only once, when the key is created: if you no longer have it, create a new key in the HiAPI dashboard (Dashboard → API Keys) and copy it with the copy button."
	fixCIMask = "CI logs print secrets as *** on purpose: that is the mask, not the key. Paste the key itself, or run `keycheck check` inside the job."
	fixShort  = "Copy the key again with the dashboard's copy button instead of drag-selecting it; narrow terminals and chat previews cut long keys. Compare its length: `printf '%s' \"$HIAPI_API_KEY\" | wc -c`."
	fixLong   = "Paste only the key: one sk-… value, from its first character to its last. Check the variable: `printf '%s' \"$HIAPI_API_KEY\" | wc -c`."
	fixTwice  = "Keep one copy of the key: the variable holds it twice (a paste that landed twice, or a value appended to an existing one)."
	fixLast4  = "Compare with the key in the HiAPI dashboard: if the end differs, this is another key (an old one, or a teammate's) or it was cut short. Copy the current key with the copy button."
	fixLength = "Copy the key again with the dashboard's copy button; a drag-select in a narrow terminal or chat cuts keys short. Check the length the process sees: `printf '%s' \"$HIAPI_API_KEY\" | wc -c`."
)

func checkComplete(st *state) Result {
	key, r, ok := judgedKey(st)
	if !ok {
		return r
	}
	k := &st.key
	// Positions are in the key as given, or in the decoded key.
	base, where := k.pos(k.coreLo)-1, ""
	if k.decoded != "" {
		base, where = 0, " of the decoded key"
	}
	n := runeCount(key)
	var f findings
	masked := scanMasks(st, key, base, where, &f)
	if !masked {
		if half := len(key) / 2; len(key) >= 2*minKeyLen && len(key)%2 == 0 && key[:half] == key[half:] {
			f.addHeadline(StatusFail, "Your key is in there twice: keep one copy.", "The key is there twice: its second half (from position "+itoa(base+runeCount(key[:half])+1)+where+") repeats the first.", st.cmd(fixTwice))
		} else if i := secondKey(key); i > 0 {
			f.addHeadline(StatusFail, "Two keys are run together here: keep one.", "Two keys run together: a second sk- starts at position "+itoa(base+runeCount(key[:i])+1)+where+".", st.cmd(fixTwice))
		}
		switch {
		case n < minKeyLen:
			f.addHeadline(StatusFail, "Your key is only "+plural(n, "character", "characters")+": it was cut short when copied.",
				"Only "+plural(n, "character", "characters")+": too short for a key, so it was likely clipped on copy.", st.cmd(fixShort))
		case n < okKeyLen:
			f.addHeadline(StatusWarn, "Your key is only "+plural(n, "character", "characters")+", shorter than current API keys: it may be cut short.",
				"Only "+plural(n, "character", "characters")+": shorter than current API keys (32 or more), so it may have been clipped. HiAPI does not publish a length: compare with the dashboard.", st.cmd(fixShort))
		case n > maxKeyLen:
			f.addHeadline(StatusFail, "This is "+itoa(n)+" characters, far more than one key: more than the key was pasted.",
				itoa(n)+" characters: far longer than a key, so more than the key was pasted (a second key, or text around it).", st.cmd(fixLong))
		}
	}
	compared := compareExpected(st, key, n, &f)
	if len(f.list) > 0 {
		return f.result("")
	}
	d := plural(n, "character", "characters") + where + ", ending in " + lastFour(key)
	if compared != "" {
		return Result{Status: StatusPass, Detail: d + ": " + compared + rawNote(k, n)}
	}
	return Result{Status: StatusPass, Detail: d + askExpected[st.in.Surface] + rawNote(k, n)}
}

// rawNote says how the key as given differs from the key judged.
func rawNote(k *keyInfo, n int) string {
	if r := runeCount(k.raw); r != n {
		return " (As given it is " + plural(r, "character", "characters") + ", with what surrounds it: see the steps above.)"
	}
	return ""
}

// lastFour shows the last four characters, made visible.
func lastFour(s string) string {
	j := len(s)
	for c := 0; c < 4 && j > 0; c++ {
		_, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
	}
	return "‘" + Visible(s[j:]) + "’"
}

// secondKey returns where a second "sk-" key starts inside key, or -1. Both
// parts must be key-sized, so words like "task-" inside a key do not count.
func secondKey(key string) int {
	for i := minKeyLen; i+minKeyLen <= len(key); i++ {
		if key[i] == 's' && strings.HasPrefix(key[i:], "sk-") {
			if c := key[i-1]; c != '-' && c != '_' {
				return i
			}
		}
	}
	return -1
}

// scanMasks reports ellipses and masks; it returns whether the key is a
// shortened or masked copy.
func scanMasks(st *state, key string, base int, where string, f *findings) bool {
	// Fast path: nothing a mask is made of.
	if strings.IndexFunc(key, func(r rune) bool {
		return r == '.' || r == '*' || r == 'x' || r == 'X' || r == '#' || r > 0x7f || r == '[' || r == '<'
	}) < 0 && !containsFold(key, "redacted") && !containsFold(key, "masked") && !containsFold(key, "hidden") {
		return false
	}
	if key == "***" || key == "****" {
		f.addHeadline(StatusFail, "This is the ‘"+key+"’ a CI log shows in place of a secret, not your key.",
			"The key is ‘"+key+"’: the mask CI logs show in place of a secret.", st.cmd(fixCIMask))
		return true
	}
	for _, w := range [...]string{"redacted", "masked", "hidden", "filtered"} {
		if i := indexFold(key, w); i >= 0 {
			f.addHeadline(StatusFail, "This is a marker (‘"+w+"’) a tool put in place of your key, not the key.",
				"The word ‘"+w+"’ at position "+itoa(base+runeCount(key[:i])+1)+where+": a tool replaced the key with a marker.", st.cmd(fixMasked))
			return true
		}
	}
	found := false
	pos := base
	for i := 0; i < len(key); {
		r, size := utf8.DecodeRuneInString(key[i:])
		pos++
		run, runLen := runOf(key[i:], r)
		switch {
		case r == '…' || r == 0x22EF || r == 0x2025:
			f.addHeadline(StatusFail, "This is a shortened copy of your key (with ‘"+string(r)+"’), not the key itself.",
				"An ellipsis ("+string(r)+") at position "+itoa(pos)+where+": this is a shortened copy of the key.", st.cmd(fixMasked))
			found = true
		case r == '.' && run >= 2:
			f.addHeadline(StatusFail, "This is a shortened copy of your key (with ‘"+strings.Repeat(".", min(run, 5))+"’), not the key itself.",
				"An ellipsis (‘"+strings.Repeat(".", min(run, 5))+"’) at "+at(pos, pos+run-1)+where+": this is a shortened copy of the key.", st.cmd(fixMasked))
			found = true
		case r == '*' || isMask(r) && r != '.':
			f.addHeadline(StatusFail, "This is a masked copy of your key (with ‘"+strings.Repeat(string(r), min(run, 6))+"’), not the key itself.",
				plural(run, "mask character", "mask characters")+" (‘"+strings.Repeat(string(r), min(run, 6))+"’) at "+at(pos, pos+run-1)+where+": the middle of the key was masked.", st.cmd(fixMasked))
			found = true
		case (r == 'x' || r == 'X') && run >= 6:
			f.addHeadline(StatusFail, "This is a masked copy of your key (with ‘"+strings.Repeat(string(r), min(run, 6))+"’), not the key itself.",
				"A run of "+itoa(run)+" ‘x’ at "+at(pos, pos+run-1)+where+": the key was masked with x's.", st.cmd(fixMasked))
			found = true
		case (r == 'x' || r == 'X') && run >= 4:
			f.addHeadline(StatusWarn, "Your key has a run of ‘"+strings.Repeat(string(r), run)+"’ that looks like a mask: compare it with the dashboard.",
				"A run of "+itoa(run)+" ‘x’ at "+at(pos, pos+run-1)+where+": that looks like a mask. If the dashboard shows the same characters, ignore this.", st.cmd(fixMasked))
		case r == '#' && run >= 3:
			f.addHeadline(StatusFail, "This is a masked copy of your key (with ‘"+strings.Repeat("#", min(run, 6))+"’), not the key itself.",
				"A run of "+itoa(run)+" ‘#’ at "+at(pos, pos+run-1)+where+": the key was masked.", st.cmd(fixMasked))
			found = true
		}
		if len(f.list) >= maxShown {
			break
		}
		i += runLen
		pos += run - 1
		_ = size
	}
	return found
}

// runOf returns how many times r repeats at the start of s, and their
// length in bytes.
func runOf(s string, r rune) (n, size int) {
	for size < len(s) {
		q, sz := utf8.DecodeRuneInString(s[size:])
		if q != r || (q == utf8.RuneError && sz == 1 && n > 0) {
			break
		}
		n++
		size += sz
	}
	if n == 0 {
		_, size = utf8.DecodeRuneInString(s)
		n = 1
	}
	return n, size
}

func containsFold(s, sub string) bool { return indexFold(s, sub) >= 0 }

// indexFold is strings.Index ignoring ASCII case, without allocating.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// compareExpected checks the key against the last four and length the
// dashboard shows. It returns a sentence for the pass detail when they
// match, or adds findings when they do not.
func compareExpected(st *state, key string, n int, f *findings) string {
	in := st.in
	last := expectedLast4(in.ExpectedLast4)
	wantLen := in.ExpectedLength
	if wantLen < 0 || wantLen > 100000 {
		f.add(StatusWarn, "The expected length "+itoa(wantLen)+" is not a length: "+st.give("the number of characters the dashboard shows", inputLength)+".", "")
		wantLen = 0
	}
	if last == "" && wantLen == 0 {
		if strings.TrimSpace(in.ExpectedLast4) != "" {
			f.add(StatusWarn, "The expected last four has no characters to compare once spaces and dots are removed.", "")
		}
		return ""
	}
	var ok []string
	if last != "" {
		if s := compareLast4(st, key, last, n, f); s != "" {
			ok = append(ok, s)
		}
	}
	if wantLen > 0 {
		if s := compareLength(st, n, wantLen, f); s != "" {
			ok = append(ok, s)
		}
	}
	if len(ok) == 0 {
		return ""
	}
	return strings.Join(ok, ", and ") + "."
}

// compareLast4 compares the key's end with the last four the dashboard
// shows; it returns what matched, or "" after reporting what did not.
func compareLast4(st *state, key, last string, n int, f *findings) string {
	k := &st.key
	got := key
	if m := runeCount(last); m < n {
		j := len(key)
		for c := 0; c < m; c++ {
			_, size := utf8.DecodeLastRuneInString(key[:j])
			j -= size
		}
		got = key[j:]
	}
	shown := "‘" + Visible(last) + "’"
	if runeCount(st.in.ExpectedLast4) > 8 {
		shown = "the last four given"
	}
	switch {
	case got == last:
		s := "ends in " + shown + " as the dashboard shows"
		if k.decoded == "" && k.raw != key && !strings.HasSuffix(k.raw, last) {
			s += " (as given, with what follows it, it ends in " + lastFour(k.raw) + ")"
		}
		return s
	case strings.EqualFold(got, last):
		f.addHeadline(StatusWarn, "Your key's end matches the dashboard's last four only if you ignore letter case.",
			"Ends in "+lastFour(key)+", which matches "+shown+" only if you ignore letter case; keys are case-sensitive, so check you read it right.", st.cmd(fixLast4))
	default:
		d := "Ends in " + lastFour(key) + ", but the dashboard shows " + shown + ": a different key, or its end was cut off."
		h := "Your key does not end in the last four the dashboard shows: it is another key, or cut short."
		if i := strings.LastIndex(key, last); i >= 0 && len(key)-i-len(last) <= 16 {
			d = "Ends in " + lastFour(key) + ", but the dashboard's " + shown + " appears " + plural(runeCount(key[i+len(last):]), "character", "characters") + " before the end: something was added after the key."
			h = "Something was added after your key: the dashboard's last four come before its end."
		}
		f.addHeadline(StatusFail, h, d, st.cmd(fixLast4))
	}
	return ""
}

// compareLength compares the key's length with the one the dashboard
// shows; it returns what matched, or "" after reporting what did not.
func compareLength(st *state, n, wantLen int, f *findings) string {
	k := &st.key
	switch {
	case n < wantLen:
		f.addHeadline(StatusFail, "Your key is "+plural(wantLen-n, "character", "characters")+" shorter than the dashboard shows: part of it was cut off.",
			"Has "+plural(n, "character", "characters")+", "+itoa(wantLen-n)+" fewer than the "+itoa(wantLen)+" the dashboard shows: part of the key was cut off on copy.", st.cmd(fixLength))
		return ""
	case n > wantLen:
		f.addHeadline(StatusFail, "Your key is "+plural(n-wantLen, "character", "characters")+" longer than the dashboard shows: something was added to it.",
			"Has "+plural(n, "character", "characters")+", "+itoa(n-wantLen)+" more than the "+itoa(wantLen)+" the dashboard shows: something was added to it.", st.cmd(fixLength))
		return ""
	}
	s := plural(n, "character", "characters") + " as the dashboard shows"
	if r := runeCount(k.raw); r != n && k.decoded == "" {
		s += " (as given it is " + itoa(r) + ", with what surrounds it)"
	}
	return s
}

// expectedLast4 cleans what a person typed as the last four: spaces, a
// leading ellipsis or mask, and anything before the last four characters.
func expectedLast4(s string) string {
	s = strings.TrimSpace(s)
	if runeCount(s) <= 4 {
		return strings.TrimLeft(s, ".…*•· ")
	}
	{
		j := len(s)
		for c := 0; c < 4; c++ {
			_, size := utf8.DecodeLastRuneInString(s[:j])
			j -= size
		}
		s = s[j:]
	}
	return s
}
