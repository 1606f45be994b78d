package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
	"github.com/keycheck/keycheck/templates"
)

// TestRunPagesFollowTheTarget: an OpenAI run's page gives OpenAI's free
// probe and models list by hand, with $OPENAI_API_KEY and OpenAI's header,
// at the origin keycheck is configured with; it offers no paid request and
// says keycheck spends none; its step pages ask about OpenAI. An Anthropic
// run, with no origin configured, gets Anthropic's own and its headers.
func TestRunPagesFollowTheTarget(t *testing.T) {
	t.Parallel()
	const gateway = "http://gateway.example/openai"
	e := newEnv(t, func(s *setup) {
		s.cfg.ProviderURLs = map[checks.ProviderID]string{checks.ProviderOpenAI: gateway}
	})
	b := e.browser()

	id := b.createRun(url.Values{"key": {cleanKey}, "provider": {"openai"}})
	d := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	hand := d.Find(`[data-testid="by-hand"]`)
	probe := hand.Find(`[data-testid="probe-curl"]`).Text()
	if want := checks.ProbeCurlCommandFor(checks.ProviderOpenAI, gateway); probe != want {
		t.Errorf("probe by hand %q, want %q", probe, want)
	}
	if !strings.Contains(probe, `-H "Authorization: Bearer $OPENAI_API_KEY"`) || !strings.HasPrefix(probe, "curl -s "+gateway+"/v1/models ") {
		t.Errorf("probe by hand %q: want a GET of %s/v1/models with $OPENAI_API_KEY as Bearer", probe, gateway)
	}
	// OpenAI's probe is its models list already: it is not given twice.
	if n := hand.Find(`[data-testid="models-curl"]`).Length(); n != 0 {
		t.Errorf("OpenAI's models list given again by hand (%d)", n)
	}
	if hand.Find(`[data-testid="curl"]`).Length() != 0 || strings.Contains(hand.Text(), "Spends credits") {
		t.Error("an OpenAI run offers a paid request by hand")
	}
	if got := hand.Find(`[data-testid="never-spent"]`).Text(); !strings.Contains(got, "never spends OpenAI credits") {
		t.Errorf("by hand says %q, want that keycheck never spends OpenAI credits", got)
	}
	if html, _ := hand.Html(); strings.Contains(strings.ToLower(html), "hiapi") {
		t.Errorf("an OpenAI run's by-hand section names HiAPI:\n%s", html)
	}
	if got := d.Find(`[data-testid="live"] .cost`).Text(); !strings.Contains(got, "nothing is spent") || strings.Contains(got, "image task") {
		t.Errorf("live test cost %q, want free requests to OpenAI only", got)
	}

	// The fingerprint's hash command reads the variable OpenAI's SDKs read.
	if got := d.Find(`#hash-command`).Text(); got != checks.HashCommandFor("OPENAI_API_KEY") {
		t.Errorf("hash command %q, want one reading $OPENAI_API_KEY", got)
	}

	step := b.get("/runs/" + id + "/steps/model").wantStatus(http.StatusOK).doc()
	want, _ := checks.StepFor(checks.StepModel, checks.ProviderOpenAI)
	if got := step.Find(`#hash-command`).Text(); got != checks.HashCommandFor("OPENAI_API_KEY") {
		t.Errorf("step page's hash command %q, want one reading $OPENAI_API_KEY", got)
	}
	if got := step.Find(`[data-testid="question"]`).Text(); got != want.Question || !strings.Contains(got, "OpenAI") {
		t.Errorf("model step question %q, want %q", got, want.Question)
	}
	if got := step.Find(`[data-testid="why"]`).Text(); strings.Contains(got, "HiAPI") {
		t.Errorf("an OpenAI run's model step says why about HiAPI: %q", got)
	}

	id = b.createRun(url.Values{"key": {cleanKey}, "provider": {"anthropic"}})
	probe = b.get("/runs/" + id).wantStatus(http.StatusOK).doc().Find(`[data-testid="probe-curl"]`).Text()
	if !strings.HasPrefix(probe, "curl -s https://api.anthropic.com/v1/models") || !strings.Contains(probe, `-H "x-api-key: $ANTHROPIC_API_KEY" -H "anthropic-version: `) {
		t.Errorf("Anthropic probe by hand %q", probe)
	}
	// xAI's probe reads the key; its models list is a second free GET.
	id = b.createRun(url.Values{"key": {cleanKey}, "provider": {"xai"}})
	models := b.get("/runs/" + id).wantStatus(http.StatusOK).doc().Find(`[data-testid="models-curl"]`).Text()
	if models != `curl -s https://api.x.ai/v1/models -H "Authorization: Bearer $XAI_API_KEY"` {
		t.Errorf("xAI models by hand %q", models)
	}
}

