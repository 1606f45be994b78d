package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// loadTest holds one run of the load test: what it starts, the clients it
// measures with, and what it found.
type loadTest struct {
	cfg   config
	flags string
	out   io.Writer
	log   io.Writer

	fake    *fake.Server
	fakeURL string
	srv     *server
	// transport is the pool the load shares; api sends the setup and
	// check requests; stream holds event streams open, on its own pool so
	// they never take a load connection.
	transport *http.Transport
	api       *http.Client
	stream    *http.Client

	started time.Time
	report  report
}

func (lt *loadTest) progress(format string, args ...any) {
	fmt.Fprintf(lt.log, "loadtest: "+format+"…\n", args...)
}

func (lt *loadTest) run(ctx context.Context) error {
	lt.started = time.Now()
	lt.report.LoadStart = loadAvg()
	dir, err := os.MkdirTemp("", "keycheck-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	bin := lt.cfg.Bin
	if bin == "" {
		lt.progress("building keycheck")
		if bin, err = build(ctx, dir, lt.log); err != nil {
			return err
		}
	}

	// The fake HiAPI runs in this process so its task records (when a
	// poll first saw success, every poll's time) can be read directly. Its
	// per-key rate limit is off: 20 tests share the good key, and the
	// limit is HiAPI's behaviour, not keycheck's speed.
	lt.fake = fake.New(fake.Options{Step: lt.cfg.Step, RateLimit: -1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fakeSrv := &http.Server{Handler: lt.fake, ReadHeaderTimeout: 5 * time.Second}
	go fakeSrv.Serve(ln)
	defer fakeSrv.Close()
	lt.fakeURL = "http://" + ln.Addr().String()

	var echo io.Writer
	if lt.cfg.Verbose {
		echo = lt.log
	}
	lt.progress("starting keycheck")
	lt.srv, err = startServer(ctx, bin, []string{
		"--db", dir + "/lt.db",
		"--hiapi-url", lt.fakeURL,
		"--poll-every", lt.cfg.PollEvery.String(),
		"--live-timeout", lt.cfg.Hold.String(),
		"--live-per-hour", "0",
		"--checks-per-minute", "0",
		"--log-level", "warn",
	}, echo)
	if err != nil {
		return err
	}
	defer lt.srv.stop()

	maxClients := 1
	for _, n := range lt.cfg.Levels {
		maxClients = max(maxClients, n)
	}
	lt.transport = &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        maxClients + 16,
		MaxIdleConnsPerHost: maxClients + 16,
		IdleConnTimeout:     60 * time.Second,
		DisableCompression:  true,
	}
	defer lt.transport.CloseIdleConnections()
	lt.api = &http.Client{Transport: lt.transport, Timeout: 30 * time.Second}
	streams := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, DisableCompression: true}
	defer streams.CloseIdleConnections()
	lt.stream = &http.Client{Transport: streams}

	if err := lt.measureAll(ctx); err != nil {
		return err
	}
	lt.report.Elapsed = time.Since(lt.started)
	lt.report.LoadEnd = loadAvg()
	lt.report.Warnings, lt.report.ServerErrors = lt.srv.logs.counts()
	lt.report.ErrorLines = lt.srv.logs.lastErrors(5)
	lt.print(lt.out)
	if lt.report.failed() {
		return errors.New("some requests failed (see the errors column and the notes above): the figures are not trustworthy")
	}
	return nil
}

// measureAll runs the phases in an order that keeps each figure clean:
// idle memory first, then the live tests (whose memory must not include
// the load's heap), then the load.
func (lt *loadTest) measureAll(ctx context.Context) error {
	r := &lt.report
	if !sleep(ctx, time.Second) {
		return ctx.Err()
	}
	var err error
	r.Memory.Idle, _, err = lt.srv.rss()
	if err != nil {
		r.MemoryNote = err.Error()
	}

	lt.progress("timing the offline checklist in this process")
	r.Offline = offlineBench()

	cssURL, err := lt.stylesheetURL(ctx)
	if err != nil {
		return err
	}
	r.CSS = cssURL
	if err := lt.checkAnswers(ctx, cssURL); err != nil {
		return err
	}

	var liveRuns []string
	good := ""
	if lt.cfg.Push > 0 {
		lt.progress("timing %d live tests from the fake's success to the page", lt.cfg.Push)
		if r.Push, err = lt.pushLatency(ctx, lt.cfg.Push); err != nil {
			return fmt.Errorf("push latency: %w", err)
		}
		liveRuns = append(liveRuns, runIDs(r.Push)...)
		good = r.Push[0].Task
	}
	if lt.cfg.Live > 0 {
		lt.progress("holding %d live tests in flight for %s and sampling keycheck's memory", lt.cfg.Live, lt.cfg.Hold)
		if err := lt.liveMemory(ctx, lt.cfg.Live, &r.Memory); err != nil {
			return err
		}
		liveRuns = append(liveRuns, r.Memory.Runs...)
	}
	if len(liveRuns) > 0 {
		if r.Tasks, err = lt.checkTasks(ctx, liveRuns, good); err != nil {
			return err
		}
	}

	// The run page is measured on the push tests' runs: finished live
	// tests, eleven steps with evidence and an image, the richest page.
	pages := runIDs(r.Push)
	if len(pages) == 0 {
		for range 20 {
			run, err := lt.createRun(ctx, goodKey, false)
			if err != nil {
				return err
			}
			pages = append(pages, run.ID)
		}
	}
	baseline, eps := lt.endpoints(cssURL, pages)
	if r.Rows, err = lt.throughput(ctx, baseline, eps); err != nil {
		return err
	}
	if lt.cfg.Pace > 0 {
		if r.Paced, err = lt.paced(ctx, []endpoint{eps[0], eps[2]}); err != nil {
			return err
		}
	}
	r.AfterLoad, r.HWM, _ = lt.srv.rss()
	if !lt.srv.alive() {
		return fmt.Errorf("keycheck exited during the load test (%v); its log:\n%s", lt.srv.exitErr, lt.srv.logs.String())
	}
	return nil
}

// runIDs lists the push tests' runs.
func runIDs(push []pushSample) []string {
	var ids []string
	for _, p := range push {
		ids = append(ids, p.Run)
	}
	return ids
}

// checkForm is what htmx posts as a person types: the whole form, the key
// being the typical case (a clean HiAPI key).
var checkForm = url.Values{
	"_csrf":           {""},
	"key":             {goodKey},
	"var_name":        {""},
	"env_file":        {""},
	"base_url":        {""},
	"header":          {""},
	"expected_last4":  {""},
	"expected_length": {""},
	"model":           {"gpt-image-2"},
	"prompt":          {"a red apple on a white table"},
}.Encode()

// endpoints are the baseline and the three measured requests.
func (lt *loadTest) endpoints(cssURL string, runs []string) (endpoint, []endpoint) {
	base := lt.srv.URL
	// A current browser sends Sec-Fetch-Site with every request; a page
	// and its stylesheet, reached from keycheck's own pages, are
	// same-origin.
	get := func(u string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err == nil {
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		return req, err
	}
	baseline := endpoint{
		Name: "GET /static/…/app.css", Label: "baseline: a static file", Browser: true,
		New: func(int) (*http.Request, error) { return get(base + cssURL) },
	}
	check := endpoint{
		Name: "POST /check", Label: "as-you-type check", Browser: true,
		New: func(int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, base+"/check", strings.NewReader(checkForm))
			if err != nil {
				return nil, err
			}
			// What htmx and a current browser send: the CSRF middleware
			// judges the request by Sec-Fetch-Site.
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("HX-Request", "true")
			req.Header.Set("HX-Target", "checklist")
			req.Header.Set("HX-Current-URL", base+"/")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Origin", base)
			return req, nil
		},
	}
	body := []byte(`{"key":"` + goodKey + `"}`)
	create := endpoint{
		Name: "POST /api/v1/runs", Label: "store a run (JSON API)",
		New: func(int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, base+"/api/v1/runs", bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			return req, nil
		},
	}
	page := endpoint{
		Name: "GET /runs/{id}", Label: "run page", Browser: true,
		New: func(i int) (*http.Request, error) { return get(base + "/runs/" + runs[i%len(runs)]) },
	}
	return baseline, []endpoint{check, create, page}
}

// stylesheetURL finds the content-hashed stylesheet URL in the home page,
// as a browser would.
func (lt *loadTest) stylesheetURL(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, lt.srv.URL+"/", nil)
	if err != nil {
		return "", err
	}
	resp, err := lt.api.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET / answered %s", resp.Status)
	}
	m := stylesheet.FindSubmatch(b)
	if m == nil {
		return "", errors.New(`the home page has no <link rel="stylesheet" href="/static/<hash>/app.css">`)
	}
	return string(m[1]), nil
}

