package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is everything the load test found, printed at the end.
type report struct {
	Offline  offline
	CSS      string
	CSSBytes int
	Push     []pushSample
	Memory   memory
	// MemoryNote says why memory could not be read, if it could not.
	MemoryNote string
	Tasks      tasks
	Rows       []row
	// Paced are the check and the run page at a person's pace.
	Paced []row
	// AfterLoad and HWM are the RSS after the load and its high-water
	// mark over the whole run.
	AfterLoad, HWM int64
	Elapsed        time.Duration
	// LoadStart and LoadEnd are the machine's load average around the run.
	LoadStart, LoadEnd string
	// Warnings and ServerErrors count keycheck's WARN and ERROR log lines.
	Warnings, ServerErrors int
	ErrorLines             []string
}

// failed reports whether a measured request failed: then the figures do
// not describe a working server, and the load test exits non-zero.
func (r report) failed() bool {
	for _, row := range append(slices.Clone(r.Rows), r.Paced...) {
		if row.Stats.Errors > 0 || row.Baseline.Errors > 0 {
			return true
		}
	}
	return false
}

// Targets of issue 6.
const (
	targetOfflineNs     = 20_000
	targetOfflineAllocs = 100
	targetRatio         = 0.5
	targetP99           = 10 * time.Millisecond
	targetP99Clients    = 50
	targetIdle          = 50_000_000
	targetInFlight      = 150_000_000
	targetPush          = 500 * time.Millisecond
	targetMinPoll       = time.Second
)