// TestHomeCostFollowsTheTarget: the cost note under the home form's
// buttons says what the live test spends where the key is used, and the
// check answer swaps it when the select changes.
func TestHomeCostFollowsTheTarget(t *testing.T) {
	t.Parallel()
	for _, demo := range []bool{false, true} {
		e := newEnv(t, func(s *setup) {
			if demo {
				s.cfg.DemoKeys = []templates.DemoKey{{Name: "good", Key: "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", Says: "passes"}}
			}
		})
		b := e.browser()
		home := b.get("/").wantStatus(http.StatusOK).doc().Find(`#check-form [data-testid="live-cost"]`).Text()
		if want := map[bool]string{false: "which spends credits", true: "fake HiAPI"}[demo]; !strings.Contains(home, want) {
			t.Errorf("demo %v: home cost %q, want %q", demo, home, want)
		}
		for _, key := range []string{"", cleanKey} {
			answer := b.htmx("/check", url.Values{"key": {key}, "provider": {"openai"}}).wantStatus(http.StatusOK).doc()
			cost := answer.Find(`#live-cost[hx-swap-oob]`)
			if got := cost.Text(); !strings.Contains(got, "asks OpenAI only free requests") && !strings.Contains(got, "fake OpenAI only free requests") ||
				strings.Contains(got, "credits") {
				t.Errorf("demo %v, key %q: the check answer's cost %q, want OpenAI's free requests", demo, key, got)
			}
		}
		back := b.htmx("/check", url.Values{"key": {cleanKey}, "provider": {"hiapi"}}).wantStatus(http.StatusOK).doc()
		if got := back.Find(`#live-cost`).Text(); !strings.Contains(got, "HiAPI") {
			t.Errorf("demo %v: back on HiAPI the cost says %q", demo, got)
		}
	}
}

// TestDemoOffersTheTargetsKeys: the demo banner offers the scenario keys
// of the target the form starts on (HiAPI's); every other provider's are
// there for the select to show, hidden, each button named by provider.
func TestDemoOffersTheTargetsKeys(t *testing.T) {
	t.Parallel()
	var keys []templates.DemoKey
	for _, id := range []checks.ProviderID{checks.ProviderHiAPI, checks.ProviderOpenAI} {
		for _, s := range fakes.Scenarios(id) {
			keys = append(keys, templates.DemoKey{Name: s.Name, Key: s.Key, Says: s.Verdict, Provider: id})
		}
	}
	e := newEnv(t, func(s *setup) { s.cfg.DemoKeys = keys })
	d := e.browser().get("/").wantStatus(http.StatusOK).doc()
	hiapi := d.Find(`[data-testid="demo-banner"] ul[data-demo-target="hiapi"]`)
	openai := d.Find(`[data-testid="demo-banner"] ul[data-demo-target="openai"]`)
	if _, hidden := hiapi.Attr("hidden"); hidden || hiapi.Length() != 1 {
		t.Error("HiAPI's demo keys are not shown as the page loads")
	}
	if _, hidden := openai.Attr("hidden"); !hidden || openai.Length() != 1 {
		t.Error("OpenAI's demo keys are not there, hidden, for the select")
	}
	good := fakes.Scenarios(checks.ProviderOpenAI)[0]
	if got, _ := openai.Find(`[data-testid="demo-key-openai-` + good.Name + `"]`).Attr("data-demo-key"); got != good.Key {
		t.Errorf("OpenAI's %s button holds %q, want %q", good.Name, got, good.Key)
	}
	if n := d.Find(`[data-demo-target]`).Length(); n != 2 {
		t.Errorf("%d groups of demo keys, want HiAPI's and OpenAI's", n)
	}
}