var stylesheet = regexp.MustCompile(`<link[^>]*rel="stylesheet"[^>]*href="(/static/[0-9a-f]+/app\.css)"`)

// checkAnswers makes sure each measured request answers what it should
// before timing it: 200 with the checklist for the check (so the CSRF
// headers pass), 201 for the API, 200 for the page and the stylesheet.
func (lt *loadTest) checkAnswers(ctx context.Context, cssURL string) error {
	run, err := lt.createRun(ctx, goodKey, false)
	if err != nil {
		return err
	}
	baseline, eps := lt.endpoints(cssURL, []string{run.ID})
	want := map[string]struct {
		status int
		marker string
	}{
		baseline.Name: {200, ""},
		eps[0].Name:   {200, `id="step-present"`},
		eps[1].Name:   {201, `"id"`},
		eps[2].Name:   {200, `id="step-present"`},
	}
	for _, ep := range append([]endpoint{baseline}, eps...) {
		req, err := ep.New(0)
		if err != nil {
			return err
		}
		resp, err := lt.loadClient(ep.Browser).Do(req.WithContext(ctx))
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		w := want[ep.Name]
		if resp.StatusCode != w.status || !bytes.Contains(b, []byte(w.marker)) {
			return fmt.Errorf("%s answered %s, want %d with %s: %.300s", ep.Name, resp.Status, w.status, w.marker, b)
		}
		if ep.Name == baseline.Name {
			lt.report.CSSBytes = len(b)
		}
	}
	return nil
}

// offline is the offline checklist timed in this process.
type offline struct {
	Input  string
	NsOp   int64
	Allocs int64
	Bytes  int64
}

// offlineBench times checks.Check on a typical input: the key and the
// fields a person usually fills (variable name, base URL, the header
// line). The package's own benchmarks (make bench) cover the worst cases.
func offlineBench() offline {
	in := checks.Input{
		Key:     goodKey,
		VarName: "HIAPI_API_KEY",
		BaseURL: checks.HiAPIOrigin,
		Header:  "Authorization: Bearer " + goodKey,
	}
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			checks.Check(in)
		}
	})
	return offline{
		Input:  "a clean key, its variable, base URL and header line",
		NsOp:   r.NsPerOp(),
		Allocs: r.AllocsPerOp(),
		Bytes:  r.AllocedBytesPerOp(),
	}
}

// fakeTasks indexes the fake's tasks by id.
func (lt *loadTest) fakeTasks() map[string]fake.TaskRecord {
	out := map[string]fake.TaskRecord{}
	for _, t := range lt.fake.Tasks() {
		out[t.ID] = t
	}
	return out
}
