package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/checks"
)

func withRunsList(on bool) func(*setup) {
	return func(su *setup) { su.cfg.RunsList = on }
}

// TestRunsListModes: /runs lists every run id to whoever can open it, so
// a run's link is a capability only where the list is off. On, the page,
// the API and every page's links offer the list; off, the page and the
// API answer 404 runs_list_off, saying to ask for the run's link, and no
// page links to them. In both modes a run opens by its link, to anyone,
// and the home page keeps the browser's own recent checks.
func TestRunsListModes(t *testing.T) {
	for _, on := range []bool{true, false} {
		name := map[bool]string{true: "on", false: "off"}[on]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withRunsList(on))
			me := e.browser()
			id := me.createRun(url.Values{"key": {cleanKey + "\n"}})
			mate := e.browser()

			for _, path := range []string{"/runs", "/runs?failed=whitespace", "/api/v1/runs", "/api/v1/runs?failed=whitespace"} {
				r := mate.get(path)
				if on {
					r.wantStatus(http.StatusOK)
					if !strings.Contains(r.Body, id) {
						t.Errorf("%s does not list run %s", path, id)
					}
					continue
				}
				r.wantStatus(http.StatusNotFound)
				if strings.Contains(r.Body, id) {
					t.Errorf("%s shows run %s with the list off", path, id)
				}
				var msg string
				if strings.HasPrefix(path, "/api/") {
					e := r.apiErr()
					if e.Error.Code != "runs_list_off" {
						t.Errorf("%s: code %q, want runs_list_off", path, e.Error.Code)
					}
					msg = e.Error.Message
				} else {
					msg = r.doc().Find(`[data-testid="error"]`).Text()
				}
				if !strings.Contains(msg, "Ask the person who ran the check for the run's link") {
					t.Errorf("%s does not say how to see a run: %.400s", path, msg)
				}
			}

			// Every page links to the list if, and only if, it is on.
			for _, path := range []string{"/", "/runs/" + id, "/runs/" + id + "/steps/" + string(checks.StepWhitespace), "/runs/no-such-run-here-000"} {
				r := mate.get(path)
				if links := r.doc().Find(`a[href="/runs"]`).Length(); (links > 0) != on {
					t.Errorf("list %s: %s (status %d) has %d links to /runs", name, path, r.Status, links)
				}
			}

			// The run opens by its link, to anyone; my recent checks stay
			// mine, on the home page.
			mate.get("/runs/" + id).wantStatus(http.StatusOK)
			mate.get("/api/v1/runs/" + id).wantStatus(http.StatusOK)
			if href := me.get("/").doc().Find(`[data-testid="recent"] a`).First().AttrOr("href", ""); href != "/runs/"+id {
				t.Errorf("my recent checks link %q, want /runs/%s", href, id)
			}
			if mate.get("/").doc().Find(`[data-testid="recent"]`).Length() != 0 {
				t.Error("a teammate sees someone else's recent checks")
			}
		})
	}
}
