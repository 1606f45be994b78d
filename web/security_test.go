package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
)

func countRuns(t *testing.T, e *env) int {
	t.Helper()
	n := 0
	f := run.ListFilter{Limit: store.MaxLimit}
	for {
		runs, err := e.DB.ListRuns(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		n += len(runs)
		if len(runs) < store.MaxLimit {
			return n
		}
		last := runs[len(runs)-1]
		f.Before, f.BeforeID = last.Created, last.ID
	}
}

// csrfToken reads the token a page gives a browser without Sec-Fetch-Site.
func csrfToken(t *testing.T, b *browser) string {
	t.Helper()
	d := b.get("/").wantStatus(http.StatusOK).doc()
	meta := d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")
	hidden := d.Find(`#check-form input[name="_csrf"]`).AttrOr("value", "")
	if meta == "" || meta != hidden {
		t.Fatalf("CSRF token: meta %q, form %q", meta, hidden)
	}
	return meta
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.browser()
	id := owner.createRun(url.Values{"key": {cleanKey}})
	runs := countRuns(t, e)

	forms := []struct {
		path string
		form url.Values
	}{
		{"/runs", url.Values{"key": {cleanKey}}},
		{"/runs", url.Values{"key": {cleanKey}, "live": {"1"}}},
		{"/check", url.Values{"key": {cleanKey}}},
		{"/runs/" + id + "/live", url.Values{"key": {cleanKey}}},
		{"/runs/" + id + "/live", nil}, // with the key the session holds
		{"/runs/" + id + "/forget", nil},
		{"/name", url.Values{"name": {"Mallory"}}},
	}
	refused := []struct {
		name     string
		secFetch string
		token    bool
		badToken bool
		// planted is cookie tossing: a page on another port of the same
		// host sets a _csrf cookie and posts the same value.
		planted bool
	}{
		{name: "cross-site", secFetch: "cross-site", token: true},
		{name: "same-site, no token", secFetch: "same-site"},
		{name: "same-site, planted cookie", secFetch: "same-site", planted: true},
		{name: "none, no token", secFetch: "none"},
		{name: "old browser, no token"},
		{name: "old browser, wrong token", badToken: true},
		{name: "old browser, planted cookie", planted: true},
	}
	for _, f := range forms {
		for _, tt := range refused {
			t.Run(tt.name+" "+f.path, func(t *testing.T) {
				// The owner's own browser, whose session holds the key: a
				// forged post rides on the victim's cookie.
				b := owner
				saved := b.secFetch
				b.secFetch = tt.secFetch
				defer func() { b.secFetch = saved }()
				form := url.Values{}
				for k, v := range f.form {
					form[k] = v
				}
				if tt.token || tt.badToken {
					tok := csrfToken(t, b)
					if tt.badToken {
						tok = strings.ToUpper(tok) + "x"
					}
					form.Set("_csrf", tok)
				}
				if tt.planted {
					u, _ := url.Parse(e.URL)
					b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "_csrf", Value: "tossed", Path: "/"}})
					defer b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "_csrf", Path: "/", MaxAge: -1}})
					form.Set("_csrf", "tossed")
				}
				r := b.postForm(f.path, form).wantStatus(http.StatusForbidden)
				if r.doc().Find(`[data-testid="error"]`).Length() != 1 {
					t.Errorf("no error page: %.300s", r.Body)
				}
			})
		}
	}
	if countRuns(t, e) != runs {
		t.Error("a refused request stored a run")
	}
	if e.Provider.probes.Load() != 0 {
		t.Error("a refused request started a live test")
	}
	if got := liveForm(t, owner.get("/runs/"+id).doc()); got != "held" {
		t.Error("a refused forget wiped the key")
	}
	if got := displayName(t, owner.get("/")); got != "" {
		t.Errorf("a refused post renamed the owner to %q", got)
	}

	t.Run("token from the page", func(t *testing.T) {
		b := e.browser()
		b.secFetch = ""
		tok := csrfToken(t, b)
		b.postForm("/runs", url.Values{"key": {cleanKey}, "_csrf": {tok}}).wantStatus(http.StatusSeeOther)
		// htmx sends it as a header.
		r := b.postForm("/check", url.Values{"key": {cleanKey}}, "HX-Request", "true", "X-CSRF-Token", tok).wantStatus(http.StatusOK)
		if r.doc().Find(`[data-testid="steps"]`).Length() == 0 {
			t.Error("htmx check with the header token gave no checklist")
		}
		// The token is bound to the browser's cookie: another browser
		// cannot use it.
		other := e.browser()
		other.secFetch = ""
		other.postForm("/runs", url.Values{"key": {cleanKey}, "_csrf": {tok}}).wantStatus(http.StatusForbidden)
	})

	t.Run("same-origin browser", func(t *testing.T) {
		e.browser().postForm("/runs", url.Values{"key": {cleanKey}}).wantStatus(http.StatusSeeOther)
	})

	t.Run("JSON API from anywhere", func(t *testing.T) {
		// Allowed by design: a page on another site cannot send
		// application/json without a preflight keycheck never grants.
		b := e.browser()
		b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example").wantStatus(http.StatusOK)
		before := countRuns(t, e)
		b.postJSON("/api/v1/runs", `{"key": "`+cleanKey+`"}`, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example").wantStatus(http.StatusCreated)
		if countRuns(t, e) != before+1 {
			t.Error("no run stored")
		}
	})

	t.Run("API with what a cross-site form can send", func(t *testing.T) {
		before := countRuns(t, e)
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
			for _, path := range []string{"/api/v1/check", "/api/v1/runs", "/api/v1/runs/" + id + "/live"} {
				r := e.browser().postJSON(path, `{"key": "`+cleanKey+`"}`, "Content-Type", ct, "Sec-Fetch-Site", "cross-site").wantStatus(http.StatusUnsupportedMediaType)
				if got := r.apiErr().Error.Code; got != "unsupported_media_type" {
					t.Errorf("%s %s: code %q", ct, path, got)
				}
			}
		}
		if countRuns(t, e) != before || e.Provider.probes.Load() != 0 {
			t.Error("a cross-site form reached the API")
		}
	})
}

