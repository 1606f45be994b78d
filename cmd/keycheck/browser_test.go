package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The browser tests drive keycheck in a real headless Chromium the way a
// person does: typing, clicking, following links. They save screenshots
// under testdata-out/screenshots (or $KEYCHECK_SCREENSHOTS) for a human to
// look at.

// chromiumPath finds Debian's chromium. In CI a missing browser fails the
// test: the browser test is required there.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	for _, name := range []string{os.Getenv("KEYCHECK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no Chromium was found: install Debian's chromium (scripts/setup.sh) so the browser tests run")
	}
	t.Skip("\n\n*** SKIPPING BROWSER TESTS: no chromium on PATH. Run `make setup` (apt-get install chromium) to run them. ***\n")
	return ""
}

// newBrowser starts a headless Chromium with its own profile; each call is
// a separate person with no shared cookies.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-zygote", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser now, on a context without a deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	// Record every Content-Security-Policy violation of every page, so a
	// test can prove the strict policy breaks nothing (htmx, its SSE
	// extension, the copy buttons, the image).
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatalf("watching CSP violations: %v", err)
	}
	return ctx
}

// noCSPViolations fails if the current page broke its Content-Security-Policy.
func noCSPViolations(t *testing.T, ctx context.Context) {
	t.Helper()
	if v := eval[[]string](t, ctx, `window.__csp || []`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %v", v)
	}
}

// within runs actions with a deadline, so a missing element fails the test
// with a message instead of hanging it.
func within(t *testing.T, ctx context.Context, d time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: timed out after %s; page main:\n%s", what, d, clip(html, 3000))
		}
		t.Fatalf("%s: %v", what, err)
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("KEYCHECK_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata-out", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the whole page as PNG.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	savePNG(t, ctx, name, chromedp.FullScreenshot(100))
}

// savePNG takes a screenshot and saves it under the screenshots folder.
func savePNG(t *testing.T, ctx context.Context, name string, take chromedp.Action[[]byte]) {
	t.Helper()
	buf, err := chromedp.Run(ctx, take)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// statusOf reads a step's status as the page shows it.
func statusOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#checklist [data-testid="step-%s"], #run-body [data-testid="step-%s"]').dataset.status`, id, id))
}

// failedSteps lists the ids of the steps the page shows as failed.
func failedSteps(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `Array.from(document.querySelectorAll('li.step[data-status="fail"]')).map(e => e.id.replace('step-',''))`)
}

func clearKey(t *testing.T, ctx context.Context) {
	t.Helper()
	within(t, ctx, 5*time.Second, "clear the key",
		chromedp.Evaluate[chromedp.Void](`(() => { const k = document.getElementById('key'); k.focus(); k.select(); })()`),
		chromedp.KeyEvent("\b"),
	)
}

