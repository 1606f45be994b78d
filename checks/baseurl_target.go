package checks

import "strings"

// bases lists the target's base URLs for a fix, joined by sep (" (or "
// closes itself): "https://api.hiapi.ai/v1 (or https://api.hiapi.ai)".
func (st *state) bases(sep string) string {
	b := st.t.BaseURLs
	if !st.other {
		b = []string{HiAPIOrigin + "/v1", HiAPIOrigin}
	}
	if len(b) == 1 {
		return b[0]
	}
	s := b[0] + sep + b[1]
	if strings.HasSuffix(sep, "(or ") {
		s += ")"
	}
	return s
}

// whichBase says which base URL the target's clients need.
func (st *state) whichBase() string {
	if !st.other {
		return whichBase
	}
	return "Use " + st.bases(" or ") + ", the base URL " + st.t.Name + " documents for its SDKs."
}

// fixBaseAt is the fix for a base URL that does not point at the target.
func (st *state) fixBaseAt() string {
	return "Set the base URL your client uses (e.g. `" + strings.TrimSuffix(st.t.Vars[0], "_API_KEY") + "_BASE_URL`, `base_url=` in Python, `baseURL` in JS) to " + st.bases(" (or ") + ", or remove the override so the SDK uses its default."
}

// baseURLAt judges the host and path of a base URL for a target other
// than HiAPI, after the checks every URL gets (scheme, credentials).
func baseURLAt(st *state, p urlParts, hostShown string, f *findings) Result {
	t, name := *st.t, st.t.Name
	host := strings.TrimPrefix(t.Origin, "https://")
	meant := false
	switch {
	case p.host == host:
		meant = true
		if p.port != "" && p.port != "443" {
			f.addHeadline(StatusFail, "Your base URL adds a port to "+host+": "+name+" answers on the standard one.", "Port :"+shortText(st, p.port, 6)+" on "+host+": "+name+" answers on the standard https port.", "Drop the port: "+t.BaseURLs[0]+".")
		}
	case p.host == "":
		f.addHeadline(StatusFail, "Your base URL has no host.", "There is no host in the URL.", st.fixBaseAt())
	case p.host == hiapiHost || hostProvider(p.host) != "":
		other := "HiAPI"
		if p.host != hiapiHost {
			other = hostProvider(p.host)
		}
		f.addHeadline(StatusFail, "This sends the key to "+other+", not "+name+": "+other+" has never seen "+name+" keys.",
			"Sends the key to "+other+" ("+hostShown+"), not "+name+": "+other+" has never seen "+name+" keys, so it always answers that the key is invalid.", st.fixBaseAt())
	case levenshteinFold(p.host, host) <= 3:
		f.addHeadline(StatusFail, "‘"+hostShown+"’ is not "+name+"'s API host: did you mean "+host+"?", "‘"+hostShown+"’ is not "+name+"'s API host: did you mean "+host+"?", st.fixBaseAt())
		meant = true
	case isLocalHost(p.host):
		f.addHeadline(StatusWarn, "Your client sends the key to a local address, not "+name+": fine if that is your proxy.", "Sends the key to a local address ("+hostShown+"), not "+name+": fine if that is your proxy, as long as it passes the key on to "+t.Origin+".", "If there is no proxy there, use "+st.bases(" (or ")+".")
	default:
		f.addHeadline(StatusWarn, "Your client sends the key to "+hostShown+", not "+name+": fine if that is your proxy.", hostShown+" is not "+name+": fine if this is your proxy or gateway, as long as it passes the key on to "+t.Origin+".", "If it is not a proxy, set the base URL to "+st.bases(" (or ")+".")
	}
	if meant {
		judgePathAt(st, p.path, f)
	}
	judgeTail(p, meant, "a header", f)
	if len(f.list) == 0 {
		return Result{Status: StatusPass, Detail: t.BaseURLs[0] + " is " + name + "'s base URL." + baseAlso(t)}
	}
	r := f.result("")
	r.Detail += " " + st.whichBase()
	return r
}

// baseAlso names the target's other base URLs, for the pass detail.
func baseAlso(t Target) string {
	if len(t.BaseURLs) < 2 {
		return ""
	}
	return " Also right: " + strings.Join(t.BaseURLs[1:], ", ") + "."
}

// judgePathAt reports a path none of the target's base URLs has: a
// doubled /v1, an endpoint, or another path. A base without the /v1 the
// SDKs need is a warning: some clients (LangChain's, the raw HTTP ones)
// add it themselves.
func judgePathAt(st *state, path string, f *findings) {
	base := strings.TrimRight(strings.ToLower(path), "/")
	for strings.Contains(base, "//") {
		base = strings.ReplaceAll(base, "//", "/")
	}
	name, paths := st.t.Name, make([]string, 0, len(st.t.BaseURLs))
	for _, b := range st.t.BaseURLs {
		paths = append(paths, strings.TrimPrefix(b, st.t.Origin))
		if b == st.t.Origin+"/"+strings.TrimPrefix(base, "/") || strings.TrimPrefix(b, st.t.Origin) == base {
			return
		}
	}
	want := paths[0]
	switch {
	case strings.Contains(base, "/v1/v1"):
		f.addHeadline(StatusFail, "Your base URL repeats /v1: the client adds it itself.", "The path repeats /v1 (/v1/v1).", st.fixBaseAt())
	case base == "" || base+"/v1" == want:
		f.addHeadline(StatusWarn, "Your base URL lacks "+want+": most "+name+" clients need it.", "The base URL has no path; "+name+"'s SDKs use "+st.t.BaseURLs[0]+" and add only the endpoint to it.", "Use "+st.t.BaseURLs[0]+" unless your client adds "+want+" itself.")
	case strings.HasSuffix(base, "/chat/completions") || strings.HasSuffix(base, "/messages") || strings.HasSuffix(base, "/models") ||
		strings.HasSuffix(base, "/completions") || strings.HasSuffix(base, "/embeddings") || strings.Contains(base, ":generatecontent"):
		f.addHeadline(StatusFail, "Your base URL ends in an endpoint, not the base: the client would add it twice.", "Ends in an endpoint ("+shortText(st, path, 40)+"), not the base: the client adds that path itself, so it would be doubled.", st.fixBaseAt())
	default:
		f.addHeadline(StatusFail, "Your base URL has a path "+name+"'s does not.", "The path "+shortText(st, path, 40)+" is not part of "+name+"'s base URL ("+strings.Join(st.t.BaseURLs, ", ")+").", st.fixBaseAt())
	}
}
