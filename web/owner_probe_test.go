package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
	"github.com/keycheck/keycheck/internal/probe"
)

// withFakes wires every target but HiAPI to P4's fakes through the real
// probe client, and returns the fakes to read what they received.
func withFakes(t *testing.T) (*fakes.Server, func(*setup)) {
	t.Helper()
	f := fakes.New(fakes.Options{})
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	origins := map[checks.ProviderID]string{}
	for _, tg := range checks.Targets() {
		origins[tg.ID] = srv.URL + fakes.Prefix(tg.ID)
	}
	return f, func(su *setup) { su.prober = probe.New(origins, probe.Options{Version: "test"}) }
}

// scenarioKey is provider's fake scenario key named name.
func scenarioKey(t testing.TB, provider checks.ProviderID, name string) string {
	t.Helper()
	for _, s := range fakes.Scenarios(provider) {
		if s.Name == name {
			return s.Key
		}
	}
	t.Fatalf("%s's fake has no scenario %q", provider, name)
	return ""
}

// TestOwnerProbe: an OpenAI key checked for HiAPI sends HiAPI nothing; the
// run offers to ask OpenAI, and the person's request (API, or the page's
// button with the key held) sends OpenAI one free GET, never HiAPI, and
// the verdict tells the whole story.
func TestOwnerProbe(t *testing.T) {
	t.Parallel()
	f, wire := withFakes(t)
	e := newEnv(t, wire)
	b := e.browser()
	key := scenarioKey(t, checks.ProviderOpenAI, fakes.Good)
	const story = "This is a working OpenAI key; HiAPI has never seen it."

	created := b.apiCreateRun(map[string]any{"key": key})
	if created.OwnerProbe == nil || created.OwnerProbe.Provider != "openai" || !strings.HasSuffix(created.OwnerProbe.URL, "/api/v1/runs/"+created.ID+"/owner") {
		t.Fatalf("owner_probe %+v, want an offer to ask openai at the run's /owner", created.OwnerProbe)
	}
	b.postJSON("/api/v1/runs/"+created.ID+"/live", jsonBody(t, map[string]any{"key": key})).wantStatus(http.StatusUnprocessableEntity)
	var proved apiRun
	b.postJSON("/api/v1/runs/"+created.ID+"/owner", jsonBody(t, map[string]any{"key": key})).wantStatus(http.StatusOK).json(&proved)
	if !strings.HasPrefix(proved.Verdict.Headline, story) {
		t.Errorf("verdict %q, want it to start %q", proved.Verdict.Headline, story)
	}
	if p := proved.step(t, checks.StepProvider); p.Status != "fail" || p.Live == nil || p.Live.HTTPStatus != 200 {
		t.Errorf("provider step %s %+v, want fail with OpenAI's 200 as evidence", p.Status, p.Live)
	}

	// The page: the key is held for the click, and the click asks OpenAI.
	id := b.createRun(url.Values{"key": {key}})
	page := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := strings.TrimSpace(page.Find("[data-testid=owner-button]").Text()); got != "Ask OpenAI whether this key works (free)" {
		t.Fatalf("owner button %q", got)
	}
	b.postForm("/runs/"+id+"/owner", url.Values{}).wantStatus(http.StatusSeeOther)
	page = b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := page.Find("[data-testid=verdict]").Text(); !strings.Contains(got, story) {
		t.Errorf("run page verdict %q, want %q", strings.Join(strings.Fields(got), " "), story)
	}

	if n := len(e.Provider.sentKeys()); n != 0 || e.Provider.probes.Load() != 0 {
		t.Errorf("HiAPI received %d keys, %d probes: an OpenAI key goes to OpenAI only", n, e.Provider.probes.Load())
	}
	reqs := f.Requests()
	if len(reqs) != 2 {
		t.Fatalf("the fakes received %d requests, want 2 (one per click): %+v", len(reqs), reqs)
	}
	for _, r := range reqs {
		if r.Provider != checks.ProviderOpenAI || r.Method != http.MethodGet {
			t.Errorf("request %s %s to %s: want only GETs to OpenAI", r.Method, r.Route, r.Provider)
		}
	}

	// A key that is no other provider's has nothing to ask.
	mine := b.apiCreateRun(map[string]any{"key": cleanKey})
	if mine.OwnerProbe != nil {
		t.Errorf("a HiAPI key's run offers %+v", mine.OwnerProbe)
	}
	r := b.postJSON("/api/v1/runs/"+mine.ID+"/owner", jsonBody(t, map[string]any{"key": cleanKey})).wantStatus(http.StatusConflict)
	if c := r.apiErr().Error.Code; c != "no_owner" {
		t.Errorf("owner probe of a HiAPI key: %s, want no_owner", c)
	}
	r = b.postJSON("/api/v1/runs/"+created.ID+"/owner", jsonBody(t, map[string]any{"key": cleanKey})).wantStatus(http.StatusConflict)
	if c := r.apiErr().Error.Code; c != "key_mismatch" {
		t.Errorf("owner probe with another key: %s, want key_mismatch", c)
	}
}

// TestOwnerProbeCountsAgainstLiveLimit: asking a key's provider is a live
// request like any other; once the live limit is spent it is refused with
// 429 (API) or the error page (the button), and the provider is not asked.
func TestOwnerProbeCountsAgainstLiveLimit(t *testing.T) {
	t.Parallel()
	f, wire := withFakes(t)
	e := newEnv(t, wire, withLimits(1, 1000))
	b := e.browser()
	key := scenarioKey(t, checks.ProviderOpenAI, fakes.Good)

	created := b.apiCreateRun(map[string]any{"key": key})
	b.postJSON("/api/v1/runs/"+created.ID+"/owner", jsonBody(t, map[string]any{"key": key})).wantStatus(http.StatusOK)
	assertTooMany(t, b.postJSON("/api/v1/runs/"+created.ID+"/owner", jsonBody(t, map[string]any{"key": key})), "You have run many live tests")
	id := b.createRun(url.Values{"key": {key}})
	assertTooMany(t, b.postForm("/runs/"+id+"/owner", url.Values{}), "live tests")
	if n := len(f.Requests()); n != 1 {
		t.Errorf("the fakes received %d requests, want 1: a refused probe asks no one", n)
	}
}
