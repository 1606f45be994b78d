package probe_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/probe"
)

// canary is a key of the shape every target's tests send; no run of
// checks.Window of its characters may appear in anything an answer keeps.
const canary = "sk-canary-Zq8Lw3Vn7Rk2Tx9Pb4Hd6Jm1Yc5Fg0Ns"

// sent is one request the recording transport saw.
type sent struct {
	method, host, path, rawQuery string
	header                       http.Header
}

// recorder sends through the default transport and records every request,
// failing the test for any that is not a GET to the one host allowed.
type recorder struct {
	t     *testing.T
	allow string
	mu    sync.Mutex
	reqs  []sent
}

func (rt *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.reqs = append(rt.reqs, sent{r.Method, r.URL.Host, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone()})
	rt.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Host != rt.allow {
		rt.t.Errorf("%s %s: only GETs to %s may be sent", r.Method, r.URL, rt.allow)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (rt *recorder) got() []sent {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]sent(nil), rt.reqs...)
}

// serve starts h and returns a client whose every target's origin is it,
// with the requests recorded.
func serve(t *testing.T, h http.HandlerFunc, opts probe.Options) (*probe.Client, *recorder) {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	rec := &recorder{t: t, allow: u.Host}
	opts.Transport = rec
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = -1
	}
	origins := map[checks.ProviderID]string{}
	for _, tg := range checks.Targets() {
		origins[tg.ID] = ts.URL
	}
	return probe.New(origins, opts), rec
}

// noKey fails the test if any text of a, or any request id header it
// could have come from, shows a piece of key.
func noKey(t *testing.T, key string, a checks.Answer) {
	t.Helper()
	sec := checks.NewSecret(key)
	defer sec.Wipe()
	texts := []string{a.Code, a.Type, a.Message, a.RequestID, a.BaseURL, string(a.Provider)}
	for _, f := range a.Facts {
		texts = append(texts, f.Name, f.Value)
	}
	for _, s := range texts {
		if sec.In(s) {
			t.Errorf("the answer shows a piece of the key: %q in %+v", s, a)
		}
	}
}

// authOK checks the request carried the key the target's way, and only
// that way.
func authOK(t *testing.T, tg checks.Target, s sent, key string) {
	t.Helper()
	h := s.header
	switch tg.Auth {
	case checks.AuthXAPIKey:
		if h.Get("X-Api-Key") != key || h.Get("Anthropic-Version") != "2023-06-01" || h.Get("Authorization") != "" {
			t.Errorf("%s: want x-api-key and anthropic-version only: %v", tg.ID, h)
		}
	case checks.AuthGoogAPIKey:
		if h.Get("X-Goog-Api-Key") != key || h.Get("Authorization") != "" || strings.Contains(s.rawQuery, "key=") {
			t.Errorf("%s: want x-goog-api-key, no ?key=: %v %q", tg.ID, h, s.rawQuery)
		}
	default:
		if h.Get("Authorization") != "Bearer "+key || h.Get("X-Api-Key") != "" || h.Get("X-Goog-Api-Key") != "" {
			t.Errorf("%s: want Bearer only: %v", tg.ID, h)
		}
	}
	if strings.Contains(s.path+s.rawQuery, key[:8]) {
		t.Errorf("%s: the key is in the URL %s?%s", tg.ID, s.path, s.rawQuery)
	}
}

func target(t *testing.T, id checks.ProviderID) checks.Target {
	t.Helper()
	tg, ok := checks.TargetOf(id)
	if !ok {
		t.Fatalf("no target %s", id)
	}
	return tg
}

// reply is a canned answer: status, headers (name, value, …), body.
type reply struct {
	status int
	header []string
	body   string
}