func (lt *loadTest) print(w io.Writer) {
	r := lt.report
	cfg := lt.cfg
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	p("")
	p("# keycheck load test")
	p("")
	p("- machine: %s, %d cores (runtime.NumCPU), GOMAXPROCS %d, %s/%s", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	p("- Go: %s; date: %s; run took %s; load average %s before, %s after", runtime.Version(), lt.started.UTC().Format("2006-01-02 15:04 UTC"), r.Elapsed.Round(time.Second), orNA(r.LoadStart), orNA(r.LoadEnd))
	p("- flags: `%s`", lt.flags)
	p("- keycheck: `keycheck %s` (a child process; the database in a fresh temporary directory)", strings.Join(lt.srv.Args, " "))
	p("- fake HiAPI: in this process, %s per task status, per-key rate limit off", cfg.Step)
	p("- **the load generator, the fake HiAPI and keycheck share these %d cores**: absolute figures are what is left after the client's own share; the ratios to the baseline, measured the same way in the same run, are what carry to another machine.", runtime.NumCPU())
	p("")

	pageWord := "a finished live test (11 steps with evidence and the image)"
	if len(r.Push) == 0 {
		pageWord = "a stored check without a live test (-push 0)"
	}
	p("## Requests")
	p("")
	p("Closed loop: each client sends its next request when the last one answered, over kept-alive connections; %s measured after %s of warm-up. Browser requests keep their cookies (one session per client); API requests send none, as curl does. The baseline is `GET %s` (%s), served by the same server, measured at the same concurrency just before the rows it sits beside. The run page is %s.", cfg.Duration, cfg.Warmup, r.CSS, bytesWord(int64(r.CSSBytes)), pageWord)
	p("")
	p("keycheck CPU/req and client CPU/req are each side's CPU time (from /proc) over the requests answered; other load is the share of the machine's %d cores that other programs took meanwhile.", runtime.NumCPU())
	p("")
	p("| request | clients | req/s | p50 | p99 | errors | baseline req/s | ratio to baseline | keycheck CPU/req | client CPU/req | other load |")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	disturbed := 0.0
	for _, row := range r.Rows {
		s := row.Stats
		disturbed = max(disturbed, s.OtherShare())
		p("| %s | %d | %.0f | %s | %s | %d | %.0f | %.2f | %s | %s | %.0f%% |", row.Endpoint.Name, s.Clients, s.RPS(), ms(s.Pct(50)), ms(s.Pct(99)), s.Errors, row.Baseline.RPS(), row.Ratio(), us(s.ServerPerReq()), us(s.ClientPerReq()), 100*s.OtherShare())
	}
	p("")
	if disturbed > 0.10 {
		p("**Other programs took up to %.0f%% of the machine during these measurements: the figures are disturbed. Run again on a quiet machine before recording them.**", 100*disturbed)
		p("")
	}
	if len(r.Paced) > 0 {
		p("At a person's pace: %d clients, each sending one request every %s at a phase of its own (htmx sends the check 250 ms after typing pauses), so the server is not saturated and the latency is what people feel:", r.Paced[0].Stats.Clients, cfg.Pace)
		p("")
		p("| request | clients | req/s | p50 | p99 | errors | other load |")
		p("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, row := range r.Paced {
			s := row.Stats
			p("| %s | %d | %.0f | %s | %s | %d | %.0f%% |", row.Endpoint.Name, s.Clients, s.RPS(), ms(s.Pct(50)), ms(s.Pct(99)), s.Errors, 100*s.OtherShare())
		}
		p("")
	}
	for _, row := range append(slices.Clone(r.Rows), r.Paced...) {
		if row.Stats.Errors > 0 {
			p("- %s at %d clients: %d errors, the first: %s", row.Endpoint.Name, row.Stats.Clients, row.Stats.Errors, row.Stats.FirstError)
		}
	}

	p("## Memory (keycheck's RSS, from /proc/<pid>/status)")
	p("")
	if r.MemoryNote != "" {
		p("Not measured: %s.", r.MemoryNote)
	} else {
		m := r.Memory
		p("| state | RSS |")
		p("| --- | ---: |")
		p("| idle, 1 s after start | %s |", mb(m.Idle))
		if cfg.Live > 0 {
			p("| %d live tests in flight, each watched by an event stream (peak of %d samples, every 100 ms) | %s |", cfg.Live, m.Samples, mb(m.Peak))
			p("| 2 s after they ended | %s |", mb(m.After))
		}
		p("| after the request load | %s |", mb(r.AfterLoad))
		p("| high-water mark of the whole run (VmHWM) | %s |", mb(r.HWM))
		p("")
		if cfg.Live > 0 {
			p("At most %d of the %d live tests were in flight at once (polling a task that never finishes until keycheck's --live-timeout %s); %d event streams ran to their done event. The kernel's high-water mark (VmHWM, updated lazily, so it can trail a sample) read %s at the end of that phase.", m.InFlight, cfg.Live, cfg.Hold, m.Watched, mb(m.HWM))
			p("")
		}
	}

	if len(r.Push) > 0 || r.Tasks.Tests > 0 {
		p("## Live test")
		p("")
	}
	if len(r.Push) > 0 {
		d := pushDelays(r.Push)
		p("Push: %d live tests with `%s`, 150 ms apart, each watched on `GET /runs/{id}/events` as the page does. Delay from the fake answering the poll that first saw `success` (TaskRecord.FirstSeenDone) to the event carrying the passed result step: p50 %s, p99 %s, max %s.", len(r.Push), goodKey, ms(pct(d, 50)), ms(pct(d, 99)), ms(d[len(d)-1]))
		p("")
	}
	if t := r.Tasks; t.Tests > 0 {
		p("Tasks: %d live tests, %d tasks at the fake, %d task creations (POST /v1/tasks); runs without their task: %d; tasks claimed by two runs: %d.", t.Tests, t.Tasks, t.Creates, len(t.Missing), len(t.Shared))
		p("Polling: %d polls; the shortest gap between two polls of one task: %s.", t.Polls, secs(t.MinGap))
		if len(t.Schedule) > 0 {
			var s []string
			for _, d := range t.Schedule {
				s = append(s, secs(d))
			}
			p("One good task's polls, from its creation: %s (its status changes every %s).", strings.Join(s, ", "), cfg.Step)
		}
		p("")
	}

	v := lt.verdicts()
	p("## Targets (issue 6)")
	p("")
	p("| target | measured | verdict |")
	p("| --- | --- | --- |")
	for _, x := range v {
		p("| %s | %s | %s |", x.Target, x.Measured, x.word())
	}
	p("")
	p("Reproduce: `make loadtest` (or `go run ./cmd/loadtest`), and `make bench` for the offline figures.")
	p("")
	if r.Warnings > 0 || r.ServerErrors > 0 {
		p("keycheck logged %d warnings and %d errors during the run.", r.Warnings, r.ServerErrors)
		for _, l := range r.ErrorLines {
			p("    %s", l)
		}
		p("")
	}
	for _, x := range v {
		p("%-6s  %s: %s (target: %s)", x.word(), x.Target, x.Measured, x.Goal)
	}
}

// verdict is one target of issue 6, met or missed.
type verdict struct {
	Target, Goal, Measured string
	Met                    bool
	// Skipped is set when the run did not measure it (a flag turned it
	// off).
	Skipped bool
}

func (v verdict) word() string {
	switch {
	case v.Skipped:
		return "n/a"
	case v.Met:
		return "met"
	}
	return "MISSED"
}

func (lt *loadTest) verdicts() []verdict {
	r := lt.report
	var out []verdict
	o := r.Offline
	out = append(out, verdict{
		Target:   "offline checklist, typical input",
		Goal:     "< 20 µs and < 100 allocations",
		Measured: fmt.Sprintf("%.1f µs, %d allocs, %s per check", float64(o.NsOp)/1000, o.Allocs, bytesWord(o.Bytes)),
		Met:      o.NsOp < targetOfflineNs && o.Allocs < targetOfflineAllocs,
	})
	for _, name := range []string{"POST /check", "GET /runs/{id}"} {
		label := map[string]string{"POST /check": "as-you-type check", "GET /runs/{id}": "run page"}[name]
		var rows []row
		for _, row := range r.Rows {
			if row.Endpoint.Name == name {
				rows = append(rows, row)
			}
		}
		if len(rows) == 0 {
			out = append(out, verdict{Target: label, Goal: "≥ 0.5× baseline req/s, p99 < 10 ms at 50 clients", Skipped: true, Measured: "not measured"})
			continue
		}
		worst := rows[0]
		for _, row := range rows {
			if row.Ratio() < worst.Ratio() {
				worst = row
			}
		}
		top := rows[len(rows)-1]
		for _, row := range rows {
			if row.Stats.Clients == targetP99Clients {
				top = row
			}
		}
		var ratios []string
		for _, row := range rows {
			ratios = append(ratios, fmt.Sprintf("%.2f× at %d", row.Ratio(), row.Stats.Clients))
		}
		goal := "≥ 0.5× baseline req/s at every concurrency, p99 < 10 ms at 50 clients"
		measured := fmt.Sprintf("%s; p99 %s at %d clients (the static baseline's: %s)", strings.Join(ratios, ", "), ms(top.Stats.Pct(99)), top.Stats.Clients, ms(top.Baseline.Pct(99)))
		if top.Stats.Clients != targetP99Clients {
			measured += " (50 clients not measured)"
		}
		for _, pr := range r.Paced {
			if pr.Endpoint.Name == name {
				measured += fmt.Sprintf(" (p99 %s with %d clients at a person's pace)", ms(pr.Stats.Pct(99)), pr.Stats.Clients)
			}
		}
		out = append(out, verdict{
			Target: label, Goal: goal, Measured: measured,
			Met: worst.Ratio() >= targetRatio && top.Stats.Pct(99) < targetP99 && top.Stats.Clients >= targetP99Clients && top.Stats.Errors == 0,
		})
	}
	m := r.Memory
	if r.MemoryNote != "" {
		out = append(out,
			verdict{Target: "RSS idle", Goal: "< 50 MB", Measured: r.MemoryNote, Skipped: true},
			verdict{Target: "RSS with 200 live tests in flight", Goal: "< 150 MB", Measured: r.MemoryNote, Skipped: true})
	} else {
		out = append(out, verdict{Target: "RSS idle", Goal: "< 50 MB", Measured: mb(m.Idle), Met: m.Idle < targetIdle})
		if lt.cfg.Live > 0 {
			measured := fmt.Sprintf("%s peak with %d in flight", mb(m.Peak), m.InFlight)
			out = append(out, verdict{
				Target: fmt.Sprintf("RSS with %d live tests in flight", lt.cfg.Live), Goal: "< 150 MB with 200",
				Measured: measured, Met: m.Peak < targetInFlight && m.InFlight >= min(200, lt.cfg.Live),
			})
		} else {
			out = append(out, verdict{Target: "RSS with 200 live tests in flight", Goal: "< 150 MB", Measured: "not measured (-live 0)", Skipped: true})
		}
	}
	if len(r.Push) > 0 {
		d := pushDelays(r.Push)
		out = append(out, verdict{
			Target: "result reaches the page after the poll sees it", Goal: "≤ 500 ms",
			Measured: fmt.Sprintf("p50 %s, p99 %s, max %s over %d tests", ms(pct(d, 50)), ms(pct(d, 99)), ms(d[len(d)-1]), len(d)),
			Met:      d[len(d)-1] <= targetPush,
		})
	} else {
		out = append(out, verdict{Target: "result reaches the page after the poll sees it", Goal: "≤ 500 ms", Measured: "not measured (-push 0)", Skipped: true})
	}
	if t := r.Tasks; t.Tests > 0 {
		gap := "no task was polled twice"
		if t.MinGap >= 0 {
			gap = "shortest gap " + secs(t.MinGap)
		}
		out = append(out,
			verdict{
				Target: "polling no faster than HiAPI's guidance", Goal: "≥ 1 s between polls of a task",
				Measured: fmt.Sprintf("%s over %d polls", gap, t.Polls), Met: t.MinGap < 0 || t.MinGap >= targetMinPoll,
			},
			verdict{
				Target: "one task per live test", Goal: "exactly one",
				Measured: fmt.Sprintf("%d tests, %d tasks, %d creations", t.Tests, t.Tasks, t.Creates),
				Met:      t.Tasks == t.Tests && t.Creates == t.Tests && len(t.Missing) == 0 && len(t.Shared) == 0,
			})
	}
	return out
}

func pushDelays(push []pushSample) []time.Duration {
	d := make([]time.Duration, len(push))
	for i, p := range push {
		d[i] = p.Delay()
	}
	slices.Sort(d)
	return d
}

// pct is the nearest-rank percentile of sorted durations.
func pct(sorted []time.Duration, p float64) time.Duration {
	return stats{lat: sorted}.Pct(p)
}

func ms(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2f ms", float64(d)/1e6)
}

func us(d time.Duration) string {
	if d <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f µs", float64(d)/1e3)
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// mb prints bytes in MB (10^6), the unit of the targets.
func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func bytesWord(b int64) string {
	if b >= 10_000 {
		return fmt.Sprintf("%.1f kB", float64(b)/1e3)
	}
	return fmt.Sprintf("%d B", b)
}

// cpuModel names the processor, from /proc/cpuinfo where there is one.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
