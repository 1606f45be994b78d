// Package metrics is keycheck's Prometheus metrics: what the server
// answers, the live tests it runs and how its database performs. They are
// kept in a registry of their own (never the global one), with the Go
// runtime's and the process's collectors, and served only on the separate
// listener --metrics-addr names.
//
// No label takes a value from a request: every label is one of a fixed set
// (a verdict's status, a target, an HTTP status code, a store operation),
// so no run id, fingerprint or name can grow the series without bound.
package metrics

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// Metrics holds keycheck's metrics and the registry that serves them. Its
// methods are safe for concurrent use. web.Server reports to it through
// web.Observer; the live tests and the database through Store.
type Metrics struct {
	reg *prometheus.Registry

	checks        *prometheus.CounterVec
	runs          *prometheus.CounterVec
	liveTests     *prometheus.CounterVec
	answers       *prometheus.CounterVec
	liveDuration  *prometheus.HistogramVec
	streams       prometheus.Gauge
	storeDuration *prometheus.HistogramVec
}

// New makes the metrics of a keycheck of the given version.
func New(version string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keycheck_checks_total",
			Help: "Keys checked without saving a run (the page's as-you-type check and POST /api/v1/check), by the verdict's status.",
		}, []string{"verdict"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keycheck_runs_created_total",
			Help: "Runs saved (the form and POST /api/v1/runs), by the verdict's status when saved; pending means a live test is still to come.",
		}, []string{"verdict"}),
		liveTests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keycheck_live_tests_total",
			Help: "Live tests this instance finished or saw interrupted, by the provider tested (target) and the run's verdict afterwards.",
		}, []string{"target", "verdict"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keycheck_provider_answers_total",
			Help: "HTTP answers from providers recorded on finished live tests' steps (auth, model, result: the last answer of each), by provider and HTTP status code.",
		}, []string{"provider", "code"}),
		liveDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "keycheck_live_test_duration_seconds",
			Help:    "How long live tests took, from their start to their last save, by the provider tested (target).",
			Buckets: []float64{0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 90, 120, 180, 300},
		}, []string{"target"}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "keycheck_event_streams_open",
			Help: "Live-update streams (run pages watching a run, GET /runs/{id}/events) open now.",
		}),
		storeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "keycheck_db_operation_duration_seconds",
			Help:    "How long database operations took, failed ones included, by operation (create_run, get_run, update_run, ...).",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
		}, []string{"operation"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "keycheck_build_info",
		Help:        "Always 1; its version label is the keycheck that serves these metrics.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build, m.checks, m.runs, m.liveTests, m.answers, m.liveDuration, m.streams, m.storeDuration,
	)
	return m
}

// Handler serves the metrics in Prometheus's text format (or
// OpenMetrics, when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// Checked counts a check answered without a run (web.Observer).
func (m *Metrics) Checked(results []checks.Result) {
	m.checks.WithLabelValues(string(checks.VerdictOf(results).Status)).Inc()
}

// RunCreated counts a run saved (web.Observer).
func (m *Metrics) RunCreated(r *run.Run) {
	m.runs.WithLabelValues(string(checks.VerdictOf(r.Steps).Status)).Inc()
}

// StreamOpened counts an event stream open until the returned func is
// called (web.Observer).
func (m *Metrics) StreamOpened() (closed func()) {
	m.streams.Inc()
	return m.streams.Dec
}

// liveEnded counts a live test that ended after d seconds: its verdict,
// its duration, and the provider's answers its live steps kept.
func (m *Metrics) liveEnded(r *run.Run, seconds float64) {
	target := targetLabel(r.Provider)
	m.liveTests.WithLabelValues(target, string(checks.VerdictOf(r.Steps).Status)).Inc()
	m.liveDuration.WithLabelValues(target).Observe(seconds)
	for _, s := range r.Steps {
		if st, ok := checks.Lookup(s.ID); !ok || !st.Live || s.Live == nil {
			continue
		}
		if code := s.Live.HTTPStatus; code >= 100 && code <= 599 {
			m.answers.WithLabelValues(target, strconv.Itoa(code)).Inc()
		}
	}
}

// targetLabel is the target as a label: one of keycheck's providers
// ("" is HiAPI), or "other" for an id keycheck does not know (a run from
// a newer keycheck), so the label keeps its fixed set of values.
func targetLabel(id checks.ProviderID) string {
	t, ok := checks.TargetOf(id)
	if !ok {
		return "other"
	}
	return string(t.ID)
}
