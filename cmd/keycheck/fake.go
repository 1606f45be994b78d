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
)

func fakeCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("keycheck fake-hiapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", cmp.Or(getenv("KEYCHECK_FAKE_ADDR"), "127.0.0.1:8089"), "address to listen on ($KEYCHECK_FAKE_ADDR)")
	step := fs.Duration("step", 1500*time.Millisecond, "how long a task stays in each status (queued, handling, archiving)")
	slow := fs.Duration("slow", 5*time.Second, "how long the slow scenario waits before answering")
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
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "keycheck fake-hiapi: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           fake.New(fake.Options{Step: *step, SlowDelay: *slow}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	fmt.Fprintf(stdout, "fake HiAPI listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "keycheck fake-hiapi: %v\n", err)
		return 1
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		return 0
	}
}
