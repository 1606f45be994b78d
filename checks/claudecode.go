package checks

import (
	"encoding/json"
	"strings"
)

// The Claude Code case (the guide's "How do I fix invalid API key in
// Claude Code?"): with target anthropic and a pasted `env | grep
// ANTHROPIC` output or a Claude Code settings file (~/.claude/settings.json,
// whose "env" object Claude Code exports), the variable step says which
// credential Claude Code uses and what to unset.
//
// Claude Code's precedence, first match wins (Claude Code docs, IAM →
// authentication precedence, checked 2026-11): cloud provider credentials
// (CLAUDE_CODE_USE_BEDROCK, _VERTEX, _FOUNDRY), then ANTHROPIC_AUTH_TOKEN
// (sent as Authorization: Bearer, meant for gateways), then
// ANTHROPIC_API_KEY (sent as x-api-key), then the apiKeyHelper setting,
// then CLAUDE_CODE_OAUTH_TOKEN, then the subscription login.

// claudeEnv is what a paste tells about Claude Code's credentials.
type claudeEnv struct {
	vars     map[string]string // the last value of each variable that matters
	helper   bool              // apiKeyHelper is set
	settings bool              // the paste is a settings.json
}

// claudeNames are the variables the Claude Code case reads.
var claudeNames = [...]string{"ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "CLAUDE_CODE_OAUTH_TOKEN",
	"CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY"}

func isClaudeName(n string) bool {
	for _, c := range claudeNames {
		if n == c {
			return true
		}
	}
	return false
}

// readClaudeEnv reads the paste (and the process's environment, in the
// CLI); ok is false when nothing in it is about Claude Code's credentials.
func readClaudeEnv(st *state) (c claudeEnv, ok bool) {
	c.vars = map[string]string{}
	src := strings.TrimSpace(st.in.EnvFile)
	if strings.HasPrefix(src, "{") {
		var s struct {
			Env          map[string]any `json:"env"`
			APIKeyHelper any            `json:"apiKeyHelper"`
		}
		if json.Unmarshal([]byte(src), &s) == nil {
			c.settings = true
			for n, v := range s.Env {
				if str, isStr := v.(string); isStr && isClaudeName(n) {
					c.vars[n] = str
				}
			}
			h, _ := s.APIKeyHelper.(string)
			c.helper = strings.TrimSpace(h) != ""
		}
	} else if src != "" {
		parseEnv(st.in.EnvFile, func(e *envEntry) bool {
			if isClaudeName(e.name) && !e.noEquals {
				c.vars[e.name] = e.value
			}
			return true
		})
	}
	for _, kv := range st.in.Environ {
		if n, v, found := strings.Cut(kv, "="); found && isClaudeName(n) {
			if _, seen := c.vars[n]; !seen {
				c.vars[n] = v
			}
		}
	}
	return c, len(c.vars) > 0 || c.helper
}

// set reports a variable set to something.
func (c *claudeEnv) set(n string) bool { return strings.TrimSpace(c.vars[n]) != "" }

// where says where to remove a variable from, after the unset command.
func (c *claudeEnv) where(n string) string {
	if c.settings {
		return "and delete \"" + n + "\" from the \"env\" object of ~/.claude/settings.json (or .claude/settings.json in the project)"
	}
	return "and remove its export from your shell profile (`grep -n " + n + " ~/.bashrc ~/.zshrc ~/.profile`)"
}

