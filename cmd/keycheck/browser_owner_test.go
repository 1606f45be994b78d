package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
)

// providerFakes serves every other provider's fake (internal/fakes) on
// its own loopback port, and the option that points their origins at it,
// as serve --demo does; HiAPI stays the harness's fake, so a test can
// tell who was asked.
func providerFakes(t *testing.T) (*fakes.Server, envOption) {
	f := fakes.New(fakes.Options{})
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close) // after keycheck's own stop, registered later
	return f, func(c *serveConfig) {
		c.ProviderURLs = map[checks.ProviderID]string{}
		for _, tg := range checks.Targets() {
			if tg.ID != checks.ProviderHiAPI {
				c.ProviderURLs[tg.ID] = ts.URL + fakes.Prefix(tg.ID)
			}
		}
	}
}

// scenarioKey is the key of a provider's fake scenario.
func scenarioKey(t *testing.T, id checks.ProviderID, name string) string {
	t.Helper()
	for _, s := range fakes.Scenarios(id) {
		if s.Name == name {
			return s.Key
		}
	}
	t.Fatalf("%s's fake has no %s scenario", id, name)
	return ""
}

// TestBrowserProveWhoseKey (issue 11): an OpenAI key pasted where HiAPI
// is the target gets no live test; the person's click asks OpenAI, for
// free, and the verdict tells the whole story. HiAPI never sees the key,
// and OpenAI sees one GET.
func TestBrowserProveWhoseKey(t *testing.T) {
	chromiumPath(t) // skips here, not only in the subtests: the counts after them need the browser
	pf, withFakes := providerFakes(t)
	env := startEnv(t, "", withFakes)
	key := scenarioKey(t, checks.ProviderOpenAI, fakes.Good)

	for _, s := range []screen{desktop, phone} {
		t.Run(s.name, func(t *testing.T) {
			ctx := on(t, s)
			within(t, ctx, 15*time.Second, "open the home page",
				chromedp.Navigate(env.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
			)
			paste(t, ctx, key)
			within(t, ctx, 10*time.Second, "the verdict names the OpenAI key",
				chromedp.WaitVisible(chromedp.CSS(`#verdict [data-testid="verdict"][data-status="fail"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-blocked"]`)),
			)
			if h := text(t, ctx, `#verdict [data-testid="verdict-headline"]`); !strings.Contains(h, "OpenAI") {
				t.Errorf("verdict %q does not say it is an OpenAI key", h)
			}
			if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid="live-button"]').length`); n != 0 {
				t.Error("the page offers a live test of HiAPI for an OpenAI key")
			}
			inFirstScreen(t, ctx, `#verdict [data-testid="verdict-headline"]`, "the verdict's headline")
			shot(t, ctx, "owner-openai-key-"+s.name)

			before := pf.Count(checks.ProviderOpenAI, "GET", "", key)
			within(t, ctx, 15*time.Second, "save the run",
				chromedp.Click(chromedp.CSS(`[data-testid="save-button"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="owner-button"]`)),
			)
			if got := text(t, ctx, `[data-testid="owner-button"]`); got != "Ask OpenAI whether this key works (free)" {
				t.Errorf("owner button %q", got)
			}
			if eval[int](t, ctx, `document.querySelectorAll('[data-testid="owner-key"]').length`) > 0 {
				within(t, ctx, 5*time.Second, "paste the key to ask OpenAI", pasteInto(`[data-testid="owner-key"]`, key))
			}
			// The click posts the form and lands on the run page again: wait
			// for the new page's verdict, which the old page never had (a
			// query between the two pages would find no node).
			within(t, ctx, 10*time.Second, "ask OpenAI", chromedp.Click(chromedp.CSS(`[data-testid="owner-button"]`)))
			acrossPages(t, ctx, 20*time.Second, "the proof on the run page",
				`(() => { const h = document.querySelector('#run-body [data-testid="verdict-headline"]'); return !!h && h.textContent.includes('working OpenAI key'); })()`)
			h := text(t, ctx, `#run-body [data-testid="verdict-headline"]`)
			if !strings.Contains(h, "This is a working OpenAI key; HiAPI has never seen it") {
				t.Errorf("run verdict %q, want the whole story", h)
			}
			page := text(t, ctx, `#run-body`)
			if !strings.Contains(page, "https://api.hiapi.ai") || !strings.Contains(page, "https://api.openai.com/v1") {
				t.Errorf("the run does not say where each key goes:\n%s", clip(page, 2000))
			}
			inFirstScreen(t, ctx, `#run-body [data-testid="verdict-headline"]`, "the run's verdict")
			shot(t, ctx, "owner-proved-"+s.name)
			if s == desktop {
				screenshot(t, ctx, "owner-proved-desktop-full")
			}
			if got := pf.Count(checks.ProviderOpenAI, "GET", "", key) - before; got != 1 {
				t.Errorf("OpenAI's fake saw %d GETs for the click, want exactly 1", got)
			}
			assertNoKey(t, "the run page", eval[string](t, ctx, `document.documentElement.outerHTML`), key)
		})
	}
	if reqs := env.Fake.Requests(); len(reqs) != 0 {
		t.Errorf("HiAPI got %d requests for an OpenAI key: %+v", len(reqs), reqs)
	}
	for _, r := range pf.Requests() {
		if r.Provider != checks.ProviderOpenAI || r.Method != "GET" {
			t.Errorf("a provider's fake saw %s %s at %s: only OpenAI's free GET may be sent", r.Method, r.Route, r.Provider)
		}
	}
	if n := len(pf.Requests()); n != 2 {
		t.Errorf("the providers' fakes saw %d requests, want one per click (2)", n)
	}
}

