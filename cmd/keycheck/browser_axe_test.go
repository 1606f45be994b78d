package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/keycheck/keycheck/checks"
)

// axeSource is axe-core, vendored from npm for this test alone (see
// testdata/axe-core/SOURCE); keycheck never serves it.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeViolation is one rule axe found broken, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
		Fail   string `json:"failureSummary"`
	} `json:"nodes"`
}

// TestBrowserAccessibility runs axe-core on every kind of page keycheck
// has, as a person sees it, in light and dark mode, on a laptop and on a
// phone, and fails on any serious or critical violation: text that does
// not contrast, a control without a name, a broken landmark or list.
func TestBrowserAccessibility(t *testing.T) {
	env := startEnv(t, "")
	failedRun := storeRun(t, env, map[string]any{"key": goodKey + "\n", "base_url": "https://api.openai.com/v1"})
	passedRun := storeRun(t, env, map[string]any{"key": goodKey, "live": true})
	waitLiveDone(t, env, passedRun)

	pages := []struct {
		name, path string
		// typed, when set, is pasted into the key field first, so the page
		// is judged with its checklist lit.
		typed string
	}{
		{"home", "/", ""},
		{"home-checked", "/", goodKey + "\n"},
		{"run-failed", "/runs/" + failedRun, ""},
		{"run-passed", "/runs/" + passedRun, ""},
		{"step", "/runs/" + failedRun + "/steps/whitespace", ""},
		{"runs", "/runs", ""},
		{"key-history", "/keys/" + checks.FingerprintOf(goodKey).Hash(), ""},
		{"not-found", "/runs/no-such-run", ""},
	}
	modes := []struct {
		name          string
		width, height int64
		mobile        bool
		scheme        string
	}{
		{"desktop-light", 1280, 900, false, "light"},
		{"desktop-dark", 1280, 900, false, "dark"},
		{"phone-light", 390, 844, true, "light"},
		{"phone-dark", 390, 844, true, "dark"},
	}
	ctx := newBrowser(t)
	// axe is injected through DevTools, which the page's CSP does not
	// govern; bypassing it keeps the test independent of the policy.
	within(t, ctx, 5*time.Second, "let DevTools inject axe",
		func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
			return chromedp.Void{}, err
		},
	)
	// The test can fail: axe must see a button without a name, which is
	// critical, once one is on the page.
	within(t, ctx, 10*time.Second, "open the home page", chromedp.Navigate(env.URL+"/"), chromedp.WaitReady(chromedp.CSS("main")))
	eval[any](t, ctx, `document.querySelector('main').insertAdjacentHTML('beforeend', '<button type="button"></button>')`)
	if vs := runAxe(t, ctx); !hasViolation(vs, "button-name", "critical") {
		t.Fatalf("axe-core missed a button without a name: %+v", vs)
	}
	for _, m := range modes {
		for _, p := range pages {
			within(t, ctx, 20*time.Second, "open "+p.name+" ("+m.name+")",
				chromedp.EmulateViewport(m.width, m.height, emulateMobile(m.mobile)),
				func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
					_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: m.scheme}},
					})
					return chromedp.Void{}, err
				},
				chromedp.Navigate(env.URL+p.path),
				chromedp.WaitReady(chromedp.CSS("main")),
			)
			if p.typed != "" {
				within(t, ctx, 10*time.Second, "paste a key on "+p.name,
					pasteInto(`[data-testid="key"]`, p.typed),
					chromedp.WaitVisible(chromedp.CSS(`#checklist [data-testid="step-whitespace"][data-status="fail"]`)),
				)
			}
			for _, v := range runAxe(t, ctx) {
				if v.Impact != "serious" && v.Impact != "critical" {
					continue
				}
				var where []string
				for _, n := range v.Nodes {
					where = append(where, fmt.Sprint(n.Target)+": "+clip(n.Fail, 300))
				}
				t.Errorf("%s (%s): %s %s: %s\n  %s", p.name, m.name, v.Impact, v.ID, v.Help, strings.Join(where, "\n  "))
			}
		}
	}
}

// runAxe injects axe-core into the current page and returns its violations.
func runAxe(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	raw, err := chromedp.Run(tctx, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("reading axe-core's answer: %v", err)
	}
	return vs
}

func hasViolation(vs []axeViolation, id, impact string) bool {
	for _, v := range vs {
		if v.ID == id && v.Impact == impact {
			return true
		}
	}
	return false
}

func emulateMobile(mobile bool) chromedp.EmulateViewportOption {
	if mobile {
		return chromedp.EmulateMobile
	}
	return chromedp.EmulateScale(1)
}

// waitLiveDone waits until the run's live test has ended.
func waitLiveDone(t *testing.T, env *testEnv, id string) {
	t.Helper()
	c := newClient(t)
	for deadline := time.Now().Add(45 * time.Second); ; {
		_, body := get(t, c, env.URL+"/api/v1/runs/"+id)
		var r struct {
			Live string `json:"live"`
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatalf("GET /api/v1/runs/%s: %v", id, err)
		}
		if r.Live == "done" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the live test of %s did not end (live=%q)", id, r.Live)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
