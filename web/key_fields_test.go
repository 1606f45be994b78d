package web_test

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

// keyShown returns the first sign of key in s: 8 of its characters in a
// row in any letter case (searched for here, independently of
// checks.Secret), or the key encoded as checks.Secret finds it.
func keyShown(s, key string) string {
	ls, lk := strings.ToLower(s), strings.ToLower(key)
	for i := 0; i+8 <= len(lk); i++ {
		if strings.Contains(ls, lk[i:i+8]) {
			return key[i : i+8]
		}
	}
	if checks.NewSecret(key).In(s) {
		return "(the key, encoded)"
	}
	return ""
}

// TestFieldHoldingKeyIsRefused: a field keycheck keeps or shows (model,
// prompt, variable name, last four) that holds a piece of the key is
// refused with 400 field_holds_key on every surface, naming the field and
// never echoing it; nothing is stored and HiAPI is never called. Before
// issue 12, the key in "model" made a run (201) that stored it, showed it
// on the run page and sent it to HiAPI as the model; in "prompt" it landed
// in the "by hand" curl; upper-cased as a variable name it was echoed.
func TestFieldHoldingKeyIsRefused(t *testing.T) {
	t.Parallel()
	key := randomKey()
	b64 := base64.StdEncoding.EncodeToString([]byte(key))
	values := []struct {
		field, value string
	}{
		{"model", key},
		{"model", strings.ToLower(key[5:20])},
		{"prompt", "a red apple, " + key},
		{"prompt", "data " + b64},
		{"var_name", strings.ToUpper(strings.ReplaceAll(key, "-", "_"))},
		{"var_name", "HIAPI_" + key[3:14]},
		{"expected_last4", key[len(key)-10:]},
		{"expected_last4", hex.EncodeToString([]byte(key[8:16]))},
	}
	type surface struct {
		name string
		send func(b *browser, fields map[string]string) *resp
	}
	form := func(path string, htmx bool) func(b *browser, fields map[string]string) *resp {
		return func(b *browser, fields map[string]string) *resp {
			v := url.Values{}
			for k, x := range fields {
				v.Set(k, x)
			}
			if htmx {
				return b.htmx(path, v)
			}
			return b.postForm(path, v)
		}
	}
	api := func(path string, live bool) func(b *browser, fields map[string]string) *resp {
		return func(b *browser, fields map[string]string) *resp {
			body := map[string]any{}
			for k, x := range fields {
				body[k] = x
			}
			if live {
				body["live"] = true
			}
			return b.postJSON(path, jsonBody(t, body))
		}
	}
	surfaces := []surface{
		{"as you type", form("/check", true)},
		{"form run", form("/runs", false)},
		{"form run with live", func(b *browser, f map[string]string) *resp {
			f["live"] = "1"
			return form("/runs", false)(b, f)
		}},
		{"API check", api("/api/v1/check", false)},
		{"API run", api("/api/v1/runs", false)},
		{"API run with live", api("/api/v1/runs", true)},
	}
	e := newEnv(t)
	b := e.browser()
	for _, s := range surfaces {
		for _, v := range values {
			what := s.name + ", " + v.field + " = " + v.value
			r := s.send(b, map[string]string{"key": key, v.field: v.value})
			if r.Status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400; body %.300s", what, r.Status, r.Body)
				continue
			}
			msg := r.Body
			if strings.HasPrefix(s.name, "API") {
				ae := r.apiErr()
				if ae.Error.Code != "field_holds_key" {
					t.Errorf("%s: code %q, want field_holds_key", what, ae.Error.Code)
				}
				msg = ae.Error.Message
			}
			if !strings.Contains(msg, "("+v.field+")") || !strings.Contains(msg, "holds part of the key") {
				t.Errorf("%s: the answer does not name the field: %.400s", what, msg)
			}
			if w := keyShown(r.Body, key); w != "" {
				t.Errorf("%s: the answer echoes %q", what, w)
			}
		}
	}
	if n := countRuns(t, e); n != 0 {
		t.Errorf("%d runs stored from refused input", n)
	}
	if n := e.Provider.probes.Load() + e.Provider.creates.Load(); n != 0 {
		t.Errorf("refused input reached HiAPI %d times", n)
	}
	if e.Keys.Len() != 0 {
		t.Errorf("refused input left %d keys in memory", e.Keys.Len())
	}

	// The same fields without the key pass, and a field holding seven of
	// its characters is no piece of it.
	ok := map[string]any{"key": key, "var_name": "HIAPI_API_KEY", "model": "gpt-image-2", "prompt": "draw " + key[10:17], "expected_last4": key[len(key)-4:]}
	b.postJSON("/api/v1/check", jsonBody(t, ok)).wantStatus(http.StatusOK)
	b.apiCreateRun(ok)
	// A key that is only a variable's name holds no secret: the very
	// mistake the characters step explains is not refused.
	b.postJSON("/api/v1/check", jsonBody(t, map[string]any{"key": "$HIAPI_API_KEY", "var_name": "HIAPI_API_KEY"})).wantStatus(http.StatusOK)
}