func assertSecurityHeaders(t *testing.T, what string, h http.Header, static bool) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: CSP %q allows %s", what, csp, bad)
		}
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s %q, want %q", what, name, got, want)
		}
	}
	cc := h.Get("Cache-Control")
	if static {
		if cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q, want immutable under the hashed URL", what, cc)
		}
	} else if cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) { su.cfg.ChecksPerMinute = 1000 })
	b := e.browser()
	home := b.get("/").wantStatus(http.StatusOK)
	css := home.doc().Find(`link[rel="stylesheet"]`).AttrOr("href", "")
	js := home.doc().Find(`script[src$="app.js"]`).AttrOr("src", "")
	if !strings.HasPrefix(css, "/static/") || !strings.HasPrefix(js, "/static/") {
		t.Fatalf("assets at %q and %q, want hashed /static/ URLs", css, js)
	}
	id := b.createRun(url.Values{"key": {cleanKey}})

	cases := []struct {
		name   string
		r      *resp
		status int
		static bool
	}{
		{"page", home, 200, false},
		{"fragment", b.htmx("/check", url.Values{"key": {cleanKey}}), 200, false},
		{"fragment error", b.htmx("/check", url.Values{"key": {strings.Repeat("k", 5000)}}), 400, false},
		{"redirect", b.postForm("/runs", url.Values{"key": {cleanKey}}), 303, false},
		{"run page", b.get("/runs/" + id), 200, false},
		{"step page", b.get("/runs/" + id + "/steps/present"), 200, false},
		{"run list", b.get("/runs"), 200, false},
		{"JSON", b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`), 200, false},
		{"JSON run", b.get("/api/v1/runs/" + id), 200, false},
		{"JSON error", b.postJSON("/api/v1/check", `{`), 400, false},
		{"JSON 404", b.get("/api/v1/runs/AAAAAAAAAAAAAAAAAAAAAA"), 404, false},
		{"404 page", b.get("/nope"), 404, false},
		{"wrong method", b.get("/runs/" + id + "/live"), 405, false},
		{"403", b.postForm("/runs", url.Values{}, "Sec-Fetch-Site", "cross-site"), 403, false},
		{"413", b.postJSON("/api/v1/check", `{"key":"`+strings.Repeat("a", 70<<10)+`"}`), 413, false},
		{"415", b.postJSON("/api/v1/check", `{}`, "Content-Type", "text/plain"), 415, false},
		{"health", b.get("/healthz"), 200, false},
		{"favicon", b.get("/favicon.ico"), 301, false},
		{"static css", b.get(css), 200, true},
		{"static js", b.get(js), 200, true},
		{"static 404", b.get("/static/0123456789ab/nope.css"), 404, false},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.t = t
			tt.r.wantStatus(tt.status)
			assertSecurityHeaders(t, tt.name, tt.r.Header, tt.static)
		})
	}

	// A stale hash (a page from before a deploy) still gets the file, but
	// not cached forever.
	stale := "/static/000000000000/" + strings.SplitN(strings.TrimPrefix(css, "/static/"), "/", 2)[1]
	r := b.get(stale).wantStatus(http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("stale asset: Cache-Control %q", cc)
	}
	if ct := b.get(css).Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("css served as %q", ct)
	}

	// The htmx error fragment is a fragment, retargeted to the checklist.
	frag := b.htmx("/check", url.Values{"key": {strings.Repeat("k", 5000)}}).wantStatus(http.StatusBadRequest)
	if strings.Contains(frag.Body, "<html") || frag.doc().Find(`[data-testid="error"]`).Length() != 1 {
		t.Errorf("htmx error: want a fragment with the error, got %.300s", frag.Body)
	}
	if frag.Header.Get("HX-Retarget") != "#checklist" {
		t.Errorf("HX-Retarget %q", frag.Header.Get("HX-Retarget"))
	}
	if !strings.Contains(frag.Body, "4 KiB") {
		t.Errorf("htmx error does not say why: %.300s", frag.Body)
	}
	// The page configures htmx to swap that fragment in.
	if cfg := home.doc().Find(`meta[name="htmx-config"]`).AttrOr("content", ""); !strings.Contains(cfg, `"[45]..","swap":true`) {
		t.Errorf("htmx-config %q does not swap error answers", cfg)
	}
}

func withLimits(live, checks int) func(*setup) {
	return func(su *setup) {
		su.cfg.LivePerHour = live
		su.cfg.ChecksPerMinute = checks
	}
}

func assertTooMany(t *testing.T, r *resp, mention string) {
	t.Helper()
	r.wantStatus(http.StatusTooManyRequests)
	ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || ra < 1 {
		t.Errorf("Retry-After %q, want whole seconds", r.Header.Get("Retry-After"))
	}
	msg := r.Body
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		e := r.apiErr()
		if e.Error.Code != "rate_limited" {
			t.Errorf("code %q", e.Error.Code)
		}
		if e.Error.RetryAfter != ra {
			t.Errorf("retry_after %d in the body, Retry-After %d", e.Error.RetryAfter, ra)
		}
		msg = e.Error.Message
	}
	if !strings.Contains(msg, mention) {
		t.Errorf("429 message %q does not say %q", msg, mention)
	}
	// How long, in words a person reads: "Try again in 2 min 40 s.", the
	// same wait as Retry-After.
	words := regexp.MustCompile(`Try again in (?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?\.`).FindStringSubmatch(msg)
	if words == nil {
		t.Errorf("429 message %q does not say how long to wait", msg)
		return
	}
	secs := 0
	for i, unit := range []int{3600, 60, 1} {
		if n, err := strconv.Atoi(words[i+1]); err == nil {
			secs += n * unit
		}
	}
	if secs != ra && !(secs > ra && secs-ra < 60 && words[1] != "") {
		t.Errorf("429 message says %q, Retry-After %d s", words[0], ra)
	}
}

func TestLiveRateLimits(t *testing.T) {
	t.Parallel()
	// 4 an hour: a session may burst 1, an address 3.
	e := newEnv(t, withLimits(4, 0))
	a := e.browser()
	a.get("/") // a person with a browser session
	first := a.apiCreateRun(map[string]any{"key": cleanKey, "live": true})

	// The same person again: limited by session, and nothing is stored.
	runs := countRuns(t, e)
	assertTooMany(t, a.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": cleanKey, "live": true})), "You have run many live tests")
	if countRuns(t, e) != runs {
		t.Error("a rate-limited live request stored a run")
	}
	second := a.apiCreateRun(map[string]any{"key": cleanKey})
	assertTooMany(t, a.postJSON("/api/v1/runs/"+second.ID+"/live", jsonBody(t, map[string]string{"key": cleanKey})), "You have run many live tests")

	// The form: the held key's button answers 429 too, with a way back.
	held := a.createRun(url.Values{"key": {cleanKey}})
	r := a.postForm("/runs/"+held+"/live", nil)
	assertTooMany(t, r, "You have run many live tests")
	if back := r.doc().Find(`[data-testid="back"]`).AttrOr("href", ""); back != "/runs/"+held {
		t.Errorf("429 page links back to %q", back)
	}
	if got := liveForm(t, a.get("/runs/"+held).doc()); got != "held" {
		t.Errorf("a rate-limited press lost the held key: %q", got)
	}
	// "Run live test" on the home form: refused before anything is
	// stored, saying how long to wait.
	runs = countRuns(t, e)
	r = a.postForm("/runs", url.Values{"key": {cleanKey}, "live": {"1"}})
	assertTooMany(t, r, "You have run many live tests")
	if msg := r.doc().Find(`[data-testid="error"]`).Text(); !strings.Contains(msg, "Nothing was saved") {
		t.Errorf("the refusal does not say nothing was saved: %q", msg)
	}
	if countRuns(t, e) != runs {
		t.Error("a rate-limited live test from the form stored a run")
	}

	// Two more people at the same address use up its 3; the fourth waits.
	person := func() *browser {
		p := e.browser()
		p.get("/")
		return p
	}
	person().apiCreateRun(map[string]any{"key": cleanKey, "live": true})
	person().apiCreateRun(map[string]any{"key": cleanKey, "live": true})
	assertTooMany(t, person().postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": cleanKey, "live": true})), "from your address")

	a.waitLive(first.ID)
	if n := e.Provider.creates.Load(); n > 3 {
		t.Errorf("%d tasks created under a limit of 3 per address", n)
	}
}

func TestCheckRateLimit(t *testing.T) {
	t.Parallel()
	// 2 a minute: an address may burst 1.
	e := newEnv(t, withLimits(0, 2), trustLoopback)
	b := e.browser()
	b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`).wantStatus(http.StatusOK)
	assertTooMany(t, b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`), "Too many checks")
	assertTooMany(t, b.htmx("/check", url.Values{"key": {cleanKey}}), "Too many checks")
	assertTooMany(t, b.postJSON("/api/v1/runs", `{"key": "`+cleanKey+`"}`), "Too many checks")
	// Another address (through the trusted proxy) has its own allowance.
	b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`, "X-Forwarded-For", "203.0.113.7").wantStatus(http.StatusOK)
}

func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []func(*setup)
		trusted bool
	}{
		{name: "no trusted proxy", trusted: false},
		{name: "proxy elsewhere", opts: []func(*setup){trustElsewhere}, trusted: false},
		{name: "proxy on loopback", opts: []func(*setup){trustLoopback}, trusted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, append(tt.opts, withLimits(0, 2))...)
			b := e.browser()
			body := `{"key": "` + cleanKey + `"}`
			b.postJSON("/api/v1/check", body, "X-Forwarded-For", "198.51.100.1").wantStatus(http.StatusOK)
			second := b.postJSON("/api/v1/check", body, "X-Forwarded-For", "198.51.100.2")
			if tt.trusted {
				second.wantStatus(http.StatusOK) // a different client behind the proxy
			} else {
				second.wantStatus(http.StatusTooManyRequests) // the header is a lie anyone can tell
			}
			logged := strings.Contains(e.Logs.String(), `"ip":"198.51.100.1"`)
			if logged != tt.trusted {
				t.Errorf("forwarded address in the log: %v, want %v", logged, tt.trusted)
			}

			// --user-header: only a trusted proxy may say who this is.
			e = newEnv(t, append(tt.opts, func(su *setup) { su.cfg.UserHeader = "X-Forwarded-User" })...)
			u := e.browser()
			u.header.Set("X-Forwarded-User", "alice@example.com")
			u.header.Set("X-Forwarded-For", "198.51.100.9")
			u.postForm("/name", url.Values{"name": {"Mallory"}}).wantStatus(http.StatusSeeOther)
			id := u.createRun(url.Values{"key": {cleanKey}})
			d := u.get("/runs/" + id).wantStatus(http.StatusOK).doc()
			by := d.Find(`[data-testid="by"]`).Text()
			who := d.Find(`[data-testid="who"]`).Text()
			apiBy := u.apiRun(id).By
			if tt.trusted {
				if by != "alice@example.com" || apiBy != "alice@example.com" || !strings.Contains(who, "alice@example.com") {
					t.Errorf("trusted user header: by %q, API by %q, who %q", by, apiBy, who)
				}
				if d.Find("#display-name").Length() != 0 {
					t.Error("a signed-in user can still type a name")
				}
			} else {
				if by != "Mallory" || apiBy != "Mallory" || who != "" {
					t.Errorf("spoofed user header counted: by %q, API by %q, who %q", by, apiBy, who)
				}
			}
		})
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := e.Server.HTTPServer("127.0.0.1:0")
	if srv.Handler == nil {
		t.Fatal("no handler")
	}
	if srv.ReadHeaderTimeout <= 0 || srv.ReadHeaderTimeout > 30*time.Second {
		t.Errorf("ReadHeaderTimeout %v: want a few seconds (slowloris)", srv.ReadHeaderTimeout)
	}
	if srv.ReadTimeout <= 0 || srv.ReadTimeout > 5*time.Minute {
		t.Errorf("ReadTimeout %v", srv.ReadTimeout)
	}
	if srv.IdleTimeout <= 0 || srv.IdleTimeout > 10*time.Minute {
		t.Errorf("IdleTimeout %v", srv.IdleTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes %d", srv.MaxHeaderBytes)
	}
	if srv.ErrorLog == nil {
		t.Error("no ErrorLog: net/http would write to stderr, around slog")
	}

	// A real slow client, one header byte at a time, is cut off.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	closed := make(chan []byte, 1)
	go func() {
		got, _ := io.ReadAll(conn) // until the server hangs up
		closed <- got
	}()
	deadline := time.After(srv.ReadHeaderTimeout + 30*time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case got := <-closed:
			// net/http hangs up, or says 400 and hangs up: either way no
			// handler ran and the connection is gone.
			if len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 4") {
				t.Errorf("the server answered a request whose headers never ended: %q", got)
			}
			return
		case <-tick.C:
			_, _ = conn.Write([]byte("X"))
		case <-deadline:
			t.Fatal("a slow-header client kept its connection")
		}
	}
}

