package templates

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var b strings.Builder
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestRichEscapesAndMarksCode(t *testing.T) {
	doc := render(t, Rich("Run `printf '%s' \"<x>\"` now.\n<script>alert(1)</script>\nan odd ` backtick"))
	if n := doc.Find("script").Length(); n != 0 {
		t.Fatal("Rich rendered a script element")
	}
	if got := doc.Find("code").First().Text(); got != `printf '%s' "<x>"` {
		t.Errorf("code span = %q", got)
	}
	if n := doc.Find("p").Length(); n != 3 {
		t.Errorf("%d paragraphs, want one per line (3)", n)
	}
	if got := doc.Find("p").Last().Text(); got != "an odd ` backtick" {
		t.Errorf("an unmatched backtick is shown as text: got %q", got)
	}
}

func TestChecklistBody(t *testing.T) {
	results := checks.Check(checks.Input{Key: "sk-abcdefghijklmnopqrstuvwxyz0123456789AB\n"})
	doc := render(t, ChecklistBody(Checklist{Results: results, Fingerprint: checks.FingerprintOf("sk-abcdefghijklmnopqrstuvwxyz0123456789AB\n"), RunID: "AAAAAAAAAAAAAAAAAAAAAA"}))

	if got := doc.Find(`[data-testid="summary"]`).Text(); !strings.Contains(got, "whitespace") {
		t.Errorf("summary = %q", got)
	}
	steps := doc.Find(`li.step`)
	if steps.Length() != len(checks.Catalogue()) {
		t.Fatalf("%d steps, want %d", steps.Length(), len(checks.Catalogue()))
	}
	ws := doc.Find(`[data-testid="step-whitespace"]`)
	if st, _ := ws.Attr("data-status"); st != "fail" {
		t.Errorf("whitespace status = %q", st)
	}
	if _, open := ws.Find("details").Attr("open"); !open {
		t.Error("a failed step must start expanded")
	}
	if _, open := doc.Find(`[data-testid="step-present"] details`).Attr("open"); open {
		t.Error("a passed step must start collapsed")
	}
	if href, _ := ws.Find(`[data-testid="step-link"]`).Attr("href"); href != "/runs/AAAAAAAAAAAAAAAAAAAAAA/steps/whitespace" {
		t.Errorf("step link = %q", href)
	}
	if got := doc.Find(`[data-testid="fingerprint"]`).Text(); !strings.Contains(got, "sha256sum") {
		t.Error("fingerprint box lacks the hash command")
	}
}

func TestChecklistIdle(t *testing.T) {
	doc := render(t, ChecklistBody(Checklist{Idle: true, Results: checks.Check(checks.Input{})}))
	if n := doc.Find(`li.step[data-status="pending"]`).Length(); n != len(checks.Catalogue()) {
		t.Errorf("%d steps waiting, want all %d", n, len(checks.Catalogue()))
	}
	if doc.Find(`[data-testid="fingerprint"]`).Length() != 0 {
		t.Error("no fingerprint before a key is typed")
	}
}

func TestResultShowsImageAndEvidence(t *testing.T) {
	res := checks.Result{ID: checks.StepResult, Title: "The task returns an image", Status: checks.StatusPass,
		Live: &checks.LiveEvidence{HTTPStatus: 200, RequestID: "req-123", TaskID: "tk-hiapi-1",
			Outputs: []checks.Output{{URL: "https://cdn.example/t.png", Type: "thumbnail"}, {URL: "https://cdn.example/i.png", Type: "image", ExpireAt: 2000000000}}}}
	doc := render(t, StepItem(res, "", false, ""))
	if src, _ := doc.Find(`[data-testid="result-image"] img`).Attr("src"); src != "https://cdn.example/i.png" {
		t.Errorf("image = %q, want the output of type image", src)
	}
	if got := doc.Find(`[data-testid="request-id"]`).Text(); got != "req-123" {
		t.Errorf("request_id = %q", got)
	}
}

