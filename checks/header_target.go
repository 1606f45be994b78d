package checks

import "strings"

// headerForm is the header the target reads the key from, as the header
// step shows it: ‘Authorization: Bearer ’, ‘x-api-key: ’.
func (st *state) headerForm() string {
	switch st.t.Auth {
	case AuthXAPIKey:
		return "‘x-api-key: ’"
	case AuthGoogAPIKey:
		return "‘x-goog-api-key: ’"
	}
	return "‘Authorization: Bearer ’"
}

// keyHeaderAt judges the key header for a target that reads the key bare
// from a header of its own (Anthropic's x-api-key, Gemini's
// x-goog-api-key) rather than after Bearer.
func keyHeaderAt(st *state, h *headerLine, where string, f *findings) {
	t := st.t
	want := "x-api-key"
	if t.Auth == AuthGoogAPIKey {
		want = "x-goog-api-key"
	}
	fix := "Send the key bare in " + want + ": `" + authArgs(*t, st.name) + "`."
	name := strings.ToLower(strings.TrimSpace(h.name))
	body := headerValue(st, h.value, where, f)
	if body == "" {
		return
	}
	token := body
	switch {
	case name == want || name == "":
		if sc, rest, ok := strings.Cut(body, " "); ok && isAuthScheme(sc) {
			f.addHeadline(StatusFail, "Your "+want+" header has ‘"+sc+" ’ in front of the key: "+t.Name+" wants the bare key there.",
				where+" has ‘"+sc+" ’ before the key; "+want+" takes the key alone.", fix)
			token = strings.TrimLeft(rest, " \t")
		}
	case name == "authorization" && t.Auth == AuthXAPIKey:
		f.addHeadline(StatusWarn, "Your key goes in Authorization: Bearer: Anthropic's API reads API keys from x-api-key.",
			where+" is Authorization; Anthropic's API takes API keys in x-api-key (Bearer is for OAuth tokens and gateways, which is how Claude Code sends ANTHROPIC_AUTH_TOKEN).", fix)
		token = schemeToken(st, body, where, f)
	case name == "authorization":
		f.addHeadline(StatusWarn, "Your key goes in Authorization: Bearer: only Gemini's OpenAI-compatible endpoint reads it there.",
			where+" is Authorization; Gemini's OpenAI-compatible endpoint (/v1beta/openai) reads `Bearer <key>`, its own API reads x-goog-api-key (or ?key=).", fix)
		token = schemeToken(st, body, where, f)
	default:
		shown := "‘" + strings.TrimSpace(h.name) + "’"
		if len(h.name) > 40 || !st.safe(h.name) {
			shown = "another header"
		}
		f.addHeadline(StatusFail, "Your key goes in "+shown+": "+t.Name+" reads it from "+want+".", where+" is "+shown+"; "+t.Name+" reads the key from "+want+".", fix)
	}
	if token != "" {
		judgeToken(st, h, token, where, f)
	}
}
