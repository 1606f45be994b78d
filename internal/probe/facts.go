package probe

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
)

// maxFact is the runes of a fact's value kept.
const maxFact = 120

// facts collects facts, keeping none that shows a piece of the key: xAI
// sends the key redacted (never read here), and OpenRouter's default label
// is the key's own first characters.
type facts struct {
	sec *checks.Secret
	out []checks.Fact
}

func (f *facts) add(name, value string) {
	if value == "" || f.sec.In(value) {
		return
	}
	if v := hiapi.Clean(f.sec, value, maxFact); v != "" {
		f.out = append(f.out, checks.Fact{Name: name, Value: v})
	}
}

// probeFacts reads what a successful probe's body reveals; nil for the
// targets whose probe is a list of models or tasks.
func probeFacts(id checks.ProviderID, body []byte, sec *checks.Secret) []checks.Fact {
	f := facts{sec: sec}
	switch id {
	case checks.ProviderOpenRouter:
		// GET /api/v1/key: {"data": {label, limit, usage, limit_remaining,
		// is_free_tier, …}}; limit and limit_remaining are null when the
		// key has no limit.
		d := object(object(body)["data"])
		f.add(checks.FactLabel, text(d["label"]))
		if lim, ok := d["limit"]; ok {
			f.add(checks.FactCreditLimit, dollarsOr(lim, "none"))
		}
		f.add(checks.FactCreditsUsed, dollarsOr(d["usage"], ""))
		f.add(checks.FactCreditLeft, dollarsOr(d["limit_remaining"], ""))
		f.add(checks.FactFreeTier, text(d["is_free_tier"]))
	case checks.ProviderXAI:
		// GET /v1/api-key: {name, acls, api_key_blocked, api_key_disabled,
		// team_blocked, redacted_api_key, …}.
		d := object(body)
		f.add(checks.FactName, text(d["name"]))
		f.add(checks.FactKeyBlocked, text(d["api_key_blocked"]))
		f.add(checks.FactKeyDisabled, text(d["api_key_disabled"]))
		f.add(checks.FactTeamBlocked, text(d["team_blocked"]))
		f.add(checks.FactPermissions, list(d["acls"]))
	}
	return f.out
}

// balanceFacts reads a balance answer: DeepSeek's GET /user/balance,
// {"is_available": true, "balance_infos": [{"currency": "CNY",
// "total_balance": "110.00", …}]}.
func balanceFacts(id checks.ProviderID, body []byte, sec *checks.Secret) []checks.Fact {
	f := facts{sec: sec}
	if id != checks.ProviderDeepSeek {
		return nil
	}
	d := object(body)
	f.add(checks.FactCanPay, text(d["is_available"]))
	var infos []json.RawMessage
	if raw, ok := d["balance_infos"]; ok && json.Unmarshal(raw, &infos) == nil {
		for _, info := range infos[:min(len(infos), 4)] {
			b := object(info)
			f.add(checks.FactBalance, strings.TrimSpace(text(b["total_balance"])+" "+text(b["currency"])))
		}
	}
	return f.out
}

// object decodes a JSON object's members, raw; nil for anything else.
func object(raw json.RawMessage) map[string]json.RawMessage {
	raw = bytes.TrimSpace(raw)
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// text is a string's text, a number's literal, a boolean as "yes" or "no";
// "" for null, objects, arrays and anything unparsable.
func text(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "yes"
		}
		return "no"
	}
	return ""
}

// dollarsOr reads an amount of US dollars (OpenRouter's credits) as
// "$1.25"; null gives ifNull, anything else "".
func dollarsOr(raw json.RawMessage, ifNull string) string {
	if string(bytes.TrimSpace(raw)) == "null" {
		return ifNull
	}
	var v float64
	if json.Unmarshal(raw, &v) != nil || math.IsInf(v, 0) || math.Abs(v) > 1e12 {
		return ""
	}
	return "$" + strconv.FormatFloat(v, 'f', 2, 64)
}

// list reads an array of strings as "a, b, c" (at most ten).
func list(raw json.RawMessage) string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return ""
	}
	var parts []string
	for _, it := range items[:min(len(items), 10)] {
		if s := text(it); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}
