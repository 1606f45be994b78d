package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

func TestAPICheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out apiCheck
	r := e.browser().postJSON("/api/v1/check", jsonBody(t, map[string]any{"key": cleanKey + "\n", "var_name": "HIAPI_API_KEY"})).wantStatus(http.StatusOK)
	r.json(&out)

	sum := sha256.Sum256([]byte(cleanKey + "\n"))
	fp := out.Fingerprint
	if fp.SHA256 != "sha256:"+hex.EncodeToString(sum[:])[:12] {
		t.Errorf("fingerprint hash %q, want sha256: and the first 12 hex digits of the exact bytes", fp.SHA256)
	}
	if fp.Length != len(cleanKey)+1 || fp.Prefix != cleanKey[:6] || !strings.HasSuffix(fp.Suffix, "⏎") {
		t.Errorf("fingerprint %+v: want length %d, prefix %q and the newline shown at the end", fp, len(cleanKey)+1, cleanKey[:6])
	}

	cat := checks.Catalogue()
	if len(out.Steps) != len(cat) {
		t.Fatalf("%d steps, want %d", len(out.Steps), len(cat))
	}
	for i, st := range out.Steps {
		if st.ID != string(cat[i].ID) || st.Title != cat[i].Title {
			t.Errorf("step %d is %s %q, want %s %q", i, st.ID, st.Title, cat[i].ID, cat[i].Title)
		}
		if st.Status == "" || st.Detail == "" {
			t.Errorf("step %s: status %q detail %q: both are always set", st.ID, st.Status, st.Detail)
		}
		if st.URL != "" {
			t.Errorf("step %s of a stateless check has a permalink %q", st.ID, st.URL)
		}
	}
	var ws apiStep
	for _, s := range out.Steps {
		if s.ID == string(checks.StepWhitespace) {
			ws = s
		}
	}
	if ws.Status != "fail" || ws.Fix == "" || !strings.Contains(ws.Detail, "newline") {
		t.Errorf("whitespace: %s %q fix %q; want a fail naming the newline, with a fix", ws.Status, ws.Detail, ws.Fix)
	}
	if !strings.Contains(out.Summary, "whitespace") {
		t.Errorf("summary %q does not name the failed step", out.Summary)
	}
	// A field that is valid JSON of the right shape but with a
	// charset parameter is still JSON.
	e.browser().postJSON("/api/v1/check", `{"key":"`+cleanKey+`"}`, "Content-Type", "application/json; charset=utf-8").wantStatus(http.StatusOK)
}

// badInputs are bodies the JSON API must refuse with a clear error and
// without changing anything.
var badInputs = []struct {
	name        string
	body        string
	contentType string
	chunked     bool
	status      int
	code        string
	// mention must appear in the message; hide must not.
	mention, hide string
}{
	{name: "invalid JSON", body: `{"key": "sk-abc`, status: 400, code: "invalid_json"},
	{name: "syntax error", body: `{"key" "sk-abc"}`, status: 400, code: "invalid_json", mention: "byte"},
	{name: "trailing garbage", body: `{"key": "sk-abc"} and more`, status: 400, code: "invalid_json"},
	{name: "trailing brace", body: `{"key": "sk-abc"}}`, status: 400, code: "invalid_json"},
	{name: "two objects", body: `{"key": "a"}{"key": "b"}`, status: 400, code: "invalid_json"},
	{name: "empty body", body: ``, status: 400, code: "invalid_json", mention: "empty"},
	{name: "only whitespace", body: " \n\t ", status: 400, code: "invalid_json", mention: "empty"},
	{name: "null", body: `null`, status: 400, code: "invalid_json", mention: "object"},
	{name: "array", body: `[{"key": "sk-abc"}]`, status: 400, code: "invalid_json", mention: "object"},
	{name: "string", body: `"sk-abc"`, status: 400, code: "invalid_json", mention: "object"},
	{name: "binary bytes", body: "\x00\x01\x02\x03\x04", status: 400, code: "invalid_json"},
	{name: "invalid UTF-8 body", body: "\xff\xfe\xfd", status: 400, code: "invalid_utf8"},
	{name: "invalid UTF-8 in the key", body: "{\"key\": \"sk-\xff\xfeabc\"}", status: 400, code: "invalid_utf8"},
	{name: "text/plain", body: `{"key": "sk-abc"}`, contentType: "text/plain", status: 415, code: "unsupported_media_type"},
	{name: "form encoding", body: `key=sk-abc`, contentType: "application/x-www-form-urlencoded", status: 415, code: "unsupported_media_type"},
	{name: "multipart", body: "--x\r\n\r\n--x--", contentType: "multipart/form-data; boundary=x", status: 415, code: "unsupported_media_type"},
	{name: "no content type", body: `{"key": "sk-abc"}`, contentType: "-", status: 415, code: "unsupported_media_type"},
	{name: "unknown field", body: `{"key": "sk-abc", "colour": "red"}`, status: 400, code: "unknown_field", mention: "colour"},
	{name: "unknown field that is a key", body: `{"sk-Zq8Wm2Xv7Kp4Rt9Ln3Bc": "x"}`, status: 400, code: "unknown_field", hide: "Zq8Wm2Xv"},
	{name: "key is a number", body: `{"key": 12345}`, status: 400, code: "invalid_json", mention: "key"},
	{name: "key is a list", body: `{"key": ["sk-abc"]}`, status: 400, code: "invalid_json", mention: "key"},
	{name: "length is a string", body: `{"key": "sk-abc", "expected_length": "51"}`, status: 400, code: "invalid_json", mention: "expected_length"},
	{name: "length is a fraction", body: `{"key": "sk-abc", "expected_length": 51.5}`, status: 400, code: "invalid_json", mention: "expected_length"},
	{name: "live is a string", body: `{"key": "sk-abc", "live": "yes"}`, status: 400, code: "invalid_json", mention: "live"},
	{name: "deep nesting", body: `{"key": ` + strings.Repeat("[", 20000) + `}`, status: 400, code: "invalid_json"},
	{name: "body over 64 KiB", body: `{"key": "sk-abc", "env_file": "` + strings.Repeat("A", 70<<10) + `"}`, status: 413, code: "body_too_large"},
	{name: "body over 64 KiB, chunked", body: `{"key": "sk-abc", "env_file": "` + strings.Repeat("A", 70<<10) + `"}`, chunked: true, status: 413, code: "body_too_large"},
	{name: "key over 4 KiB", body: `{"key": "sk-` + strings.Repeat("a", 5000) + `"}`, status: 400, code: "key_too_long", hide: "aaaaaaaa"},
	{name: "negative length", body: `{"key": "sk-abc", "expected_length": -1}`, status: 400, code: "bad_expected_length"},
	{name: "huge length", body: `{"key": "sk-abc", "expected_length": 100000}`, status: 400, code: "bad_expected_length"},
	{name: "length beyond int", body: `{"key": "sk-abc", "expected_length": 1e40}`, status: 400, code: "invalid_json"},
	{name: "long last four", body: `{"key": "sk-abc", "expected_last4": "` + strings.Repeat("x", 40) + `"}`, status: 400, code: "bad_expected_last4"},
	{name: "long model", body: `{"key": "sk-abc", "model": "` + strings.Repeat("m", 300) + `"}`, status: 400, code: "bad_model"},
	{name: "long prompt", body: `{"key": "sk-abc", "prompt": "` + strings.Repeat("p", 3000) + `"}`, status: 400, code: "bad_prompt"},
}

func TestAPIBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	for _, path := range []string{"/api/v1/check", "/api/v1/runs"} {
		for _, tt := range badInputs {
			t.Run(path+" "+tt.name, func(t *testing.T) {
				var body io.Reader = strings.NewReader(tt.body)
				if tt.chunked {
					// A reader of unknown length makes the client send
					// chunks, with no Content-Length to refuse up front.
					body = io.MultiReader(strings.NewReader(tt.body))
				}
				req := b.newRequest(http.MethodPost, path, body)
				switch tt.contentType {
				case "":
					req.Header.Set("Content-Type", "application/json")
				case "-":
				default:
					req.Header.Set("Content-Type", tt.contentType)
				}
				r := b.do(req)
				if r.Status != tt.status {
					t.Fatalf("status %d, want %d; body %.300s", r.Status, tt.status, r.Body)
				}
				got := r.apiErr()
				if got.Error.Code != tt.code {
					t.Errorf("code %q, want %q (%s)", got.Error.Code, tt.code, got.Error.Message)
				}
				if tt.mention != "" && !strings.Contains(got.Error.Message, tt.mention) {
					t.Errorf("message %q does not mention %q", got.Error.Message, tt.mention)
				}
				if tt.hide != "" && strings.Contains(got.Error.Message, tt.hide) {
					t.Errorf("message %q echoes %q", got.Error.Message, tt.hide)
				}
				if r.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control %q on an error", r.Header.Get("Cache-Control"))
				}
			})
		}
	}
	runs, err := e.DB.ListRuns(context.Background(), run.ListFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 0 {
		t.Errorf("bad input stored %d runs", len(runs))
	}
	if n := e.Provider.probes.Load() + e.Provider.creates.Load(); n != 0 {
		t.Errorf("bad input reached HiAPI %d times", n)
	}
	// The server is still well.
	b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`).wantStatus(http.StatusOK)
	if logs := e.Logs.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("bad input logged an error:\n%s", logs)
	}
}

// An unknown field is answered with the fields of the endpoint it was sent
// to: a live start takes only the key, not a check's fields.
func TestUnknownFieldListsTheEndpointsFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	id := b.apiCreateRun(map[string]any{"key": cleanKey}).ID
	const checkFields = "Known fields: key, var_name, env_file, base_url, header, expected_last4, expected_length, model, prompt, live, provider."
	for _, tt := range []struct{ path, body, want, not string }{
		{"/api/v1/check", `{"key": "x", "colour": "red"}`, checkFields, ""},
		{"/api/v1/runs", `{"key": "x", "colour": "red"}`, checkFields, ""},
		{"/api/v1/runs/" + id + "/live", `{"key": "x", "model": "m"}`, `Unknown field "model". Known fields: key.`, "var_name"},
	} {
		msg := b.postJSON(tt.path, tt.body).wantStatus(http.StatusBadRequest).apiErr().Error.Message
		if !strings.Contains(msg, tt.want) || tt.not != "" && strings.Contains(msg, tt.not) {
			t.Errorf("%s: message %q, want %q", tt.path, msg, tt.want)
		}
	}
}

func TestAPIWrongMethodAndRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	// Echo answers a known path with the wrong method as not found,
	// since the catch-all route takes every method; either way, JSON.
	r := b.get("/api/v1/check")
	if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/v1/check: %d", r.Status)
	}
	if code := r.apiErr().Error.Code; code != "not_found" && code != "method_not_allowed" {
		t.Errorf("GET /api/v1/check: code %q", code)
	}
	r = b.get("/api/v1/nothing-here").wantStatus(http.StatusNotFound)
	if r.apiErr().Error.Code != "not_found" {
		t.Errorf("unknown API route: %s", r.Body)
	}
}
