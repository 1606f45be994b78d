package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"runtime"
	"slices"
	"sync"
	"time"
)

// endpoint is one thing measured under load.
type endpoint struct {
	// Name is the request as the table shows it, Label what it is for.
	Name, Label string
	// Browser clients keep cookies (a session, the CSRF cookie) as a
	// browser does; API clients (curl, CI scripts) do not.
	Browser bool
	// New builds the i-th request of a client.
	New func(i int) (*http.Request, error)
}

// stats is one endpoint measured at one concurrency: a closed loop of
// Clients clients, each sending its next request when the last answered.
type stats struct {
	Clients int
	// Pace is each client's time between requests; 0 is a closed loop.
	Pace     time.Duration
	Duration time.Duration
	// OK and Errors count requests completed within the measured window;
	// an error is a transport failure or a status of 400 or above.
	OK, Errors int
	FirstError string
	// ServerCPU and ClientCPU are the CPU keycheck and this process used
	// over the window: what each request costs on either side.
	ServerCPU, ClientCPU time.Duration
	// OtherCPU is what every other process on the machine used meanwhile.
	OtherCPU time.Duration
	// lat are the latencies of the OK requests, sorted.
	lat []time.Duration
}

// RPS is successful requests per second.
func (s stats) RPS() float64 { return float64(s.OK) / s.Duration.Seconds() }

// ServerPerReq is keycheck's CPU per request answered.
func (s stats) ServerPerReq() time.Duration { return perReq(s.ServerCPU, s.OK+s.Errors) }

// ClientPerReq is the load generator's CPU per request.
func (s stats) ClientPerReq() time.Duration { return perReq(s.ClientCPU, s.OK+s.Errors) }

func perReq(d time.Duration, n int) time.Duration {
	if n == 0 {
		return 0
	}
	return d / time.Duration(n)
}

// OtherShare is the share of the machine other processes took.
func (s stats) OtherShare() float64 {
	return s.OtherCPU.Seconds() / (s.Duration.Seconds() * float64(runtime.NumCPU()))
}

// Pct returns the p-th percentile latency (nearest rank).
func (s stats) Pct(p float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	i := int(float64(len(s.lat))*p/100+0.999999) - 1
	return s.lat[min(max(i, 0), len(s.lat)-1)]
}

// maxSamples bounds the latencies one client keeps: memory stays bounded
// however fast the machine.
const maxSamples = 1 << 20

