package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The attacks of issue 12 in a real Chromium: a page on another port of
// keycheck's host (same-site to the browser, as a sibling subdomain is)
// that plants a _csrf cookie and posts forms with the victim's cookies,
// and a name form sent back to a path that leaves the site.

// TestBrowserSameSiteCSRF: the victim saves a run, so keycheck holds their
// key for the live test, then visits the attacker's page on 127.0.0.1 at
// another port. It sets _csrf by document.cookie (cookies ignore ports) and
// submits four forms to keycheck with the same value as the token: rename
// the victim, create a run as them, start a live test with their held key
// on their run (its id read from the team's run list), forget their key.
// Chromium sends each with Sec-Fetch-Site: same-site, the victim's session
// cookie and the planted one. keycheck refuses all four, and the victim
// notices nothing.
func TestBrowserSameSiteCSRF(t *testing.T) {
	env := startEnv(t, "", func(c *serveConfig) { c.RunsList = true })
	ctx := newBrowser(t)
	sent := watchRequests(t, ctx)

	within(t, ctx, 15*time.Second, "the victim saves a run with their key",
		chromedp.Navigate(env.URL+"/"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), goodKey),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="pass"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="save-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	runPath := eval[string](t, ctx, `location.pathname`)
	assertKeyHeld(t, ctx, env.URL+runPath)

	// The attacker reads the run's id from the team's list, with a client
	// of their own.
	ids := listedRuns(t, env)
	if len(ids) != 1 || "/runs/"+ids[0] != runPath {
		t.Fatalf("the run list holds %v, want only the victim's run %s", ids, runPath)
	}
	if n := len(env.Fake.Requests()); n != 0 {
		t.Fatalf("HiAPI saw %d requests before the attack, want none", n)
	}

	const planted = "planted-by-a-sibling-port"
	attacks := []struct {
		name, path, route string
		form              map[string]string
	}{
		{"rename the victim", "/name", "/name", map[string]string{"name": "Mallory", "back": "/"}},
		{"create a run as the victim", "/runs", "/runs", map[string]string{"key": "sk-fake-good-MALLORY" + randomAlnum(20)}},
		{"start a live test with the held key", runPath + "/live", "/runs/:id/live", nil},
		{"forget the victim's key", runPath + "/forget", "/runs/:id/forget", nil},
	}
	pages := http.NewServeMux()
	for i, a := range attacks {
		pages.HandleFunc(fmt.Sprintf("/attack/%d", i), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, attackPage(env.URL+a.path, planted, a.form))
		})
	}
	// The page asks here until its cookie comes back, so it posts only
	// once the browser's cookie store has it.
	pages.HandleFunc("/planted", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("_csrf"); err == nil && c.Value == planted {
			fmt.Fprint(w, "yes")
		}
	})
	attacker := httptest.NewServer(pages)
	t.Cleanup(attacker.Close)
	if !strings.HasPrefix(attacker.URL, "http://127.0.0.1:") || attacker.URL == env.URL {
		t.Fatalf("the attacker is at %s, want another port of keycheck's host %s", attacker.URL, env.URL)
	}

	for i, a := range attacks {
		before := postsLogged(env, a.route)
		page := fmt.Sprintf("%s/attack/%d", attacker.URL, i)
		within(t, ctx, 15*time.Second, "open the attacker's page: "+a.name, chromedp.Navigate(page))
		status := waitPostLogged(t, env, a.route, len(before))
		landed := waitCommittedAway(t, ctx, page)
		if !strings.HasPrefix(landed, env.URL+"/") {
			t.Fatalf("%s: the tab went to %s, want keycheck's answer", a.name, landed)
		}
		req := sent.post(env.URL + a.path)
		if req == nil {
			t.Fatalf("%s: Chromium sent no POST to %s", a.name, a.path)
		}
		if req.secFetchSite != "same-site" {
			t.Errorf("%s: Sec-Fetch-Site %q, want same-site (the attack this test is about)", a.name, req.secFetchSite)
		}
		for _, want := range []string{"keycheck", "_csrf"} {
			if !req.sentCookie(want) {
				t.Errorf("%s: the post went without the %s cookie (sent %v): the attack is not the one this test is about", a.name, want, req.cookies)
			}
		}
		if status != "403" {
			t.Errorf("%s: keycheck answered %s, want 403", a.name, status)
		}
	}

	// What the victim would notice: nothing.
	within(t, ctx, 15*time.Second, "the victim opens keycheck again",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="recent"] a`)),
	)
	if name := eval[string](t, ctx, `document.getElementById('display-name').value`); name != "" {
		t.Errorf("the victim's name is now %q", name)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid="recent"] li').length`); n != 1 {
		t.Errorf("the victim's recent checks list %d runs, want their one", n)
	}
	if ids := listedRuns(t, env); len(ids) != 1 {
		t.Errorf("the team's list holds %d runs after the attack, want 1: %v", len(ids), ids)
	}
	assertKeyHeld(t, ctx, env.URL+runPath)
	screenshot(t, ctx, "13-run-after-csrf-attack")
	if reqs := env.Fake.Requests(); len(reqs) != 0 {
		t.Errorf("HiAPI saw %d requests: the attacker started a live test", len(reqs))
	}

	// The planted cookie is still in the victim's browser, and their own
	// forms work.
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{env.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(cookies.Cookies, func(c *network.Cookie) bool { return c.Name == "_csrf" && c.Value == planted }) {
		t.Errorf("the planted cookie is gone; the browser holds %d cookies for keycheck", len(cookies.Cookies))
	}
	within(t, ctx, 15*time.Second, "the victim renames themselves",
		chromedp.Navigate(env.URL+"/"),
		chromedp.SetValue(chromedp.CSS(`#display-name`), "Victoria"),
		chromedp.Click(chromedp.CSS(`form.who button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
	)
	if name := eval[string](t, ctx, `document.getElementById('display-name').value`); name != "Victoria" {
		t.Errorf("the victim's own rename left the name %q", name)
	}
}

// attackPage is the attacker's page: it plants the _csrf cookie for the
// whole host, waits until its own server sees it, then submits one form to
// keycheck carrying the same value.
func attackPage(action, token string, form map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><title>Free stickers</title><form id="f" method="post" action="%s">`, html.EscapeString(action))
	fmt.Fprintf(&b, `<input type="hidden" name="_csrf" value="%s">`, html.EscapeString(token))
	for k, v := range form {
		fmt.Fprintf(&b, `<input type="hidden" name="%s" value="%s">`, html.EscapeString(k), html.EscapeString(v))
	}
	fmt.Fprintf(&b, `</form><script>document.cookie = "_csrf=%s; path=/"; `+
		`addEventListener("load", async () => { `+
		`while (await (await fetch("/planted")).text() !== "yes") await new Promise(r => setTimeout(r, 20)); `+
		`document.getElementById("f").submit(); });</script>`, token)
	return b.String()
}

// assertKeyHeld fails unless the run's page offers the live test with the
// key keycheck holds for this session (a button), not a field to paste it.
func assertKeyHeld(t *testing.T, ctx context.Context, runURL string) {
	t.Helper()
	within(t, ctx, 15*time.Second, "open the run",
		chromedp.Navigate(runURL),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live"]`)),
	)
	held := eval[bool](t, ctx, `!!document.querySelector('[data-testid="forget-button"]') && !document.querySelector('[data-testid="live-key"]')`)
	if !held {
		t.Errorf("the run page no longer offers to run with the held key: %s", clip(text(t, ctx, `[data-testid="live"]`), 400))
	}
}

// listedRuns are the ids of the team's runs, as anyone reads them.
func listedRuns(t *testing.T, env *testEnv) []string {
	t.Helper()
	status, body := get(t, http.DefaultClient, env.URL+"/api/v1/runs")
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/runs: %d %s", status, clip(body, 300))
	}
	var list struct {
		Runs []struct {
			ID string `json:"id"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range list.Runs {
		ids = append(ids, r.ID)
	}
	return ids
}

var loggedStatus = regexp.MustCompile(`\bstatus=(\d+)`)

// postsLogged are the statuses keycheck logged for POSTs to route.
func postsLogged(env *testEnv, route string) []string {
	var out []string
	for _, line := range strings.Split(env.logs.String(), "\n") {
		if strings.Contains(line, "msg=request ") && strings.Contains(line, " method=POST ") && strings.Contains(line, " route="+route+" ") {
			if m := loggedStatus.FindStringSubmatch(line); m != nil {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// waitPostLogged waits until keycheck has answered one more POST to route
// than before, and returns the status it answered.
func waitPostLogged(t *testing.T, env *testEnv, route string, before int) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if got := postsLogged(env, route); len(got) > before {
			return got[len(got)-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("keycheck logged no POST to %s within 20 s", route)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitCommittedAway waits until the tab has committed a page other than
// from, and returns its URL.
func waitCommittedAway(t *testing.T, ctx context.Context, from string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if u := committedURL(ctx); u != "" && u != from {
			return u
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tab is still on %s after 20 s", from)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// committedURL is the URL of the page the tab shows ("" if it cannot
// say): for a page that failed to load, the URL it tried.
func committedURL(ctx context.Context) string {
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil || int(h.CurrentIndex) >= len(h.Entries) {
		return ""
	}
	return h.Entries[h.CurrentIndex].URL
}

// sentRequests records, from the tab's network events, what Chromium put
// on the wire for each request: method, URL, Sec-Fetch-Site and the
// cookies sent.
type sentRequests struct {
	mu   sync.Mutex
	byID map[network.RequestID]*sentRequest
	n    int
	// began lists every URL requested, redirects followed included, in
	// order.
	began []string
}

type sentRequest struct {
	// seq orders the requests as Chromium began them.
	seq          int
	method, url  string
	secFetchSite string
	cookies      []string
	// extra is set by the first ExtraInfo event: a redirect reuses the
	// request id for the next request, whose headers must not overwrite
	// the post's.
	extra bool
}

func (r *sentRequest) sentCookie(name string) bool {
	for _, c := range r.cookies {
		if c == name {
			return true
		}
	}
	return false
}

func watchRequests(t *testing.T, ctx context.Context) *sentRequests {
	t.Helper()
	s := &sentRequests{byID: map[network.RequestID]*sentRequest{}}
	err := chromedp.Listen(ctx, func(ev any) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			s.began = append(s.began, ev.Request.URL)
			r := s.get(ev.RequestID)
			if r.method == "" {
				r.method, r.url = ev.Request.Method, ev.Request.URL
			}
		case *network.EventRequestWillBeSentExtraInfo:
			r := s.get(ev.RequestID)
			if r.extra {
				return
			}
			r.extra = true
			for k, v := range ev.Headers {
				if strings.EqualFold(k, "Sec-Fetch-Site") {
					r.secFetchSite, _ = v.(string)
				}
			}
			for _, c := range ev.AssociatedCookies {
				if len(c.BlockedReasons) == 0 && c.Cookie != nil {
					r.cookies = append(r.cookies, c.Cookie.Name)
				}
			}
		}
	})
	if err != nil {
		t.Fatalf("watching the network: %v", err)
	}
	return s
}

func (s *sentRequests) get(id network.RequestID) *sentRequest {
	r := s.byID[id]
	if r == nil {
		s.n++
		r = &sentRequest{seq: s.n}
		s.byID[id] = r
	}
	return r
}

// offSite is the first URL requested anywhere but origin.
func (s *sentRequests) offSite(origin string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.began {
		if !strings.HasPrefix(u, origin+"/") {
			return u
		}
	}
	return ""
}

// post is the last POST sent to url, once its headers are known.
func (s *sentRequests) post(url string) *sentRequest {
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		var found *sentRequest
		for _, r := range s.byID {
			if r.method == http.MethodPost && r.url == url && r.extra && (found == nil || r.seq > found.seq) {
				c := *r
				found = &c
			}
		}
		s.mu.Unlock()
		if found != nil || time.Now().After(deadline) {
			return found
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrowserNameFormStaysOnSite: the name form posted with a "back" that
// a browser would read as another host (a tab or newline it drops, a
// backslash it reads as a slash) lands on keycheck's home page, never
// elsewhere. The other host is a server of the test's own on another
// port, so a browser that follows the redirect reaches it at once.
func TestBrowserNameFormStaysOnSite(t *testing.T) {
	env := startEnv(t, "")
	var visits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		visits.Add(1)
		fmt.Fprint(w, "<!doctype html><title>evil</title>you left keycheck")
	}))
	t.Cleanup(evil.Close)
	host := strings.TrimPrefix(evil.URL, "http://")
	ctx := newBrowser(t)
	sent := watchRequests(t, ctx)
	for _, back := range []string{
		"/\t/" + host + "/x",
		"/\n/" + host + "/x",
		"/\r\n/" + host + "/x",
		"/\\" + host + "/x",
		"//" + host + "/x",
		"/%09/" + host + "/x",
		"/\u3000/" + host + "/x",
		"http://" + host + "/x",
		"javascript:alert(1)",
		"/\t/evil.example/x",
	} {
		// A URL of its own for each try, to see the tab leave it.
		from := env.URL + "/?try=" + randomAlnum(8)
		within(t, ctx, 15*time.Second, fmt.Sprintf("post the name form with back %q", back),
			chromedp.Navigate(from),
			chromedp.WaitVisible(chromedp.CSS(`#display-name`)),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('form.who input[name="back"]').value = %s`, jsString(back))),
			chromedp.SetValue(chromedp.CSS(`#display-name`), "Ada"),
			chromedp.Click(chromedp.CSS(`form.who button`)),
		)
		// Wait for the answer to show, or for the browser to head for
		// another host. keycheck's Content-Security-Policy (form-action
		// 'self') covers the redirect that answers a form, so Chromium
		// stops there with a violation instead of leaving: a page without
		// that policy (an attacker's, posting the same form) would not.
		deadline := time.Now().Add(20 * time.Second)
		landed := ""
		for landed == "" || landed == from {
			if u := sent.offSite(env.URL); u != "" {
				t.Fatalf("back %q: the browser left keycheck for %s", back, u)
			}
			if v, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || []`)); len(v) > 0 {
				t.Fatalf("back %q: the answer pointed off the site, which only the page's policy stopped: %v", back, v)
			}
			if time.Now().After(deadline) {
				t.Fatalf("back %q: the tab is still on %s after 20 s", back, from)
			}
			time.Sleep(50 * time.Millisecond)
			landed = committedURL(ctx)
		}
		if landed != env.URL+"/" {
			t.Errorf("back %q: the form landed on %s, want keycheck's home %s/", back, landed, env.URL)
			continue
		}
		within(t, ctx, 10*time.Second, "the home page says the name was kept",
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
		)
	}
	if n := visits.Load(); n != 0 {
		t.Errorf("the other host had %d visits", n)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
