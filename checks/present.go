package checks

func checkPresent(st *state) Result {
	k := &st.key
	switch {
	case k.raw == "" && st.in.Environ != nil:
		return Result{
			Status:   StatusFail,
			Headline: "There is no key: " + st.name + " is empty or not set in this process.",
			Detail:   "No key: " + st.name + " is empty or not set in this process.",
			Fix:      st.cmd(fixNotInherited),
		}
	case k.raw == "":
		return Result{
			Status:   StatusFail,
			Headline: "There is no key: " + st.field(inputKey) + " is empty.",
			Detail:   "No key was given: " + st.field(inputKey) + " is empty.",
			Fix: st.cmd("Paste the key from the HiAPI dashboard (Dashboard → API Keys). If your code reads it from a variable, see what the variable holds: " +
				"`printf '%s' \"$HIAPI_API_KEY\" | wc -c` prints 0 when it is empty or unset."),
		}
	case k.blank:
		return Result{
			Status:   StatusFail,
			Headline: "Your key is only whitespace: there is no key in it.",
			Detail:   "The key is only whitespace: " + plural(runeCount(k.raw), "character", "characters") + ", all invisible (" + capVisible(k.raw, 16) + ").",
			Fix: st.cmd("Copy the key again with the copy button in the HiAPI dashboard. If it comes from a variable, the variable holds only whitespace: " +
				"`printf '%s' \"$HIAPI_API_KEY\" | od -c` shows what is in it."),
		}
	case k.stand == standWord:
		return wordOnly(st)
	}
	fp := FingerprintOf(k.raw)
	d := "Got a key: "
	if fp.Prefix != "" {
		d += fp.Prefix + "…" + fp.Suffix + ", "
	}
	if k.valid {
		d += plural(fp.Length, "character", "characters")
	} else {
		d += plural(fp.Length, "byte", "bytes")
	}
	d += ", " + fp.SHA256 + ". Inside the process that fails, `" + HashCommandFor(st.name) + "` should print the same 12 digits (" + fp.Hash() + ")."
	return Result{Status: StatusPass, Detail: d}
}

// wordOnly is the present step on a key that is one word and no key:
// "Bearer" from a header whose variable was empty, what code prints for a
// variable never set, or a variable set to nothing.
func wordOnly(st *state) Result {
	k := &st.key
	w := "‘" + Visible(k.core) + "’"
	r := Result{Status: StatusFail, Fix: st.cmd(fixEmptyVar)}
	switch {
	case isEmptyAssign(k.core):
		r.Headline = "Your key is only " + w + ", with nothing after the ‘=’: the variable is empty."
		r.Detail = "No key: only " + w + ", a variable set to nothing."
	case isAuthScheme(k.core):
		r.Headline = "Your key is only the word " + w + ": the variable that should follow it was empty."
		r.Detail = "No key: only the word " + w + ", the scheme that goes before a key in the header. The variable holding the key was empty when this was built."
	default:
		r.Headline = "Your key is the word " + w + ": the variable in your code was never set."
		r.Detail = "No key: only the word " + w + ", which code writes for a variable that holds nothing (JavaScript's undefined, Python's None)."
		r.Fix = st.cmd("Set the variable your code reads the key from, where the process starts, and check it before use: `printf '%s' \"$HIAPI_API_KEY\" | wc -c` prints 0 when it is empty or unset.")
	}
	return r
}