func TestSupportText(t *testing.T) {
	key := "sk-abcdefghijklmnopqrstuvwxyz0123456789AB"
	steps := checks.Check(checks.Input{Key: key})
	r := &run.Run{ID: "AAAAAAAAAAAAAAAAAAAAAA", Created: time.Date(2026, 11, 30, 9, 15, 4, 0, time.UTC),
		Fingerprint: checks.FingerprintOf(key), Model: "gpt-image-2", Steps: steps}
	r.SetStep(checks.Result{ID: checks.StepAuth, Title: "HiAPI accepts the key", Status: checks.StatusPass,
		Live: &checks.LiveEvidence{HTTPStatus: 200, RequestID: "req-1"}})
	r.SetStep(checks.Result{ID: checks.StepModel, Title: "The key may use the model", Status: checks.StatusFail, Detail: "Refused.",
		Live: &checks.LiveEvidence{HTTPStatus: 401, Code: "permission_denied", Message: "This API key cannot use the selected model", RequestID: "req-9"}})
	got := Support{Run: r, URL: "https://kc.example/runs/AAAAAAAAAAAAAAAAAAAAAA", BaseURL: "http://127.0.0.1:8089/v1/"}.Text()
	v := checks.VerdictOf(r.Steps)
	want := "keycheck status: fail\n" +
		"Headline: " + v.Headline + "\n" +
		"Time: 2026-11-30 09:15:04 UTC\n" +
		"Run: https://kc.example/runs/AAAAAAAAAAAAAAAAAAAAAA\n" +
		"Key fingerprint: " + r.Fingerprint.Short() + "\n" +
		"Model: gpt-image-2\n" +
		"Step: model (fail)\n" +
		"Endpoint: POST http://127.0.0.1:8089/v1/tasks\n" +
		"HTTP status: 401\n" +
		"Error code: permission_denied\n" +
		"Message: This API key cannot use the selected model\n" +
		"request_id: req-9\n"
	if got != want {
		t.Errorf("support text:\n%s\nwant:\n%s", got, want)
	}
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(got, key[i:i+8]) {
			t.Fatalf("support text holds %q of the key", key[i:i+8])
		}
	}
	// A step's page copies its own step.
	auth, _ := r.Step(checks.StepAuth)
	if got := (Support{Run: r, BaseURL: "https://api.hiapi.ai", Step: &auth}).Text(); !strings.Contains(got, "Step: auth (pass)\nEndpoint: GET https://api.hiapi.ai/v1/tasks?page=1&size=1\nHTTP status: 200\n") {
		t.Errorf("auth's support text:\n%s", got)
	}
}

// TestSupportTextOfAnotherTarget: the endpoint support reads is the one
// the run's target was asked, at the origin given, not HiAPI's.
func TestSupportTextOfAnotherTarget(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("Ab3dE", 20)
	r := &run.Run{ID: "AAAAAAAAAAAAAAAAAAAAAA", Provider: checks.ProviderOpenAI, Model: "gpt-4o-mini",
		Fingerprint: checks.FingerprintOf(key), Steps: checks.Check(checks.Input{Key: key, Provider: checks.ProviderOpenAI})}
	r.SetStep(checks.Result{ID: checks.StepModel, Title: "The key may use the model", Status: checks.StatusFail,
		Live: &checks.LiveEvidence{HTTPStatus: 404, Code: "model_not_found", RequestID: "req_1"}})
	got := Support{Run: r, BaseURL: "http://gw.example/openai"}.Text()
	if !strings.Contains(got, "Endpoint: GET http://gw.example/openai/v1/models/gpt-4o-mini\n") || strings.Contains(got, "hiapi") {
		t.Errorf("support text of an OpenAI run:\n%s", got)
	}
}

