package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
)

func TestHomeShowsIdleChecklist(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.browser().get("/").wantStatus(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type %q, want HTML", ct)
	}
	d := r.doc()

	key := d.Find(`[data-testid="key"]`)
	if key.Length() != 1 || goquery.NodeName(key) != "textarea" {
		t.Fatalf("want one key textarea (an input would drop a pasted newline), found %d %q", key.Length(), goquery.NodeName(key))
	}
	if name, _ := key.Attr("name"); name != "key" {
		t.Errorf("key field is named %q, want key", name)
	}
	if form := d.Find("form#check-form"); form.AttrOr("method", "") != "post" || form.AttrOr("hx-post", "") != "/check" {
		t.Errorf("check form: method %q hx-post %q, want post and /check (the key never goes in a URL)",
			form.AttrOr("method", ""), form.AttrOr("hx-post", ""))
	}

	items := d.Find(`[data-testid="steps"] > li`)
	cat := checks.Catalogue()
	if items.Length() != len(cat) || len(cat) != 11 {
		t.Fatalf("%d step items, catalogue has %d; want 11", items.Length(), len(cat))
	}
	items.Each(func(i int, s *goquery.Selection) {
		want := "step-" + string(cat[i].ID)
		if got := s.AttrOr("data-testid", ""); got != want {
			t.Errorf("item %d is %q, want %q (catalogue order)", i, got, want)
		}
		if st := s.AttrOr("data-status", ""); st != "pending" {
			t.Errorf("%s: data-status %q before anything was typed, want pending", want, st)
		}
		if !strings.Contains(s.Text(), cat[i].Title) {
			t.Errorf("%s does not show its title %q", want, cat[i].Title)
		}
	})
	if s := d.Find(`[data-testid="summary"]`).Text(); !strings.Contains(s, "Paste a key") {
		t.Errorf("idle summary %q, want the invitation to paste a key", s)
	}
	if d.Find(`[data-testid="fingerprint"]`).Length() != 0 {
		t.Error("idle page shows a fingerprint")
	}
	if d.Find(`[data-testid="live-button"]`).Length() != 1 || d.Find(`[data-testid="save-button"]`).Length() != 1 {
		t.Error("want the live-test and save buttons")
	}
	if tok := d.Find(`meta[name="csrf-token"]`).AttrOr("content", ""); tok == "" {
		t.Error("no CSRF token for htmx in the page")
	}
}

