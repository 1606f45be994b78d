// Command loadtest measures keycheck against its performance targets (the
// table in targets.go). It builds keycheck, starts it as a child process
// on loopback against a fake HiAPI in this process, and reports every
// request figure beside a baseline of the same run: the same server
// serving its stylesheet at the same concurrency, so the ratios hold on
// any machine. It says what machine it ran on and how busy others kept it.
// It exits non-zero only when the measurement went wrong (a build, a
// start, a failed request), never for a missed target.
//
//	go run ./cmd/loadtest        # about 75 s on 2 cores
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// levels are the clients of the closed loop; the most are also measured
// at a person's pace.
var levels = []int{1, 10, 50}

// The other conditions of every run.
const (
	step        = time.Second            // the fake HiAPI's time per task status
	pollEvery   = time.Second            // keycheck's --poll-every
	hold        = 10 * time.Second       // keycheck's --live-timeout: how long tasks that never finish stay in flight
	warmup      = 500 * time.Millisecond // unrecorded, before each measurement, on the connections then measured
	personPace  = 250 * time.Millisecond // htmx sends the check 250 ms after typing pauses
	memoryTests = 200                    // held in flight for the memory figure
	pushTests   = 20                     // timing the result's way to the page; their pages are the run pages measured
)

// loadTest is one run: its knobs, what it starts, and what it found.
type loadTest struct {
	duration time.Duration // measured, per request and concurrency
	started  time.Time
	fake     *fake.Server
	srv      *server
	load     *http.Transport // the connection pool of the measured requests
	stream   *http.Client    // event streams, on a pool of their own
	res      results
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	lt := &loadTest{started: time.Now(), res: results{loadBefore: loadAvg()}}
	flag.DurationVar(&lt.duration, "duration", 3*time.Second, "measured time per request and concurrency")
	flag.Parse()
	if lt.duration <= 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	err := lt.run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadtest: %v\n", err)
		os.Exit(1)
	}
	lt.print(os.Stdout)
	if slices.ContainsFunc(lt.res.requests, func(s sample) bool { return s.Errors > 0 }) {
		fmt.Fprintln(os.Stderr, "loadtest: some requests failed (see the errors column): the figures are not trustworthy")
		os.Exit(1)
	}
}

// run starts the fake HiAPI in this process (so its task records can be
// read directly) and keycheck against it, then measures: idle memory
// first, the live tests before the load (so their memory figure holds
// none of the load's heap), the load last. A new measurement is a new
// step here and a new row in targets.
func (lt *loadTest) run(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "keycheck-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	lt.fake = fake.New(fake.Options{Step: step, RateLimit: -1}) // HiAPI's rate limit is not keycheck's speed
	fakeSrv := &http.Server{Handler: lt.fake, ReadHeaderTimeout: 5 * time.Second}
	go fakeSrv.Serve(ln)
	defer fakeSrv.Close()
	lt.progress("building and starting keycheck")
	lt.srv, err = startServer(ctx, dir, "--db", dir+"/lt.db", "--hiapi-url", "http://"+ln.Addr().String(),
		"--poll-every", pollEvery.String(), "--live-timeout", hold.String(),
		"--live-per-hour", "0", "--checks-per-minute", "0", "--log-level", "warn")
	if err != nil {
		return err
	}
	defer lt.srv.stop()
	conns := slices.Max(levels) + 16
	lt.load = &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}
	lt.stream = &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, measure := range []func(context.Context) error{lt.idleMemory, lt.pushLatency, lt.liveMemory, lt.countTasks, lt.requests} {
		if err := measure(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (lt *loadTest) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadtest: "+format+"…\n", args...)
}