// measure runs ep with the given number of clients: a warm-up on the same
// connections and cookie jars, unrecorded, then cfg.Duration recorded.
// Only requests that complete inside the recorded window count, so
// requests/s is completions per second of that window.
//
// With pace 0 each client sends its next request as soon as the last one
// answered (a closed loop: the server's capacity). With a pace, each sends
// one request per pace, at a phase of its own, as people typing do.
func (lt *loadTest) measure(ctx context.Context, ep endpoint, clients int, pace time.Duration) (stats, error) {
	from := time.Now().Add(lt.cfg.Warmup)
	until := from.Add(lt.cfg.Duration)
	type result struct {
		lat      []time.Duration
		errs     int
		firstErr string
	}
	results := make([]result, clients)
	var wg sync.WaitGroup

	// CPU of both sides over the recorded window, read on its edges.
	var serverCPU, clientCPU, otherCPU time.Duration
	cpuDone := make(chan struct{})
	go func() {
		defer close(cpuDone)
		pid := lt.srv.cmd.Process.Pid
		if !sleep(ctx, time.Until(from)) {
			return
		}
		s0, _ := cpuTime(pid)
		c0 := selfCPU()
		m0, _ := machineBusy()
		if !sleep(ctx, time.Until(until)) {
			return
		}
		s1, _ := cpuTime(pid)
		c1 := selfCPU()
		m1, _ := machineBusy()
		serverCPU, clientCPU = s1-s0, c1-c0
		otherCPU = max(0, (m1-m0)-serverCPU-clientCPU)
	}()
	for w := range clients {
		client := lt.loadClient(ep.Browser)
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[w]
			next := time.Now().Add(pace * time.Duration(w) / time.Duration(clients))
			for i := w; ctx.Err() == nil; i += clients {
				start := time.Now()
				if pace > 0 {
					if !sleep(ctx, time.Until(next)) {
						return
					}
					// Latency counts from when the request was due, so a
					// server that falls behind shows it (no coordinated
					// omission).
					start = next
					next = next.Add(pace)
				}
				if !time.Now().Before(until) {
					return
				}
				req, err := ep.New(i)
				if err != nil {
					res.errs++
					res.firstErr = err.Error()
					return
				}
				failure := ""
				resp, err := client.Do(req.WithContext(ctx))
				if err != nil {
					failure = err.Error()
				} else {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					switch {
					case err != nil:
						failure = "reading the body: " + err.Error()
					case resp.StatusCode >= 400:
						failure = fmt.Sprintf("%s answered %s", ep.Name, resp.Status)
					}
				}
				end := time.Now()
				if end.Before(from) || end.After(until) || ctx.Err() != nil {
					continue
				}
				if failure != "" {
					res.errs++
					if res.firstErr == "" {
						res.firstErr = failure
					}
					continue
				}
				if len(res.lat) < maxSamples {
					res.lat = append(res.lat, end.Sub(start))
				}
			}
		}()
	}
	wg.Wait()
	<-cpuDone
	if err := ctx.Err(); err != nil {
		return stats{}, err
	}
	s := stats{Clients: clients, Pace: pace, Duration: lt.cfg.Duration, ServerCPU: serverCPU, ClientCPU: clientCPU, OtherCPU: otherCPU}
	for _, r := range results {
		s.OK += len(r.lat)
		s.Errors += r.errs
		if s.FirstError == "" {
			s.FirstError = r.firstErr
		}
		s.lat = append(s.lat, r.lat...)
	}
	slices.Sort(s.lat)
	return s, nil
}

// loadClient is one client of the load: connections are kept alive and
// shared from one pool, redirects are not followed (a 303 is the answer).
func (lt *loadTest) loadClient(browser bool) *http.Client {
	c := &http.Client{
		Transport: lt.transport,
		Timeout:   30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	if browser {
		c.Jar, _ = cookiejar.New(nil)
	}
	return c
}

// row is one line of the throughput table: an endpoint beside the
// baseline measured at the same concurrency.
type row struct {
	Endpoint endpoint
	Stats    stats
	Baseline stats
}

// Ratio is the endpoint's requests/s over the baseline's.
func (r row) Ratio() float64 {
	if r.Baseline.RPS() == 0 {
		return 0
	}
	return r.Stats.RPS() / r.Baseline.RPS()
}

// throughput measures every endpoint at every concurrency beside a
// baseline (a static file from the same server) measured first at that
// concurrency, in the same run.
func (lt *loadTest) throughput(ctx context.Context, baseline endpoint, eps []endpoint) ([]row, error) {
	var rows []row
	for _, clients := range lt.cfg.Levels {
		lt.progress("measuring the baseline at %d client(s)", clients)
		base, err := lt.measure(ctx, baseline, clients, 0)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row{Endpoint: baseline, Stats: base, Baseline: base})
		for _, ep := range eps {
			lt.progress("measuring %s at %d client(s)", ep.Name, clients)
			s, err := lt.measure(ctx, ep, clients, 0)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row{Endpoint: ep, Stats: s, Baseline: base})
		}
	}
	return rows, nil
}

// paced measures eps with the most clients at a person's pace: the
// latency people feel when that many use keycheck at once, rather than
// the server's capacity.
func (lt *loadTest) paced(ctx context.Context, eps []endpoint) ([]row, error) {
	clients := slices.Max(lt.cfg.Levels)
	var out []row
	for _, ep := range eps {
		lt.progress("measuring %s with %d clients at one request per %s each", ep.Name, clients, lt.cfg.Pace)
		s, err := lt.measure(ctx, ep, clients, lt.cfg.Pace)
		if err != nil {
			return nil, err
		}
		out = append(out, row{Endpoint: ep, Stats: s})
	}
	return out, nil
}
