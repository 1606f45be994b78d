package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// results is everything a run measured; the targets judge it.
type results struct {
	requests         []sample        // the closed loop, then the paced rows
	idleRSS, liveRSS int64           // keycheck's RSS a second after start; its peak with the live tests in flight
	inFlight         int             // the most live tests in flight at once
	push             []time.Duration // sorted: from the poll seeing success to the page
	pgPush           []time.Duration // sorted: the same, from instance A's poll to B's page, on PostgreSQL
	tasks            taskCount
	finished         []string // the push tests' runs, finished live tests
	liveKeys         []string // every live test's key
	watch            watchFigures
	loadBefore       string
	logs             []serverLog // what each keycheck logged (warnings and errors)
}

// serverLog is what one keycheck of the run logged.
type serverLog struct{ name, text string }

// target is one promise about keycheck's performance. Judge reads a run's
// results and says what it measured and whether the goal was met;
// measured is "" when the run could not measure it (without /proc).
type target struct {
	Name, Measures, Goal string
	Judge                func(r *results) (measured string, met bool)
}

// targets are every performance target, in one table. A request is judged
// as a ratio to the baseline measured beside it, so the table holds on any
// machine. A new target is a new row (and a new measurement a new step in
// loadTest.run).
var targets = []target{
	{"as-you-type check", "`POST /check` req/s over the baseline's, closed loop, at every concurrency", "≥ 0.5×",
		ratioAtLeast("POST /check", 0.5)},
	{"run page", "`GET /runs/{id}` (a finished live test) req/s over the baseline's, closed loop, at every concurrency", "≥ 0.75×",
		ratioAtLeast("GET /runs/{id}", 0.75)},
	{"check p99", "`POST /check` p99 with 50 clients, closed loop and at a person's pace", "< 10 ms",
		p99Below("POST /check", 50, 10*time.Millisecond)},
	{"run page p99", "`GET /runs/{id}` p99 with 50 clients, closed loop and at a person's pace", "< 10 ms",
		p99Below("GET /runs/{id}", 50, 10*time.Millisecond)},
	{"memory idle", "keycheck's RSS a second after start", "< 50 MB", func(r *results) (string, bool) {
		if r.idleRSS == 0 {
			return "", false
		}
		return mb(r.idleRSS), r.idleRSS < 50e6
	}},
	{"memory with live tests", "keycheck's peak RSS with 200 live tests in flight, each watched by an event stream", "< 150 MB", func(r *results) (string, bool) {
		if r.inFlight < 200 || r.liveRSS == 0 {
			return "", false
		}
		return fmt.Sprintf("%s with %d in flight", mb(r.liveRSS), r.inFlight), r.liveRSS < 150e6
	}},
	{"push", "from the poll that first sees a task succeed to the passed result on the page's event stream", "≤ 500 ms, every test", pushWithin(func(r *results) []time.Duration { return r.push }, 500*time.Millisecond)},
	{"as-you-type check on PostgreSQL", "`POST /check` on instance A of two on PostgreSQL, req/s over the SQLite rows' baseline, closed loop, at every concurrency", "≥ 0.5×",
		ratioAtLeast("POST /check"+onPostgres, 0.5)},
	{"run page on PostgreSQL", "`GET /runs/{id}` (a finished live test) on instance A, req/s over the SQLite rows' baseline, closed loop, at every concurrency", "≥ 0.75×",
		ratioAtLeast("GET /runs/{id}"+onPostgres, 0.75)},
	{"push across instances", "on PostgreSQL, from the fake's answer to instance A's poll that first sees a task succeed to the passed result on instance B's event stream", "≤ 1 s, every test", pushWithin(func(r *results) []time.Duration { return r.pgPush }, time.Second)},
	{"2,000 watchers", "one run's live test watched by 2,000 event streams, on a keycheck of its own with the stream caps off: its RSS above its idle; each update's arrival at every stream after its first arrival at any, and the result's after the fake answered the poll that saw it", "< 150 MB; p99 ≤ 1 s", judgeWatchers},
	{"poll pacing", "the shortest gap between two polls of one task, keycheck at its fastest (--poll-every 1s)", "≥ 1 s", func(r *results) (string, bool) {
		return fmt.Sprintf("%.2f s over %d polls", r.tasks.MinGap.Seconds(), r.tasks.Polls), r.tasks.MinGap >= time.Second
	}},
	{"one task per live test", "tasks the fake was asked for and made, per live test", "exactly one each", func(r *results) (string, bool) {
		t := r.tasks
		return fmt.Sprintf("%d tests, %d creations, %d tasks, %d tests with exactly one", t.Tests, t.Creates, t.Tasks, t.Matched),
			t.Tasks == t.Tests && t.Creates == t.Tests && t.Matched == t.Tests
	}},
}