func TestCheckFragment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()

	tests := []struct {
		name string
		form url.Values
		// fail lists the steps that must fail; every other step must not.
		fail []checks.ID
		// detail and fix, when set, must appear in the first failed step.
		detail, fix string
		idle        bool
		// verdict is the verdict's status and words it must hold; notSent
		// is true when the key may not go to HiAPI: the live steps are
		// skipped and no live button is offered.
		verdict []string
		notSent bool
	}{
		{name: "nothing typed", form: url.Values{}, idle: true, verdict: []string{"pending", "Paste a key"}},
		{name: "clean key", form: url.Values{"key": {cleanKey}}, verdict: []string{"pending", "live test"}},
		{name: "trailing newline", form: url.Values{"key": {cleanKey + "\n"}},
			fail: []checks.ID{checks.StepWhitespace}, detail: "newline", fix: "printf", verdict: []string{"fail", "newline"}},
		{name: "textarea CRLF is the browser's newline, not a CR", form: url.Values{"key": {cleanKey + "\r\n"}},
			fail: []checks.ID{checks.StepWhitespace}, detail: "newline", fix: "printf", verdict: []string{"fail", "newline"}},
		{name: "OpenAI project key", form: url.Values{"key": {openAIKey}},
			fail: []checks.ID{checks.StepProvider}, detail: "OpenAI", fix: "https://api.hiapi.ai", verdict: []string{"fail", "OpenAI"}, notSent: true},
		{name: "clean key, the other inputs empty", form: url.Values{"key": {cleanKey}, "var_name": {""}, "env_file": {""}, "base_url": {""}, "header": {""}, "expected_length": {""}}, verdict: []string{"pending"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.htmx("/check", tt.form).wantStatus(http.StatusOK)
			if strings.Contains(r.Body, "<html") || strings.Contains(r.Body, "<!DOCTYPE") {
				t.Fatal("htmx answer is a whole page, want the checklist fragment")
			}
			d := r.doc()
			items := d.Find(`[data-testid="steps"] > li`)
			if items.Length() != 11 {
				t.Fatalf("%d steps, want 11", items.Length())
			}
			// Out of band: the verdict under the key field, inside its
			// live region (which stays), and the live test's buttons.
			oob := d.Find(`#verdict-live[hx-swap-oob="innerHTML"] [data-testid="verdict"]`)
			if oob.Length() != 1 {
				t.Fatalf("no verdict swapped out of band: %.400s", r.Body)
			}
			if got := oob.AttrOr("data-status", ""); got != tt.verdict[0] {
				t.Errorf("verdict status %q, want %q", got, tt.verdict[0])
			}
			for _, w := range tt.verdict[1:] {
				if h := oob.Find(`[data-testid="verdict-headline"]`).Text(); !strings.Contains(h, w) {
					t.Errorf("verdict %q does not say %q", h, w)
				}
			}
			if n := d.Find(`[role="status"], [aria-live]`).Length(); n != 0 {
				t.Errorf("the answer holds %d live regions of its own: the verdict's, which stays in the page, is the one that speaks", n)
			}
			// The page shows "Run live test" (as it loads): the buttons are
			// swapped only to take it away, for a key that cannot be sent.
			actions := d.Find(`[data-testid="live-actions"][hx-swap-oob]`)
			if (actions.Length() == 1) != tt.notSent {
				t.Fatalf("live actions swapped: %v, want %v", actions.Length() == 1, tt.notSent)
			}
			if tt.notSent {
				if actions.Find(`[data-testid="save-button"]`).Length() != 1 || actions.Find(`[data-testid="live-button"]`).Length() != 0 {
					t.Errorf("want the save button alone: %q", actions.Text())
				}
				if !strings.Contains(actions.Find(`[data-testid="live-blocked"]`).Text(), "Not sent") {
					t.Errorf("no reason in place of the live button: %q", actions.Text())
				}
			}
			failed := map[checks.ID]bool{}
			for _, id := range tt.fail {
				failed[id] = true
			}
			for _, st := range checks.Catalogue() {
				got := stepStatus(d, st.ID)
				switch {
				case st.Live && tt.notSent:
					if got != "skip" || !strings.Contains(stepText(d, st.ID, "detail"), "Not sent") {
						t.Errorf("%s: %q %q, want skip: not sent", st.ID, got, stepText(d, st.ID, "detail"))
					}
				case tt.idle || st.Live:
					if got != "pending" {
						t.Errorf("%s: %q, want pending", st.ID, got)
					}
				case failed[st.ID]:
					if got != "fail" {
						t.Errorf("%s: %q, want fail", st.ID, got)
					}
				case got == "fail":
					t.Errorf("%s fails on %s: %s", st.ID, tt.name, stepText(d, st.ID, "detail"))
				}
			}
			if tt.idle {
				if d.Find(`[data-testid="fingerprint"]`).Length() != 0 {
					t.Error("a fingerprint with no key")
				}
				return
			}
			if d.Find(`[data-testid="fingerprint"]`).Length() != 1 {
				t.Error("no fingerprint box")
			}
			if len(tt.fail) > 0 {
				id := tt.fail[0]
				if s := d.Find(`[data-testid="summary"]`).Text(); !strings.Contains(s, string(id)) {
					t.Errorf("summary %q does not name %s", s, id)
				}
				detail, fix := stepText(d, id, "detail"), stepText(d, id, "fix")
				if !strings.Contains(detail, tt.detail) {
					t.Errorf("%s detail %q, want it to mention %q", id, detail, tt.detail)
				}
				if !strings.Contains(fix, tt.fix) {
					t.Errorf("%s fix %q, want it to mention %q", id, fix, tt.fix)
				}
				if _, open := d.Find(`[data-testid="step-` + string(id) + `"] details`).Attr("open"); !open {
					t.Errorf("failed step %s is collapsed", id)
				}
			}
			if strings.Contains(tt.name, "CRLF") {
				detail := stepText(d, checks.StepWhitespace, "detail") + stepText(d, checks.StepWhitespace, "fix")
				for _, wrong := range []string{"carriage return", "CR LF", "Windows", "dos2unix"} {
					if strings.Contains(detail, wrong) {
						t.Errorf("a textarea's CRLF was diagnosed as %q: %s", wrong, detail)
					}
				}
			}
		})
	}
}

// TestLiveButtonFollowsTheKey: the page says whether it shows "Run live
// test" (live_shown); the check answer swaps the buttons only when the key
// changes that, since a button replaced under a press loses the click.
func TestLiveButtonFollowsTheKey(t *testing.T) {
	t.Parallel()
	b := newEnv(t).browser()
	tests := []struct {
		key, shown string
		swap, live bool
	}{
		{key: cleanKey, shown: "", swap: false},
		{key: openAIKey, shown: "", swap: true, live: false},
		{key: openAIKey, shown: "no", swap: false},
		{key: cleanKey, shown: "no", swap: true, live: true},
		{key: "", shown: "no", swap: true, live: true},
	}
	for _, tt := range tests {
		d := b.htmx("/check", url.Values{"key": {tt.key}, "live_shown": {tt.shown}}).wantStatus(http.StatusOK).doc()
		actions := d.Find(`[data-testid="live-actions"][hx-swap-oob]`)
		if (actions.Length() == 1) != tt.swap {
			t.Errorf("key %.12q, live_shown %q: buttons swapped %v, want %v", tt.key, tt.shown, actions.Length() == 1, tt.swap)
			continue
		}
		if tt.swap && (actions.Find(`[data-testid="live-button"]`).Length() == 1) != tt.live {
			t.Errorf("key %.12q, live_shown %q: live button %v, want %v", tt.key, tt.shown, !tt.live, tt.live)
		}
		if tt.swap && !tt.live && actions.Find(`input[name="live_shown"][value="no"]`).Length() != 1 {
			t.Errorf("key %.12q: the buttons without the live test do not say so to the next check", tt.key)
		}
	}
}