func (r reply) write(w http.ResponseWriter, key string) {
	for i := 0; i+1 < len(r.header); i += 2 {
		w.Header().Set(r.header[i], strings.ReplaceAll(r.header[i+1], "$KEY", key))
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(r.status)
	io.WriteString(w, strings.ReplaceAll(r.body, "$KEY", key))
}

// keyOf reads the key a request carried, whichever way it came.
func keyOf(r *http.Request) string {
	if k := r.Header.Get("X-Api-Key"); k != "" {
		return k
	}
	if k := r.Header.Get("X-Goog-Api-Key"); k != "" {
		return k
	}
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// The providers' own answers, as their API references and live answers
// show them. $KEY is replaced by the key sent: providers echo it, and
// keycheck must mask it.
var (
	openaiDead = reply{401, []string{"X-Request-Id", "req_7f3a"},
		`{"error":{"message":"Incorrect API key provided: $KEY. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`}
	anthropicDead = reply{401, []string{"Request-Id", "req_011CXhdr"},
		`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CXbody"}`}
	googleDead = reply{400, nil,
		`{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}},{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en-US","message":"API key not valid. Please pass a valid API key."}]}}`}
	openrouterDead = reply{401, nil, `{"error":{"code":401,"message":"User not found."}}`}
	xaiDead        = reply{400, []string{"X-Request-Id", "$KEY"},
		`{"code":"Client specified an invalid argument","error":"Incorrect API key provided: $KEY. You can obtain an API key from https://console.x.ai."}`}
	deepseekDead = reply{401, []string{"X-Ds-Trace-Id", "ds-trace-9"},
		`{"error":{"message":"Authentication Fails, Your api key: $KEY is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`}
	groqDead = reply{401, []string{"X-Request-Id", "req_01jgroq"},
		`{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}`}
	mistralDead = reply{401, []string{"Mistral-Correlation-Id", "m-corr-1", "X-Kong-Request-Id", "kong-1"},
		`{"message":"Unauthorized","request_id":"m-body-1"}`}
	hiapiDead = reply{401, nil,
		`{"error":{"code":"permission_denied","type":"hiapi_error","message":"This API key is not valid.","request_id":"2026Y7"}}`}
)

// TestProbeAnswers: each target's real success and error shapes become the
// answer the verdicts read, with the target's facts, and never the key.
func TestProbeAnswers(t *testing.T) {
	tests := []struct {
		name   string
		target checks.ProviderID
		probe  reply
		// balance answers the target's Balance path, if it has one.
		balance reply
		want    checks.Answer
	}{
		{name: "openai good", target: checks.ProviderOpenAI,
			probe: reply{200, []string{"X-Request-Id", "req_ok"}, `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","owned_by":"system"}]}`},
			want:  checks.Answer{HTTPStatus: 200, RequestID: "req_ok"}},
		{name: "openai dead key echoed", target: checks.ProviderOpenAI, probe: openaiDead,
			want: checks.Answer{HTTPStatus: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Incorrect API key provided: ‹key›. You can find your API key at https://platform.openai.com/account/api-keys.", RequestID: "req_7f3a"}},
		{name: "openai wrong organization", target: checks.ProviderOpenAI,
			probe: reply{401, nil, `{"error":{"message":"No such organization: org-x.","type":"invalid_request_error","param":null,"code":"invalid_organization"}}`},
			want:  checks.Answer{HTTPStatus: 401, Code: "invalid_organization", Type: "invalid_request_error", Message: "No such organization: org-x."}},
		{name: "openai missing scope", target: checks.ProviderOpenAI,
			probe: reply{403, nil, `{"error":{"message":"You have insufficient permissions for this operation. Missing scopes: api.model.read.","type":"invalid_request_error","param":null,"code":null}}`},
			want:  checks.Answer{HTTPStatus: 403, Type: "invalid_request_error", Message: "You have insufficient permissions for this operation. Missing scopes: api.model.read."}},
		{name: "anthropic good", target: checks.ProviderAnthropic,
			probe: reply{200, []string{"Request-Id", "req_011ok"}, `{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5"}],"has_more":false,"first_id":"a","last_id":"b"}`},
			want:  checks.Answer{HTTPStatus: 200, RequestID: "req_011ok"}},
		{name: "anthropic dead: the body's request id first", target: checks.ProviderAnthropic, probe: anthropicDead,
			want: checks.Answer{HTTPStatus: 401, Type: "authentication_error", Message: "invalid x-api-key", RequestID: "req_011CXbody"}},
		{name: "anthropic no permission", target: checks.ProviderAnthropic,
			probe: reply{403, []string{"Request-Id", "req_p"}, `{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}`},
			want:  checks.Answer{HTTPStatus: 403, Type: "permission_error", Message: "Your API key does not have permission to use the specified resource.", RequestID: "req_p"}},
		{name: "anthropic billing", target: checks.ProviderAnthropic,
			probe: reply{402, nil, `{"type":"error","error":{"type":"billing_error","message":"Your credit balance is too low."},"request_id":"req_b"}`},
			want:  checks.Answer{HTTPStatus: 402, Type: "billing_error", Message: "Your credit balance is too low.", RequestID: "req_b"}},
		{name: "anthropic 529 overloaded", target: checks.ProviderAnthropic,
			probe: reply{529, []string{"Request-Id", "req_o"}, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`},
			want:  checks.Answer{HTTPStatus: 529, Type: "overloaded_error", Message: "Overloaded", RequestID: "req_o"}},
		{name: "google good", target: checks.ProviderGoogle,
			probe: reply{200, nil, `{"models":[{"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash"}],"nextPageToken":"x"}`},
			want:  checks.Answer{HTTPStatus: 200}},
		{name: "google API_KEY_INVALID is a 400", target: checks.ProviderGoogle, probe: googleDead,
			want: checks.Answer{HTTPStatus: 400, Code: "API_KEY_INVALID", Type: "INVALID_ARGUMENT", Message: "API key not valid. Please pass a valid API key."}},
		{name: "google API not enabled", target: checks.ProviderGoogle,
			probe: reply{403, nil, `{"error":{"code":403,"message":"Generative Language API has not been used in project 1 before or it is disabled.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED"}]}}`},
			want:  checks.Answer{HTTPStatus: 403, Code: "SERVICE_DISABLED", Type: "PERMISSION_DENIED", Message: "Generative Language API has not been used in project 1 before or it is disabled."}},
		{name: "openrouter good: label, limit, usage", target: checks.ProviderOpenRouter,
			probe: reply{200, nil, `{"data":{"label":"ci-deploy","limit":10,"usage":1.25,"limit_remaining":8.75,"is_free_tier":false,"is_provisioning_key":false,"rate_limit":{"requests":-1,"interval":"10s"}}}`},
			want:  checks.Answer{HTTPStatus: 200, Facts: facts("label", "ci-deploy", "credit limit", "$10.00", "credits used", "$1.25", "credit left", "$8.75", "free tier", "no")}},
		{name: "openrouter no limit; the default label is the key's start, dropped", target: checks.ProviderOpenRouter,
			probe: reply{200, nil, `{"data":{"label":"sk-canary-Zq8...0Ns","limit":null,"usage":0,"limit_remaining":null,"is_free_tier":true}}`},
			want:  checks.Answer{HTTPStatus: 200, Facts: facts("credit limit", "none", "credits used", "$0.00", "free tier", "yes")}},
		{name: "openrouter dead", target: checks.ProviderOpenRouter, probe: openrouterDead,
			want: checks.Answer{HTTPStatus: 401, Message: "User not found."}},
		{name: "xai good: flags, never the redacted key", target: checks.ProviderXAI,
			probe: reply{200, nil, `{"redacted_api_key":"$KEY","user_id":"u1","name":"prod","create_time":"2024-01-01T12:55:18Z","team_id":"t1","acls":["api-key:model:*","api-key:endpoint:*"],"api_key_id":"k1","team_blocked":false,"api_key_blocked":true,"api_key_disabled":false}`},
			want:  checks.Answer{HTTPStatus: 200, Facts: facts("name", "prod", "key blocked", "yes", "key disabled", "no", "team blocked", "no", "permissions", "api-key:model:*, api-key:endpoint:*")}},
		{name: "xai dead is a 400, key echoed everywhere", target: checks.ProviderXAI, probe: xaiDead,
			want: checks.Answer{HTTPStatus: 400, Code: "Client specified an invalid argument", Message: "Incorrect API key provided: ‹key›. You can obtain an API key from https://console.x.ai.", RequestID: "‹key›"}},
		{name: "deepseek good with balance", target: checks.ProviderDeepSeek,
			probe:   reply{200, []string{"X-Ds-Trace-Id", "ds-ok"}, `{"object":"list","data":[{"id":"deepseek-chat","object":"model","owned_by":"deepseek"}]}`},
			balance: reply{200, nil, `{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"110.00","granted_balance":"10.00","topped_up_balance":"100.00"}]}`},
			want:    checks.Answer{HTTPStatus: 200, RequestID: "ds-ok", Facts: facts("balance usable", "yes", "balance", "110.00 CNY")}},
		{name: "deepseek no balance", target: checks.ProviderDeepSeek,
			probe:   reply{200, nil, `{"object":"list","data":[]}`},
			balance: reply{200, nil, `{"is_available":false,"balance_infos":[{"currency":"USD","total_balance":"0.00"}]}`},
			want:    checks.Answer{HTTPStatus: 200, Facts: facts("balance usable", "no", "balance", "0.00 USD")}},
		{name: "deepseek balance fails: the probe stands", target: checks.ProviderDeepSeek,
			probe:   reply{200, nil, `{"object":"list","data":[]}`},
			balance: reply{500, nil, `{"error":{"message":"oops"}}`},
			want:    checks.Answer{HTTPStatus: 200}},
		{name: "deepseek dead, key echoed", target: checks.ProviderDeepSeek, probe: deepseekDead,
			want: checks.Answer{HTTPStatus: 401, Code: "invalid_request_error", Type: "authentication_error", Message: "Authentication Fails, Your api key: ‹key› is invalid", RequestID: "ds-trace-9"}},
		{name: "groq dead", target: checks.ProviderGroq, probe: groqDead,
			want: checks.Answer{HTTPStatus: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Invalid API Key", RequestID: "req_01jgroq"}},
		{name: "mistral dead", target: checks.ProviderMistral, probe: mistralDead,
			want: checks.Answer{HTTPStatus: 401, Message: "Unauthorized", RequestID: "m-body-1"}},
		{name: "mistral dead, id from its correlation header", target: checks.ProviderMistral,
			probe: reply{401, []string{"Mistral-Correlation-Id", "m-corr-1", "X-Kong-Request-Id", "kong-1"}, `{"detail":"Unauthorized"}`},
			want:  checks.Answer{HTTPStatus: 401, Message: "Unauthorized", RequestID: "m-corr-1"}},
		{name: "hiapi dead, the same GET as its own client", target: checks.ProviderHiAPI, probe: hiapiDead,
			want: checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "hiapi_error", Message: "This API key is not valid.", RequestID: "2026Y7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, tt.target)
			c, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
				switch {
				case tg.Balance != "" && r.URL.Path == tg.Balance:
					tt.balance.write(w, keyOf(r))
				case r.URL.Path+"?"+r.URL.RawQuery == tg.Probe || r.URL.Path == tg.Probe:
					tt.probe.write(w, keyOf(r))
				default:
					t.Errorf("unexpected %s", r.URL)
					http.NotFound(w, r)
				}
			}, probe.Options{})
			got := c.Probe(context.Background(), tt.target, canary)
			want := tt.want
			want.Provider = tt.target
			got.BaseURL = ""
			if !reflect.DeepEqual(got, want) {
				t.Errorf("answer\n%+v\nwant\n%+v", got, want)
			}
			noKey(t, canary, got)
			reqs := rec.got()
			wantReqs := 1
			if tg.Balance != "" && tt.probe.status == 200 {
				wantReqs = 2
			}
			if len(reqs) != wantReqs {
				t.Errorf("%d requests, want %d", len(reqs), wantReqs)
			}
			for _, s := range reqs {
				authOK(t, tg, s, canary)
			}
		})
	}
}

// TestProbeTroubles: every target meets the same troubles the same way:
// rate limits, outages, pages, hangs, huge bodies, redirects, a dead
// network. Each answer says nothing about the key, and holds none of it.
func TestProbeTroubles(t *testing.T) {
	huge := `{"data":[` + strings.Repeat(`{"id":"m"},`, 2000) + `{"id":"m"}]}`
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed to %s", r.Host)
	}))
	defer other.Close()
	for _, tg := range checks.Targets() {
		t.Run(string(tg.ID), func(t *testing.T) {
			tests := []struct {
				name    string
				handler http.HandlerFunc
				opts    probe.Options
				want    checks.Answer
			}{
				{"429 with Retry-After", func(w http.ResponseWriter, r *http.Request) {
					reply{429, []string{"Retry-After", "17", "X-Request-Id", "rl-1"}, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`}.write(w, keyOf(r))
				}, probe.Options{}, checks.Answer{HTTPStatus: 429, Code: "rate_limit_exceeded", Type: "requests", Message: "Rate limit reached", RequestID: "rl-1", RetryAfter: 17}},
				{"500", func(w http.ResponseWriter, r *http.Request) {
					reply{500, nil, `{"error":{"message":"The server had an error","type":"server_error"}}`}.write(w, keyOf(r))
				}, probe.Options{}, checks.Answer{HTTPStatus: 500, Type: "server_error", Message: "The server had an error"}},
				{"HTML from a proxy", func(w http.ResponseWriter, r *http.Request) {
					reply{502, []string{"Content-Type", "text/html"}, `<html><head><title>502 Bad Gateway</title></head><body>$KEY</body></html>`}.write(w, keyOf(r))
				}, probe.Options{}, checks.Answer{HTTPStatus: 502, Kind: checks.AnswerNotJSON, Message: "502 Bad Gateway"}},
				{"a body past the cap", func(w http.ResponseWriter, r *http.Request) {
					io.WriteString(w, huge)
				}, probe.Options{MaxBody: 4096}, checks.Answer{HTTPStatus: 200, Kind: checks.AnswerTooLarge, Message: "the body is larger than 4096 bytes"}},
				{"a redirect to another host, not followed", func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
				}, probe.Options{}, checks.Answer{HTTPStatus: 302, Kind: checks.AnswerNotJSON}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					c, rec := serve(t, tt.handler, tt.opts)
					got := c.Probe(context.Background(), tg.ID, canary)
					want := tt.want
					want.Provider = tg.ID
					got.BaseURL = ""
					if tt.name == "a redirect to another host, not followed" {
						// The page http.Redirect writes is HTML; its text
						// is whatever Go writes, so only its kind is fixed.
						want.Message = got.Message
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("answer\n%+v\nwant\n%+v", got, want)
					}
					noKey(t, canary, got)
					if n := len(rec.got()); n != 1 {
						t.Errorf("%d requests, want 1 (retries are off; no balance after an error)", n)
					}
				})
			}

			t.Run("a hang past the time-out", func(t *testing.T) {
				release := make(chan struct{})
				c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-release:
					}
				}, probe.Options{Timeout: 100 * time.Millisecond})
				defer close(release)
				if a := c.Probe(context.Background(), tg.ID, canary); a.Kind != checks.AnswerTimeout || a.Provider != tg.ID {
					t.Errorf("answer %+v, want a time-out", a)
				}
			})

			t.Run("no server", func(t *testing.T) {
				ts := httptest.NewServer(http.NotFoundHandler())
				ts.Close()
				c := probe.New(map[checks.ProviderID]string{tg.ID: ts.URL}, probe.Options{Retries: -1})
				a := c.Probe(context.Background(), tg.ID, canary)
				if a.Kind != checks.AnswerNetwork || a.HTTPStatus != 0 {
					t.Errorf("answer %+v, want a network error", a)
				}
				noKey(t, canary, a)
			})
		})
	}
}

