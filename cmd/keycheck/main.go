// Command keycheck tells why an API key looks right but fails: a web
// dashboard (serve), a CLI doctor on the same engine (check), and a local
// look-alike of HiAPI and every other provider for trying every path
// offline (fake).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `keycheck: why does this API key look right but fail?

Usage:
  keycheck serve [flags]        run the web dashboard (default 127.0.0.1:8080; --demo: against a built-in fake HiAPI)
  keycheck check [flags]        check the key this process sees, like a doctor command
  keycheck fake [flags]         run local look-alikes of HiAPI and every other provider (also: fake-hiapi)
  keycheck healthcheck [flags]  exit 0 if the keycheck at --addr ($KEYCHECK_ADDR) answers /healthz, else 1 (a container's HEALTHCHECK)
  keycheck version              print the version

Run "keycheck COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := realMain(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv, os.Environ())
	stop()
	os.Exit(code)
}

// realMain is main without the process: tests call it with their own streams
// and environment. It returns the exit code.
func realMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, environ []string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serveCmd(ctx, args[1:], stdout, stderr, getenv)
	case "check":
		return checkCmd(ctx, args[1:], stdin, stdout, stderr, getenv, environ)
	case "fake", "fake-hiapi":
		return fakeCmd(ctx, args[0], args[1:], stdout, stderr, getenv)
	case "healthcheck":
		return healthcheckCmd(ctx, args[1:], stdout, stderr, getenv)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "keycheck", version)
		return 0
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "keycheck: unknown command %q\n\n%s", args[0], usage)
	return 2
}
