package web_test

import (
	"crypto/rand"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
	"github.com/keycheck/keycheck/internal/probe"
)

// TestCanaryThroughEveryProvider sends a canary key, shaped as each
// target's own, through every provider path: the check (API and the
// page's /check) and a live run (API and form) with "provider" set, for
// all nine targets; then the owner probe (API and the page's button) of an
// OpenAI-shaped canary checked for HiAPI. Every provider but HiAPI is an
// echo that sends the key back wherever it can: in error messages, a
// request-id header, a model list, and the facts a probe reveals
// (OpenRouter's label, xAI's key name and ACLs, DeepSeek's currency).
// Then it searches everything served, logged and stored, as
// TestCanaryKeyNeverLeaves does, for every random part of every canary.
func TestCanaryThroughEveryProvider(t *testing.T) {
	t.Parallel()
	echo := httptest.NewServer(http.HandlerFunc(echoingProvider))
	t.Cleanup(echo.Close)
	origins := map[checks.ProviderID]string{}
	for _, tg := range checks.Targets() {
		origins[tg.ID] = echo.URL + fakes.Prefix(tg.ID)
	}
	e := newEnv(t, func(su *setup) { su.prober = probe.New(origins, probe.Options{Version: "test", Retries: -1}) })
	e.record.Store(true)
	me, mate := e.browser(), e.browser()

	var secrets []string
	facts := map[checks.ProviderID]apiStep{}
	for _, tg := range checks.Targets() {
		key, parts := canaryFor(t, tg.ID)
		secrets = append(secrets, parts...)
		p := string(tg.ID)
		me.htmx("/check", url.Values{"key": {key}, "provider": {p}}).wantStatus(http.StatusOK)
		me.postJSON("/api/v1/check", jsonBody(t, map[string]any{"key": key, "provider": p})).wantStatus(http.StatusOK)
		api := me.apiCreateRun(map[string]any{"key": key, "provider": p, "live": true})
		form := me.createRun(url.Values{"key": {key}, "provider": {p}, "live": {"1"}})
		for _, id := range []string{api.ID, form} {
			got := me.waitLive(id)
			facts[tg.ID] = got.step(t, checks.StepAuth)
			for _, path := range []string{"/runs/" + id, "/runs/" + id + "/steps/provider", "/runs/" + id + "/steps/auth",
				"/runs/" + id + "/steps/model", "/runs/" + id + "/steps/result", "/api/v1/runs/" + id} {
				me.get(path).wantStatus(http.StatusOK)
				mate.get(path).wantStatus(http.StatusOK)
			}
		}
	}

	// The owner probe: an OpenAI-shaped canary checked for HiAPI, OpenAI
	// asked by the API and by the page's button.
	owned, parts := canaryFor(t, checks.ProviderOpenAI)
	secrets = append(secrets, parts...)
	created := me.apiCreateRun(map[string]any{"key": owned})
	if created.OwnerProbe == nil || created.OwnerProbe.Provider != "openai" {
		t.Fatalf("owner_probe %+v, want an offer to ask openai", created.OwnerProbe)
	}
	me.postJSON("/api/v1/runs/"+created.ID+"/owner", jsonBody(t, map[string]any{"key": owned})).wantStatus(http.StatusOK)
	id := me.createRun(url.Values{"key": {owned}})
	me.postForm("/runs/"+id+"/owner", url.Values{}).wantStatus(http.StatusSeeOther)
	for _, rid := range []string{created.ID, id} {
		for _, path := range []string{"/runs/" + rid, "/runs/" + rid + "/steps/provider", "/api/v1/runs/" + rid} {
			me.get(path).wantStatus(http.StatusOK)
			mate.get(path).wantStatus(http.StatusOK)
		}
	}
	mate.get("/runs").wantStatus(http.StatusOK)
	mate.get("/api/v1/runs").wantStatus(http.StatusOK)

	all := searchForKeys(t, e, secrets...)

	// Not vacuous: the echoes reached the answers, masked, and the facts
	// the probes revealed are there, with the key masked or left out.
	masked := 0
	for _, h := range all {
		masked += strings.Count(string(h.data), "‹key›")
	}
	if masked == 0 {
		t.Error("no answer shows ‹key›: the echoes never reached a page")
	}
	for _, id := range []checks.ProviderID{checks.ProviderOpenRouter, checks.ProviderXAI, checks.ProviderDeepSeek} {
		if a := facts[id]; a.Live == nil || len(a.Live.Facts) == 0 {
			t.Errorf("%s: the auth step shows no facts: %+v", id, a)
		}
	}
	if n := e.Provider.probes.Load(); n < 2 {
		t.Errorf("HiAPI's live test ran %d probes, want 2", n)
	}
}

