package probe_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/probe"
)

// FuzzParseProviderError sends any status, headers and body back to every
// target's probe, through the whole client (error shapes, facts, masking)
// but no network: it must never panic, and the answer must never show a
// piece of the key, whatever the provider echoes and wherever.
func FuzzParseProviderError(f *testing.F) {
	for _, r := range []reply{openaiDead, anthropicDead, googleDead, openrouterDead, xaiDead, deepseekDead, groqDead, mistralDead, hiapiDead} {
		f.Add(uint8(0), r.status, "$KEY", r.body)
	}
	f.Add(uint8(4), 200, "", `{"data":{"label":"$KEY","limit":1e400,"usage":"x","limit_remaining":-0,"is_free_tier":null}}`)
	f.Add(uint8(5), 200, "r-$KEY", `{"name":["$KEY"],"acls":[1,{"a":"$KEY"},"$KEY"],"api_key_blocked":"true"}`)
	f.Add(uint8(6), 200, "", `{"is_available":true,"balance_infos":[{"currency":"$KEY","total_balance":1}, null, 3]}`)
	f.Add(uint8(7), 529, "", `<html><title>$KEY</title></html>`)
	f.Add(uint8(8), 422, "", `{"detail":[{"msg":"$KEY"},{"msg":null}],"code":"$KEY"}`)
	f.Fuzz(func(t *testing.T, which uint8, status int, header, body string) {
		targets := checks.Targets()
		tg := targets[int(which)%len(targets)]
		if status < 100 || status > 599 {
			status = 200
		}
		key := canary
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			h := http.Header{}
			v := strings.ReplaceAll(header, "$KEY", key)
			for _, name := range []string{"X-Request-Id", "Request-Id", "X-Ds-Trace-Id", "Mistral-Correlation-Id", "Retry-After", "Location"} {
				h[name] = []string{v}
			}
			return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(strings.ReplaceAll(body, "$KEY", key))), Request: r}, nil
		})
		c := probe.New(nil, probe.Options{Transport: rt, Retries: -1})
		a := c.Probe(context.Background(), tg.ID, key)
		if a.Provider != tg.ID {
			t.Errorf("provider %q, want %q", a.Provider, tg.ID)
		}
		noKey(t, key, a)
		m, _ := c.Model(context.Background(), tg.ID, key, "m")
		noKey(t, key, m)
	})
}
