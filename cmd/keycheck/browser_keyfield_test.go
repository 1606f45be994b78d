package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// The key field as a person meets it (issue 10): focused on load, Enter
// saves instead of typing a newline, every field that can hold the key is
// masked until "Show key", controls that need JavaScript appear only with
// it, and the demo offers its scenario keys to click.

// pasteInto puts text into a field as a paste does: in one insertion,
// newlines included, without a key press.
func pasteInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(chromedp.CSS(sel)),
		func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
			return chromedp.Void{}, err
		},
	)
}

// colorScheme emulates the person's light or dark preference.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return chromedp.Void{}, err
	}
}

// windowFocused makes the page's window count as focused, as a person's
// window is: headless Chromium otherwise matches no :focus at all.
func windowFocused(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
	_, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
	return chromedp.Void{}, err
}

// scriptsOff turns JavaScript off for the pages opened next.
func scriptsOff(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return chromedp.Void{}, err
}

// keyValue is what the key field holds, as JSON, so a newline shows.
func keyValue(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `JSON.stringify(document.getElementById('key').value)`)
}

// masking is the -webkit-text-security of each field that can hold the key.
func masking(t *testing.T, ctx context.Context, ids ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range ids {
		out[id] = eval[string](t, ctx, `getComputedStyle(document.getElementById('`+id+`')).webkitTextSecurity`)
	}
	return out
}

// visibleCount counts the elements matching sel that take up room on the page.
func visibleCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return eval[int](t, ctx, `Array.from(document.querySelectorAll('`+sel+`')).filter(e => e.getClientRects().length > 0).length`)
}

func TestBrowserKeyFieldFocusedAndEnterSaves(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)
	within(t, ctx, 15*time.Second, "open the page",
		windowFocused,
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
	)
	// The key field has focus on load, with its ring: typing goes straight
	// into it.
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "key" {
		t.Fatalf("focus on load is on %q, want the key field", got)
	}
	if ring := eval[string](t, ctx, `getComputedStyle(document.activeElement).outlineStyle`); ring == "none" {
		t.Error("the key field, focused on load, shows no focus ring")
	}
	// From the top, the skip link is first, and the next Tab after it is
	// the key field.
	if got := eval[string](t, ctx, `document.querySelector('a[href], button, input:not([type=hidden]), textarea, select, summary').className`); got != "skip-link" {
		t.Errorf("the first control on the page is %q, want the skip link", got)
	}
	within(t, ctx, 5*time.Second, "follow the skip link and Tab",
		chromedp.Focus(chromedp.CSS(`.skip-link`)),
		chromedp.KeyEvent("\r"),
		chromedp.KeyEvent("\t"),
	)
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "key" {
		t.Errorf("the first Tab after the skip link reaches %q, want the key field", got)
	}
	if hint := text(t, ctx, `#key-hint`); !strings.Contains(hint, "Enter saves it as a run") {
		t.Errorf("the key's hint does not say what Enter does: %q", hint)
	}

	// A pasted trailing newline is kept and diagnosed.
	within(t, ctx, 10*time.Second, "paste a key with a trailing newline",
		pasteInto(`#key`, goodKey+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="fail"]`)),
	)
	if got, want := keyValue(t, ctx), `"`+goodKey+`\n"`; got != want {
		t.Errorf("after a paste the key field holds %s, want %s", got, want)
	}
	// Shift+Enter still types a newline.
	clearKey(t, ctx)
	within(t, ctx, 10*time.Second, "type a key and Shift+Enter",
		chromedp.KeyEvent(goodKey),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="fail"]`)),
	)
	if got := keyValue(t, ctx); got != `"`+goodKey+`\n"` {
		t.Errorf("Shift+Enter left the key field holding %s, want a newline at its end", got)
	}

	// Enter saves the key as a run, and adds nothing to it.
	clearKey(t, ctx)
	within(t, ctx, 15*time.Second, "type a key and press Enter",
		chromedp.KeyEvent(goodKey),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="pass"]`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	loc := eval[string](t, ctx, `location.pathname`)
	if !strings.HasPrefix(loc, "/runs/") {
		t.Fatalf("after Enter the page is %s, want the saved run", loc)
	}
	if got := statusOf(t, ctx, "whitespace"); got != "pass" {
		t.Errorf("the run saved by Enter has whitespace %s: Enter added a newline to the key", got)
	}
	// Enter saves; it never starts the live test, which spends credits.
	if n := env.Fake.Count("", "", goodKey); n != 0 {
		t.Errorf("Enter sent the key to HiAPI %d times", n)
	}
	screenshot(t, ctx, "h3-01-enter-saved-run")

	// A teammate opens the run and pastes the same key: there, Enter runs
	// the live test, which is what that field is for.
	mate := newBrowser(t)
	within(t, mate, 15*time.Second, "a teammate pastes the key on the run page and presses Enter",
		chromedp.Navigate(env.URL+loc),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-key"]`)),
		pasteInto(`[data-testid="live-key"]`, goodKey),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-state"], #step-auth[data-status="pass"]`)),
	)
	// Its test goes on to create its one task; wait for it, so the count
	// below sees only what the next Enter does.
	for deadline := time.Now().Add(15 * time.Second); env.Fake.Count("POST", "/v1/tasks", goodKey) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("Enter in the run page's key field did not start the live test")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Enter in any other field of the form submits it as the browser does,
	// with the form's first button: that must be "Save as a run" too, never
	// the live test, which spends credits.
	tasksBefore := env.Fake.Count("POST", "/v1/tasks", goodKey)
	within(t, ctx, 15*time.Second, "type a key and a base URL, and press Enter in the base URL",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
		pasteInto(`#key`, goodKey),
		chromedp.Click(chromedp.CSS(`[data-testid="more"] > summary`)),
		chromedp.SendKeys(chromedp.CSS(`#base_url`), "https://api.hiapi.ai\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	if n := env.Fake.Count("POST", "/v1/tasks", goodKey); n != tasksBefore {
		t.Errorf("Enter in the base URL field started the live test: HiAPI got %d more tasks", n-tasksBefore)
	}
}