// echoingProvider answers as each provider does under its prefix, and
// echoes the key it was sent everywhere it can.
func echoingProvider(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	for _, k := range []string{r.Header.Get("X-Api-Key"), r.Header.Get("X-Goog-Api-Key"), r.URL.Query().Get("key")} {
		if k != "" {
			key = k
		}
	}
	provider, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	path = "/" + path
	status, body := http.StatusOK, any(nil)
	refused := map[string]any{"error": map[string]any{"message": "Incorrect API key provided: " + key + ".", "type": "invalid_request_error", "code": "invalid_api_key"}}
	switch {
	case path == "/api/v1/key": // OpenRouter's key, label and all
		body = map[string]any{"data": map[string]any{"label": key, "limit": 10, "usage": 1, "limit_remaining": 9, "is_free_tier": false}}
	case path == "/v1/api-key": // xAI's key
		body = map[string]any{"name": key, "redacted_api_key": key, "acls": []string{"api-key:" + key}, "api_key_blocked": false, "api_key_disabled": false, "team_blocked": false}
	case path == "/user/balance": // DeepSeek's balance
		body = map[string]any{"is_available": true, "balance_infos": []any{map[string]any{"currency": key, "total_balance": "1.00"}}}
	case strings.Contains(path, "/models/"): // the model refused, echoed
		status, body = http.StatusNotFound, map[string]any{"error": map[string]any{"message": "The model does not exist or " + key + " has no access to it", "type": key, "code": "model_not_found"}}
	case provider == "openai" || provider == "mistral":
		status, body = http.StatusUnauthorized, refused
	default: // a model list naming the key
		body = map[string]any{"object": "list", "data": []any{map[string]any{"id": key, "owned_by": key}}, "models": []any{map[string]any{"name": "models/" + key}}}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_"+key)
	w.Header().Set("Request-Id", key)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// canaryFor is a fresh key of target's own shape (its good scenario key
// with every letter and digit after the fixed prefix replaced at random,
// OpenAI's T3BlbkFJ and Anthropic's AA tail kept), and the random parts of
// 8 characters or more to search for: the shape's fixed parts are public,
// and pages name them.
func canaryFor(t *testing.T, target checks.ProviderID) (string, []string) {
	t.Helper()
	if target == checks.ProviderHiAPI {
		body := "CANARY" + randomAlnum(40)
		return "sk-" + body, []string{body}
	}
	good := scenarioKey(t, target, fakes.Good)
	start := strings.Index(good, "FAKE")
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	if start < 0 { // a hex shape
		start, alphabet = strings.Index(good, "fa4e"), "0123456789abcdef"
	}
	fixed := map[int]bool{}
	if i := strings.Index(good, "T3BlbkFJ"); i > 0 {
		for j := range 8 {
			fixed[i+j] = true
		}
	}
	if target == checks.ProviderAnthropic {
		fixed[len(good)-1], fixed[len(good)-2] = true, true
	}
	b := []byte(good)
	var parts []string
	part := ""
	for i := start; i < len(b); i++ {
		c := b[i]
		if fixed[i] || !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			if len(part) >= 8 {
				parts = append(parts, part)
			}
			part = ""
			continue
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[n.Int64()]
		part += string(b[i])
	}
	if len(part) >= 8 {
		parts = append(parts, part)
	}
	key := string(b)
	if own, ok := checks.OwnerFor(key, target); !ok || own != target || len(parts) == 0 {
		t.Fatalf("canary %s key: owner %q %v, %d random parts", target, own, ok, len(parts))
	}
	return key, parts
}
