package main

import (
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

// TestProviderURLs: --provider-url NAME=URL (repeatable) and
// $KEYCHECK_PROVIDER_URLS replace targets' origins, checked at startup: an
// http(s) URL with no query, a name among the nine (the error names them
// all). --hiapi-url is --provider-url hiapi=…; both given and different is
// an error. The flag wins over the environment.
func TestProviderURLs(t *testing.T) {
	for _, tt := range providerURLCases {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServe(tt.args, io.Discard, envOf(tt.env...))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.HiAPIURL != tt.hiapi || !maps.Equal(cfg.ProviderURLs, tt.urls) {
				t.Errorf("hiapi %q, urls %v; want %q, %v", cfg.HiAPIURL, cfg.ProviderURLs, tt.hiapi, tt.urls)
			}
		})
	}
}

// TestCheckProviderURLs: keycheck check settles its origins by the same
// rule as serve (settleOrigins), --hiapi-url included.
func TestCheckProviderURLs(t *testing.T) {
	for _, tt := range providerURLCases {
		if slices.Contains(tt.args, "--demo") {
			continue // serve's alone
		}
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			f, _, ok := parseCheck(tt.args, &stderr, envOf(tt.env...))
			if tt.err != "" {
				if ok || !strings.Contains(stderr.String(), tt.err) {
					t.Fatalf("ok %v, stderr %q; want an error containing %q", ok, stderr.String(), tt.err)
				}
				return
			}
			if !ok {
				t.Fatalf("refused: %s", stderr.String())
			}
			urls := maps.Clone(f.origins)
			delete(urls, checks.ProviderHiAPI)
			if f.hiapiURL != tt.hiapi || !maps.Equal(map[checks.ProviderID]string(urls), tt.urls) {
				t.Errorf("hiapi %q, urls %v; want %q, %v", f.hiapiURL, urls, tt.hiapi, tt.urls)
			}
		})
	}
}

const allTargets = "hiapi, openai, anthropic, google, openrouter, xai, deepseek, groq, mistral"

var providerURLCases = []struct {
	name  string
	args  []string
	env   []string
	err   string
	hiapi string
	urls  map[checks.ProviderID]string
}{
	{name: "none", hiapi: checks.HiAPIOrigin, urls: map[checks.ProviderID]string{}},
	{name: "repeated flag", args: []string{"--provider-url", "openai=http://127.0.0.1:8089/openai/", "--provider-url", "Groq=https://gw.example.com/groq"},
		hiapi: checks.HiAPIOrigin, urls: map[checks.ProviderID]string{"openai": "http://127.0.0.1:8089/openai", "groq": "https://gw.example.com/groq"}},
	{name: "environment", env: []string{"KEYCHECK_PROVIDER_URLS", "openai=http://a.test, xai=http://b.test"},
		hiapi: checks.HiAPIOrigin, urls: map[checks.ProviderID]string{"openai": "http://a.test", "xai": "http://b.test"}},
	{name: "flag over environment", args: []string{"--provider-url", "openai=http://flag.test"}, env: []string{"KEYCHECK_PROVIDER_URLS", "openai=http://env.test"},
		hiapi: checks.HiAPIOrigin, urls: map[checks.ProviderID]string{"openai": "http://flag.test"}},
	{name: "hiapi by provider-url", args: []string{"--provider-url", "hiapi=http://127.0.0.1:8089"},
		hiapi: "http://127.0.0.1:8089", urls: map[checks.ProviderID]string{}},
	{name: "hiapi both agree", args: []string{"--hiapi-url", "http://127.0.0.1:8089", "--provider-url", "hiapi=http://127.0.0.1:8089/"},
		hiapi: "http://127.0.0.1:8089", urls: map[checks.ProviderID]string{}},
	{name: "hiapi both differ", args: []string{"--hiapi-url", "http://127.0.0.1:8089", "--provider-url", "hiapi=http://127.0.0.1:9999"}, err: "disagree"},
	{name: "hiapi env and flag differ", args: []string{"--provider-url", "hiapi=http://127.0.0.1:9999"}, env: []string{"KEYCHECK_HIAPI_URL", "http://127.0.0.1:8089"}, err: "disagree"},
	{name: "unknown name", args: []string{"--provider-url", "openia=http://a.test"}, err: allTargets},
	{name: "unknown name in env", env: []string{"KEYCHECK_PROVIDER_URLS", "claude=http://a.test"}, err: allTargets},
	{name: "not NAME=URL", args: []string{"--provider-url", "http://a.test"}, err: "NAME=URL"},
	{name: "not http", args: []string{"--provider-url", "openai=ftp://a.test"}, err: "http"},
	{name: "no host", args: []string{"--provider-url", "openai=http://"}, err: "http"},
	{name: "query", args: []string{"--provider-url", "openai=http://a.test/?key=x"}, err: "query"},
	{name: "demo", args: []string{"--demo", "--provider-url", "openai=http://a.test"}, err: "--demo"},
}
