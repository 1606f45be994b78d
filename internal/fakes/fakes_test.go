package fakes

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// ask sends a GET to a provider's fake the way keycheck does: the target's
// own auth scheme, below the provider's prefix.
func ask(t *testing.T, h http.Handler, id checks.ProviderID, method, path, key string) answer {
	t.Helper()
	req := httptest.NewRequest(method, Prefix(id)+path, nil)
	target, _ := checks.TargetOf(id)
	if key != "" {
		switch target.Auth {
		case checks.AuthXAPIKey:
			req.Header.Set("x-api-key", key)
		case checks.AuthGoogAPIKey:
			req.Header.Set("x-goog-api-key", key)
		default:
			req.Header.Set("Authorization", "Bearer "+key)
		}
	}
	if target.AnthropicVersion != "" {
		req.Header.Set("anthropic-version", target.AnthropicVersion)
	}
	return do(h, req)
}

func do(h http.Handler, req *http.Request) answer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	_ = json.Unmarshal(a.raw, &a.body)
	return a
}

func keyOf(t *testing.T, id checks.ProviderID, name string) string {
	t.Helper()
	for _, s := range Scenarios(id) {
		if s.Name == name {
			return s.Key
		}
	}
	t.Fatalf("%s has no scenario %s", id, name)
	return ""
}

func modelPath(id checks.ProviderID, model string) string {
	t, _ := checks.TargetOf(id)
	return strings.Replace(t.ModelPath, "{model}", model, 1)
}

func get(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		o, _ := v.(map[string]any)
		v = o[p]
	}
	return v
}

// TestScenarioKeys: every scenario key has its provider's real shape (so
// the offline steps name that provider), says FAKE (fa4e in hex shapes),
// selects its own scenario and no other provider's.
func TestScenarioKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range All() {
		if seen[s.Key] {
			t.Errorf("%s %s: key used twice", s.Provider, s.Name)
		}
		seen[s.Key] = true
		if s.Provider == checks.ProviderHiAPI {
			continue
		}
		// DeepSeek's sk- and 32 hex digits could be a HiAPI key, and
		// Mistral's 32 letters and digits anything: OwnerOf claims neither.
		generic := s.Provider == checks.ProviderMistral || s.Provider == checks.ProviderDeepSeek
		if owner, ok := checks.OwnerOf(s.Key); !generic && (!ok || owner != s.Provider) {
			t.Errorf("%s %s: %s is taken for %q's key", s.Provider, s.Name, s.Key, owner)
		}
		if !strings.Contains(s.Key, "FAKE") && !strings.Contains(s.Key, "fa4efa4e") {
			t.Errorf("%s %s: %s does not look fake", s.Provider, s.Name, s.Key)
		}
		if got, ok := ScenarioOf(s.Provider, s.Key); !ok || got != s.Name {
			t.Errorf("%s: %s selects %q", s.Provider, s.Key, got)
		}
		for _, t2 := range checks.Targets() {
			if _, ok := ScenarioOf(t2.ID, s.Key); ok && t2.ID != s.Provider {
				t.Errorf("%s's key %s is also a scenario of %s", s.Provider, s.Key, t2.ID)
			}
		}
	}
	for _, id := range []checks.ProviderID{checks.ProviderGoogle, checks.ProviderMistral, checks.ProviderDeepSeek} {
		want := map[checks.ProviderID]int{checks.ProviderGoogle: 39, checks.ProviderMistral: 32, checks.ProviderDeepSeek: 35}[id]
		for _, s := range Scenarios(id) {
			if len(s.Key) != want {
				t.Errorf("%s key %s is %d characters, want %d", id, s.Key, len(s.Key), want)
			}
		}
	}
	if len(Scenarios(checks.ProviderHiAPI)) != len(fake.Scenarios()) || Markdown(checks.ProviderHiAPI) != fake.Markdown() {
		t.Error("HiAPI's table is not the HiAPI fake's")
	}
}