// TestDisplayNameHoldingKeyRefusesTheRun: the display name, which a run
// shows to everyone, may not hold a piece of the run's key. The run is
// refused, with a message saying to change the name; checks and runs of
// other keys still work.
func TestDisplayNameHoldingKeyRefusesTheRun(t *testing.T) {
	t.Parallel()
	key := randomKey()
	e := newEnv(t)
	b := e.browser()
	b.postForm("/name", url.Values{"name": {"Ana " + strings.ToLower(key[3:15])}}).wantStatus(http.StatusSeeOther)

	// The page around the error shows the person their own name, as every
	// page does; the error itself must not.
	r := b.postForm("/runs", url.Values{"key": {key}}).wantStatus(http.StatusBadRequest)
	shown := r.doc().Find(`[data-testid="error"]`).Text()
	if !strings.Contains(shown, "Change your display name") {
		t.Errorf("the form's answer does not say to change the display name: %q", shown)
	}
	ae := b.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": key, "live": true})).wantStatus(http.StatusBadRequest).apiErr()
	if ae.Error.Code != "field_holds_key" || !strings.Contains(ae.Error.Message, "Change your display name") {
		t.Errorf("API answer %+v", ae.Error)
	}
	for _, body := range []string{shown, ae.Error.Message} {
		if w := keyShown(body, key); w != "" {
			t.Errorf("the refusal echoes %q", w)
		}
	}
	if n := countRuns(t, e); n != 0 {
		t.Fatalf("%d runs stored", n)
	}
	if e.Provider.probes.Load() != 0 || e.Keys.Len() != 0 {
		t.Fatal("a refused run reached HiAPI or left its key in memory")
	}
	// The as-you-type check shows no name, so it is not refused; a run of
	// another key, or without a key, is saved.
	b.htmx("/check", url.Values{"key": {key}}).wantStatus(http.StatusOK)
	b.createRun(url.Values{"key": {randomKey()}})
	b.createRun(url.Values{"var_name": {"HIAPI_API_KEY"}})
	if n := countRuns(t, e); n != 2 {
		t.Errorf("%d runs stored, want 2", n)
	}
}

// TestProxyUserHoldingKeyRefusesTheRun: the user name a trusted sign-in
// proxy sends is the run's "by" too, and is held to the same rule.
func TestProxyUserHoldingKeyRefusesTheRun(t *testing.T) {
	t.Parallel()
	key := randomKey()
	e := newEnv(t, trustLoopback, func(su *setup) { su.cfg.UserHeader = "X-Forwarded-User" })
	b := e.browser()
	b.header.Set("X-Forwarded-User", key[3:20]+"@example.com")
	ae := b.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": key})).wantStatus(http.StatusBadRequest).apiErr()
	if ae.Error.Code != "field_holds_key" || !strings.Contains(ae.Error.Message, "sign-in proxy") {
		t.Errorf("API answer %+v", ae.Error)
	}
	if w := keyShown(ae.Error.Message, key); w != "" {
		t.Errorf("the refusal echoes %q", w)
	}
	if n := countRuns(t, e); n != 0 {
		t.Fatalf("%d runs stored", n)
	}
}

