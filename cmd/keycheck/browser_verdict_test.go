package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The verdict comes first (issue 10): these tests drive the page as a
// person does and look at where the answer lands, on a laptop and on a
// phone, in light and dark. Their screenshots (verdict-*.png) are for a
// human to look at.

// screen is a window a person reads keycheck in.
type screen struct {
	name string
	w, h int64
	dark bool
}

var (
	desktop   = screen{name: "desktop", w: 1280, h: 900}
	phone     = screen{name: "phone", w: 390, h: 844}
	phoneDark = screen{name: "phone-dark", w: 390, h: 844, dark: true}
)

// on opens a browser sized and coloured as s.
func on(t *testing.T, s screen) context.Context {
	t.Helper()
	ctx := newBrowser(t)
	scheme := "light"
	if s.dark {
		scheme = "dark"
	}
	colours := func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return chromedp.Void{}, err
	}
	opts := []chromedp.EmulateViewportOption{}
	if s.w < 600 {
		opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	}
	within(t, ctx, 10*time.Second, "size the window as a "+s.name, chromedp.EmulateViewport(s.w, s.h, opts...), colours)
	return ctx
}

// paste puts text into the focused key field as a paste does: inserted
// whole, newline included, with no key pressed (Enter would submit).
func paste(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	within(t, ctx, 5*time.Second, "paste into the key field", pasteInto(`[data-testid="key"]`, text))
	if got := eval[string](t, ctx, `document.getElementById('key').value`); got != text {
		t.Fatalf("the key field holds %q after the paste, want %q", got, text)
	}
}

// inFirstScreen fails unless the element is wholly inside the window, as
// first shown: no scrolling needed to read it.
func inFirstScreen(t *testing.T, ctx context.Context, sel, what string) {
	t.Helper()
	box := eval[[]float64](t, ctx, `(() => { const r = document.querySelector(`+"`"+sel+"`"+`).getBoundingClientRect();
		return [r.top + window.scrollY, r.bottom + window.scrollY, window.innerHeight, r.width]; })()`)
	if box[0] < 0 || box[1] > box[2] || box[3] == 0 {
		t.Errorf("%s is at %.0f-%.0f px of the page, outside the first %.0f px a person sees", what, box[0], box[1], box[2])
	}
}

// shot saves what the window shows now (a phone's screen) as PNG.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	savePNG(t, ctx, name, chromedp.CaptureScreenshot())
}

// TestBrowserVerdictAfterAPaste: a key pasted with a trailing newline (as
// `echo` leaves it) gets its answer under the key field at once, in view
// on a phone too, with the demo banner above. Then "Run live test" proves
// it: the run page opens on the verdict, which HiAPI's answer to the
// cleaned key confirms.
func TestBrowserVerdictAfterAPaste(t *testing.T) {
	env := startEnv(t, "", func(c *serveConfig) { c.Demo = true })
	for _, s := range []screen{desktop, phone, phoneDark} {
		t.Run(s.name, func(t *testing.T) {
			ctx := on(t, s)
			within(t, ctx, 15*time.Second, "open the home page",
				chromedp.Navigate(env.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
			)
			paste(t, ctx, goodKey+"\n")
			within(t, ctx, 10*time.Second, "the verdict answers",
				chromedp.WaitVisible(chromedp.CSS(`#verdict [data-testid="verdict"][data-status="fail"]`)),
			)
			headline := text(t, ctx, `#verdict [data-testid="verdict-headline"]`)
			if !strings.Contains(headline, "newline") {
				t.Errorf("verdict %q does not name the newline", headline)
			}
			if fix := text(t, ctx, `#verdict [data-testid="verdict-fix"]`); !strings.Contains(fix, "printf") {
				t.Errorf("verdict fix %q does not give the printf command", fix)
			}
			inFirstScreen(t, ctx, `#verdict [data-testid="verdict-headline"]`, "the verdict's headline")
			if s.w < 600 {
				shot(t, ctx, "verdict-fail-"+s.name)
			} else {
				screenshot(t, ctx, "verdict-fail-"+s.name)
			}
			noCSPViolations(t, ctx)
			if s != desktop {
				return
			}

			// The live test sends the key without the newline, and the run
			// page heads with the proof.
			before := env.Fake.Count("GET", "/v1/tasks", goodKey)
			within(t, ctx, 15*time.Second, "run the live test",
				chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="verdict"]`)),
			)
			within(t, ctx, 45*time.Second, "the live test ends",
				chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="step-auth"][data-status="pass"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="live"] [data-testid="live-key"]`)),
			)
			if env.Fake.Count("GET", "/v1/tasks", goodKey) == before {
				t.Error("HiAPI never saw the cleaned key")
			}
			proof := text(t, ctx, `#run-body [data-testid="verdict-headline"]`)
			if !strings.Contains(proof, "newline") || !strings.Contains(proof, "HiAPI accepts") {
				t.Errorf("run verdict %q, want the proof that the newline is the whole problem", proof)
			}
			if title := eval[string](t, ctx, `document.title`); !strings.HasPrefix(title, "✗ whitespace:") {
				t.Errorf("title %q does not lead with the verdict", title)
			}
			inFirstScreen(t, ctx, `#run-body [data-testid="verdict-headline"]`, "the run's verdict")
			screenshot(t, ctx, "verdict-proof-desktop")
		})
	}
}

