package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/keycheck/keycheck/internal/wait"
	"github.com/keycheck/keycheck/static"
)

// baseline is the request every other is a ratio to: the same server's
// stylesheet, at the same concurrency, in the same run.
const baseline = "GET /static/…/app.css"

// endpoint is one request measured under load, on Server. Browser clients
// keep their session cookie as a browser does; API
// clients, as curl, do not. Paced ones are also measured at a person's
// pace.
type endpoint struct {
	Name           string
	Server         *server
	Browser, Paced bool
	Want           int // the status every answer must have
	New            func(i int) *http.Request
}

// sample is an endpoint measured with Clients clients, in a closed loop
// (Pace 0: each client sends again the moment it is answered, the server's
// capacity) or at one request per client per Pace (what people feel).
type sample struct {
	Name       string
	Clients    int
	Pace       time.Duration
	Duration   time.Duration
	OK, Errors int // requests completed inside the measured window
	FirstError error
	// ServerCPU is keycheck's CPU over the window; OtherCPU is what every
	// program but keycheck and the load test used meanwhile.
	ServerCPU, OtherCPU time.Duration
	lat                 []time.Duration // of the OK requests, sorted
}

func (s sample) RPS() float64                { return float64(s.OK) / s.Duration.Seconds() }
func (s sample) Pct(p float64) time.Duration { return pct(s.lat, p) }
func (s sample) OtherShare() float64 {
	return s.OtherCPU.Seconds() / s.Duration.Seconds() / float64(runtime.NumCPU())
}

// pct is the nearest-rank percentile of sorted durations.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(max(int(math.Ceil(float64(len(sorted))*p/100))-1, 0), len(sorted)-1)]
}

// requests measures every endpoint at every concurrency, the baseline
// first at each, then the paced ones at a person's pace with the most
// clients.
func (lt *loadTest) requests(ctx context.Context) error {
	eps, err := endpoints(lt.srv, lt.res.finished)
	if err != nil {
		return err
	}
	for _, n := range levels {
		for _, ep := range eps {
			if err := lt.measure(ctx, ep, n, 0); err != nil {
				return err
			}
		}
	}
	for _, ep := range eps {
		if ep.Paced {
			if err := lt.measure(ctx, ep, slices.Max(levels), personPace); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkForm is what htmx posts as a person types: the whole form, with a
// clean HiAPI key, the typical case.
var checkForm = url.Values{
	"_csrf": {""}, "key": {goodKey}, "var_name": {""}, "env_file": {""}, "base_url": {""}, "header": {""},
	"expected_last4": {""}, "expected_length": {""}, "model": {"gpt-image-2"}, "prompt": {"a red apple on a white table"},
}.Encode()

// endpoints are the baseline and the measured requests on srv. The run
// pages are finished live tests (eleven steps with evidence and an image,
// the richest page). Another server (PostgreSQL) gets rows of its own by
// calling this with that server and renaming the rows.
func endpoints(srv *server, pages []string) ([]endpoint, error) {
	assets, err := static.Load() // the same files, so the same hashed URL, as the keycheck just built
	if err != nil {
		return nil, err
	}
	// A current browser sends Sec-Fetch-Site, by which the CSRF check
	// judges a form post; htmx adds its own headers.
	browser := func(method, path, body string, header ...string) *http.Request {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		header = append(header, "Sec-Fetch-Site", "same-origin")
		for i := 0; i < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return req
	}
	return []endpoint{
		{Name: baseline, Server: srv, Browser: true, Want: 200, New: func(int) *http.Request {
			return browser(http.MethodGet, assets.URL("app.css"), "")
		}},
		{Name: "POST /check", Server: srv, Browser: true, Paced: true, Want: 200, New: func(int) *http.Request {
			return browser(http.MethodPost, "/check", checkForm, "Content-Type", "application/x-www-form-urlencoded", "Origin", srv.URL,
				"HX-Request", "true", "HX-Target", "checklist", "HX-Current-URL", srv.URL+"/")
		}},
		{Name: "POST /api/v1/runs", Server: srv, Want: 201, New: func(int) *http.Request { return apiRequest(srv, goodKey, false) }},
		{Name: "GET /runs/{id}", Server: srv, Browser: true, Paced: true, Want: 200, New: func(i int) *http.Request {
			return browser(http.MethodGet, "/runs/"+pages[i%len(pages)], "")
		}},
	}, nil
}

// measure sends ep's requests from n clients for the warm-up and then
// lt.duration, and keeps the figures of the requests that complete inside
// that window. An endpoint that never answers as it should ends the run.
func (lt *loadTest) measure(ctx context.Context, ep endpoint, n int, pace time.Duration) error {
	lt.progress("measuring %s with %d client(s), %s", ep.Name, n, paceWord(pace))
	from := time.Now().Add(warmup)
	until := from.Add(lt.duration)
	s := sample{Name: ep.Name, Clients: n, Pace: pace, Duration: lt.duration}
	clients := make([]sample, n) // each client's share
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { clients[i] = lt.client(ctx, ep, i, n, pace, from, until) })
	}
	s.ServerCPU, s.OtherCPU = cpuOver(ctx, ep.Server, from, until)
	wg.Wait()
	for _, c := range clients {
		s.OK, s.Errors = s.OK+c.OK, s.Errors+c.Errors
		s.FirstError = cmp.Or(s.FirstError, c.FirstError)
		s.lat = append(s.lat, c.lat...)
	}
	slices.Sort(s.lat)
	lt.res.requests = append(lt.res.requests, s)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case !ep.Server.alive():
		return fmt.Errorf("keycheck exited while measuring %s; its log:\n%s", s.Name, ep.Server.logText())
	case s.OK == 0:
		return fmt.Errorf("%s: no request answered %d: %v", s.Name, ep.Want, s.FirstError)
	}
	return nil
}

