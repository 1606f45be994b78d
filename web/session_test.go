package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func withSessionKeys(keys ...[]byte) func(*setup) {
	return func(su *setup) { su.cfg.SessionKeys = keys }
}

func displayName(t *testing.T, r *resp) string {
	t.Helper()
	return r.wantStatus(http.StatusOK).doc().Find("#display-name").AttrOr("value", "")
}

func TestBadSessionCookieStartsANewSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := e.browser().postForm("/name", url.Values{"name": {"Grace"}}).wantStatus(http.StatusSeeOther).Cookie("keycheck")
	if good == nil {
		t.Fatal("no session cookie")
	}
	mid := len(good.Value) / 2
	flip := byte('A')
	if good.Value[mid] == 'A' {
		flip = 'B'
	}
	tampered := good.Value[:mid] + string(flip) + good.Value[mid+1:]

	for name, value := range map[string]string{
		"tampered":      tampered,
		"truncated":     good.Value[:mid],
		"garbage":       "garbage!!",
		"empty":         "",
		"long garbage":  strings.Repeat("A", 3800),
		"base64 of gob": "MTcwMDAwMDAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQUJQLUNBQUVHYzNSeWFXNW5EQVVBQTNOcFpBWnpkSEpwYm1jTUJ3QUZaWFpwYkVGQnwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	} {
		t.Run(name, func(t *testing.T) {
			r := e.browser().get("/", "Cookie", "keycheck="+value)
			if got := displayName(t, r); got != "" {
				t.Errorf("display name %q from a bad cookie", got)
			}
			fresh := r.Cookie("keycheck")
			if fresh == nil || fresh.Value == "" || fresh.Value == value {
				t.Error("no fresh session cookie")
			}
			// The fresh session works.
			b := e.browser()
			b.postForm("/name", url.Values{"name": {"Linus"}}, "Cookie", "keycheck="+value).wantStatus(http.StatusSeeOther)
			if got := displayName(t, b.get("/")); got != "Linus" {
				t.Errorf("the new session did not keep the name: %q", got)
			}
		})
	}
	if strings.Contains(e.Logs.String(), `"level":"ERROR"`) {
		t.Errorf("a bad cookie logged an error:\n%s", e.Logs.String())
	}
}

func TestSessionKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := testSessionKey(), testSessionKey()
	before := newEnv(t, withSessionKeys(oldKey))
	during := newEnv(t, withSessionKeys(newKey, oldKey))
	after := newEnv(t, withSessionKeys(newKey))

	cookie := before.browser().postForm("/name", url.Values{"name": {"Grace"}}).wantStatus(http.StatusSeeOther).Cookie("keycheck")
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	old := "keycheck=" + cookie.Value

	// A server that signs with the new key still reads the old cookie.
	if got := displayName(t, during.browser().get("/", "Cookie", old)); got != "Grace" {
		t.Errorf("[new, old] read display name %q from an old cookie, want Grace", got)
	}
	// A server that dropped the old key starts a fresh session, quietly.
	r := after.browser().get("/", "Cookie", old)
	if got := displayName(t, r); got != "" {
		t.Errorf("[new] read display name %q from a cookie of a retired key", got)
	}
	if r.Cookie("keycheck") == nil {
		t.Error("no fresh session for a cookie of a retired key")
	}
	// What the rotating server writes, it writes with the new key.
	rewritten := during.browser().postForm("/name", url.Values{"name": {"Grace Hopper"}}, "Cookie", old).wantStatus(http.StatusSeeOther).Cookie("keycheck")
	if rewritten == nil {
		t.Fatal("no cookie after a change")
	}
	if got := displayName(t, after.browser().get("/", "Cookie", "keycheck="+rewritten.Value)); got != "Grace Hopper" {
		t.Errorf("[new] read %q from a cookie the rotating server wrote", got)
	}
	if got := displayName(t, before.browser().get("/", "Cookie", "keycheck="+rewritten.Value)); got != "" {
		t.Errorf("the old server read %q from a cookie signed with the new key", got)
	}
}

func TestCookieAttributes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []func(*setup)
		header []string
		secure bool
	}{
		{name: "plain http", secure: false},
		{name: "https", opts: []func(*setup){func(su *setup) { su.tls = true }}, secure: true},
		{name: "https at a trusted proxy", opts: []func(*setup){trustLoopback}, header: []string{"X-Forwarded-Proto", "https"}, secure: true},
		{name: "X-Forwarded-Proto from anyone else", opts: []func(*setup){trustElsewhere}, header: []string{"X-Forwarded-Proto", "https"}, secure: false},
		{name: "X-Forwarded-Proto with no trusted proxy", header: []string{"X-Forwarded-Proto", "https"}, secure: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.opts...)
			r := e.browser().get("/", tt.header...).wantStatus(http.StatusOK)
			if r.Cookie("_csrf") != nil {
				t.Error("a _csrf cookie: the CSRF token is the session's, in the page")
			}
			for _, name := range []string{"keycheck"} {
				c := r.Cookie(name)
				if c == nil {
					t.Fatalf("no %s cookie", name)
				}
				if !c.HttpOnly {
					t.Errorf("%s is not HttpOnly", name)
				}
				if c.SameSite != http.SameSiteLaxMode {
					t.Errorf("%s SameSite %v, want Lax", name, c.SameSite)
				}
				if c.Secure != tt.secure {
					t.Errorf("%s Secure %v, want %v", name, c.Secure, tt.secure)
				}
				if c.Path != "/" {
					t.Errorf("%s Path %q", name, c.Path)
				}
			}
			if hsts := r.Header.Get("Strict-Transport-Security"); (hsts != "") != tt.secure {
				t.Errorf("Strict-Transport-Security %q over https=%v", hsts, tt.secure)
			}
		})
	}
}

// TestNameThatIsAKeyIsNotKept: a key pasted into the name field would be
// shown on every run to the whole team and kept in the session cookie. It
// is refused, the name before it stays, and the person is told why.
func TestNameThatIsAKeyIsNotKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.postForm("/name", url.Values{"name": {"Grace"}}).wantStatus(http.StatusSeeOther)
	const key = "sk-proj-Zq8Rt2Lm9Xc4Vb7Nn1Kp3Ws6Yd0Gh5Jf8Ta2Eu4Io6"
	for _, name := range []string{key, "Grace " + key, "sk-Zz9Qq8Ww7Ee6Rr5Tt4Yy3Uu2Ii1Oo0"} {
		r := b.postForm("/name", url.Values{"name": {name}})
		r.wantStatus(http.StatusSeeOther)
		if c := r.Cookie("keycheck"); c != nil && strings.Contains(c.Value, key[8:20]) {
			t.Fatalf("the cookie carries the key in clear")
		}
		page := b.get("/")
		if got := displayName(t, page); got != "Grace" {
			t.Errorf("after the name %q, the name is %q; want the old one kept", name, got)
		}
		if !strings.Contains(page.doc().Find(`[role="alert"], .flash`).Text(), "looks like an API key") {
			t.Errorf("after the name %q, no message says why it was not kept", name)
		}
	}
	// Ordinary long names are names.
	b.postForm("/name", url.Values{"name": {"Ana Lopez, Data Platform Team 2024"}}).wantStatus(http.StatusSeeOther)
	if got := displayName(t, b.get("/")); got != "Ana Lopez, Data Platform Team 2024" {
		t.Errorf("a long ordinary name became %q", got)
	}
}