// TestGood: a good key gets each provider's success shape on the paths
// keycheck asks (checks.Target's Probe, ModelPath and Balance), with the
// provider's request id.
func TestGood(t *testing.T) {
	s := New(Options{})
	check := map[checks.ProviderID]func(a answer) bool{
		checks.ProviderOpenAI:   openAIShape,
		checks.ProviderGroq:     openAIShape,
		checks.ProviderMistral:  openAIShape,
		checks.ProviderDeepSeek: openAIShape,
		checks.ProviderAnthropic: func(a answer) bool {
			d, _ := a.body["data"].([]any)
			_, ok := a.body["has_more"].(bool)
			return len(d) > 0 && ok
		},
		checks.ProviderGoogle: func(a answer) bool {
			m, _ := a.body["models"].([]any)
			return len(m) > 0 && strings.HasPrefix(get(m[0].(map[string]any), "name").(string), "models/")
		},
		checks.ProviderOpenRouter: func(a answer) bool {
			d, _ := a.body["data"].(map[string]any)
			for _, f := range []string{"label", "limit", "usage", "limit_remaining", "is_free_tier"} {
				if _, ok := d[f]; !ok {
					return false
				}
			}
			return d["limit_remaining"] == 7.5
		},
		checks.ProviderXAI: func(a answer) bool {
			for _, f := range []string{"redacted_api_key", "name", "team_blocked", "api_key_blocked", "api_key_disabled", "acls"} {
				if _, ok := a.body[f]; !ok {
					return false
				}
			}
			return a.body["api_key_blocked"] == false
		},
	}
	ridHeader := map[checks.ProviderID]string{checks.ProviderOpenAI: "x-request-id", checks.ProviderGroq: "x-request-id", checks.ProviderAnthropic: "request-id", checks.ProviderMistral: "x-kong-request-id"}
	for _, target := range checks.Targets()[1:] {
		t.Run(string(target.ID), func(t *testing.T) {
			key := keyOf(t, target.ID, Good)
			a := ask(t, s, target.ID, "GET", target.Probe, key)
			if a.status != 200 || !check[target.ID](a) {
				t.Errorf("GET %s: %d %s", target.Probe, a.status, a.raw)
			}
			if h := ridHeader[target.ID]; h != "" && a.header.Get(h) == "" {
				t.Errorf("no %s header: %v", h, a.header)
			}
			if bytes.Contains(a.raw, []byte(key)) {
				t.Error("the answer echoes the key")
			}
			if target.ModelPath != "" {
				if a := ask(t, s, target.ID, "GET", modelPath(target.ID, target.Model), key); a.status != 200 {
					t.Errorf("GET the default model %s: %d %s", target.Model, a.status, a.raw)
				}
				if a := ask(t, s, target.ID, "GET", modelPath(target.ID, "no-such-model"), key); a.status != 404 || a.body == nil {
					t.Errorf("GET an unknown model: %d %s", a.status, a.raw)
				}
			}
			if target.Balance != "" {
				a := ask(t, s, target.ID, "GET", target.Balance, key)
				if a.status != 200 || a.body["is_available"] != true || len(a.body["balance_infos"].([]any)) == 0 {
					t.Errorf("GET %s: %d %s", target.Balance, a.status, a.raw)
				}
			}
			if n := s.Count(target.ID, "GET", "", key); n == 0 {
				t.Error("the requests were not recorded")
			}
		})
	}
}

func openAIShape(a answer) bool {
	d, _ := a.body["data"].([]any)
	return a.body["object"] == "list" && len(d) > 0 && get(d[0].(map[string]any), "id") != nil
}

