package templates

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/keycheck/keycheck/checks"
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
	doc := render(t, StepItem(res, "", false))
	if src, _ := doc.Find(`[data-testid="result-image"] img`).Attr("src"); src != "https://cdn.example/i.png" {
		t.Errorf("image = %q, want the output of type image", src)
	}
	if got := doc.Find(`[data-testid="request-id"]`).Text(); got != "req-123" {
		t.Errorf("request_id = %q", got)
	}

	failed := checks.Result{ID: checks.StepModel, Title: "x", Status: checks.StatusFail,
		Live: &checks.LiveEvidence{HTTPStatus: 401, Code: "permission_denied", RequestID: "req-9"}}
	doc = render(t, StepItem(failed, "", false))
	copyText, _ := doc.Find(`button[data-copy]`).Attr("data-copy")
	for _, want := range []string{"401", "permission_denied", "request_id: req-9"} {
		if !strings.Contains(copyText, want) {
			t.Errorf("copy for support lacks %q: %q", want, copyText)
		}
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