func TestBrowserChecklistLightsAsYouType(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)

	within(t, ctx, 15*time.Second, "open the page",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
	)
	if got := text(t, ctx, `[data-testid="summary"]`); !strings.Contains(got, "Paste a key") {
		t.Errorf("idle summary = %q", got)
	}
	screenshot(t, ctx, "01-home-idle")

	// A key with a trailing newline, as `echo` leaves it, pasted: the
	// field keeps the newline (Enter would save the run instead).
	within(t, ctx, 10*time.Second, "paste a key ending in a newline",
		pasteInto(`[data-testid="key"]`, goodKey+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="fail"]`)),
	)
	if got := failedSteps(t, ctx); strings.Join(got, ",") != "whitespace" {
		t.Errorf("failed steps = %v, want only whitespace", got)
	}
	fix := text(t, ctx, `#step-whitespace [data-testid="fix"]`)
	if !strings.Contains(fix, "printf") {
		t.Errorf("whitespace fix does not give the printf command: %q", fix)
	}
	summary := text(t, ctx, `[data-testid="summary"]`)
	if !strings.Contains(summary, "whitespace") {
		t.Errorf("summary does not name the failed step: %q", summary)
	}
	screenshot(t, ctx, "02-trailing-newline")

	// An OpenAI key: the provider step turns red.
	clearKey(t, ctx)
	openai := "sk-proj-" + strings.Repeat("Ab3dE", 8) + "T3BlbkFJ" + strings.Repeat("xY7zQ", 8)
	within(t, ctx, 10*time.Second, "type an OpenAI key",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), openai),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="fail"]`)),
	)
	if got := failedSteps(t, ctx); strings.Join(got, ",") != "provider" {
		t.Errorf("failed steps = %v, want only provider", got)
	}
	if fix := text(t, ctx, `#step-provider [data-testid="fix"]`); !strings.Contains(fix, "api.hiapi.ai") {
		t.Errorf("provider fix does not name HiAPI's base URL: %q", fix)
	}
	if detail := text(t, ctx, `#step-provider [data-testid="detail"]`); !strings.Contains(detail, "OpenAI") {
		t.Errorf("provider detail does not name OpenAI: %q", detail)
	}
	screenshot(t, ctx, "03-openai-key")

	// The fixed key: nothing red, the fingerprint shown.
	clearKey(t, ctx)
	within(t, ctx, 10*time.Second, "type the fixed key",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), goodKey),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="pass"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="pass"]`)),
	)
	if got := failedSteps(t, ctx); len(got) != 0 {
		t.Errorf("failed steps after the fix = %v, want none", got)
	}
	for _, id := range []string{"present", "whitespace", "characters", "complete", "provider"} {
		if got := statusOf(t, ctx, id); got != "pass" {
			t.Errorf("step %s = %s after the fix, want pass", id, got)
		}
	}
	if fp := text(t, ctx, `[data-testid="fingerprint"]`); !strings.Contains(fp, "sha256:") || !strings.Contains(fp, "sha256sum") {
		t.Errorf("fingerprint box lacks the hash or the command: %q", fp)
	}
	screenshot(t, ctx, "04-fixed-key")
	noCSPViolations(t, ctx)

	// The key must never reach the page's HTML, whatever state it is in.
	html := eval[string](t, ctx, `document.documentElement.outerHTML.replace(document.getElementById('key').value, '')`)
	assertNoKey(t, "page HTML", html, goodKey)
}

func TestBrowserPhoneAndDarkMode(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)
	dark := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return chromedp.Void{}, err
	}
	within(t, ctx, 15*time.Second, "open the page as a phone in dark mode",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		dark,
		chromedp.Navigate(env.URL+"/"),
		pasteInto(`[data-testid="key"]`, " "+goodKey+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="fail"]`)),
	)
	bg := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
	if bg == "rgb(247, 247, 245)" || bg == "rgb(255, 255, 255)" {
		t.Errorf("dark mode: body background is still light: %s", bg)
	}
	// Nothing may scroll sideways on a phone.
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); w > 1 {
		t.Errorf("page is %.0fpx wider than the phone's screen", w)
	}
	screenshot(t, ctx, "05-phone-dark")
}

