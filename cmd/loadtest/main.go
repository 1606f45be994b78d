// Command loadtest measures keycheck against its performance targets (the
// table in targets.go). It builds keycheck, starts it as a child process
// on loopback against a fake HiAPI in this process, and reports every
// request figure beside a baseline of the same run: the same server
// serving its stylesheet at the same concurrency, so the ratios hold on
// any machine. It says what machine it ran on and how busy others kept it.
// It exits non-zero only when the measurement went wrong (a build, a
// start, a failed request), never for a missed target.
//
//	go run ./cmd/loadtest        # about 90 s on 2 cores
//	go run ./cmd/loadtest --postgres postgres://…/empty   # adds PostgreSQL's rows, two instances
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
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
	watchers    = 2000                   // event streams on one run's live test
	slowAnswer  = 5 * time.Second        // the fake's slow scenario: each answer this late, so one test has updates 5 s apart
)

// loadTest is one run: its knobs, what it starts, and what it found.
type loadTest struct {
	duration time.Duration // measured, per request and concurrency
	started  time.Time
	dir, bin string // the run's files, and keycheck built into them
	fake     *fake.Server
	fakeURL  string
	srv      *server
	watchSrv *server         // the keycheck that manyWatchers starts
	pgDSN    string          // --postgres: the database of the PostgreSQL rows ("": none)
	pgA      *server         // instance A on it, whose requests those rows measure
	load     *http.Transport // the connection pool of the measured requests
	stream   *http.Client    // event streams, on a pool of their own
	res      results
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	lt := &loadTest{started: time.Now(), res: results{loadBefore: loadAvg()}}
	flag.DurationVar(&lt.duration, "duration", 3*time.Second, "measured time per request and concurrency")
	flag.StringVar(&lt.pgDSN, "postgres", "", "URL of an empty PostgreSQL database: adds the rows of two keycheck instances on it")
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
// none of the load's heap), the 2,000 watchers on a keycheck of their own,
// the load last. A new measurement is a new step here and a new row in
// targets.
func (lt *loadTest) run(ctx context.Context) (err error) {
	lt.dir, err = os.MkdirTemp("", "keycheck-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(lt.dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	lt.fake = fake.New(fake.Options{Step: step, SlowDelay: slowAnswer, RateLimit: -1}) // HiAPI's rate limit is not keycheck's speed
	lt.fakeURL = "http://" + ln.Addr().String()
	fakeSrv := &http.Server{Handler: lt.fake, ReadHeaderTimeout: 5 * time.Second}
	go fakeSrv.Serve(ln)
	defer fakeSrv.Close()
	lt.progress("building and starting keycheck")
	if lt.bin, err = buildKeycheck(ctx, lt.dir); err != nil {
		return err
	}
	// Every stream of the load test comes from one address: no cap per
	// address (the 200 live tests are each watched).
	lt.srv, err = lt.startKeycheck(ctx, lt.dir, "--live-timeout", hold.String(), "--streams-per-ip", "0")
	if err != nil {
		return err
	}
	defer lt.keepLog("keycheck", lt.srv)
	defer lt.srv.stop()
	conns := slices.Max(levels) + 16
	lt.load = &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}
	lt.stream = &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, measure := range []func(context.Context) error{lt.idleMemory, lt.pushLatency, lt.liveMemory, lt.manyWatchers, lt.requests, lt.postgres, lt.countTasks} {
		if err := measure(ctx); err != nil {
			return err
		}
	}
	return nil
}

// startKeycheck starts a keycheck with its database and output in dir,
// against the fake HiAPI, polling at pollEvery, with no rate limit of its
// own (the load test measures speed, not limits), and extra.
func (lt *loadTest) startKeycheck(ctx context.Context, dir string, extra ...string) (*server, error) {
	args := append([]string{"--db", filepath.Join(dir, "keycheck.db"), "--hiapi-url", lt.fakeURL, "--poll-every", pollEvery.String(),
		"--live-per-hour", "0", "--checks-per-minute", "0", "--log-level", "warn"}, extra...)
	return startServer(ctx, lt.bin, dir, args...)
}

// keepLog keeps what srv logged for the report, before its files go.
func (lt *loadTest) keepLog(name string, srv *server) {
	if text := strings.TrimSpace(srv.logText()); text != "" {
		lt.res.logs = append(lt.res.logs, serverLog{name, text})
	}
}

func (lt *loadTest) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadtest: "+format+"…\n", args...)
}
