package checks

import (
	"strings"
)

// Fix copy for the variable step.
const (
	fixNotInherited = "Set it where this process starts; it does not inherit your interactive shell.\n" +
		"cron: cron reads no shell profile. Put `HIAPI_API_KEY=sk-...` at the top of the crontab (`crontab -e`), or start the job with `set -a; . /path/to/.env; set +a; your-command`.\n" +
		"Docker: `docker run -e HIAPI_API_KEY …` passes your shell's value, or use `--env-file .env`; in Compose, `environment: [HIAPI_API_KEY]` or `env_file: .env`.\n" +
		"systemd: `Environment=HIAPI_API_KEY=…` or `EnvironmentFile=/etc/yourapp.env` under [Service], then `systemctl daemon-reload` and restart the service.\n" +
		"CI: store it as a secret and map it into the job, e.g. GitHub Actions `env: HIAPI_API_KEY: ${{ secrets.HIAPI_API_KEY }}`.\n" +
		"sudo drops the environment: `sudo --preserve-env=HIAPI_API_KEY your-command`."
	fixEmptyVar     = "Something set it to nothing: check the line that sets it, the crontab, unit file or CI secret (in GitHub Actions a secret that does not exist, or is not shared with this environment, maps to an empty value). See it: `printenv HIAPI_API_KEY | wc -c`."
	fixDifferent    = "Put the current key (the one in the HiAPI dashboard) in the file, then restart the process so it reads the file again. Note that python-dotenv's `load_dotenv()` and Node's dotenv do not override a variable already set: an old HIAPI_API_KEY exported in the shell wins over the file (use `override=True` / `{ override: true }`)."
	fixDifferentEnv = "This process holds another key than the one you pasted: an old one, or a teammate's. Find where it is set (`grep -rn HIAPI_API_KEY` in your shell profile, .env files, unit files, CI settings), put the current key there, and restart the process."
	fixSpacesEq     = "Write it with no spaces around =: `HIAPI_API_KEY=sk-...`."
	fixCRLF         = "Convert the file to Unix line endings: `dos2unix .env` or `sed -i 's/\\r$//' .env`, and set your editor to save with LF."
	fixQuote        = "Close the quote on the same line, or drop the quotes: `HIAPI_API_KEY=sk-...` (a key needs no quotes)."
	fixInQuotes     = "Remove the whitespace inside the quotes: `HIAPI_API_KEY=\"sk-...\"`; every loader keeps what is between the quotes."
	fixInnerSpace   = "A key has no spaces: paste it again as one piece, `HIAPI_API_KEY=sk-...`."
	fixComment      = "Put the comment on its own line above the variable."
	fixTrailingWS   = "Delete the blanks after the value."
	fixExport       = "Drop `export` if Docker or Compose reads this file; to export everything when you `source` it, use `set -a; . ./.env; set +a`."
	fixDuplicate    = "Keep one line for HIAPI_API_KEY in the file, with the current key."
	fixNoEquals     = "Give it a value, `HIAPI_API_KEY=sk-...`, or make sure the environment docker runs in has it set."
	fixAfterQuote   = "Remove what follows the closing quote (a comment needs a blank and # before it)."
)

// CleanVarName turns what a person typed as a variable name ($NAME,
// ${NAME}, %NAME%, export NAME, NAME=...) into the bare name, or "" if it
// is not one. Anything after '=' is a value and is dropped unread.
func CleanVarName(s string) string {
	if i := strings.IndexByte(s, '='); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "export ")
	s = strings.TrimSpace(s)
	if len(s) > 5 && strings.EqualFold(s[:5], "$env:") {
		s = s[5:]
	}
	s = strings.TrimPrefix(s, "$")
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		s = s[1 : len(s)-1]
	}
	if len(s) > 2 && s[0] == '%' && s[len(s)-1] == '%' {
		s = s[1 : len(s)-1]
	}
	s = strings.Trim(s, "\"'` ")
	if !isVarName(s) || len(s) > 128 {
		return ""
	}
	return s
}

