package fakes

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// Scenario names the providers' fakes share; each provider offers those
// its real API has an answer for (see Scenarios).
const (
	Good        = "good"
	Revoked     = "revoked"
	Forbidden   = "forbidden"
	NoBalance   = "no-balance"
	Blocked     = "blocked"
	RateLimited = "rate-limited"
	Down        = "down"
	HTML        = "html"
	Slow        = "slow"
)

// Scenario is one row of a provider's scenario table: the README's and
// the demo's.
type Scenario struct {
	Provider checks.ProviderID
	Name     string
	// Key is the scenario key: the provider's real key shape, marked FAKE
	// (fa4e where the shape is hex), so keycheck's offline steps take it
	// for that provider's key and nobody takes it for a real one.
	Key string
	// Does says how the fake answers; Verdict what keycheck says.
	Does, Verdict string
}

// row is a scenario as a provider file writes it.
type row struct {
	name string
	// code stands for the name in a hex-only key shape: 4 hex digits.
	code       string
	does, says string
}

// keyShape is how a provider's scenario keys are built: prefix, then the
// scenario's token padded to size characters, then tail.
type keyShape struct {
	prefix string
	size   int
	tail   string
	// sep joins FAKE and the words of the scenario's name; "" for shapes
	// without punctuation. hex marks a hex-only shape: the token is fa4e
	// ("fake") twice and the row's code.
	sep string
	hex bool
}

// Fillers pad scenario keys to their real length, looking like key
// material rather than a placeholder.
const (
	alnumFill = "7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	hexFill   = "7c9e2b4d1a8f3e6c0b5d"
)

// fillTo is n characters of the alphanumeric filler.
func fillTo(n int) string { return strings.Repeat(alnumFill, n/len(alnumFill)+1)[:n] }

// token is what marks the scenario in the key.
func (k keyShape) token(r row) string {
	if k.hex {
		return "fa4efa4e" + r.code
	}
	return "FAKE" + k.sep + strings.ReplaceAll(r.name, "-", k.sep) + k.sep
}

func (k keyShape) key(r row) string {
	fill := alnumFill
	if k.hex {
		fill = hexFill
	}
	t := k.token(r)
	for len(t) < k.size {
		t += fill
	}
	return k.prefix + t[:k.size] + k.tail
}

// scenarioOf returns the scenario a key selects, and false for any other
// key (the fake answers it as a dead key).
func (p provider) scenarioOf(key string) (string, bool) {
	for _, r := range p.rows {
		if strings.HasPrefix(key, p.shape.prefix+p.shape.token(r)) {
			return r.name, true
		}
	}
	return "", false
}

// Scenarios returns a provider's scenario table, in the order a demo walks
// through it; HiAPI's is fake.Scenarios(). nil for an unknown provider.
func Scenarios(id checks.ProviderID) []Scenario {
	if t, _ := checks.TargetOf(id); t.ID == checks.ProviderHiAPI {
		var out []Scenario
		for _, s := range fake.Scenarios() {
			out = append(out, Scenario{Provider: checks.ProviderHiAPI, Name: s.Name, Key: s.Key, Does: s.Does, Verdict: s.Verdict})
		}
		return out
	}
	for _, p := range providers() {
		if p.id == id {
			var out []Scenario
			for _, r := range p.rows {
				out = append(out, Scenario{Provider: id, Name: r.name, Key: p.shape.key(r), Does: r.does, Verdict: r.says})
			}
			return out
		}
	}
	return nil
}

// All returns every provider's scenarios, in checks.Targets order (HiAPI
// first): what "keycheck fake -h" and the demo list.
func All() []Scenario {
	var out []Scenario
	for _, t := range checks.Targets() {
		out = append(out, Scenarios(t.ID)...)
	}
	return out
}

// ScenarioOf returns the scenario a key selects at provider id's fake.
func ScenarioOf(id checks.ProviderID, key string) (string, bool) {
	if t, _ := checks.TargetOf(id); t.ID == checks.ProviderHiAPI {
		return fake.ScenarioOf(key)
	}
	for _, p := range providers() {
		if p.id == id {
			return p.scenarioOf(key)
		}
	}
	return "", false
}

// Markdown is a provider's scenario table as Markdown, for the README;
// HiAPI's is fake.Markdown().
func Markdown(id checks.ProviderID) string {
	if t, _ := checks.TargetOf(id); t.ID == checks.ProviderHiAPI {
		return fake.Markdown()
	}
	var b strings.Builder
	b.WriteString("| key | what the fake does | what keycheck says |\n| --- | --- | --- |\n")
	for _, s := range Scenarios(id) {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Key, strings.ReplaceAll(s.Does, "|", `\|`), s.Verdict)
	}
	b.WriteString("| any other key | as a dead key | auth fails: dead key |\n")
	return b.String()
}

// Usage lists every provider's prefix and scenario keys as plain text, for
// "keycheck fake -h". HiAPI's own table is fake.Usage().
func Usage() string {
	var b strings.Builder
	b.WriteString("Every other provider answers under its own prefix; point keycheck at it with\n")
	b.WriteString("--provider-url NAME=http://ADDR/NAME. Any key not listed answers as a dead key.\n")
	for _, t := range checks.Targets() {
		if t.ID == checks.ProviderHiAPI {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%s: %s", t.Name, Prefix(t.ID), t.Probe)
		if t.ModelPath != "" {
			b.WriteString(", " + t.ModelPath)
		}
		if t.Balance != "" {
			b.WriteString(", " + t.Balance)
		}
		b.WriteString(")\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, s := range Scenarios(t.ID) {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Name, s.Key, s.Verdict)
		}
		tw.Flush()
	}
	return b.String()
}

// proxyAndSlow are the scenarios every provider's fake has alike: a
// proxy's HTML page in front of it, and an answer that comes late. Their
// codes (for hex key shapes) are 0502 and 0504.
func proxyAndSlow() []row {
	return []row{
		{name: HTML, code: "0502", does: "Every request: a 502 HTML page, as a proxy sends.", says: "auth unknown: not JSON"},
		{name: Slow, code: "0504", does: "Every answer after 5 s, then as good.", says: "pass, slowly; unknown (time-out) if keycheck waits less"},
	}
}