// TestBrowserVerdictOfASuccess: a working key through "Run live test": the
// run page says so at the top, in words, above who ran it and the steps;
// the passed steps are one line that opens.
func TestBrowserVerdictOfASuccess(t *testing.T) {
	env := startEnv(t, "")
	ctx := on(t, desktop)
	within(t, ctx, 15*time.Second, "paste a good key and run the live test",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
	)
	paste(t, ctx, goodKey)
	within(t, ctx, 15*time.Second, "run the live test",
		chromedp.WaitVisible(chromedp.CSS(`#verdict [data-testid="verdict"][data-status="pending"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="verdict"]`)),
	)
	within(t, ctx, 45*time.Second, "the verdict turns to a pass",
		chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="verdict"][data-status="pass"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="result-image"] img`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-support"]`)),
	)
	headline := text(t, ctx, `#run-body [data-testid="verdict-headline"]`)
	if !strings.Contains(headline, "A working key") {
		t.Errorf("verdict %q, want “A working key…”", headline)
	}
	inFirstScreen(t, ctx, `#run-body [data-testid="verdict-headline"]`, "the verdict")
	order := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('main h1, [data-testid="byline"], [data-testid="steps"]')).map(e => e.tagName == 'H1' ? 'verdict' : e.dataset.testid)`)
	if len(order) < 3 || order[0] != "verdict" || order[1] != "byline" || order[2] != "steps" {
		t.Errorf("the run page reads %v, want the verdict, then who ran it, then the steps", order)
	}
	if open := eval[bool](t, ctx, `document.querySelector('details[data-testid="passed"]').open`); open {
		t.Error("the passed steps are not folded")
	}
	fold := text(t, ctx, `details[data-testid="passed"] > summary`)
	if !strings.Contains(fold, "checks pass") {
		t.Errorf("fold line %q", fold)
	}
	if got := statusOf(t, ctx, "result"); got != "pass" {
		t.Errorf("result %s", got)
	}
	screenshot(t, ctx, "verdict-success-desktop")
	noCSPViolations(t, ctx)

	// The same run on a phone, in light and dark: the answer is the
	// first thing on the screen.
	runURL := eval[string](t, ctx, `location.href`)
	for _, s := range []screen{phone, phoneDark} {
		p := on(t, s)
		within(t, p, 15*time.Second, "open the run on a "+s.name,
			chromedp.Navigate(runURL),
			chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="verdict"][data-status="pass"]`)),
		)
		inFirstScreen(t, p, `#run-body [data-testid="verdict-headline"]`, "the verdict on a "+s.name)
		if w := eval[float64](t, p, `document.documentElement.scrollWidth - window.innerWidth`); w > 1 {
			t.Errorf("%s: the run page is %.0fpx wider than the screen", s.name, w)
		}
		shot(t, p, "verdict-success-"+s.name)
	}
}

// TestBrowserOpenAIKeyIsNotSent: an OpenAI key gets no live button, and
// even "Run live test" pressed without JavaScript (where the button stays)
// sends nothing to HiAPI: the run page says why.
func TestBrowserOpenAIKeyIsNotSent(t *testing.T) {
	env := startEnv(t, "")
	openai := "sk-proj-" + strings.Repeat("Ab3dE", 8) + "T3BlbkFJ" + strings.Repeat("xY7zQ", 8)

	ctx := on(t, desktop)
	within(t, ctx, 15*time.Second, "open the home page",
		chromedp.Navigate(env.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key"]`)),
	)
	paste(t, ctx, openai)
	within(t, ctx, 10*time.Second, "the verdict names the OpenAI key",
		chromedp.WaitVisible(chromedp.CSS(`#verdict [data-testid="verdict"][data-status="fail"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-blocked"]`)),
	)
	if h := text(t, ctx, `#verdict [data-testid="verdict-headline"]`); !strings.Contains(h, "OpenAI") {
		t.Errorf("verdict %q", h)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid="live-button"]').length`); n != 0 {
		t.Error("the page offers a live test for an OpenAI key")
	}
	screenshot(t, ctx, "verdict-openai-desktop")

	noJS := newBrowser(t)
	within(t, noJS, 20*time.Second, "press Run live test with JavaScript off",
		func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return chromedp.Void{}, err
		},
		chromedp.Navigate(env.URL+"/"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key"]`), openai),
		chromedp.Click(chromedp.CSS(`[data-testid="live-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#run-body [data-testid="verdict"]`)),
	)
	if flash := text(t, noJS, `[data-testid="flash"]`); !strings.Contains(flash, "OpenAI") {
		t.Errorf("flash %q does not say why nothing was sent", flash)
	}
	if got := statusOf(t, noJS, "auth"); got != "skip" {
		t.Errorf("auth %s, want skip: HiAPI was never asked", got)
	}
	if n := eval[int](t, noJS, `document.querySelectorAll('[data-testid="live"] [data-testid="live-button"]').length`); n != 0 {
		t.Error("the run page offers a live test for an OpenAI key")
	}
	if reqs := env.Fake.Requests(); len(reqs) != 0 {
		t.Errorf("HiAPI got %d requests for an OpenAI key: %+v", len(reqs), reqs)
	}
	screenshot(t, noJS, "verdict-openai-run-nojs")
}