// TestBrowserLiveTestOfOpenAI: with OpenAI picked in the select, a good
// OpenAI key's live test asks OpenAI for free: it accepts the key, and the
// result step says nothing was spent. HiAPI is never asked.
func TestBrowserLiveTestOfOpenAI(t *testing.T) {
	chromiumPath(t) // skips here, not only in the subtests: the counts after them need the browser
	pf, withFakes := providerFakes(t)
	env := startEnv(t, "", withFakes)
	key := scenarioKey(t, checks.ProviderOpenAI, fakes.Good)

	for _, s := range []screen{desktop, phone} {
		t.Run(s.name, func(t *testing.T) {
			ctx := on(t, s)
			within(t, ctx, 15*time.Second, "open the home page and pick OpenAI",
				chromedp.Navigate(env.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
			)
			eval[bool](t, ctx, `(() => { const p = document.getElementById('provider'); p.value = 'openai';
				p.dispatchEvent(new Event('change', {bubbles: true})); document.getElementById('key').focus(); return true; })()`)
			paste(t, ctx, key)
			within(t, ctx, 10*time.Second, "the checklist is OpenAI's",
				chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="pass"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-button"]`)),
			)
			if got := text(t, ctx, `[data-testid="live-cost"]`); !strings.Contains(got, "OpenAI only free requests") {
				t.Errorf("cost note %q, want OpenAI's free requests", got)
			}
			shot(t, ctx, "openai-target-"+s.name)
			within(t, ctx, 30*time.Second, "run the live test",
				chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="step-auth"][data-status="pass"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="step-result"][data-status="skip"]`)),
			)
			if got := eval[string](t, ctx, `document.querySelector('#run-body [data-testid="step-auth"]').textContent`); !strings.Contains(got, "OpenAI accepts the key") {
				t.Errorf("auth step %q", clip(got, 300))
			}
			if got := eval[string](t, ctx, `document.querySelector('#run-body [data-testid="step-result"]').textContent`); !strings.Contains(got, "Nothing spent") {
				t.Errorf("result step %q, want nothing spent", clip(got, 300))
			}
			shot(t, ctx, "openai-live-"+s.name)
			if s == desktop {
				screenshot(t, ctx, "openai-live-desktop-full")
			}
		})
	}
	if reqs := env.Fake.Requests(); len(reqs) != 0 {
		t.Errorf("HiAPI got %d requests for OpenAI's live test", len(reqs))
	}
	for _, r := range pf.Requests() {
		if r.Provider != checks.ProviderOpenAI || r.Method != "GET" {
			t.Errorf("%s %s at %s: OpenAI's live test sends only OpenAI free GETs", r.Method, r.Route, r.Provider)
		}
	}
}

// acrossPages waits until js is true on the page, which may be navigating
// meanwhile: an evaluation that meets the old page going away is tried
// again on the new one.
func acrossPages(t *testing.T, ctx context.Context, d time.Duration, what, js string) {
	t.Helper()
	for end := time.Now().Add(d); ; {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%s: not there after %s", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
