package main

import (
	"io"
	"maps"
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
	all := "hiapi, openai, anthropic, google, openrouter, xai, deepseek, groq, mistral"
	for _, tt := range []struct {
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
		{name: "unknown name", args: []string{"--provider-url", "openia=http://a.test"}, err: all},
		{name: "unknown name in env", env: []string{"KEYCHECK_PROVIDER_URLS", "claude=http://a.test"}, err: all},
		{name: "not NAME=URL", args: []string{"--provider-url", "http://a.test"}, err: "NAME=URL"},
		{name: "not http", args: []string{"--provider-url", "openai=ftp://a.test"}, err: "http"},
		{name: "no host", args: []string{"--provider-url", "openai=http://"}, err: "http"},
		{name: "query", args: []string{"--provider-url", "openai=http://a.test/?key=x"}, err: "query"},
		{name: "demo", args: []string{"--demo", "--provider-url", "openai=http://a.test"}, err: "--demo"},
	} {
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