func checkVariable(st *state) Result {
	if k := &st.key; k.stand != standNone {
		// The characters step (or the first, for a lone word) says what
		// stands in for the key; there is no key to look for here.
		see := "characters"
		if k.stand == standWord {
			see = "the first step"
		}
		return skip("Skipped: the key is "+k.standName()+" (see "+see+"), so there is no key to look for in "+st.name+".", "")
	}
	if st.t.ID == ProviderAnthropic && strings.TrimSpace(st.in.VarName) == "" {
		if r, ok := checkClaudeCode(st); ok {
			st.claude = true
			return r
		}
	}
	in := st.in
	hasFile := strings.TrimSpace(in.EnvFile) != ""
	hasEnv := in.Environ != nil
	given := strings.TrimSpace(in.VarName)
	target := st.name
	var f findings
	if given != "" {
		switch n := CleanVarName(given); {
		case n == "":
			f.add(StatusWarn, "The variable name given is not a valid name (letters, digits and _, not starting with a digit), so "+target+" is checked instead.",
				capitalise(st.give("the name exactly as your code reads it", inputVarName))+", e.g. HIAPI_API_KEY for `os.environ[\"HIAPI_API_KEY\"]`.")
		case !st.safe(n):
			f.addHeadline(StatusFail, capitalise(st.field(inputVarName))+" holds a key, not a variable's name.",
				capitalise(st.field(inputVarName))+" holds a key, not a name, so "+target+" is checked instead.",
				"Put the name your code reads (e.g. HIAPI_API_KEY) in "+st.field(inputVarName)+", and the key in "+st.field(inputKey)+".")
		}
	}
	if !hasFile && !hasEnv {
		if given == "" {
			return skip(askVariable[st.in.Surface], "")
		}
		r := skip("Skipped: nothing to look for "+target+" in. "+
			capitalise(st.give("the output of `env | grep -i key` (run where the key fails) or your .env file", inputEnvFile))+" to check it.",
			"See what the process holds: `printenv "+target+" | od -c | tail -3`, or run `keycheck check --var "+target+"` inside the same container, cron job or CI step.")
		if len(f.list) > 0 {
			r.Status = f.status()
			r.Headline = f.headline(r.Status)
			r.Detail = f.list[0].detail + " " + r.Detail
			r.Fix = f.list[0].fix + "\n" + r.Fix
		}
		return r
	}
	assumed := ""
	if given == "" {
		assumed = askVarName[st.in.Surface]
	}
	if hasFile {
		checkEnvFile(st, target, assumed, hasEnv, &f)
	}
	if hasEnv {
		checkEnviron(st, target, assumed, hasFile, &f)
	}
	r := f.result("")
	if given == "" && r.Status == StatusPass {
		r.Detail += " (Checked " + target + checkedVarName[st.in.Surface]
	}
	return r
}

// keyMatch compares a value found for the variable with the pasted key.
type keyMatch int

const (
	matchNoKey   keyMatch = iota // no key was pasted
	matchExact                   // the same bytes
	matchClean                   // the value is the key without the paste's whitespace or wrapper
	matchPlus                    // the value is the key plus whitespace
	matchDiffers                 // another key
)

func (st *state) match(v string) keyMatch {
	k := &st.key
	switch {
	case !k.hasKey():
		return matchNoKey
	case v == k.raw:
		return matchExact
	case v == k.core || v == k.trimmed() || (k.decoded != "" && v == k.decoded):
		return matchClean
	}
	lo, hi := trimHidden(v, 0, len(v))
	if t := v[lo:hi]; t != "" && (t == k.core || t == k.trimmed() || t == k.decoded) {
		return matchPlus
	}
	return matchDiffers
}

// extraOf describes the whitespace around the key in v.
func extraOf(v string) string {
	lo, hi := trimHidden(v, 0, len(v))
	var parts []string
	if lo > 0 {
		parts = append(parts, describeRun(v[:lo], runeCount(v[:lo]))+" before it")
	}
	if hi < len(v) {
		parts = append(parts, describeRun(v[hi:], runeCount(v[hi:]))+" after it")
	}
	return strings.Join(parts, " and ")
}

func checkEnvFile(st *state, target, assumed string, both bool, f *findings) {
	prefix := ""
	if both {
		prefix = "In " + pastedFile[st.in.Surface] + ": "
	}
	var defs []envEntry
	total := 0
	parseEnv(st.in.EnvFile, func(e *envEntry) bool {
		total++
		if e.name == target {
			defs = append(defs, *e)
		}
		return true
	})
	if len(defs) == 0 {
		missingInFile(st, target, assumed, prefix, total, f)
		return
	}
	if len(defs) > 1 {
		definedTwice(st, defs, target, prefix, f)
	}
	win := &defs[len(defs)-1]
	checkEntry(st, win, prefix+target+" on line "+itoa(win.line), f)
}