func TestNoServerSideRequestForgery(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var dialled atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			dialled.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	canary := "http://" + ln.Addr().String()

	e := newEnv(t)
	b := e.browser()
	inputs := url.Values{
		"key":      {cleanKey},
		"base_url": {canary + "/v1"},
		"header":   {`curl -H "Authorization: Bearer ` + cleanKey + `" ` + canary + `/v1/tasks`},
		"env_file": {"HIAPI_API_KEY=" + cleanKey + "\nHIAPI_BASE_URL=" + canary + "\n"},
	}
	b.htmx("/check", inputs).wantStatus(http.StatusOK)
	b.postJSON("/api/v1/check", jsonBody(t, map[string]string{"key": cleanKey, "base_url": canary, "header": inputs.Get("header"), "env_file": inputs.Get("env_file")})).wantStatus(http.StatusOK)
	form := url.Values{"live": {"1"}}
	for k, v := range inputs {
		form[k] = v
	}
	id := b.createRun(form)
	b.waitLive(id)
	api := b.apiCreateRun(map[string]any{"key": cleanKey, "base_url": canary, "live": true})
	b.waitLive(api.ID)
	b.get("/runs/" + id).wantStatus(http.StatusOK)
	b.get("/runs/" + id + "/steps/base_url").wantStatus(http.StatusOK)

	if e.Provider.probes.Load() != 2 {
		t.Errorf("%d probes, want the live test to call the provider twice", e.Provider.probes.Load())
	}
	// Give a stray dial every chance to land before counting.
	time.Sleep(100 * time.Millisecond)
	if n := dialled.Load(); n != 0 {
		t.Fatalf("keycheck dialled the base URL a person typed %d times", n)
	}
}

// TestAPIScriptsGetNoSession: curl calling the API gets no cookie to throw
// away, and scripts at one address share one live-test allowance.
func TestAPIScriptsGetNoSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withLimits(4, 0))
	script := e.browser()
	r := script.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": cleanKey, "live": true}))
	r.wantStatus(http.StatusCreated)
	for _, c := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "keycheck=") {
			t.Errorf("a script's API call got a session cookie: %s", c)
		}
	}
	other := e.browser()
	assertTooMany(t, other.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": cleanKey, "live": true})), "You have run many live tests")
}

// TestChunkedBodyOverLimit: a form body of unknown length over 64 KiB
// answers 413 even from a browser without Sec-Fetch-Site, whose CSRF check
// reads the form first.
func TestChunkedBodyOverLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := io.MultiReader(strings.NewReader("key="), strings.NewReader(strings.Repeat("a", 70<<10)))
	req, err := http.NewRequest(http.MethodPost, e.HTTP.URL+"/runs", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1 // sent chunked
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 70 KiB form: %d, want 413", resp.StatusCode)
	}
}
