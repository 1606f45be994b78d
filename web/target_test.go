package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
)

// TestTargetOnEverySurface: the target ("provider") is read from the JSON
// API and the form, HiAPI when absent, kept with the run, and shown by the
// run's JSON, its page and the runs list; an unknown one is a 400 naming
// the nine, without echoing what was sent.
func TestTargetOnEverySurface(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()

	var def apiCheck
	b.postJSON("/api/v1/check", jsonBody(t, map[string]any{"key": cleanKey})).wantStatus(http.StatusOK).json(&def)
	if def.Provider != "hiapi" {
		t.Errorf("check without provider: provider %q, want hiapi", def.Provider)
	}

	run := b.apiCreateRun(map[string]any{"key": cleanKey, "provider": "openai"})
	if run.Provider != "openai" {
		t.Errorf("run provider %q, want openai", run.Provider)
	}
	if run.Model != "gpt-4o-mini" {
		t.Errorf("run model %q: another target's run asks about that target's default model", run.Model)
	}
	if got := b.apiRun(run.ID); got.Provider != "openai" {
		t.Errorf("stored run provider %q, want openai", got.Provider)
	}
	hiapi := b.apiCreateRun(map[string]any{"key": cleanKey})
	if hiapi.Provider != "hiapi" || hiapi.Model != testModel {
		t.Errorf("run without provider: %q with %q, want hiapi with %s", hiapi.Provider, hiapi.Model, testModel)
	}

	id := b.createRun(url.Values{"key": {cleanKey}, "provider": {"anthropic"}})
	if got := b.apiRun(id); got.Provider != "anthropic" {
		t.Errorf("form run provider %q, want anthropic", got.Provider)
	}
	page := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := strings.TrimSpace(page.Find("[data-testid=target] strong").Text()); got != "Anthropic" {
		t.Errorf("run page target %q, want Anthropic", got)
	}
	list := b.get("/runs").wantStatus(http.StatusOK).doc()
	var where []string
	list.Find("[data-testid=run-target]").Each(func(_ int, s *goquery.Selection) { where = append(where, s.Text()) })
	if strings.Join(where, ",") != "Anthropic,HiAPI,OpenAI" {
		t.Errorf("runs list targets %v, want Anthropic, HiAPI, OpenAI (newest first)", where)
	}

	for _, bad := range []string{"openia", cleanKey} {
		for _, path := range []string{"/api/v1/check", "/api/v1/runs"} {
			r := b.postJSON(path, jsonBody(t, map[string]any{"key": cleanKey, "provider": bad})).wantStatus(http.StatusBadRequest)
			e := r.apiErr().Error
			if e.Code != "bad_provider" {
				t.Errorf("%s provider %q: code %q, want bad_provider", path, bad, e.Code)
			}
			for _, tgt := range checks.Targets() {
				if !strings.Contains(e.Message, string(tgt.ID)) {
					t.Errorf("%s: message %q does not name %s", path, e.Message, tgt.ID)
				}
			}
			if strings.Contains(e.Message, bad) {
				t.Errorf("%s: message %q echoes the provider sent", path, e.Message)
			}
		}
	}
}

// TestHomeAsksWhereTheKeyIsUsed: the home page's select is labelled,
// offers every target with HiAPI first and picked, and belongs to the form
// that re-checks on change.
func TestHomeAsksWhereTheKeyIsUsed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.browser().get("/").wantStatus(http.StatusOK).doc()
	sel := d.Find("form#check-form select#provider[name=provider]")
	if sel.Length() != 1 {
		t.Fatal("no provider select in the check form")
	}
	if got := strings.TrimSpace(d.Find("label[for=provider]").Text()); got != "Where do you use this key?" {
		t.Errorf("label %q", got)
	}
	var ids []string
	sel.Find("option").Each(func(_ int, o *goquery.Selection) { ids = append(ids, o.AttrOr("value", "")) })
	if len(ids) != len(checks.Targets()) || ids[0] != "hiapi" {
		t.Errorf("options %v, want the %d targets, hiapi first", ids, len(checks.Targets()))
	}
	if v, _ := sel.Find("option[selected]").Attr("value"); v != "hiapi" {
		t.Errorf("selected %q, want hiapi", v)
	}
}