func TestWhenUTC(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 19, 0, 0, time.UTC)
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(-4 * time.Minute), "4 minutes ago (2026-11-30 09:15 UTC)"},
		{now.Add(-10 * time.Second), "just now (2026-11-30 09:18 UTC)"},
		{now.Add(-30 * 24 * time.Hour), "2026-10-31 09:19 UTC"},
		{time.Date(2026, 11, 30, 10, 15, 0, 0, time.FixedZone("CET", 3600)), "4 minutes ago (2026-11-30 09:15 UTC)"},
	} {
		if got := WhenUTC(tt.t, now); got != tt.want {
			t.Errorf("WhenUTC(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

// TestPassedStepsFold: once a key is typed, the steps that need reading
// come first and open, the passed ones fold into one closed line, and the
// skipped and pending ones follow; nothing is lost or repeated.
func TestPassedStepsFold(t *testing.T) {
	results := checks.Check(checks.Input{Key: "sk-abcdefghijklmnopqrstuvwxyz0123456789AB\n"})
	doc := render(t, ChecklistBody(Checklist{Results: results}))
	var order []string
	doc.Find("li.step").Each(func(_ int, s *goquery.Selection) { order = append(order, s.AttrOr("data-status", "")) })
	if len(order) != len(results) || order[0] != "fail" {
		t.Fatalf("steps in order of status: %v", order)
	}
	fold := doc.Find(`details[data-testid="passed"]`)
	n := fold.Find(`li.step`).Length()
	if n == 0 || fold.Find(`li.step[data-status="pass"]`).Length() != n || doc.Find(`li.step[data-status="pass"]`).Length() != n {
		t.Errorf("the fold holds %d steps; want every passed one and only those", n)
	}
	if _, open := fold.Attr("open"); open {
		t.Error("the fold starts open")
	}
	if _, open := doc.Find(`[data-testid="step-whitespace"] > details`).Attr("open"); !open {
		t.Error("the failed step starts closed")
	}
	// Idle: every step, waiting, in catalogue order, nothing folded.
	idle := render(t, ChecklistBody(Checklist{Idle: true, Results: checks.Check(checks.Input{})}))
	if idle.Find(`[data-testid="passed"]`).Length() != 0 || idle.Find(`li.step`).First().AttrOr("id", "") != "step-present" {
		t.Error("the idle checklist is folded or out of order")
	}
}

func TestVerdictBoxLinksTheCause(t *testing.T) {
	results := checks.Check(checks.Input{Key: "sk-abcdefghijklmnopqrstuvwxyz0123456789AB\n"})
	home := render(t, VerdictBox(Checklist{Results: results}))
	if got := home.Find(`#verdict-live[role="status"] [data-testid="verdict"]`).AttrOr("data-status", ""); got != "fail" {
		t.Errorf("home verdict status %q, in a live region", got)
	}
	if href := home.Find(`[data-testid="verdict-step"]`).AttrOr("href", ""); href != "#step-whitespace" {
		t.Errorf("home verdict links to %q, want the step below", href)
	}
	onRun := render(t, RunVerdict(checks.VerdictOf(results), "AAAAAAAAAAAAAAAAAAAAAA", ""))
	if href := onRun.Find(`[data-testid="verdict-step"]`).AttrOr("href", ""); href != "/runs/AAAAAAAAAAAAAAAAAAAAAA/steps/whitespace" {
		t.Errorf("run verdict links to %q", href)
	}
	if onRun.Find(`h1[data-testid="verdict-headline"]`).Length() != 1 {
		t.Error("the run's verdict is not its page's heading")
	}
	idle := render(t, VerdictBox(Checklist{Idle: true}))
	if got := idle.Find(`[data-testid="verdict-headline"]`).Text(); !strings.Contains(got, "Paste a key") {
		t.Errorf("idle verdict %q", got)
	}
}

func TestEveryStatusLooksItsOwnWay(t *testing.T) {
	icons, words := map[string]checks.Status{}, map[string]checks.Status{}
	for _, s := range []checks.Status{checks.StatusPass, checks.StatusWarn, checks.StatusFail, checks.StatusSkip,
		checks.StatusPending, checks.StatusRunning, checks.StatusUnknown} {
		icon, word := Icon(s), StatusWord(s)
		if icon == "" || word == "" {
			t.Errorf("%s: icon %q, word %q", s, icon, word)
		}
		if other, dup := icons[icon]; dup {
			t.Errorf("%s and %s share the icon %q", s, other, icon)
		}
		if other, dup := words[word]; dup {
			t.Errorf("%s and %s share the word %q", s, other, word)
		}
		icons[icon], words[word] = s, s
	}
	if Icon("new-status") != "○" || StatusWord("new-status") != "pending" {
		t.Error("a status without a look does not show as pending")
	}
}

// TestDashboardLinkFollowsTarget: a fix that mentions the dashboard links
// HiAPI's only when the key is for HiAPI; another target's fix names its
// own dashboard, and a link to HiAPI's would send the person astray.
func TestDashboardLinkFollowsTarget(t *testing.T) {
	for _, tc := range []struct {
		target checks.ProviderID
		want   int
	}{{"", 1}, {checks.ProviderHiAPI, 1}, {checks.ProviderOpenAI, 0}, {checks.ProviderAnthropic, 0}} {
		steps := checks.Check(checks.Input{Key: "sk-hQ7xK2mP9vR4tL8wN3bJ6cF1...uZ7kT4pW9", Provider: tc.target})
		v := checks.VerdictOf(steps)
		for name, c := range map[string]templ.Component{
			"home verdict": VerdictBox(Checklist{Results: steps, Target: tc.target}),
			"run verdict":  RunVerdict(v, "AAAAAAAAAAAAAAAAAAAAAA", tc.target),
			"checklist":    ChecklistBody(Checklist{Results: steps, Target: tc.target}),
		} {
			if got := render(t, c).Find(`[data-testid="dashboard-link"]`).Length(); (got > 0) != (tc.want > 0) {
				t.Errorf("%s for %q: %d HiAPI dashboard links, want %d", name, tc.target, got, tc.want)
			}
		}
	}
}