// pastedFile names the .env input on each surface.
var pastedFile = bySurface{"the pasted file", "the --env-file file"}

// missingInFile reports a file that does not define target, naming the
// variable that holds the key instead and the near misses of its name.
func missingInFile(st *state, target, assumed, prefix string, total int, f *findings) {
	var near []nearName
	var holder *nearName
	holderLast := 0 // the last line that defines the holder's name
	parseEnv(st.in.EnvFile, func(e *envEntry) bool {
		if holder != nil && e.name == holder.name {
			holderLast = e.line
		}
		if holder == nil && !e.noEquals && e.name != target && st.safe(e.name) {
			// With a key, the variable that holds it; with none (the
			// process has no key at all), one that holds something
			// shaped like a key.
			m := st.match(e.value)
			if m == matchExact || m == matchClean || m == matchPlus || m == matchNoKey && keyLike(strings.TrimSpace(e.value)) {
				holder = &nearName{name: e.name, line: e.line}
			}
		}
		if s, note := nearness(target, e.name); s > 0 && st.safe(e.name) {
			near = addNear(near, nearName{e.name, e.line, s, note})
		}
		return true
	})
	file := pastedFile[st.in.Surface]
	d := prefix + target + assumed + " is not in " + file
	if total == 0 {
		d += ": it has no NAME=value lines at all."
	} else {
		d += " (" + plural(total, "variable", "variables") + " in it)."
	}
	fix := "Add it to the file as `HIAPI_API_KEY=sk-...` (no spaces around =), or, if this is `env` output, export it where the process starts: " + "`export HIAPI_API_KEY=...`."
	d += nearText(near)
	if holder != nil {
		d += " This key is in " + holder.name + " (line " + itoa(holder.line) + ")"
		if holderLast > holder.line {
			d += ", but line " + itoa(holderLast) + " sets " + holder.name + " again, and the last definition wins"
		}
		d += "."
	}
	h := target + " is not in " + file + "."
	if holder != nil || len(near) > 0 {
		other := near0(near, holder)
		fix = "Rename " + other + " to HIAPI_API_KEY in the file, or make your code read " + other + ". Names are case-sensitive."
		if st.in.Surface == SurfaceCLI {
			fix += " To check that variable instead: `keycheck check --var " + other + "`."
		}
		h = capitalise(file) + " has " + other + ", not " + target + ": names must match exactly."
		if holder != nil {
			what := "the key"
			if !st.key.hasKey() {
				what = "a key"
			}
			h = "Your code reads " + target + ", but " + file + " has " + what + " in " + other + "."
		}
	}
	f.addHeadline(StatusFail, h, d, st.cmd(fix))
}

// definedTwice reports a variable the file defines more than once: the
// last definition wins, which matters when the key is in an earlier one.
func definedTwice(st *state, defs []envEntry, target, prefix string, f *findings) {
	win := &defs[len(defs)-1]
	ln := "line " + itoa(win.line)
	lines := make([]string, 0, min(len(defs), 6))
	same := true
	loserMatches := 0
	for i := range defs {
		if len(lines) < 6 {
			lines = append(lines, itoa(defs[i].line))
		}
		if defs[i].value != win.value {
			same = false
		}
		if i < len(defs)-1 && loserMatches == 0 && st.match(defs[i].value) >= matchExact && st.match(defs[i].value) <= matchPlus {
			loserMatches = defs[i].line
		}
	}
	d := prefix + target + " is defined " + itoa(len(defs)) + " times (lines " + strings.Join(lines, ", ")
	if len(defs) > len(lines) {
		d += ", …"
	}
	d += ")"
	status := StatusWarn
	if same {
		d += " with the same value; the last one, " + ln + ", wins."
	} else {
		d += " with different values. Dotenv loaders, Docker and Compose env_file and the shell's `source` all keep the last one, " + ln + "."
		if m := st.match(win.value); loserMatches > 0 && (m == matchDiffers) {
			d += " Your key is the one on line " + itoa(loserMatches) + ", which loses."
			f.addHeadline(StatusFail, capitalise(pastedFile[st.in.Surface])+" sets "+target+" more than once, and a later line, not your key, wins.", d, st.cmd(fixDuplicate))
			return
		}
	}
	f.add(status, d, st.cmd(fixDuplicate))
}

