package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
)

// TestFakeHelpListsEveryKey: "keycheck fake -h" (and its old name) lists
// every provider's scenario keys.
func TestFakeHelpListsEveryKey(t *testing.T) {
	for _, name := range []string{"fake", "fake-hiapi"} {
		var stdout, stderr strings.Builder
		if code := realMain(context.Background(), []string{name, "-h"}, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" }, nil); code != 0 {
			t.Fatalf("%s -h exited %d", name, code)
		}
		help := stderr.String()
		if !strings.HasPrefix(help, "Usage: keycheck "+name+" [flags]") {
			t.Errorf("%s -h: %q", name, help[:min(80, len(help))])
		}
		for _, s := range fakes.All() {
			if !strings.Contains(help, s.Key) && !strings.Contains(help, s.Name) {
				t.Errorf("%s -h lacks %s's %s key", name, s.Provider, s.Name)
			}
			if s.Provider != checks.ProviderHiAPI && !strings.Contains(help, s.Key) {
				t.Errorf("%s -h lacks %s's key %s", name, s.Provider, s.Key)
			}
		}
	}
}

// TestFakeCommand: "keycheck fake" serves HiAPI at the root and every
// other provider under its prefix, at the origins it prints.
func TestFakeCommand(t *testing.T) {
	url, stop := startCommand(t, []string{"fake", "--addr", "127.0.0.1:0"}, nil, "fake HiAPI listening on ")
	for _, target := range checks.Targets() {
		var key string
		for _, s := range fakes.Scenarios(target.ID) {
			if s.Name == "good" {
				key = s.Key
			}
		}
		req, _ := http.NewRequest(http.MethodGet, fakeOrigins(url)[target.ID]+target.Probe, nil)
		switch target.Auth {
		case checks.AuthXAPIKey:
			req.Header.Set("x-api-key", key)
			req.Header.Set("anthropic-version", target.AnthropicVersion)
		case checks.AuthGoogAPIKey:
			req.Header.Set("x-goog-api-key", key)
		default:
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s's good key at %s: %d", target.ID, req.URL, resp.StatusCode)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("keycheck fake exited %d after SIGINT, want 0", code)
	}
}
