package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
)

// TestEveryProviderLive: every target's fake scenarios through the real
// server, runner and probe client, by the JSON API: the auth step reads
// as the scenario says (a working key passes; a dead, blocked or
// under-scoped key fails; no credit fails or warns; a 429, a 5xx or an
// HTML page is unknown, never the key's fault), nothing is spent, HiAPI
// is never asked, and only GETs reach the providers, each to its own
// fake.
func TestEveryProviderLive(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		fakes.Good: {"pass"}, "revoked": {"fail"}, "forbidden": {"fail"}, "blocked": {"fail"},
		"no-balance": {"fail", "warn"}, "rate-limited": {"unknown"}, "down": {"unknown"}, "html": {"unknown"},
	}
	for _, tg := range checks.Targets() {
		if tg.ID == checks.ProviderHiAPI {
			continue // HiAPI's live test has its own tests, and spends a task
		}
		t.Run(string(tg.ID), func(t *testing.T) {
			t.Parallel()
			f, wire := withFakes(t)
			e := newEnv(t, wire)
			b := e.browser()
			asked := 0
			for _, sc := range fakes.Scenarios(tg.ID) {
				statuses, ok := want[sc.Name]
				if !ok {
					continue // slow: the time-out has its own tests
				}
				created := b.apiCreateRun(map[string]any{"key": sc.Key, "provider": string(tg.ID), "live": true})
				got := b.waitLive(created.ID)
				auth := got.step(t, checks.StepAuth)
				if !contains(statuses, auth.Status) {
					t.Errorf("%s: auth %s (%s), want %v", sc.Name, auth.Status, auth.Detail, statuses)
				}
				if res := got.step(t, checks.StepResult); res.Status != "skip" {
					t.Errorf("%s: result %s, want skip: nothing is spent at %s", sc.Name, res.Status, tg.Name)
				}
				if sc.Name == fakes.Good {
					if m := got.step(t, checks.StepModel); tg.ModelPath != "" && m.Status != "pass" {
						t.Errorf("good: model %s (%s), want pass", m.Status, m.Detail)
					}
					if got.Verdict.Status != checks.StatusPass {
						t.Errorf("good: verdict %+v, want pass", got.Verdict)
					}
				}
				if n := f.Count(tg.ID, "", "", sc.Key); n == 0 {
					t.Errorf("%s: the fake never saw the key", sc.Name)
				} else {
					asked += n
				}
			}
			if n := e.Provider.probes.Load() + e.Provider.creates.Load() + e.Provider.gets.Load(); n != 0 {
				t.Errorf("HiAPI received %d requests for %s runs", n, tg.Name)
			}
			reqs := f.Requests()
			if len(reqs) != asked {
				t.Errorf("the fakes received %d requests, %d of them with the scenarios' keys", len(reqs), asked)
			}
			for _, r := range reqs {
				if r.Method != http.MethodGet || r.Provider != tg.ID {
					t.Errorf("%s %s to %s: want only GETs to %s", r.Method, r.Route, r.Provider, tg.ID)
				}
			}
			if n := len(f.HiAPI().Requests()); n != 0 {
				t.Errorf("the HiAPI fake received %d requests", n)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