// nearText lists near names for a missing variable.
func nearText(near []nearName) string {
	if len(near) == 0 {
		return ""
	}
	parts := make([]string, len(near))
	for i, n := range near {
		p := n.name
		switch {
		case n.line > 0 && n.note != "":
			p += " (line " + itoa(n.line) + ": " + n.note + ")"
		case n.line > 0:
			p += " (line " + itoa(n.line) + ")"
		case n.note != "":
			p += " (" + n.note + ")"
		}
		parts[i] = p
	}
	if len(near) == 1 {
		return " Did you mean " + parts[0] + "?"
	}
	return " Near matches: " + strings.Join(parts, "; ") + "."
}

func near0(near []nearName, holder *nearName) string {
	if holder != nil {
		return holder.name
	}
	return near[0].name
}

// checkEntry reports what is wrong with the line that sets the variable,
// and compares its value with the pasted key.
func checkEntry(st *state, e *envEntry, where string, f *findings) {
	before := len(f.list)
	line := "The .env line for " + e.name
	if e.noEquals {
		f.addHeadline(StatusWarn, line+" has no ‘=’ and no value.", where+" has no '=' and no value: `docker run --env-file` takes the value from the environment docker itself runs in; dotenv loaders ignore the line.", st.cmd(fixNoEquals))
		return
	}
	if e.spaceBefore || e.spaceAfter {
		f.addHeadline(StatusFail, line+" has blanks around ‘=’: the shell and Docker misread it.", where+" has blanks around '=' (NAME = value): the shell's `source` runs it as a command instead of setting it, and `docker run --env-file` rejects or misreads it; only some dotenv loaders accept it.", st.cmd(fixSpacesEq))
	}
	if e.crlf {
		f.addHeadline(StatusFail, line+" ends with a Windows line ending (CR LF): the key would end with ␍.", where+" ends with a Windows line ending (CR LF): `source` and `set -a; . ./.env` keep the CR, so the key ends with ␍; some loaders drop it, others do not.", st.cmd(fixCRLF))
	}
	switch {
	case e.unbalanced:
		f.addHeadline(StatusFail, line+" opens a quote it never closes.", where+" opens a quote ("+string(e.quote)+") that is never closed: loaders either fail or take the rest of the file as the value.", st.cmd(fixQuote))
	case e.endLine > e.line:
		f.addHeadline(StatusFail, line+" opens a quote that closes lines later: the value holds a line break.", where+" opens a quote that closes only on line "+itoa(e.endLine)+", so the value spans "+itoa(e.endLine-e.line+1)+" lines and holds a line break.", st.cmd(fixQuote))
	}
	if e.afterQuote {
		f.addHeadline(StatusWarn, line+" has text after the closing quote, which loaders read differently.", where+" has text after the closing quote; loaders disagree on what to do with it.", st.cmd(fixAfterQuote))
	}
	v := e.value
	if v == "" && !e.unbalanced {
		f.addHeadline(StatusFail, e.name+" is set but empty in "+pastedFile[st.in.Surface]+".", where+" is set but empty.", st.cmd(fixEmptyVar))
		return
	}
	if e.quote != 0 && e.endLine == e.line {
		if lo, hi := trimHidden(v, 0, len(v)); lo > 0 || hi < len(v) {
			f.addHeadline(StatusFail, line+" has whitespace inside the quotes, and every loader keeps it.", where+" has whitespace inside the quotes ("+extraOf(v)+"), and every loader keeps it.", st.cmd(fixInQuotes))
		}
	}
	if e.quote == 0 && strings.ContainsAny(v, " \t") {
		f.addHeadline(StatusFail, line+" has a blank inside its value: what is read is not the key.", where+" has a blank inside its unquoted value: `source` stops the value there and runs the rest as a command, dotenv keeps it all; either way it is not the key.", st.cmd(fixInnerSpace))
	}
	if e.comment {
		f.addHeadline(StatusWarn, line+" has a comment after the value, which `docker run --env-file` keeps as part of the key.", where+" has an inline comment after the value: dotenv and `source` drop it, but `docker run --env-file` keeps ‘ #…’ as part of the key.", st.cmd(fixComment))
	} else if e.trailingWS {
		f.addHeadline(StatusWarn, line+" has blanks after the value, which `docker run --env-file` keeps as part of the key.", where+" has blanks after the value: dotenv and `source` drop them, `docker run --env-file` keeps them as part of the key.", st.cmd(fixTrailingWS))
	}
	if e.export != "" {
		f.addHeadline(StatusWarn, line+" starts with `"+e.export+"`, which `docker run --env-file` reads as part of the name.", where+" starts with `"+e.export+"`: fine for `source`, but `docker run --env-file` and some env_file readers take the whole `"+e.export+" NAME` as the name, so the variable stays unset in the container.", st.cmd(fixExport))
	}
	compareValue(st, v, where, e.name+" in "+pastedFile[st.in.Surface], fixDifferent, f)
	if len(f.list) == before {
		d := where + " is set" + st.thisKey(" to", v) + "."
		if e.quote != 0 {
			d += " It is quoted: fine for dotenv, Compose and `source`, but `docker run --env-file` would keep the quotes."
		}
		f.list = append(f.list, finding{status: StatusPass, detail: d})
	}
}

