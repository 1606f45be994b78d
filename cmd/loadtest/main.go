// Command loadtest measures keycheck against the targets of issue 6: it
// builds keycheck, starts it on loopback against an in-process fake HiAPI,
// and reports throughput and latency of the as-you-type check, the run API
// and the run page beside a static file served by the same server (so the
// figures hold as ratios on any machine), the server's memory idle and with
// live tests in flight, and how soon a finished task reaches the page.
//
// It talks only to 127.0.0.1 and exits non-zero only when the measurement
// itself went wrong (a build, a start, a request that failed), never for a
// missed target: the verdict lines say that.
//
//	go run ./cmd/loadtest            # about 90 s on 2 cores
//	go run ./cmd/loadtest -h         # the knobs
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is the load test's knobs, from flags only.
type config struct {
	// Duration is how long each endpoint is measured at each concurrency;
	// Warmup runs before it, unrecorded, on the same connections.
	Duration time.Duration
	Warmup   time.Duration
	Levels   []int
	// Pace is the time between one person's requests for the paced
	// measurement (htmx sends the check 250 ms after typing pauses); 0
	// skips it.
	Pace time.Duration
	// Live is how many live tests are held in flight for the memory
	// figure; Hold is how long (keycheck's --live-timeout).
	Live int
	Hold time.Duration
	// Push is how many live tests with the good key measure the delay from
	// the fake's "success" to the page.
	Push int
	// Step is the fake HiAPI's time per task status; PollEvery is
	// keycheck's --poll-every.
	Step      time.Duration
	PollEvery time.Duration
	// Bin, when set, is a keycheck binary to use instead of building one.
	Bin string
	// Verbose shows the server's log (warnings and errors) as it runs.
	Verbose bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main with its streams; every deferred cleanup (the keycheck
// process, the fake, the temporary directory) runs before it returns.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, flags, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 2
	}
	lt := &loadTest{cfg: cfg, flags: flags, out: stdout, log: stderr}
	if err := lt.run(ctx); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "loadtest: interrupted; keycheck and the fake are stopped")
			return 130
		}
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, string, error) {
	var cfg config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	levels := fs.String("levels", "1,10,50", "concurrent clients, comma-separated")
	fs.DurationVar(&cfg.Duration, "duration", 3*time.Second, "measured time per endpoint and concurrency")
	fs.DurationVar(&cfg.Warmup, "warmup", 500*time.Millisecond, "unrecorded warm-up before each measurement")
	fs.DurationVar(&cfg.Pace, "pace", 250*time.Millisecond, "one request per this much per client, for the latency at a person's pace (0 skips it)")
	fs.IntVar(&cfg.Live, "live", 200, "live tests held in flight for the memory figure")
	fs.DurationVar(&cfg.Hold, "hold", 10*time.Second, "how long they stay in flight (keycheck's --live-timeout)")
	fs.IntVar(&cfg.Push, "push", 20, "live tests that measure the delay from the fake's success to the page")
	fs.DurationVar(&cfg.Step, "step", time.Second, "fake HiAPI: time a task spends in each status")
	fs.DurationVar(&cfg.PollEvery, "poll-every", time.Second, "keycheck's --poll-every (it refuses less than 1s)")
	fs.StringVar(&cfg.Bin, "bin", "", "use this keycheck binary instead of building ./cmd/keycheck")
	fs.BoolVar(&cfg.Verbose, "v", false, "show keycheck's warnings as they happen")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: go run ./cmd/loadtest [flags]\n\nStarts keycheck on 127.0.0.1 with a fake HiAPI and measures it against issue 6's targets.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, "", err
	}
	if fs.NArg() > 0 {
		return cfg, "", fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, f := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1000 {
			return cfg, "", fmt.Errorf("-levels: %q is not a client count between 1 and 1000", f)
		}
		cfg.Levels = append(cfg.Levels, n)
	}
	switch {
	case cfg.Duration <= 0 || cfg.Duration > 5*time.Minute:
		return cfg, "", errors.New("-duration must be above 0 and at most 5m")
	case cfg.Pace < 0:
		return cfg, "", errors.New("-pace must not be negative")
	case cfg.Warmup < 0:
		return cfg, "", errors.New("-warmup must not be negative")
	case cfg.Live < 0 || cfg.Live > 5000:
		return cfg, "", errors.New("-live must be between 0 and 5000")
	case cfg.Push < 0 || cfg.Push > 500:
		return cfg, "", errors.New("-push must be between 0 and 500")
	case cfg.Hold < 2*time.Second:
		return cfg, "", errors.New("-hold must be at least 2s")
	case cfg.Push > 0 && cfg.Hold < 4*cfg.Step+3*cfg.PollEvery:
		// It is also the push tests' polling time-out: a good task ends
		// after three steps, and the poll that sees it may come later.
		return cfg, "", fmt.Errorf("-hold must be at least 4×-step + 3×-poll-every (%s) so the push tests' tasks finish", 4*cfg.Step+3*cfg.PollEvery)
	case cfg.Step <= 0:
		return cfg, "", errors.New("-step must be above 0")
	case cfg.PollEvery < time.Second:
		return cfg, "", errors.New("-poll-every must be at least 1s: keycheck refuses faster polling")
	}
	// The flags as they were in effect, defaults included, for the header.
	var used []string
	fs.VisitAll(func(f *flag.Flag) { used = append(used, "-"+f.Name+"="+f.Value.String()) })
	return cfg, strings.Join(used, " "), nil
}
