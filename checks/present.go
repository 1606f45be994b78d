package checks

func checkPresent(st *state) Result {
	k := &st.key
	switch {
	case k.raw == "" && st.in.Environ != nil:
		return Result{
			Status: StatusFail,
			Detail: "No key: " + st.name + " is empty or not set in this process.",
			Fix:    st.cmd(fixNotInherited),
		}
	case k.raw == "":
		return Result{
			Status: StatusFail,
			Detail: "No key was given: the field is empty.",
			Fix: st.cmd("Paste the key from the HiAPI dashboard (Dashboard → API Keys). If your code reads it from a variable, see what the variable holds: " +
				"`printf '%s' \"$HIAPI_API_KEY\" | wc -c` prints 0 when it is empty or unset."),
		}
	case k.blank:
		return Result{
			Status: StatusFail,
			Detail: "The key is only whitespace: " + plural(runeCount(k.raw), "character", "characters") + ", all invisible (" + capVisible(k.raw, 16) + ").",
			Fix: st.cmd("Copy the key again with the copy button in the HiAPI dashboard. If it comes from a variable, the variable holds only whitespace: " +
				"`printf '%s' \"$HIAPI_API_KEY\" | od -c` shows what is in it."),
		}
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