// pushWithin judges push times (sorted) against limit, the worst of them;
// none is "not measured".
func pushWithin(times func(*results) []time.Duration, limit time.Duration) func(*results) (string, bool) {
	return func(r *results) (string, bool) {
		push := times(r)
		if len(push) == 0 {
			return "", false
		}
		worst := push[len(push)-1]
		return fmt.Sprintf("p50 %s, p99 %s, max %s over %d tests", ms(pct(push, 50)), ms(pct(push, 99)), ms(worst), len(push)), worst <= limit
	}
}

// ratioAtLeast judges an endpoint's closed-loop req/s over the baseline's
// at every concurrency measured.
func ratioAtLeast(name string, least float64) func(*results) (string, bool) {
	return func(r *results) (string, bool) {
		var seen []string
		met := true
		for _, s := range r.requests {
			if s.Name == name && s.Pace == 0 {
				seen = append(seen, fmt.Sprintf("%.2f× at %d", r.ratio(s), s.Clients))
				met = met && r.ratio(s) >= least
			}
		}
		return strings.Join(seen, ", "), met
	}
}

// p99Below judges an endpoint's p99 with the given clients, in the closed
// loop and at a person's pace.
func p99Below(name string, clients int, limit time.Duration) func(*results) (string, bool) {
	return func(r *results) (string, bool) {
		var seen []string
		met := true
		for _, s := range r.requests {
			if s.Name == name && s.Clients == clients {
				seen = append(seen, fmt.Sprintf("%s %s", paceWord(s.Pace), ms(s.Pct(99))))
				met = met && s.Pct(99) < limit
			}
		}
		if base, ok := r.find(baseline, clients, 0); ok && len(seen) > 0 {
			seen = append(seen, "the baseline's "+ms(base.Pct(99)))
		}
		return strings.Join(seen, "; "), met
	}
}

// find is the sample of name with the given clients and pace.
func (r *results) find(name string, clients int, pace time.Duration) (sample, bool) {
	i := slices.IndexFunc(r.requests, func(s sample) bool { return s.Name == name && s.Clients == clients && s.Pace == pace })
	if i < 0 {
		return sample{}, false
	}
	return r.requests[i], true
}

// ratio is a closed-loop sample's req/s over the baseline's at the same
// concurrency.
func (r *results) ratio(s sample) float64 {
	base, _ := r.find(baseline, s.Clients, 0)
	return s.RPS() / max(base.RPS(), 1e-9)
}

// judgeWatchers judges manyWatchers' figures: memory, and every update's
// way to every stream.
func judgeWatchers(r *results) (string, bool) {
	w := r.watch
	if w.Streams == 0 || w.IdleRSS == 0 {
		return "", false
	}
	above := w.PeakRSS - w.IdleRSS
	worst := func(d []time.Duration) time.Duration { return pct(d, 100) }
	measured := fmt.Sprintf("%s above idle (%s, peak %s); updates p99 %s, max %s over %d updates × %d streams; the result p99 %s, max %s",
		mb(above), mb(w.IdleRSS), mb(w.PeakRSS), ms(pct(w.Spread, 99)), ms(worst(w.Spread)), w.Updates, w.Streams, ms(pct(w.Result, 99)), ms(worst(w.Result)))
	if w.Skipped+w.Missed > 0 {
		measured += fmt.Sprintf("; %d arrivals skipped to a newer state, %d never came", w.Skipped, w.Missed)
	}
	met := w.Streams == watchers && w.Updates > 0 && w.Missed == 0 && len(w.Result) == w.Streams &&
		above < 150e6 && pct(w.Spread, 99) <= time.Second && pct(w.Result, 99) <= time.Second
	return measured, met
}
