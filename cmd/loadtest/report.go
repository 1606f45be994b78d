package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// print writes the report in Markdown: the machine, the requests, then
// the targets.
func (lt *loadTest) print(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("\n# keycheck load test\n")
	p("- machine: %s, %d cores, GOMAXPROCS %d, %s/%s, %s", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
	p("- run: %s, took %s; load average %s before, %s after", lt.started.UTC().Format("2006-01-02 15:04 UTC"), time.Since(lt.started).Round(time.Second), lt.res.loadBefore, loadAvg())
	p("- keycheck: `keycheck %s`", strings.Join(lt.srv.Args, " "))
	if lt.pgA != nil {
		// The database's URL may hold its password.
		args := strings.ReplaceAll(strings.Join(lt.pgA.Args, " "), lt.pgDSN, "$POSTGRES")
		p("- keycheck on PostgreSQL (instances A and B alike): `keycheck %s`", args)
	}
	if lt.watchSrv != nil {
		p("- keycheck for the %d watchers: `keycheck %s`", watchers, strings.Join(lt.watchSrv.Args, " "))
	}
	p("- **the load generator, the fake HiAPI (%s per task status, no rate limit) and keycheck share these %d cores**: absolute figures are what the load test's own share leaves; the ratios to the baseline, measured the same way in the same run, are what carry to another machine.", step, runtime.NumCPU())
	p("\n## Requests\n")
	p("Each row: %s measured after %s of warm-up. Closed loop: each client sends again the moment it is answered (the server's capacity). Paced: each sends one request per pace at a phase of its own, as people typing do. Browser requests keep cookies; API requests send none, as curl. The baseline is the same server's stylesheet at the same concurrency, measured just before the rows beside it. keycheck CPU/req is from /proc; other load is the share of the machine other programs took meanwhile.\n", lt.duration, warmup)
	p("| request | clients | pace | req/s | p50 | p99 | errors | baseline req/s | ratio | keycheck CPU/req | other load |")
	p("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	disturbed, failures := 0.0, ""
	for _, s := range lt.res.requests {
		base, ratio := "", ""
		if b, _ := lt.res.find(baseline, s.Clients, 0); s.Pace == 0 {
			base, ratio = fmt.Sprintf("%.0f", b.RPS()), fmt.Sprintf("%.2f", lt.res.ratio(s))
		}
		cpu := s.ServerCPU / time.Duration(max(1, s.OK+s.Errors))
		p("| %s | %d | %s | %.0f | %s | %s | %d | %s | %s | %d µs | %.0f%% |", s.Name, s.Clients, paceWord(s.Pace), s.RPS(), ms(s.Pct(50)), ms(s.Pct(99)), s.Errors, base, ratio, cpu.Microseconds(), 100*s.OtherShare())
		if !strings.HasSuffix(s.Name, onPostgres) { // there the database server is the other load
			disturbed = max(disturbed, s.OtherShare())
		}
		if s.Errors > 0 {
			failures += fmt.Sprintf("\n%s with %d clients: %d errors, the first: %v\n", s.Name, s.Clients, s.Errors, s.FirstError)
		}
	}
	p("%s", failures)
	if disturbed > 0.10 {
		p("**Other programs took up to %.0f%% of the machine meanwhile: the figures are disturbed. Run again on a quiet machine before recording them.**\n", 100*disturbed)
	}
	p("## Targets\n")
	p("| target | what is measured | goal | measured | verdict |")
	p("| --- | --- | --- | --- | --- |")
	for _, t := range targets {
		measured, met := t.Judge(&lt.res)
		verdict := map[bool]string{true: "met", false: "**MISSED**"}[met]
		if measured == "" {
			measured, verdict = "not measured in this run", "n/a"
		}
		p("| %s | %s | %s | %s | %s |", t.Name, t.Measures, t.Goal, measured, verdict)
	}
	for _, l := range lt.res.logs {
		lines := strings.Split(l.text, "\n")
		p("\n%s logged %d warnings or errors meanwhile; the last:\n\n    %s", l.name, len(lines), strings.Join(lines[max(0, len(lines)-5):], "\n    "))
	}
}

func paceWord(pace time.Duration) string {
	if pace == 0 {
		return "closed loop"
	}
	return "1 per " + pace.String()
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

// mb is bytes in MB (10^6), the unit of the targets.
func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

// cpuModel names the processor, from /proc/cpuinfo.
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// loadAvg is the one-minute load average, from /proc/loadavg.
func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "n/a"
}