// TestRefusals: each scenario answers with the provider's own status,
// shape and words; 429s carry Retry-After; HTML is HTML.
func TestRefusals(t *testing.T) {
	s := New(Options{})
	tests := []struct {
		id       checks.ProviderID
		scenario string
		status   int
		path     []string // a field of the body, then the value it holds
	}{
		{checks.ProviderOpenAI, Revoked, 401, []string{"error", "code", "invalid_api_key"}},
		{checks.ProviderOpenAI, Forbidden, 401, []string{"error", "type", "invalid_request_error"}},
		{checks.ProviderOpenAI, NoBalance, 429, []string{"error", "code", "insufficient_quota"}},
		{checks.ProviderOpenAI, RateLimited, 429, []string{"error", "code", "rate_limit_exceeded"}},
		{checks.ProviderOpenAI, Down, 503, []string{"error", "type", "server_error"}},
		{checks.ProviderOpenAI, "", 401, []string{"error", "code", "invalid_api_key"}},
		{checks.ProviderAnthropic, Revoked, 401, []string{"error", "type", "authentication_error"}},
		{checks.ProviderAnthropic, Forbidden, 403, []string{"error", "type", "permission_error"}},
		{checks.ProviderAnthropic, NoBalance, 400, []string{"error", "type", "invalid_request_error"}},
		{checks.ProviderAnthropic, RateLimited, 429, []string{"error", "type", "rate_limit_error"}},
		{checks.ProviderAnthropic, Down, 529, []string{"error", "type", "overloaded_error"}},
		{checks.ProviderGoogle, Revoked, 400, []string{"error", "status", "INVALID_ARGUMENT"}},
		{checks.ProviderGoogle, Forbidden, 403, []string{"error", "status", "PERMISSION_DENIED"}},
		{checks.ProviderGoogle, RateLimited, 429, []string{"error", "status", "RESOURCE_EXHAUSTED"}},
		{checks.ProviderGoogle, Down, 503, []string{"error", "status", "UNAVAILABLE"}},
		{checks.ProviderOpenRouter, Revoked, 401, []string{"error", "message", "User not found."}},
		{checks.ProviderOpenRouter, NoBalance, 200, []string{"data", "limit_remaining", "0"}},
		{checks.ProviderOpenRouter, RateLimited, 429, nil},
		{checks.ProviderOpenRouter, Down, 503, nil},
		{checks.ProviderXAI, Revoked, 400, []string{"code", "Client specified an invalid argument"}},
		{checks.ProviderXAI, Blocked, 200, []string{"api_key_blocked", "true"}},
		{checks.ProviderXAI, NoBalance, 403, nil},
		{checks.ProviderXAI, RateLimited, 429, nil},
		{checks.ProviderXAI, Down, 503, nil},
		{checks.ProviderDeepSeek, Revoked, 401, []string{"error", "type", "authentication_error"}},
		{checks.ProviderDeepSeek, RateLimited, 429, nil},
		{checks.ProviderDeepSeek, Down, 503, []string{"error", "message", "Server Overloaded"}},
		{checks.ProviderGroq, Revoked, 401, []string{"error", "code", "invalid_api_key"}},
		{checks.ProviderGroq, Forbidden, 403, nil},
		{checks.ProviderGroq, RateLimited, 429, []string{"error", "code", "rate_limit_exceeded"}},
		{checks.ProviderGroq, Down, 503, nil},
		{checks.ProviderMistral, Revoked, 401, []string{"message", "Unauthorized"}},
		{checks.ProviderMistral, RateLimited, 429, nil},
		{checks.ProviderMistral, Down, 503, []string{"object", "error"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.id)+"/"+cmp.Or(tt.scenario, "unknown key"), func(t *testing.T) {
			target, _ := checks.TargetOf(tt.id)
			key := "sk-not-a-scenario-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
			if tt.scenario != "" {
				key = keyOf(t, tt.id, tt.scenario)
			}
			a := ask(t, s, tt.id, "GET", target.Probe, key)
			if a.status != tt.status || a.header.Get("Content-Type") != "application/json" {
				t.Fatalf("%d %s, want %d JSON: %s", a.status, a.header.Get("Content-Type"), tt.status, a.raw)
			}
			if tt.path != nil {
				n := len(tt.path) - 1
				v := get(a.body, tt.path[:n]...)
				if s, ok := v.(string); !ok && jsonText(v) != tt.path[n] || ok && s != tt.path[n] {
					t.Errorf("%v = %v, want %s: %s", tt.path[:n], v, tt.path[n], a.raw)
				}
			}
			if a.status == 429 && tt.scenario == RateLimited && a.header.Get("Retry-After") != "1" {
				t.Errorf("429 without Retry-After: %v", a.header)
			}
			if bytes.Contains(a.raw, []byte(key)) {
				t.Error("the answer echoes the key")
			}
		})
	}
	for _, target := range checks.Targets()[1:] {
		a := ask(t, s, target.ID, "GET", target.Probe, keyOf(t, target.ID, HTML))
		if a.status != 502 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") || !bytes.Contains(a.raw, []byte("<title>502 Bad Gateway</title>")) {
			t.Errorf("%s html: %d %v", target.ID, a.status, a.header)
		}
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestAuthSchemes: each fake reads the key only where its provider does.
func TestAuthSchemes(t *testing.T) {
	s := New(Options{})
	req := func(id checks.ProviderID, path string, header ...string) answer {
		r := httptest.NewRequest("GET", Prefix(id)+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return do(s, r)
	}
	ant, gem, oai := keyOf(t, checks.ProviderAnthropic, Good), keyOf(t, checks.ProviderGoogle, Good), keyOf(t, checks.ProviderOpenAI, Good)
	tests := []struct {
		name   string
		a      answer
		status int
		msg    string
	}{
		{"anthropic without a version", req(checks.ProviderAnthropic, "/v1/models", "x-api-key", ant), 400, "anthropic-version: header is required"},
		{"anthropic as Bearer", req(checks.ProviderAnthropic, "/v1/models", "Authorization", "Bearer "+ant, "anthropic-version", "2023-06-01"), 401, "x-api-key header is required"},
		{"anthropic right", req(checks.ProviderAnthropic, "/v1/models", "x-api-key", ant, "anthropic-version", "2023-06-01"), 200, ""},
		{"gemini in ?key=", req(checks.ProviderGoogle, "/v1beta/models?key="+gem), 200, ""},
		{"gemini as Bearer", req(checks.ProviderGoogle, "/v1beta/models", "Authorization", "Bearer "+gem), 401, "OAuth 2"},
		{"gemini without a key", req(checks.ProviderGoogle, "/v1beta/models"), 403, "unregistered callers"},
		{"openai without a key", req(checks.ProviderOpenAI, "/v1/models"), 401, "You didn't provide an API key"},
		{"openai in x-api-key", req(checks.ProviderOpenAI, "/v1/models", "x-api-key", oai), 401, "You didn't provide an API key"},
		{"openai lower-case bearer", req(checks.ProviderOpenAI, "/v1/models", "Authorization", "bearer "+oai), 200, ""},
	}
	for _, tt := range tests {
		if tt.a.status != tt.status || !bytes.Contains(tt.a.raw, []byte(tt.msg)) {
			t.Errorf("%s: %d %s, want %d with %q", tt.name, tt.a.status, tt.a.raw, tt.status, tt.msg)
		}
	}
	if a := req(checks.ProviderAnthropic, "/v1/models", "x-api-key", ant); a.body["request_id"] != a.header.Get("request-id") || a.header.Get("request-id") == "" {
		t.Errorf("anthropic's request id differs in body and header: %v %s", a.header, a.raw)
	}
}

// TestRoutes: prefixes route to their provider, HiAPI answers at the root
// and under /hiapi, anything but the free GETs is refused in the
// provider's words and recorded with its method.
func TestRoutes(t *testing.T) {
	s := New(Options{HiAPI: fake.Options{Step: time.Millisecond}})
	hiKey := fake.Scenarios()[0].Key
	for _, path := range []string{"/v1/tasks", "/hiapi/v1/tasks"} {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+hiKey)
		if a := do(s, r); a.status != 200 || a.body["code"] != 200.0 {
			t.Errorf("HiAPI at %s: %d %s", path, a.status, a.raw)
		}
	}
	if n := s.HiAPI().Count("GET", "/v1/tasks", hiKey); n != 2 {
		t.Errorf("HiAPI saw %d requests, want 2", n)
	}
	// Another provider's path under a prefix is unknown there.
	key := keyOf(t, checks.ProviderOpenAI, Good)
	if a := ask(t, s, checks.ProviderOpenAI, "GET", "/api/v1/key", key); a.status != 404 || !strings.Contains(jsonText(a.body), "Invalid URL (GET /api/v1/key)") {
		t.Errorf("OpenAI asked OpenRouter's path: %d %s", a.status, a.raw)
	}
	if a := ask(t, s, checks.ProviderOpenAI, "POST", "/v1/models", key); a.status != 404 {
		t.Errorf("POST /v1/models: %d %s", a.status, a.raw)
	}
	if s.Count(checks.ProviderOpenAI, "POST", "", key) != 1 || s.Count(checks.ProviderOpenAI, "GET", "GET /api/v1/key", key) != 1 {
		t.Errorf("requests: %+v", s.Requests())
	}
	for _, target := range checks.Targets()[1:] {
		key := keyOf(t, target.ID, Good)
		if a := ask(t, s, target.ID, "GET", target.Probe, key); a.status != 200 {
			t.Errorf("%s at %s%s: %d", target.ID, Prefix(target.ID), target.Probe, a.status)
		}
		// The same path under another prefix is the other's: it is not
		// this provider's key there.
		other := checks.ProviderOpenRouter
		if target.ID == other {
			other = checks.ProviderXAI
		}
		if ask(t, s, other, "GET", target.Probe, key).status == 200 {
			t.Errorf("%s's good key passed at %s", target.ID, other)
		}
	}
	for _, r := range s.Requests() {
		if strings.Contains(r.Key, "FAKE") || strings.Contains(r.Key, "fa4e") || r.Status == 0 || r.Provider == "" {
			t.Errorf("request record %+v", r)
		}
	}
}

func TestSlowStopsWithClient(t *testing.T) {
	s := New(Options{SlowDelay: time.Minute})
	ts := httptest.NewServer(s)
	defer ts.Close()
	req, _ := http.NewRequest("GET", ts.URL+"/groq/openai/v1/models", nil)
	req.Header.Set("Authorization", "Bearer "+keyOf(t, checks.ProviderGroq, Slow))
	client := &http.Client{Timeout: 100 * time.Millisecond}
	if resp, err := client.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		t.Fatal("the slow scenario answered at once")
	}
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(10 * time.Millisecond) {
		if r := s.Requests(); len(r) == 1 {
			if r[0].Status != 499 {
				t.Errorf("status %d, want 499", r[0].Status)
			}
			return
		}
	}
	t.Error("the fake did not notice the client leave")
}

func TestTables(t *testing.T) {
	for _, target := range checks.Targets() {
		md := Markdown(target.ID)
		for _, s := range Scenarios(target.ID) {
			if !strings.Contains(md, "`"+s.Key+"`") {
				t.Errorf("%s: %s missing from Markdown", target.ID, s.Name)
			}
			if target.ID != checks.ProviderHiAPI && !strings.Contains(Usage(), s.Key) {
				t.Errorf("%s: %s missing from Usage", target.ID, s.Name)
			}
		}
		if len(Scenarios(target.ID)) < 5 {
			t.Errorf("%s has %d scenarios", target.ID, len(Scenarios(target.ID)))
		}
	}
}