// TestCheckIsStateless: checking as one types stores nothing and holds
// no key; only saving makes a run.
func TestCheckIsStateless(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.htmx("/check", url.Values{"key": {cleanKey}}).wantStatus(http.StatusOK)
	b.postJSON("/api/v1/check", `{"key": "`+cleanKey+`"}`).wantStatus(http.StatusOK)
	if n := countRuns(t, e); n != 0 || e.Keys.Len() != 0 {
		t.Errorf("checking stored %d runs and holds %d keys", n, e.Keys.Len())
	}
}

// TestCheckAPIKeepsCR proves the normalisation is the textarea's only: the
// JSON API sees a CR the key really holds.
func TestCheckAPIKeepsCR(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out apiCheck
	e.browser().postJSON("/api/v1/check", jsonBody(t, map[string]string{"key": cleanKey + "\r\n"})).wantStatus(http.StatusOK).json(&out)
	var ws apiStep
	for _, s := range out.Steps {
		if s.ID == string(checks.StepWhitespace) {
			ws = s
		}
	}
	if ws.Status != "fail" || !strings.Contains(ws.Detail, "CR") {
		t.Fatalf("whitespace step %s: %q, want a fail naming the CR", ws.Status, ws.Detail)
	}
}

// injection is HTML that must come back as text wherever it is reflected.
const injection = `"><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>`

// assertInert fails if the page holds a script, handler or javascript: URL
// keycheck did not put there.
func assertInert(t *testing.T, r *resp) {
	t.Helper()
	for _, raw := range []string{"<script>alert", "<img src=x", `href="javascript:`} {
		if strings.Contains(r.Body, raw) {
			t.Errorf("%s: injected %q reached the page unescaped", r.URL, raw)
		}
	}
	d := r.doc()
	d.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src := s.AttrOr("src", ""); !strings.HasPrefix(src, "/static/") || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("%s: unexpected script src=%q %q", r.URL, src, s.Text())
		}
	})
	d.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("%s: <%s %s=%q>: an event handler attribute", r.URL, goquery.NodeName(s), a.Key, a.Val)
			}
			if a.Key == "style" {
				t.Errorf("%s: <%s style=%q>: inline style, which the CSP forbids", r.URL, goquery.NodeName(s), a.Val)
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("%s: <%s %s=%q>", r.URL, goquery.NodeName(s), a.Key, a.Val)
			}
		}
	})
}

func TestHTMLInjectionIsEscaped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()

	// Every field a person types that a page can show.
	for field, payload := range map[string]string{
		"var_name": injection, "base_url": injection, "env_file": injection, "header": injection,
		"expected_last4": "<svg/onload=1>", // at most 16 characters
	} {
		t.Run("check "+field, func(t *testing.T) {
			form := url.Values{"key": {cleanKey}, field: {payload}}
			r := b.htmx("/check", form).wantStatus(http.StatusOK)
			assertInert(t, r)
			if strings.Contains(r.Body, "<svg") {
				t.Error("<svg reached the page unescaped")
			}
		})
	}

	t.Run("display name", func(t *testing.T) {
		b.postForm("/name", url.Values{"name": {injection}, "back": {"/"}}).wantStatus(http.StatusSeeOther)
		home := b.get("/").wantStatus(http.StatusOK)
		assertInert(t, home)
		if v := home.doc().Find("#display-name").AttrOr("value", ""); !strings.Contains(v, "<script>") {
			t.Errorf("display name field holds %q, want the name as typed (as text)", v)
		}
		id := b.createRun(url.Values{"key": {cleanKey}})
		page := b.get("/runs/" + id).wantStatus(http.StatusOK)
		assertInert(t, page)
		if by := page.doc().Find(`[data-testid="by"]`).Text(); !strings.Contains(by, "<script>") {
			t.Errorf("run shows by %q, want the name as text", by)
		}
		assertInert(t, b.get("/runs").wantStatus(http.StatusOK))
		assertInert(t, b.get("/runs/"+id+"/steps/present").wantStatus(http.StatusOK))
	})

	t.Run("model", func(t *testing.T) {
		id := b.createRun(url.Values{"key": {cleanKey + "\n"}, "model": {injection}, "base_url": {injection}, "var_name": {injection}})
		page := b.get("/runs/" + id).wantStatus(http.StatusOK)
		assertInert(t, page)
		if !strings.Contains(page.doc().Find(`[data-testid="curl"]`).Text(), "<script>") {
			t.Error("the curl command does not show the model as typed")
		}
		for _, st := range checks.Catalogue() {
			assertInert(t, b.get("/runs/"+id+"/steps/"+string(st.ID)).wantStatus(http.StatusOK))
		}
	})

	t.Run("JSON escapes HTML", func(t *testing.T) {
		r := b.postJSON("/api/v1/check", jsonBody(t, map[string]string{"key": cleanKey, "base_url": injection})).wantStatus(http.StatusOK)
		if strings.Contains(r.Body, "<script>") {
			t.Errorf("JSON carries raw <script>: %.300s", r.Body)
		}
	})
}
