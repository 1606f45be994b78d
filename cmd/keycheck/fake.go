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

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/fakes"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/templates"
)

// The fake's defaults: a task spends fakeStep in each status, and the slow
// scenario waits fakeSlow, in "keycheck fake" and in "serve --demo".
const (
	fakeStep = 1500 * time.Millisecond
	fakeSlow = 5 * time.Second
)

// fakeCmd is "keycheck fake" (and its old name "keycheck fake-hiapi"):
// every provider's fake on one address.
func fakeCmd(ctx context.Context, name string, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("keycheck "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", cmp.Or(getenv("KEYCHECK_FAKE_ADDR"), "127.0.0.1:8089"), "address to listen on ($KEYCHECK_FAKE_ADDR)")
	step := fs.Duration("step", fakeStep, "how long a task stays in each status (queued, handling, archiving)")
	slow := fs.Duration("slow", fakeSlow, "how long the slow scenario waits before answering")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: keycheck %s [flags]\n\nLocal look-alikes of HiAPI and every other provider keycheck checks, so every\npath of keycheck can be tried offline. HiAPI answers at the root (and under\n/hiapi): the task API with HiAPI's shapes, statuses, errors and rate limits.\nThe key picks the scenario:\n\n", name)
		fmt.Fprint(stderr, fake.Usage())
		fmt.Fprint(stderr, "\n"+fakes.Usage())
		fmt.Fprint(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	secret, err := parseCallbackSecret(getenv(callbackSecretEnv))
	if err != nil {
		fmt.Fprintf(stderr, "keycheck %s: %v\n", name, err)
		return 2
	}
	f, err := serveFake(*addr, fake.Options{Step: *step, SlowDelay: *slow, CallbackSecret: secret})
	if err != nil {
		fmt.Fprintf(stderr, "keycheck %s: %v\n", name, listenError(err, *addr, "KEYCHECK_FAKE_ADDR"))
		return 1
	}
	fmt.Fprintf(stdout, "fake HiAPI listening on %s\n", f.URL)
	if secret != nil {
		fmt.Fprintf(stdout, "signed callbacks: on, with $%s, to every task created with a callback URL\n", callbackSecretEnv)
	} else {
		fmt.Fprintf(stdout, "signed callbacks: off (set $%s, as for keycheck serve, to send them)\n", callbackSecretEnv)
	}
	for _, t := range checks.Targets()[1:] {
		fmt.Fprintf(stdout, "fake %s: --provider-url %s=%s\n", t.Name, t.ID, fakeOrigins(f.URL)[t.ID])
	}
	select {
	case err := <-f.errc:
		fmt.Fprintf(stderr, "keycheck %s: %v\n", name, err)
		return 1
	case <-ctx.Done():
		f.stop()
		return 0
	}
}

// runningFake is every provider's fake serving on a loopback port: HiAPI
// at URL, the others at fakeOrigins(URL).
type runningFake struct {
	URL   string
	srv   *http.Server
	hiapi *fake.Server
	errc  chan error
}

// serveFake serves every provider's fake on addr ("127.0.0.1:0" picks a
// free port), HiAPI's with opts.
func serveFake(addr string, opts fake.Options) (*runningFake, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	h := fakes.New(fakes.Options{HiAPI: opts, SlowDelay: opts.SlowDelay})
	f := &runningFake{
		URL: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
		},
		hiapi: h.HiAPI(),
		errc:  make(chan error, 1),
	}
	go func() { f.errc <- f.srv.Serve(ln) }()
	return f, nil
}

// stop drops the callbacks not sent yet and lets the fake's requests in
// flight finish, for at most 5 s.
func (f *runningFake) stop() {
	f.hiapi.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

// fakeOrigins are the origins of every provider's fake served at url, by
// provider: what --provider-url NAME=URL takes, and what the demo wires.
func fakeOrigins(url string) map[checks.ProviderID]string {
	out := map[checks.ProviderID]string{}
	for _, t := range checks.Targets() {
		out[t.ID] = url + fakes.Prefix(t.ID)
	}
	out[checks.ProviderHiAPI] = url
	return out
}

// demoKeys are the fake's scenario keys as the home page offers them, taken
// from the fake's own table so the page and the fake cannot disagree.
func demoKeys() []templates.DemoKey {
	var out []templates.DemoKey
	for _, s := range fakes.All() {
		out = append(out, templates.DemoKey{Provider: s.Provider, Name: s.Name, Key: s.Key, Says: s.Verdict})
	}
	return out
}