// TestBaseURLHoldingKeyIsOnlyQuotedSafely: a base URL may rightly carry a
// key (Gemini's ?key=), so it is not refused; keycheck never stores it,
// and quotes no piece of it that shows the key, in any case or encoding.
func TestBaseURLHoldingKeyIsOnlyQuotedSafely(t *testing.T) {
	t.Parallel()
	key := randomKey()
	e := newEnv(t)
	b := e.browser()
	for _, base := range []string{
		"https://generativelanguage.googleapis.com/v1beta?key=" + key,
		"https://" + strings.ToLower(key[3:30]) + ".example.com/v1",
		"https://api.hiapi.ai/" + key,
		"https://api.hiapi.ai/v1/" + base64.URLEncoding.EncodeToString([]byte(key)),
		"https://" + key[3:20] + ":pw@api.hiapi.ai/v1",
		"HIAPI_" + strings.ToUpper(key[3:20]) + "=https://api.hiapi.ai",
		strings.ToUpper(key[3:12]) + "://api.hiapi.ai",
	} {
		in := map[string]any{"key": key, "base_url": base}
		var got apiCheck
		b.postJSON("/api/v1/check", jsonBody(t, in)).wantStatus(http.StatusOK).json(&got)
		created := b.apiCreateRun(in)
		page := b.get("/runs/" + created.ID).wantStatus(http.StatusOK)
		frag := b.htmx("/check", url.Values{"key": {key}, "base_url": {base}}).wantStatus(http.StatusOK)
		for _, body := range []string{jsonBody(t, got), jsonBody(t, created), page.Body, frag.Body} {
			if w := keyShown(body, key); w != "" {
				t.Errorf("base URL %q: %q is shown", base, w)
			}
		}
		if st := created.step(t, checks.StepBaseURL).Status; st == "skip" || st == "pass" {
			t.Errorf("base URL %q: step %s", base, st)
		}
	}
}

// TestUnknownFieldHoldingKeyIsNotEchoed: an unknown field is named back
// when it looks like a misspelt field name; a name made of letters of the
// key looks like one, and is not named, wherever the key stands.
func TestUnknownFieldHoldingKeyIsNotEchoed(t *testing.T) {
	t.Parallel()
	key := "sk-QwErTyUiOpAs1" + randomAlnum(30)
	e := newEnv(t)
	b := e.browser()
	for _, body := range []string{
		`{"key": "` + key + `", "QwErTyUiOpAs": 1}`,
		`{"qwertyuiopas": 1, "key": "` + key + `"}`,
	} {
		for _, path := range []string{"/api/v1/check", "/api/v1/runs"} {
			ae := b.postJSON(path, body).wantStatus(http.StatusBadRequest).apiErr()
			if ae.Error.Code != "unknown_field" || !strings.Contains(ae.Error.Message, "The body has an unknown field") {
				t.Errorf("%s %s: %+v", path, body, ae.Error)
			}
			if w := keyShown(ae.Error.Message, key); w != "" {
				t.Errorf("%s %s: the message echoes %q", path, body, w)
			}
		}
	}
	// A misspelt field is still named.
	if ae := b.postJSON("/api/v1/check", `{"key": "`+key+`", "modle": "x"}`).wantStatus(http.StatusBadRequest).apiErr(); !strings.Contains(ae.Error.Message, `"modle"`) {
		t.Errorf("a misspelt field is not named: %+v", ae.Error)
	}
}
