package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestCSRFTokenIsTheSessions: every value of Sec-Fetch-Site against every
// kind of token, sent in the form and in the header. same-origin passes and
// cross-site is refused whatever the token; everything else (a page on
// another port or a sibling subdomain says same-site) passes only with the
// token of the session the cookie names. A token planted as a _csrf cookie,
// the double-submit that Echo's middleware fell back to, proves nothing.
func TestCSRFTokenIsTheSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	otherSessions := csrfToken(t, e.browser())

	sites := []struct {
		name, value string
		// always: same-origin passes with any token; never: cross-site
		// is refused with any; otherwise the token decides.
		always, never bool
	}{
		{name: "same-origin", value: "same-origin", always: true},
		{name: "same-site", value: "same-site"},
		{name: "none", value: "none"},
		{name: "no header", value: ""},
		{name: "unknown value", value: "same-ish"},
		{name: "cross-site", value: "cross-site", never: true},
	}
	tokens := []struct {
		name string
		// token makes what the request sends from the session's own.
		token func(own string) string
		// planted also sets the token as a _csrf cookie for the host, as
		// a page on another port can with document.cookie.
		planted bool
		right   bool
	}{
		{name: "right", token: func(own string) string { return own }, right: true},
		{name: "wrong", token: func(own string) string { return flipLast(own) }},
		{name: "missing", token: func(string) string { return "" }},
		{name: "other session's", token: func(string) string { return otherSessions }},
		{name: "planted cookie", token: func(string) string { return "planted-by-a-sibling-site" }, planted: true},
	}
	n := 0
	for _, site := range sites {
		for _, tok := range tokens {
			for _, via := range []string{"form", "header"} {
				n++
				name := "Mallory " + strconv.Itoa(n)
				t.Run(site.name+"/"+tok.name+"/"+via, func(t *testing.T) {
					t.Parallel()
					b := e.browser()
					sent := tok.token(csrfToken(t, b))
					if tok.planted {
						u, _ := url.Parse(e.URL)
						b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "_csrf", Value: sent, Path: "/"}})
					}
					b.secFetch = site.value
					form := url.Values{"name": {name}, "back": {"/runs"}}
					var hdr []string
					switch {
					case sent == "":
					case via == "form":
						form.Set("_csrf", sent)
					default:
						hdr = []string{"X-CSRF-Token", sent}
					}
					pass := site.always || (!site.never && tok.right)
					r := b.postForm("/name", form, hdr...)
					if pass {
						r.wantStatus(http.StatusSeeOther)
						if got := displayName(t, b.get("/")); got != name {
							t.Errorf("name after an allowed post: %q, want %q", got, name)
						}
						return
					}
					r.wantStatus(http.StatusForbidden)
					if r.doc().Find(`[data-testid="error"]`).Length() != 1 {
						t.Errorf("no error page: %.300s", r.Body)
					}
					if got := displayName(t, b.get("/")); got != "" {
						t.Errorf("a refused post renamed the session to %q", got)
					}
				})
			}
		}
	}
}

// flipLast changes the last character of a token.
func flipLast(s string) string {
	last := byte('A')
	if strings.HasSuffix(s, "A") {
		last = 'B'
	}
	return s[:len(s)-1] + string(last)
}

// TestCSRFTokenPerSession: each session gets its own token, the page
// renders the same one in the meta tag (for htmx) and every form, and a
// person's token stays the same from page to page.
func TestCSRFTokenPerSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := e.browser(), e.browser()
	ta, tb := csrfToken(t, a), csrfToken(t, b)
	if ta == tb {
		t.Fatal("two sessions share a CSRF token")
	}
	if again := csrfToken(t, a); again != ta {
		t.Errorf("the token changed between two pages of one session: %q, then %q", ta, again)
	}
	id := a.createRun(url.Values{"key": {cleanKey}})
	d := a.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := d.Find(`meta[name="csrf-token"]`).AttrOr("content", ""); got != ta {
		t.Errorf("the run page's meta token is %q, want the session's %q", got, ta)
	}
	fields := d.Find(`form[method="post"] input[name="_csrf"]`)
	if fields.Length() < 2 {
		t.Fatalf("the run page has %d forms with a token, want the name form and the live form", fields.Length())
	}
	fields.Each(func(_ int, f *goquery.Selection) {
		if got := f.AttrOr("value", ""); got != ta {
			t.Errorf("a form of the run page carries %q, want the session's %q", got, ta)
		}
	})
}

// TestNoCSRFCookie: the token lives in the page, bound to the session; no
// response sets a _csrf cookie, not a page, a post, a static file, an
// error.
func TestNoCSRFCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	home := b.get("/").wantStatus(http.StatusOK)
	css := home.doc().Find(`link[rel="stylesheet"]`).AttrOr("href", "")
	if css == "" {
		t.Fatal("no stylesheet link")
	}
	old := e.browser()
	old.secFetch = ""
	for what, r := range map[string]*resp{
		"page":         home,
		"static file":  b.get(css).wantStatus(http.StatusOK),
		"post":         b.postForm("/name", url.Values{"name": {"Ada"}}).wantStatus(http.StatusSeeOther),
		"refused post": old.postForm("/name", url.Values{"name": {"Ada"}}).wantStatus(http.StatusForbidden),
		"not found":    b.get("/nowhere").wantStatus(http.StatusNotFound),
	} {
		for _, c := range r.Cookies() {
			if c.Name != "keycheck" {
				t.Errorf("%s sets a cookie %q", what, c.Name)
			}
		}
		if what == "static file" && r.Header.Get("Set-Cookie") != "" {
			t.Errorf("a static file sets a cookie: %q", r.Header.Get("Set-Cookie"))
		}
	}
}

// TestCSRFTokenAcrossKeyRotation: a page loaded before the session secrets
// rotated still posts while the old secret verifies, and not after it is
// retired.
func TestCSRFTokenAcrossKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := testSessionKey(), testSessionKey()
	before := newEnv(t, withSessionKeys(oldKey))
	during := newEnv(t, withSessionKeys(newKey, oldKey))
	after := newEnv(t, withSessionKeys(newKey))

	b := before.browser()
	token := csrfToken(t, b)
	cookie := ""
	u, _ := url.Parse(before.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "keycheck" {
			cookie = "keycheck=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatal("no session cookie after a page")
	}
	post := func(e *env, token string) *resp {
		sibling := e.browser()
		sibling.secFetch = "same-site"
		return sibling.postForm("/name", url.Values{"name": {"Grace"}, "_csrf": {token}}, "Cookie", cookie)
	}
	post(during, token).wantStatus(http.StatusSeeOther)
	// A page the rotating server renders is signed with the new secret,
	// and holds too.
	fresh := during.browser()
	d := fresh.get("/", "Cookie", cookie).wantStatus(http.StatusOK).doc()
	signed := d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")
	if signed == "" || signed == token {
		t.Errorf("the rotating server renders %q for a token first signed as %q: want a new signature", signed, token)
	}
	post(during, signed).wantStatus(http.StatusSeeOther)
	post(after, signed).wantStatus(http.StatusForbidden) // the old cookie no longer decodes
	post(after, token).wantStatus(http.StatusForbidden)
}