// checkClaudeCode is the variable step for the Claude Code case; ok is
// false when the paste says nothing about Claude Code's credentials.
func checkClaudeCode(st *state) (Result, bool) {
	c, ok := readClaudeEnv(st)
	if !ok {
		return Result{}, false
	}
	var f findings
	cloud := ""
	for _, n := range [...]string{"CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY"} {
		if v := strings.TrimSpace(c.vars[n]); v != "" && v != "0" && !strings.EqualFold(v, "false") {
			cloud = n
		}
	}
	token, apiKey := c.set("ANTHROPIC_AUTH_TOKEN"), c.set("ANTHROPIC_API_KEY")
	switch {
	case cloud != "":
		f.addHeadline(StatusWarn, "Claude Code uses your cloud provider's credentials ("+cloud+"), not an Anthropic key.",
			cloud+" is set: Claude Code talks to the cloud provider with its credentials and uses neither ANTHROPIC_AUTH_TOKEN nor ANTHROPIC_API_KEY.",
			"If you meant to use an Anthropic key: `unset "+cloud+"` "+c.where(cloud)+".")
	case token:
		claudeToken(st, &c, apiKey, &f)
	case apiKey:
		v := c.vars["ANTHROPIC_API_KEY"]
		d := "Claude Code sends ANTHROPIC_API_KEY as `x-api-key`"
		if c.helper {
			d += " (it wins over apiKeyHelper, which is not run)"
		}
		switch st.match(v) {
		case matchDiffers:
			f.addHeadline(StatusFail, "Claude Code uses another key than the one you pasted: ANTHROPIC_API_KEY holds "+FingerprintOf(v).Short()+".",
				d+", and it holds a different key: "+FingerprintOf(v).Short()+" there, "+FingerprintOf(st.key.judged()).Short()+" pasted.",
				"Put the current key in ANTHROPIC_API_KEY (`export ANTHROPIC_API_KEY=sk-ant-...`), then restart Claude Code.")
		default:
			f.list = append(f.list, finding{status: StatusPass, detail: d + st.thisKey(", and it holds", v) + "."})
		}
	case c.helper:
		f.list = append(f.list, finding{status: StatusPass, detail: "Claude Code runs apiKeyHelper for its key (neither ANTHROPIC_AUTH_TOKEN nor ANTHROPIC_API_KEY is set); keycheck cannot see what the helper prints."})
	case c.set("CLAUDE_CODE_OAUTH_TOKEN"):
		f.list = append(f.list, finding{status: StatusPass, detail: "Claude Code uses CLAUDE_CODE_OAUTH_TOKEN, a subscription token, not an API key: no Anthropic API key is set."})
	default:
		f.add(StatusWarn, "Neither ANTHROPIC_AUTH_TOKEN nor ANTHROPIC_API_KEY is set (or they are empty): Claude Code falls back to your subscription login, not this key.",
			"To use this key: `export ANTHROPIC_API_KEY=sk-ant-...` where Claude Code starts.")
	}
	claudeBaseURL(st, &c, &f)
	return f.result(""), true
}

// claudeToken judges ANTHROPIC_AUTH_TOKEN, which wins over
// ANTHROPIC_API_KEY and goes as Authorization: Bearer, which gateways
// read and Anthropic's own API does not take for an API key.
func claudeToken(st *state, c *claudeEnv, apiKey bool, f *findings) {
	tok := c.vars["ANTHROPIC_AUTH_TOKEN"]
	m := st.match(tok)
	direct := !c.set("ANTHROPIC_BASE_URL") || splitURL(strings.TrimSpace(c.vars["ANTHROPIC_BASE_URL"])).host == "api.anthropic.com"
	switch {
	case apiKey && m == matchDiffers && st.key.hasKey() && st.match(c.vars["ANTHROPIC_API_KEY"]) != matchDiffers:
		f.addHeadline(StatusFail, "Claude Code uses ANTHROPIC_AUTH_TOKEN, not your key in ANTHROPIC_API_KEY: unset ANTHROPIC_AUTH_TOKEN.",
			"Both are set, and ANTHROPIC_AUTH_TOKEN wins: Claude Code sends it as `Authorization: Bearer` and never sends ANTHROPIC_API_KEY, which holds the key you pasted.",
			"`unset ANTHROPIC_AUTH_TOKEN` "+c.where("ANTHROPIC_AUTH_TOKEN")+", then restart Claude Code.")
	case apiKey:
		f.addHeadline(StatusWarn, "Both ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY are set: Claude Code uses ANTHROPIC_AUTH_TOKEN.",
			"Both are set, and ANTHROPIC_AUTH_TOKEN wins: Claude Code sends it as `Authorization: Bearer` and ignores ANTHROPIC_API_KEY"+st.thisKey(". The token is", tok)+".",
			"Keep one: for an Anthropic API key, `unset ANTHROPIC_AUTH_TOKEN` "+c.where("ANTHROPIC_AUTH_TOKEN")+"; for a gateway's token, `unset ANTHROPIC_API_KEY` "+c.where("ANTHROPIC_API_KEY")+".")
	case m == matchDiffers:
		f.addHeadline(StatusFail, "Claude Code uses ANTHROPIC_AUTH_TOKEN, which holds another key than the one you pasted.",
			"Claude Code sends ANTHROPIC_AUTH_TOKEN as `Authorization: Bearer`; it holds "+FingerprintOf(tok).Short()+", not the pasted "+FingerprintOf(st.key.judged()).Short()+".",
			"Put the key you meant in it, or `unset ANTHROPIC_AUTH_TOKEN` "+c.where("ANTHROPIC_AUTH_TOKEN")+" and set ANTHROPIC_API_KEY.")
	default:
		f.list = append(f.list, finding{status: StatusPass, detail: "Claude Code sends ANTHROPIC_AUTH_TOKEN as `Authorization: Bearer`" + st.thisKey(", and it holds", tok) + "."})
	}
	if direct && strings.HasPrefix(strings.TrimSpace(tok), "sk-ant-api") {
		f.addHeadline(StatusFail, "Your Anthropic API key is in ANTHROPIC_AUTH_TOKEN: Claude Code sends it as Bearer, and Anthropic's API wants it in x-api-key.",
			"ANTHROPIC_AUTH_TOKEN holds an Anthropic API key (sk-ant-api…) and goes to api.anthropic.com as `Authorization: Bearer`, which is for gateways and OAuth tokens; Anthropic's API reads API keys from `x-api-key`, which Claude Code fills from ANTHROPIC_API_KEY.",
			"Move it: `export ANTHROPIC_API_KEY=\"$ANTHROPIC_AUTH_TOKEN\"; unset ANTHROPIC_AUTH_TOKEN` "+c.where("ANTHROPIC_AUTH_TOKEN")+".")
	}
}