func TestBrowserKeyboardOnly(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)
	within(t, ctx, 15*time.Second, "open the page",
		windowFocused,
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
	)
	// The key field has focus on load; else Tab from the top of the page
	// until it has.
	reached := eval[string](t, ctx, `document.activeElement.id`) == "key"
	for i := 0; i < 12 && !reached; i++ {
		within(t, ctx, 5*time.Second, "press Tab", chromedp.KeyEvent("\t"))
		reached = eval[string](t, ctx, `document.activeElement.id`) == "key"
	}
	if !reached {
		t.Fatal("the key field cannot be reached with Tab within 12 presses")
	}
	if outline := eval[string](t, ctx, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
		t.Error("the focused key field shows no focus ring")
	}
	within(t, ctx, 10*time.Second, "type a key",
		chromedp.KeyEvent(goodKey+" "),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="fail"]`)),
	)
	// Tab on to the "Save as a run" button and press Enter.
	found := false
	for i := 0; i < 30 && !found; i++ {
		within(t, ctx, 5*time.Second, "press Tab", chromedp.KeyEvent("\t"))
		found = eval[string](t, ctx, `document.activeElement.dataset.testid || ''`) == "save-button"
	}
	if !found {
		t.Fatal("the save button cannot be reached with Tab")
	}
	within(t, ctx, 10*time.Second, "press Enter on save",
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	if loc := eval[string](t, ctx, `location.pathname`); !strings.HasPrefix(loc, "/runs/") {
		t.Errorf("after saving, the page is %s, want a run permalink", loc)
	}
}

// assertNoKey fails if text holds the key or any 8-character piece of it.
func assertNoKey(t *testing.T, where, text, key string) {
	t.Helper()
	if piece, ok := leaks(text, key); ok {
		t.Errorf("%s holds a piece of the key: %q", where, piece)
	}
}

// leaks reports the first 8-character window of key found in text.
func leaks(text, key string) (string, bool) {
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(text, key[i:i+8]) {
			return key[i : i+8], true
		}
	}
	return "", false
}

func TestBrowserFailedStepLinkForATeammate(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)
	canary := "sk-fake-good-CANARY" + randomAlnum(20)
	within(t, ctx, 15*time.Second, "type a failing key and save it as a run",
		chromedp.Navigate(env.URL+"/"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), canary+" "),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-whitespace[data-status="fail"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="save-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	screenshot(t, ctx, "06-run-page")
	within(t, ctx, 10*time.Second, "open the failed step's page",
		chromedp.Click(chromedp.CSS(`#step-whitespace [data-testid="step-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-link"]`)),
	)
	stepURL := eval[string](t, ctx, `location.href`)
	if !strings.HasSuffix(stepURL, "/steps/whitespace") {
		t.Fatalf("step page URL = %s", stepURL)
	}
	screenshot(t, ctx, "07-step-page")
	within(t, ctx, 10*time.Second, "the home page lists the run",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="recent"] a`)),
	)
	screenshot(t, ctx, "07b-home-recent")
	within(t, ctx, 10*time.Second, "back to the step page", chromedp.Navigate(stepURL))

	// A teammate: another browser, no session, after a restart too.
	env.Restart()
	stepURL = env.URL + stepURL[strings.Index(stepURL, "/runs/"):]
	mate := newBrowser(t)
	within(t, mate, 15*time.Second, "a teammate opens the link",
		chromedp.Navigate(stepURL),
		chromedp.WaitVisible(chromedp.CSS(`#step-whitespace[data-status="fail"]`)),
	)
	if title := eval[string](t, mate, `document.title`); !strings.Contains(title, "whitespace") {
		t.Errorf("step page title does not name the step: %q", title)
	}
	if fix := text(t, mate, `#step-whitespace [data-testid="fix"]`); !strings.Contains(fix, "printf") && !strings.Contains(fix, "strip") {
		t.Errorf("the teammate does not see the fix: %q", fix)
	}
	html := eval[string](t, mate, `document.documentElement.outerHTML`)
	assertNoKey(t, "teammate's step page", html, canary)
	screenshot(t, mate, "08-step-page-teammate")

	// The teammate's run page asks for their own key for the live test.
	within(t, mate, 10*time.Second, "the teammate opens the whole run",
		chromedp.Navigate(strings.TrimSuffix(stepURL, "/steps/whitespace")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-key"]`)),
	)
}

