package web_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/keycheck/keycheck/internal/metrics"
)

// scrape reads m as Prometheus does, through its handler, in the text
// format.
func scrape(t testing.TB, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// sample is the value of one series (`name{label="value"}`) in a scrape;
// a series never touched is absent, and reads 0.
func sample(t testing.TB, scraped, series string) float64 {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(scraped))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %q is not a number", series, v)
			}
			return f
		}
	}
	return 0
}

func withMetrics(m *metrics.Metrics) func(*setup) {
	return func(su *setup) { su.cfg.Observer = m }
}

// TestMetricsOffTheMainPort: the main port has no /metrics (they are
// served only on --metrics-addr's listener), with or without metrics on.
func TestMetricsOffTheMainPort(t *testing.T) {
	t.Parallel()
	for _, m := range []*metrics.Metrics{nil, metrics.New("test")} {
		var opts []func(*setup)
		if m != nil {
			opts = append(opts, withMetrics(m))
		}
		e := newEnv(t, opts...)
		r := e.browser().get("/metrics").wantStatus(http.StatusNotFound)
		if strings.Contains(r.Body, "go_goroutines") || strings.Contains(r.Body, "keycheck_") {
			t.Errorf("the main port shows metrics: %.300s", r.Body)
		}
	}
}

// TestMetricsCountChecksAndRuns: every check the server answers (the
// page's as-you-type check, the API's) and every run it saves (the form,
// the API) is counted once, by its verdict's status.
func TestMetricsCountChecksAndRuns(t *testing.T) {
	t.Parallel()
	m := metrics.New("test")
	e := newEnv(t, withMetrics(m))
	b := e.browser()
	checked, created := map[string]float64{}, map[string]float64{}

	b.htmx("/check", url.Values{"key": {cleanKey + "\n"}}).wantStatus(http.StatusOK)
	checked["fail"]++ // a trailing newline
	var api apiCheck
	b.postJSON("/api/v1/check", jsonBody(t, map[string]any{"key": cleanKey})).wantStatus(http.StatusOK).json(&api)
	checked[string(api.Verdict.Status)]++
	// Refused before any check: not counted.
	b.postJSON("/api/v1/check", `{"key": 1}`).wantStatus(http.StatusBadRequest)

	saved := b.apiCreateRun(map[string]any{"key": cleanKey})
	created[string(saved.Verdict.Status)]++
	b.createRun(url.Values{"key": {" " + cleanKey}})
	created["fail"]++ // a leading space

	got := scrape(t, m)
	for verdict, n := range checked {
		if s := `keycheck_checks_total{verdict="` + verdict + `"}`; sample(t, got, s) != n {
			t.Errorf("%s = %v, want %v", s, sample(t, got, s), n)
		}
	}
	for verdict, n := range created {
		if s := `keycheck_runs_created_total{verdict="` + verdict + `"}`; sample(t, got, s) != n {
			t.Errorf("%s = %v, want %v", s, sample(t, got, s), n)
		}
	}
	for _, family := range []string{"go_goroutines", "process_resident_memory_bytes", `keycheck_build_info{version="test"} 1`} {
		if !strings.Contains(got, family) {
			t.Errorf("the scrape lacks %s", family)
		}
	}
	if strings.Contains(got, cleanKey[:12]) || strings.Contains(got, saved.ID) {
		t.Errorf("a label holds a key or a run id:\n%s", got)
	}
}

// TestMetricsCountOpenStreams: keycheck_event_streams_open is the number
// of run pages watching now, down again when a page goes away.
func TestMetricsCountOpenStreams(t *testing.T) {
	t.Parallel()
	m := metrics.New("test")
	probing := make(chan struct{}, 1)
	e := newEnv(t, withMetrics(m), stepped(nil, probing))
	b := e.browser()
	id := startStepped(b, probing)
	const open = "keycheck_event_streams_open"
	if n := sample(t, scrape(t, m), open); n != 0 {
		t.Fatalf("%s = %v before any page watched", open, n)
	}
	first, _ := b.watching(id)
	second, _ := b.watching(id)
	if n := sample(t, scrape(t, m), open); n != 2 {
		t.Errorf("%s = %v with two pages watching, want 2", open, n)
	}
	first.close()
	eventually(t, "one stream closed", func() bool { return sample(t, scrape(t, m), open) == 1 })
	second.close()
	eventually(t, "both streams closed", func() bool { return sample(t, scrape(t, m), open) == 0 })
}