// compareValue compares a variable's value with the pasted key, showing
// only fingerprints; subject names the variable in the headline.
func compareValue(st *state, v, where, subject, fix string, f *findings) {
	switch st.match(v) {
	case matchPlus:
		f.addHeadline(StatusFail, subject+" holds the key plus "+extraOf(v)+": HiAPI would reject it.",
			where+" holds the same key plus "+extraOf(v)+".", st.cmd(fixEdges))
	case matchDiffers:
		f.addHeadline(StatusFail, subject+" holds a different key than the one you pasted.",
			where+" holds a different key: "+FingerprintOf(v).Short()+" there, "+FingerprintOf(st.key.judged()).Short()+" pasted.", st.cmd(fix))
	}
}

func checkEnviron(st *state, target, assumed string, both bool, f *findings) {
	prefix := ""
	if both {
		prefix = "In this process: "
	}
	val, found := "", false
	for _, kv := range st.in.Environ {
		if len(kv) > len(target) && kv[len(target)] == '=' && kv[:len(target)] == target {
			val, found = kv[len(target)+1:], true
		}
	}
	if !found {
		missingInEnviron(st, target, assumed, prefix, f)
		return
	}
	where := prefix + target
	if val == "" {
		f.addHeadline(StatusFail, target+" is set but empty in this process.", where+" is set but empty in this process.", st.cmd(fixEmptyVar))
		return
	}
	n := len(f.list)
	compareValue(st, val, where+" in this process", target+" in this process", fixDifferentEnv, f)
	if len(f.list) == n {
		f.list = append(f.list, finding{status: StatusPass, detail: where + " is set in this process" + st.thisKey(" and holds", val) + "."})
	}
}

// missingInEnviron reports a process that never inherited target, naming
// the variable that holds the key instead and the near misses of its name.
func missingInEnviron(st *state, target, assumed, prefix string, f *findings) {
	var near []nearName
	var holder *nearName
	for _, kv := range st.in.Environ {
		i := strings.IndexByte(kv, '=')
		if i <= 0 {
			continue
		}
		name := kv[:i]
		if !isVarName(name) {
			continue
		}
		if m := st.match(kv[i+1:]); holder == nil && m != matchDiffers && m != matchNoKey && st.safe(name) {
			holder = &nearName{name: name}
		}
		if s, note := nearness(target, name); s > 0 && st.safe(name) {
			near = addNear(near, nearName{name, 0, s, note})
		}
	}
	d := prefix + "This process never inherited " + target + assumed + ": it is not in its environment (" + plural(len(st.in.Environ), "variable", "variables") + ")."
	d += nearText(near)
	fix := fixNotInherited
	h := "This process never inherited " + target + ": it is not in its environment."
	if holder != nil {
		d += " This key is in " + holder.name + "."
	}
	if holder != nil || len(near) > 0 {
		other := near0(near, holder)
		fix = "Set HIAPI_API_KEY instead of " + other + " (or make your code read " + other + "); names are case-sensitive.\n" + fixNotInherited
		h = "This process has " + other + ", not " + target + ": names must match exactly."
		if holder != nil {
			h = "Your code reads " + target + ", but this process has the key in " + other + "."
		}
	}
	f.addHeadline(StatusFail, h, d, st.cmd(fix))
}

// thisKey says, after verb, that v is the pasted key (as the match found
// it): "" when no key was pasted to compare with.
func (st *state) thisKey(verb, v string) string {
	if !st.key.hasKey() {
		return ""
	}
	d := verb + " this key (" + FingerprintOf(v).SHA256 + ")"
	if st.match(v) == matchClean {
		d += ", without what surrounds your paste"
	}
	return d
}