// client is the w-th of n clients: it sends requests w, w+n, w+2n… until
// the window closes. A paced client starts at a phase of its own, and its
// latency counts from when the request was due, so a server that falls
// behind shows it (no coordinated omission).
func (lt *loadTest) client(ctx context.Context, ep endpoint, w, n int, pace time.Duration, from, until time.Time) (s sample) {
	c := &http.Client{
		Transport:     lt.load,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if ep.Browser {
		c.Jar, _ = cookiejar.New(nil)
	}
	next := time.Now().Add(pace * time.Duration(w) / time.Duration(n))
	for i := w; ; i += n {
		start := time.Now()
		if pace > 0 {
			if wait.For(ctx, time.Until(next)) != nil {
				return s
			}
			start, next = next, next.Add(pace)
		}
		if ctx.Err() != nil || !time.Now().Before(until) {
			return s
		}
		err := send(ctx, c, ep, i)
		switch end := time.Now(); {
		case end.Before(from) || end.After(until):
		case err != nil:
			s.Errors++
			s.FirstError = cmp.Or(s.FirstError, err)
		default:
			s.OK++
			s.lat = append(s.lat, end.Sub(start))
		}
	}
}

// send sends ep's i-th request and reads the whole answer.
func send(ctx context.Context, c *http.Client, ep endpoint, i int) error {
	resp, err := c.Do(ep.New(i).WithContext(ctx))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != ep.Want {
		return fmt.Errorf("%s answered %s, want %d", ep.Name, resp.Status, ep.Want)
	}
	return nil
}

// cpuOver waits out the window and returns the CPU srv used over it,
// and the CPU every other program used: the machine's, less keycheck's
// and the load test's own.
func cpuOver(ctx context.Context, srv *server, from, until time.Time) (keycheck, others time.Duration) {
	pid, self := srv.cmd.Process.Pid, os.Getpid()
	if wait.For(ctx, time.Until(from)) != nil {
		return 0, 0
	}
	s0, c0, m0 := cpuTime(pid), cpuTime(self), machineBusy()
	if wait.For(ctx, time.Until(until)) != nil {
		return 0, 0
	}
	s1, c1, m1 := cpuTime(pid), cpuTime(self), machineBusy()
	return s1 - s0, max(0, (m1-m0)-(s1-s0)-(c1-c0))
}
