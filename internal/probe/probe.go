// Package probe asks each target provider, for free, whether it accepts a
// key: the GET the target table names (checks.Target.Probe, Balance,
// ModelPath), with the provider's own way of sending the key, and answers
// in the plain value the live verdicts read (checks.Answer).
//
// It is safe to run against anyone's key. It sends only GETs, which spend
// nothing; it dials only each target's fixed origin (checks.Target.Origin)
// or the origin New was given in its place, never a URL a person typed; it
// follows no redirect; it puts the key in a header, never in a URL. The
// HTTP discipline is internal/hiapi's, shared rather than copied: time-outs
// on every phase, a cap on every body, Retry-After read, every text an
// answer brings (message, code, request id, a page's title, a fact) masked
// by the rule of checks.Secret, and a fact that shows a piece of the key
// dropped.
package probe

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
)

// Options configure every target's client: time-outs, body cap, retries,
// transport. Name, Auth and RequestIDHeaders are set per target from the
// target table; values given for them are ignored.
type Options = hiapi.Options

// Client probes every target. It is safe for concurrent use and holds no
// key.
type Client struct {
	clients map[checks.ProviderID]*hiapi.Client
}

// New returns a client for every target. origins replaces a target's
// origin (--provider-url, tests, a company's own gateway): the same paths
// are asked there. An origin that is not an http(s) URL makes that
// target's answers checks.AnswerRequest, with nothing sent.
func New(origins map[checks.ProviderID]string, opts Options) *Client {
	c := &Client{clients: make(map[checks.ProviderID]*hiapi.Client)}
	for _, t := range checks.Targets() {
		o := opts
		o.Name = t.Name
		o.Auth = authOf(t)
		o.RequestIDHeaders = requestIDHeaders(t.ID)
		origin := t.Origin
		if v := strings.TrimSpace(origins[t.ID]); v != "" {
			origin = v
		}
		c.clients[t.ID] = hiapi.New(origin, o)
	}
	return c
}

// Probe asks target id, for free, whether it accepts key: the GET of
// Target.Probe, then, when it answered yes and the target has one, the GET
// of Target.Balance. The answer is the probe's, with Provider set and the
// facts both revealed (label, limit, credit left, blocked flags).
func (c *Client) Probe(ctx context.Context, id checks.ProviderID, key string) checks.Answer {
	t, hc, bad := c.target(id)
	if hc == nil {
		return bad
	}
	body, reply, err := hc.Get(ctx, t.Probe, key)
	a := answer(t, reply, err)
	if err != nil {
		return a
	}
	sec := checks.NewSecret(key)
	defer sec.Wipe()
	a.Facts = probeFacts(t.ID, body, sec)
	if t.Balance != "" {
		// The balance adds facts; its failure takes nothing from the probe.
		if body, _, err := hc.Get(ctx, t.Balance, key); err == nil {
			a.Facts = append(a.Facts, balanceFacts(t.ID, body, sec)...)
		}
	}
	return a
}

// Model asks target id, for free, whether model exists and key may use it:
// the GET of Target.ModelPath ("" asks about Target.Model). asked is false
// when the target has no such request; nothing is sent then.
func (c *Client) Model(ctx context.Context, id checks.ProviderID, key, model string) (a checks.Answer, asked bool) {
	t, hc, bad := c.target(id)
	if hc == nil {
		return bad, false
	}
	if t.ModelPath == "" {
		return checks.Answer{Provider: t.ID}, false
	}
	_, reply, err := hc.Get(ctx, ModelPath(t, model), key)
	return answer(t, reply, err), true
}

// ModelPath is the path Model asks for model on t: the id path-escaped as
// one segment, Gemini's "models/" prefix dropped (its path has it).
func ModelPath(t checks.Target, model string) string {
	model = strings.TrimSpace(model)
	if model == "" {
		model = t.Model
	}
	if t.ID == checks.ProviderGoogle {
		model = strings.TrimPrefix(model, "models/")
	}
	return strings.Replace(t.ModelPath, "{model}", url.PathEscape(model), 1)
}

// target returns id's row and client, or, for an id not in the table, the
// answer that says so (and a nil client).
func (c *Client) target(id checks.ProviderID) (checks.Target, *hiapi.Client, checks.Answer) {
	t, ok := checks.TargetOf(id)
	if !ok {
		return t, nil, checks.Answer{Provider: id, Kind: checks.AnswerRequest, Message: "keycheck has no target of that name"}
	}
	return t, c.clients[t.ID], checks.Answer{}
}

func answer(t checks.Target, reply hiapi.Reply, err error) checks.Answer {
	a := hiapi.AnswerOf(reply, err)
	a.Provider = t.ID
	return a
}

// authOf is how t wants the key: Anthropic's x-api-key with its version
// header, Gemini's x-goog-api-key (never ?key=, which would put the key in
// a URL), everyone else Bearer (hiapi's default).
func authOf(t checks.Target) func(http.Header, string) {
	switch t.Auth {
	case checks.AuthXAPIKey:
		version := t.AnthropicVersion
		return func(h http.Header, key string) {
			h.Set("x-api-key", key)
			h.Set("anthropic-version", version)
		}
	case checks.AuthGoogAPIKey:
		return func(h http.Header, key string) { h.Set("x-goog-api-key", key) }
	}
	return nil
}

// requestIDHeaders are the headers each provider puts its request id in,
// as far as its docs and answers show, most specific first; the body's
// request_id (Anthropic, HiAPI) or Google's RequestInfo comes before any.
// nil is HiAPI's list.
func requestIDHeaders(id checks.ProviderID) []string {
	switch id {
	case checks.ProviderHiAPI:
		return nil
	case checks.ProviderAnthropic:
		return []string{"Request-Id", "X-Request-Id"}
	case checks.ProviderDeepSeek:
		return []string{"X-Ds-Trace-Id", "X-Request-Id"}
	case checks.ProviderMistral:
		return []string{"Mistral-Correlation-Id", "X-Kong-Request-Id", "X-Request-Id"}
	case checks.ProviderGoogle:
		return []string{"X-Goog-Request-Id", "X-Request-Id"}
	}
	return []string{"X-Request-Id", "Request-Id"} // OpenAI, Groq, xAI, OpenRouter
}
