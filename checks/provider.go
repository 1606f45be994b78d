package checks

import "strings"

// hiapiKeyPrefixes are how HiAPI keys start: sk- for most, hi-sk- as one of
// HiAPI's pages shows them. The provider step judges the shape; redaction,
// the placeholder test and the base URL step ask hiapiKeyPrefix.
var hiapiKeyPrefixes = [...]string{"sk-", "hi-sk-"}

// hiapiKeyPrefix returns the HiAPI key prefix s starts with, or "".
func hiapiKeyPrefix(s string) string {
	for _, p := range hiapiKeyPrefixes {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

const fixNotHiAPI = "Check which provider's dashboard this key came from. A HiAPI key is created in the HiAPI dashboard (Dashboard → API Keys) and starts with sk-; use it with https://api.hiapi.ai."

// checkProvider judges whose key this is against the target, from the
// shapes in keyShapes: the target's own shape passes; another owner's
// fails, unless the target could issue that shape too (then it warns,
// naming the possibility); a shape nobody is known for warns.
func checkProvider(st *state) Result {
	key, r, ok := judgedKey(st)
	if !ok {
		return r
	}
	k := &st.key
	note := ""
	if k.decoded != "" {
		note = " (Judged on the key decoded from base64.)"
	}
	// Read look-alike characters as the letters they imitate, so a Cyrillic
	// letter in "sk-" does not hide what the key is.
	if sk, changed := skeleton(key); changed {
		key = sk
		note += " (Judged reading the look-alike characters as the letters they imitate: see characters.)"
	}
	t := st.t
	own, other, maybe := shapesFor(key, t.ID)
	switch {
	case other.row != nil && (own.row == nil || own.row.generic):
		return otherProviderKey(t, other, note)
	case own.row != nil:
		return targetKey(t, own, key, note)
	}
	return noKnownShape(t, key, maybe, note)
}

// targetKey is the verdict on a key with one of the target's own shapes.
func targetKey(t *Target, m shapeMatch, key, note string) Result {
	s := m.row
	switch {
	case s.ownNote != "":
		return Result{
			Status:   StatusWarn,
			Headline: s.ownHeadline,
			Detail:   s.ownNote + note,
			Fix:      "Create an API key at " + t.Dashboard + " and use that.",
		}
	case s.pass != "":
		return Result{Status: StatusPass, Detail: s.pass + note}
	case !m.full:
		return Result{
			Status:   StatusWarn,
			Headline: "This starts like " + article(t.Name) + " " + t.Name + " key, but not all of it has their shape.",
			Detail:   "Starts like " + article(t.Name) + " " + t.Name + " key (" + s.shape(false) + "), but " + t.Name + " keys " + ownerOfTarget(t.ID).looks + ", and this one is " + itoa(runeCount(key)) + " characters or has others in it. A newer format, or a copy that was cut short or changed." + note,
			Fix:      "If " + t.Name + " rejects it, copy the key again from " + t.Dashboard + " with the copy button.",
		}
	case s.generic:
		return Result{Status: StatusPass, Detail: "Has " + s.what + ". That shape is common, so only the live test proves it is " + t.Name + "'s." + note}
	}
	return Result{Status: StatusPass, Detail: "Has the shape of " + article(t.Name) + " " + t.Name + " key (" + s.what + ")." + note}
}

// noKnownShape is the verdict on a key that has none of the target's
// shapes and no other owner's that names it: maybe is a generic shape of
// another owner's it fits, if any.
func noKnownShape(t *Target, key string, maybe shapeMatch, note string) Result {
	if targetKeyPrefix(t.ID) {
		switch {
		case len(key) >= 3 && key[:3] != "sk-" && strings.EqualFold(key[:3], "sk-"):
			return Result{
				Status:   StatusFail,
				Headline: "Your key starts with ‘" + key[:3] + "’: keys are case-sensitive, and " + t.Name + "'s start with lowercase sk-.",
				Detail:   "Starts with ‘" + key[:3] + "’: " + t.Name + " keys start with lowercase sk-, and keys are case-sensitive, so the case was changed somewhere." + note,
				Fix:      "Copy the key again with the dashboard's copy button; check nothing upper-cases it (a form field, a `tr a-z A-Z`, a spreadsheet).",
			}
		case strings.HasPrefix(key, "sk_"):
			return Result{
				Status:   StatusWarn,
				Headline: "Your key starts with sk_, not sk-: it may not be " + article(t.Name) + " " + t.Name + " key.",
				Detail:   "Starts with sk_ (underscore): " + t.Name + " keys start with sk- (hyphen)." + note,
				Fix:      fixNotTarget(t),
			}
		}
	}
	looks := ownerOfTarget(t.ID).looks
	n := runeCount(key)
	pre, _ := shownEnds(n)
	pre = min(pre, 4)
	shown := ""
	if pre > 0 {
		shown = ": this one starts with ‘" + Visible(string([]rune(key)[:pre])) + "’"
	}
	headline := "This does not look like " + article(t.Name) + " " + t.Name + " key: they " + looks + "."
	known := ", and it matches no provider keycheck knows."
	if o := maybe.row; o != nil {
		name := o.owner.Name()
		known = "; its shape fits " + article(name) + " " + name + " key (" + o.what + "), though that shape is too common to be sure."
		if o.owner == ownerHiAPI {
			headline = "This looks like a HiAPI key, not " + article(t.Name) + " " + t.Name + " one: " + t.Name + " keys " + looks + "."
			known = "; it has the shape of a HiAPI key (" + o.what + "): if it came from HiAPI, use it with " + HiAPIOrigin + "."
		}
	}
	return Result{
		Status:   StatusWarn,
		Headline: headline,
		Detail:   "Does not look like " + article(t.Name) + " " + t.Name + " key (they " + looks + ")" + shown + known + note,
		Fix:      fixNotTarget(t),
	}
}

// fixNotTarget says where the target's keys come from.
func fixNotTarget(t *Target) string {
	if t.ID == ProviderHiAPI {
		return fixNotHiAPI
	}
	return "Check which provider's dashboard this key came from. " + t.Name + " keys are created at " + t.Dashboard + " and " + ownerOfTarget(t.ID).looks + "; use one with " + t.BaseURLs[0] + "."
}

// otherProviderKey is the verdict on a key with another owner's shape: a
// warning when the target could issue that shape too (HiAPI's sk-), else a
// failure.
func otherProviderKey(t *Target, m shapeMatch, note string) Result {
	o := m.row.owner
	name, shape := o.Name(), m.row.shape(m.full)
	switch {
	case o.token:
		return Result{
			Status:   StatusFail,
			Headline: "This is a login token (JWT), not an API key.",
			Detail:   "This is a JSON Web Token (it starts with eyJ): a login or session token, not an API key." + note,
			Fix:      fixNotTarget(t),
		}
	case m.row.hiapi && t.ID == ProviderHiAPI:
		return Result{
			Status:   StatusWarn,
			Headline: "This may be " + article(name) + " " + name + " key: only the live test can tell whether it is HiAPI's.",
			Detail:   "This has the shape of " + article(name) + " " + name + " key (" + shape + "). HiAPI keys also start with sk-, so it may well be HiAPI's: only the live test can tell." + note,
			Fix:      "If HiAPI rejects it, check it did not come from " + name + "'s dashboard; " + article(name) + " " + name + " key works only with " + name + "'s own API (" + o.Base() + ").",
		}
	case m.row.hiapi:
		return Result{
			Status:   StatusWarn,
			Headline: "This may be " + article(name) + " " + name + " key, or a HiAPI one: it does not have " + t.Name + "'s shape.",
			Detail:   "This has the shape of " + article(name) + " " + name + " key (" + shape + "), which HiAPI keys can have too; " + t.Name + " keys " + ownerOfTarget(t.ID).looks + "." + note,
			Fix:      "Use " + article(t.Name) + " " + t.Name + " key (create one at " + t.Dashboard + ") with " + t.BaseURLs[0] + "; " + article(name) + " " + name + " key works only with " + name + "'s own API (" + o.Base() + "), a HiAPI key with " + HiAPIOrigin + ".",
		}
	}
	use := "Use " + article(t.Name) + " " + t.Name + " key with " + t.BaseURLs[0]
	if t.ID != ProviderHiAPI {
		use += " (create one at " + t.Dashboard + ")"
	}
	return Result{
		Status:   StatusFail,
		Headline: "This is " + article(name) + " " + name + " key: " + t.Name + " has never seen it.",
		Detail:   "This is " + article(name) + " " + name + " key (" + shape + "). " + t.Name + " has never seen it, so it always reads as invalid there." + note,
		Fix:      use + ", or send this key to " + name + "'s own API (" + o.Base() + ").",
	}
}

// article returns "a" or "an" for a provider's name: "an OpenAI key",
// "a Groq key", "an xAI key".
func article(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiouxX", rune(name[0])) {
		return "an"
	}
	return "a"
}
