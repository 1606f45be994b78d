package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/templates"
)

// The fake's defaults: a task spends fakeStep in each status, and the slow
// scenario waits fakeSlow, in "keycheck fake-hiapi" and in "serve --demo".
const (
	fakeStep = 1500 * time.Millisecond
	fakeSlow = 5 * time.Second
)

func fakeCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("keycheck fake-hiapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", cmp.Or(getenv("KEYCHECK_FAKE_ADDR"), "127.0.0.1:8089"), "address to listen on ($KEYCHECK_FAKE_ADDR)")
	step := fs.Duration("step", fakeStep, "how long a task stays in each status (queued, handling, archiving)")
	slow := fs.Duration("slow", fakeSlow, "how long the slow scenario waits before answering")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: keycheck fake-hiapi [flags]\n\nA local HiAPI look-alike: the task API with HiAPI's shapes, statuses, errors and\nrate limits, so every path of keycheck can be tried offline. The key picks the\nscenario:\n\n")
		fmt.Fprint(stderr, fake.Usage())
		fmt.Fprint(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	f, err := serveFake(*addr, fake.Options{Step: *step, SlowDelay: *slow})
	if err != nil {
		fmt.Fprintf(stderr, "keycheck fake-hiapi: %v\n", listenError(err, *addr, "KEYCHECK_FAKE_ADDR"))
		return 1
	}
	fmt.Fprintf(stdout, "fake HiAPI listening on %s\n", f.URL)
	select {
	case err := <-f.errc:
		fmt.Fprintf(stderr, "keycheck fake-hiapi: %v\n", err)
		return 1
	case <-ctx.Done():
		f.stop()
		return 0
	}
}

// runningFake is a fake HiAPI serving on a loopback port.
type runningFake struct {
	URL  string
	srv  *http.Server
	errc chan error
}

// serveFake serves a fake HiAPI on addr ("127.0.0.1:0" picks a free port).
func serveFake(addr string, opts fake.Options) (*runningFake, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	f := &runningFake{
		URL: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           fake.New(opts),
			ReadHeaderTimeout: 5 * time.Second,
		},
		errc: make(chan error, 1),
	}
	go func() { f.errc <- f.srv.Serve(ln) }()
	return f, nil
}

// stop lets the fake's requests in flight finish, for at most 5 s.
func (f *runningFake) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

// demoKeys are the fake's scenario keys as the home page offers them, taken
// from the fake's own table so the page and the fake cannot disagree.
func demoKeys() []templates.DemoKey {
	var out []templates.DemoKey
	for _, s := range fake.Scenarios() {
		out = append(out, templates.DemoKey{Name: s.Name, Key: s.Key, Says: s.Verdict})
	}
	return out
}