// claudeBaseURL judges ANTHROPIC_BASE_URL: Claude Code sends the
// credential wherever it points.
func claudeBaseURL(st *state, c *claudeEnv, f *findings) {
	raw, ok := c.vars["ANTHROPIC_BASE_URL"]
	u := strings.TrimSpace(raw)
	if !ok || u == "" {
		return
	}
	p := splitURL(u)
	host := shownHost(st, p.host, "another host")
	fix := "`unset ANTHROPIC_BASE_URL` " + c.where("ANTHROPIC_BASE_URL") + ", so Claude Code talks to Anthropic; or, if you route through that endpoint on purpose, use the key it issues with it."
	switch {
	case !p.hasScheme:
		f.addHeadline(StatusFail, "ANTHROPIC_BASE_URL has no https:// in front: Claude Code cannot use it.",
			"ANTHROPIC_BASE_URL ("+host+") does not start with https://, so Claude Code's requests fail before any key is read.",
			"Write it with its scheme (`export ANTHROPIC_BASE_URL=https://…`), or `unset ANTHROPIC_BASE_URL` "+c.where("ANTHROPIC_BASE_URL")+" to talk to Anthropic.")
	case p.host == "api.anthropic.com":
	case p.host == hiapiHost || strings.HasSuffix(p.host, ".hiapi.ai"):
		f.addHeadline(StatusFail, "ANTHROPIC_BASE_URL points to HiAPI: Claude Code sends your Anthropic credential there.",
			"ANTHROPIC_BASE_URL is "+host+": Claude Code sends every request, and the credential, to HiAPI instead of Anthropic. HiAPI has never seen Anthropic keys, and HiAPI keys belong with OpenAI-style clients (https://api.hiapi.ai/v1), not Claude Code.",
			fix)
	case hostProvider(p.host) != "":
		name := hostProvider(p.host)
		f.addHeadline(StatusFail, "ANTHROPIC_BASE_URL points to "+name+": Claude Code sends your Anthropic credential there.",
			"ANTHROPIC_BASE_URL is "+host+": Claude Code sends every request, and the credential, to "+name+" instead of Anthropic, and "+name+" has never seen Anthropic keys.", fix)
	default:
		f.addHeadline(StatusWarn, "ANTHROPIC_BASE_URL sends Claude Code to "+host+", not Anthropic: the credential must be one that endpoint accepts.",
			"ANTHROPIC_BASE_URL is "+host+": a proxy or gateway, or a leftover from one. Claude Code sends it the credential; an Anthropic key works there only if it passes it on to https://api.anthropic.com.", fix)
	}
}