// TestRetryAfterRetried: a 429 is asked again after the provider's
// Retry-After, as HiAPI's GETs are.
func TestRetryAfterRetried(t *testing.T) {
	var waits []time.Duration
	n := 0
	c, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n++; n == 1 {
			reply{429, []string{"Retry-After", "3"}, `{"error":{"code":"rate_limit_exceeded","message":"slow down"}}`}.write(w, "")
			return
		}
		reply{200, nil, `{"data":[]}`}.write(w, "")
	}, probe.Options{Retries: 2, Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }})
	a := c.Probe(context.Background(), checks.ProviderGroq, canary)
	if a.HTTPStatus != 200 || a.Kind != checks.AnswerHTTP || len(rec.got()) != 2 || fmt.Sprint(waits) != "[3s]" {
		t.Errorf("answer %+v after %d requests and waits %v", a, len(rec.got()), waits)
	}
}

// TestModel: the free model GET, the id one escaped path segment; targets
// without one send nothing.
func TestModel(t *testing.T) {
	for _, tg := range checks.Targets() {
		t.Run(string(tg.ID), func(t *testing.T) {
			c, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.EscapedPath(), "/nope%2F..%2Fx%20y") {
					reply{404, []string{"X-Request-Id", "req_404"}, `{"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}`}.write(w, "")
					return
				}
				reply{200, nil, `{"id":"m","object":"model"}`}.write(w, "")
			}, probe.Options{})
			ctx := context.Background()
			a, asked := c.Model(ctx, tg.ID, canary, "")
			if asked != (tg.ModelPath != "") {
				t.Fatalf("asked = %v for ModelPath %q", asked, tg.ModelPath)
			}
			if !asked {
				if len(rec.got()) != 0 || a.Provider != tg.ID {
					t.Errorf("sent %d requests for a target with no model GET; answer %+v", len(rec.got()), a)
				}
				return
			}
			if a.HTTPStatus != 200 || a.Provider != tg.ID {
				t.Errorf("default model: %+v", a)
			}
			a, _ = c.Model(ctx, tg.ID, canary, "nope/../x y")
			if a.HTTPStatus != 404 || a.Code != "model_not_found" || a.RequestID != "req_404" {
				t.Errorf("unknown model: %+v", a)
			}
			reqs := rec.got()
			if want := strings.Replace(tg.ModelPath, "{model}", tg.Model, 1); reqs[0].path != want {
				t.Errorf("asked %s, want %s", reqs[0].path, want)
			}
			for _, s := range reqs {
				authOK(t, tg, s, canary)
			}
		})
	}
	if got := probe.ModelPath(target(t, checks.ProviderGoogle), "models/gemini-2.5-pro"); got != "/v1beta/models/gemini-2.5-pro" {
		t.Errorf("Gemini's models/ prefix: %s", got)
	}
}