func TestBrowserLiveTest(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)

	// A good key: the three live steps go green and the image shows.
	within(t, ctx, 15*time.Second, "paste a good key and run the live test",
		chromedp.Navigate(env.URL+"/"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), goodKey),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="pass"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	within(t, ctx, 45*time.Second, "wait for the image",
		chromedp.WaitVisible(chromedp.CSS(`#step-result[data-status="pass"] [data-testid="result-image"] img`)),
	)
	for _, id := range []string{"auth", "model", "result"} {
		if got := statusOf(t, ctx, id); got != "pass" {
			t.Errorf("%s = %s, want pass", id, got)
		}
	}
	imgURL := text(t, ctx, `[data-testid="image-url"]`)
	if !strings.HasPrefix(imgURL, "http") {
		t.Errorf("image URL not shown: %q", imgURL)
	}
	// The image must have loaded, not just be in the page.
	within(t, ctx, 10*time.Second, "the image loads",
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="result-image"] img').naturalWidth > 0 ? {} : null`),
	)
	screenshot(t, ctx, "09-live-image")
	noCSPViolations(t, ctx)

	// The pushed copy holds nothing of this viewer; once the test ends the
	// page loads its own live form, whose token must be this session's, or
	// running the test again would be refused as a forged post.
	within(t, ctx, 10*time.Second, "the page's own live form comes back",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-key"]`)),
	)
	formToken := eval[string](t, ctx, `document.querySelector('[data-testid="live"] input[name=_csrf]').value`)
	pageToken := eval[string](t, ctx, `document.querySelector('meta[name="csrf-token"]').content`)
	if formToken == "" || formToken != pageToken {
		t.Fatalf("the live form's token %q is not the page's %q", formToken, pageToken)
	}
	within(t, ctx, 15*time.Second, "run the live test again from that form",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="live-key"]`), goodKey),
		chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
	)
	// The second test got through the CSRF check if HiAPI sees its task.
	for deadline := time.Now().Add(30 * time.Second); env.Fake.Count("POST", "/v1/tasks", goodKey) < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("running the live test again from the page's own form created no task (HiAPI saw %d)", env.Fake.Count("POST", "/v1/tasks", goodKey))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A key without the model: model red, request_id shown.
	within(t, ctx, 15*time.Second, "run the live test with a key lacking the model",
		chromedp.Navigate(env.URL+"/"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), noModelKey),
		chromedp.WaitVisible(chromedp.CSS(`#checklist #step-provider[data-status="pass"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-run-link"]`)),
	)
	within(t, ctx, 45*time.Second, "wait for the model step to fail",
		chromedp.WaitVisible(chromedp.CSS(`#step-model[data-status="fail"] [data-testid="request-id"]`)),
	)
	if rid := text(t, ctx, `#step-model [data-testid="request-id"]`); len(rid) < 6 {
		t.Errorf("request_id shown is %q", rid)
	}
	if got := statusOf(t, ctx, "auth"); got != "pass" {
		t.Errorf("auth = %s, want pass", got)
	}
	screenshot(t, ctx, "10-live-no-model")
	noCSPViolations(t, ctx)
}

// TestBrowserWithoutJavaScript: with scripts off, the form still posts and
// the run page shows the same checklist.
func TestBrowserWithoutJavaScript(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)
	noJS := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	}
	within(t, ctx, 20*time.Second, "check a key with JavaScript off",
		noJS,
		chromedp.Navigate(env.URL+"/"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), goodKey+"\n"),
		chromedp.Click(chromedp.CSS(`[data-testid="save-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#step-whitespace[data-status="fail"]`)),
	)
	if loc := eval[string](t, ctx, `location.pathname`); !strings.HasPrefix(loc, "/runs/") {
		t.Errorf("without JavaScript the form landed on %s", loc)
	}
	if fix := text(t, ctx, `#step-whitespace [data-testid="fix"]`); fix == "" {
		t.Error("no fix shown without JavaScript")
	}
	screenshot(t, ctx, "11-no-javascript")
}

// TestBrowserTooLongKey: a paste far longer than any key gets a clear
// message in place of the checklist, not a silent stale result.
func TestBrowserTooLongKey(t *testing.T) {
	env := startEnv(t, "")
	ctx := newBrowser(t)
	within(t, ctx, 15*time.Second, "paste 5000 characters",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const k = document.getElementById('key'); k.value = 'sk-' + 'a'.repeat(5000); k.dispatchEvent(new Event('input', {bubbles: true})); })()`),
		chromedp.WaitVisible(chromedp.CSS(`#checklist [data-testid="error"]`)),
	)
	if msg := text(t, ctx, `#checklist [data-testid="error"]`); !strings.Contains(msg, "4 KiB") {
		t.Errorf("message for a too-long key: %q", msg)
	}
	screenshot(t, ctx, "12-too-long")
}