func TestBrowserEverySecretFieldMasked(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)
	fields := []string{"key", "env_file", "header"}
	within(t, ctx, 15*time.Second, "paste the key into the key, .env and header fields",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
		pasteInto(`#key`, goodKey),
		chromedp.Click(chromedp.CSS(`[data-testid="more"] > summary`)),
		pasteInto(`#env_file`, "HIAPI_API_KEY="+goodKey+"\nOTHER=1\n"),
		pasteInto(`#header`, "curl -H 'Authorization: Bearer "+goodKey+"' https://api.hiapi.ai/v1/tasks"),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-header[data-status="pass"]`)),
	)
	for id, m := range masking(t, ctx, fields...) {
		if m != "disc" {
			t.Errorf("#%s holding the key shows it: -webkit-text-security is %q", id, m)
		}
	}
	screenshot(t, ctx, "h3-02-secrets-masked")

	within(t, ctx, 5*time.Second, "press Show key", chromedp.Click(chromedp.CSS(`[data-testid="show-key"]`)))
	for id, m := range masking(t, ctx, fields...) {
		if m != "none" {
			t.Errorf("after Show key #%s is still masked (%q): one control governs every field", id, m)
		}
	}
	screenshot(t, ctx, "h3-03-secrets-shown")
	within(t, ctx, 5*time.Second, "press Show key again", chromedp.Click(chromedp.CSS(`[data-testid="show-key"]`)))
	for id, m := range masking(t, ctx, fields...) {
		if m != "disc" {
			t.Errorf("after hiding again #%s shows the key (%q)", id, m)
		}
	}

	// The run page's own key field, for a teammate's live test, too.
	within(t, ctx, 15*time.Second, "save the run and open it as a teammate would",
		chromedp.Click(chromedp.CSS(`[data-testid="save-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	mate := newBrowser(t)
	within(t, mate, 15*time.Second, "a teammate pastes their key on the run page",
		chromedp.Navigate(eval[string](t, ctx, `location.href`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-key"]`)),
		pasteInto(`[data-testid="live-key"]`, goodKey),
	)
	if m := masking(t, mate, "live-key")["live-key"]; m != "disc" {
		t.Errorf("the run page's key field shows the key: -webkit-text-security is %q", m)
	}
	screenshot(t, mate, "h3-04-run-page-key-masked")
}

// TestBrowserControlsNeedingJavaScript: without JavaScript no page offers a
// control that does nothing; with it, they all appear.
func TestBrowserControlsNeedingJavaScript(t *testing.T) {
	env := startEnv(t, "", func(c *serveConfig) { c.Demo = true })
	runID := storeRun(t, env, map[string]any{"key": goodKey + " "})
	jsOnly := `[data-copy], [data-demo-key], [data-needs-js]`

	ctx := newBrowser(t)
	for _, path := range []string{"/", "/runs/" + runID, "/runs/" + runID + "/steps/whitespace"} {
		within(t, ctx, 15*time.Second, "open "+path+" with JavaScript",
			chromedp.Navigate(env.URL+path),
			chromedp.WaitReady(chromedp.CSS(`main`)),
		)
		if n := eval[int](t, ctx, `document.querySelectorAll('[data-needs-js][hidden]').length`); n != 0 {
			t.Errorf("%s with JavaScript: %d controls that need it are still hidden", path, n)
		}
	}
	if n := visibleCount(t, ctx, `[data-copy]`); n == 0 {
		t.Error("with JavaScript the step page shows no copy button")
	}

	noJS := newBrowser(t)
	within(t, noJS, 5*time.Second, "turn JavaScript off", scriptsOff)
	for i, path := range []string{"/", "/runs/" + runID, "/runs/" + runID + "/steps/whitespace"} {
		within(t, noJS, 15*time.Second, "open "+path+" without JavaScript",
			chromedp.Navigate(env.URL+path),
			chromedp.WaitReady(chromedp.CSS(`main`)),
		)
		if n := visibleCount(t, noJS, jsOnly); n != 0 {
			html := eval[[]string](t, noJS, `Array.from(document.querySelectorAll('`+jsOnly+`')).filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 120))`)
			t.Errorf("%s without JavaScript shows %d controls that need it:\n%s", path, n, strings.Join(html, "\n"))
		}
		screenshot(t, noJS, "h3-05-no-js-"+[]string{"home", "run", "step"}[i])
	}
	// "Show key" needs no script: it works by CSS alone, so it stays.
	within(t, noJS, 15*time.Second, "paste and show the key without JavaScript",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="show-key"]`)),
		pasteInto(`#key`, goodKey),
	)
	if m := masking(t, noJS, "key")["key"]; m != "disc" {
		t.Errorf("without JavaScript the key shows: %q", m)
	}
	within(t, noJS, 5*time.Second, "press Show key", chromedp.Click(chromedp.CSS(`[data-testid="show-key"]`)))
	if m := masking(t, noJS, "key")["key"]; m != "none" {
		t.Errorf("without JavaScript Show key does nothing: %q", m)
	}
	// The demo's keys are listed to copy instead of offered as buttons.
	if got := text(t, noJS, `[data-testid="demo-banner"]`); !strings.Contains(got, goodKey) {
		t.Errorf("without JavaScript the demo banner lists no key to paste: %q", got)
	}
}

func TestBrowserDemoKeys(t *testing.T) {
	env := startEnv(t, "", func(c *serveConfig) { c.Demo = true })
	for _, m := range []struct {
		name          string
		width, height int64
		scheme        string
	}{
		{"desktop-light", 1280, 900, "light"},
		{"phone-dark", 390, 844, "dark"},
	} {
		t.Run(m.name, func(t *testing.T) {
			ctx := newBrowser(t)
			within(t, ctx, 15*time.Second, "open the demo",
				// axe is injected through DevTools, past the page's CSP.
				func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
					_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
					return chromedp.Void{}, err
				},
				chromedp.EmulateViewport(m.width, m.height, emulateMobile(m.width < 600)),
				colorScheme(m.scheme),
				chromedp.Navigate(env.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="demo-banner"]`)),
			)
			banner := text(t, ctx, `[data-testid="demo-banner"]`)
			if !strings.Contains(banner, "fake HiAPI") || !strings.Contains(banner, env.cfg.HiAPIURL) {
				t.Errorf("the banner does not say the fake answers: %q", banner)
			}
			// Every scenario of the fake's own table is offered.
			for _, s := range fake.Scenarios() {
				if got := eval[string](t, ctx, `(document.querySelector('[data-testid="demo-key-`+s.Name+`"]') || {}).dataset?.demoKey || ''`); got != s.Key {
					t.Errorf("scenario %s: button holds %q, want %q", s.Name, got, s.Key)
				}
			}
			if w := eval[float64](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); w > 1 {
				t.Errorf("the demo page is %.0fpx wider than the screen", w)
			}
			screenshot(t, ctx, "h3-06-demo-"+m.name)
			for _, v := range runAxe(t, ctx) {
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("axe on the demo page: %s %s: %s (%d elements)", v.Impact, v.ID, v.Help, len(v.Nodes))
				}
			}

			within(t, ctx, 10*time.Second, "click the revoked key",
				chromedp.Click(chromedp.CSS(`[data-testid="demo-key-revoked"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="pass"]`)),
			)
			if got := keyValue(t, ctx); got != `"`+revokedKey+`"` {
				t.Errorf("the key field holds %s after the click, want the revoked key", got)
			}
			if got := failedSteps(t, ctx); len(got) != 0 {
				t.Errorf("a scenario key fails offline steps %v", got)
			}
			// On a phone the answer is in view right after the click.
			if bottom := eval[float64](t, ctx, `document.getElementById('verdict').getBoundingClientRect().bottom - window.innerHeight`); bottom > 0 {
				t.Errorf("the verdict ends %.0fpx below the screen after a demo key is clicked", bottom)
			}
			screenshot(t, ctx, "h3-07-demo-clicked-"+m.name)
		})
	}

	// The live test of a clicked key goes to the fake.
	ctx := newBrowser(t)
	within(t, ctx, 30*time.Second, "run the revoked key's live test",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="demo-key-revoked"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="demo-key-revoked"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="pass"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-body`)),
	)
	// The server's side first, then the page's: a failure says which of
	// the two did not follow.
	runID := eval[string](t, ctx, `location.pathname.split('/')[2]`)
	waitLiveDone(t, env, runID)
	within(t, ctx, 15*time.Second, "the page shows the live test's end",
		chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="step-auth"][data-status="fail"]`)),
	)
	screenshot(t, ctx, "h3-08-demo-revoked-live")
	if n := env.Fake.Count("", "", revokedKey); n == 0 {
		t.Error("the fake never saw the revoked key")
	}
}

// TestBrowserClickSurvivesACheck: a person presses "Run live test" at the
// end of the page while a check of what they just typed comes back. The
// button stays under the mouse all through the swap, so the release
// counts. (The copy buttons in the new checklist used to appear only after
// htmx's settle: for that moment the page was 29 px shorter, a page
// scrolled to its end moved, and the click landed on the form instead.)
func TestBrowserClickSurvivesACheck(t *testing.T) {
	env := startEnv(t, "")
	ctx := on(t, desktop)
	within(t, ctx, 15*time.Second, "paste a key with a newline",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
	)
	paste(t, ctx, goodKey+"\n")
	within(t, ctx, 10*time.Second, "the checklist answers",
		chromedp.WaitVisible(chromedp.CSS(`#verdict [data-testid="verdict"][data-status="fail"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-button"]`)),
	)
	at := eval[[]float64](t, ctx, `(() => { window.scrollTo(0, document.documentElement.scrollHeight);
		const b = document.querySelector('[data-testid="live-button"]'), r = b.getBoundingClientRect();
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		window.under = [];
		document.addEventListener('htmx:afterSwap', () => {
			const e = document.elementFromPoint(x, y);
			window.under.push(e ? (e.dataset.testid || e.id || e.tagName) : 'nothing');
		});
		return [x, y]; })()`)
	mouse := func(typ input.DispatchMouseEventType) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
				Type: typ, X: at[0], Y: at[1], Button: input.MouseButtonLeft, ClickCount: 1,
			})
			return chromedp.Void{}, err
		}
	}
	within(t, ctx, 5*time.Second, "press the button", mouse(input.DispatchMouseEventTypeMousePressed))
	// A check of the same form answers while the button is held down, as
	// one sent by the last keystroke does on a slow network.
	eval[bool](t, ctx, `(() => { document.getElementById('key').dispatchEvent(new Event('keycheck:check', {bubbles: true})); return true; })()`)
	within(t, ctx, 10*time.Second, "the check answers",
		chromedp.Poll[chromedp.Void](`window.under.length > 0 ? {} : null`),
	)
	if under := eval[[]string](t, ctx, `window.under`); under[0] != "live-button" {
		t.Errorf("while htmx swapped the check's answer, the mouse was over %q, not the button", under[0])
	}
	within(t, ctx, 15*time.Second, "release the button: the live test starts",
		mouse(input.DispatchMouseEventTypeMouseReleased),
		chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="verdict"]`)),
	)
}