// TestOnlyTheOrigin: with no origin given, each target's fixed origin is
// the one asked; an origin given replaces it, path kept; an unknown target
// or an unusable origin sends nothing.
func TestOnlyTheOrigin(t *testing.T) {
	var hosts []string
	var mu sync.Mutex
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		hosts = append(hosts, r.Method+" "+r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
		mu.Unlock()
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
	})
	c := probe.New(map[checks.ProviderID]string{checks.ProviderGroq: "https://gw.example.com/groq/", checks.ProviderMistral: "ftp://x"}, probe.Options{Transport: rt})
	ctx := context.Background()
	for _, tg := range checks.Targets() {
		c.Probe(ctx, tg.ID, canary)
	}
	if a := c.Probe(ctx, "nosuch", canary); a.Kind != checks.AnswerRequest || a.Provider != "nosuch" {
		t.Errorf("unknown target: %+v", a)
	}
	if a := c.Probe(ctx, checks.ProviderMistral, canary); a.Kind != checks.AnswerRequest {
		t.Errorf("unusable origin: %+v", a)
	}
	var want []string
	for _, tg := range checks.Targets() {
		origin := tg.Origin
		switch tg.ID {
		case checks.ProviderGroq:
			origin = "https://gw.example.com/groq"
		case checks.ProviderMistral:
			continue
		}
		p, _, _ := strings.Cut(tg.Probe, "?")
		want = append(want, "GET "+origin+p)
		if tg.Balance != "" {
			want = append(want, "GET "+origin+tg.Balance)
		}
	}
	if fmt.Sprint(hosts) != fmt.Sprint(want) {
		t.Errorf("asked\n%v\nwant\n%v", hosts, want)
	}
}

// facts builds a list of facts from name, value pairs.
func facts(kv ...string) []checks.Fact {
	var out []checks.Fact
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, checks.Fact{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
