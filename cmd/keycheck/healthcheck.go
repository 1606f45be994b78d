package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// healthcheckCmd is "keycheck healthcheck": it asks the keycheck at --addr
// for /healthz and exits 0 when it answers ok, 1 otherwise with one line
// on stderr saying why. It is the container's HEALTHCHECK: the image has
// no shell and no curl. It reads KEYCHECK_ADDR as serve does, so in the
// container it asks the server it runs beside.
func healthcheckCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("keycheck healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	e := &envFlags{fs: fs, getenv: getenv}
	var addr string
	e.str(&addr, "addr", "KEYCHECK_ADDR", "127.0.0.1:8080", "address keycheck serve listens on")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err == nil && *timeout <= 0 {
		err = errors.New("--timeout must be above zero")
	}
	var target string
	if err == nil {
		target, err = healthURL(addr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "keycheck healthcheck: %v\n", err)
		return 2
	}
	if err := checkHealth(ctx, target, *timeout); err != nil {
		fmt.Fprintf(stderr, "keycheck healthcheck: %s: %v\n", target, err)
		return 1
	}
	fmt.Fprintf(stdout, "keycheck healthcheck: %s: ok\n", target)
	return 0
}

// healthURL is /healthz of the server listening on addr. An address that
// listens on every interface (0.0.0.0:8080, :8080, [::]:8080) is asked on
// loopback, where the server answers too.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q is not host:port, e.g. 127.0.0.1:8080", addr)
	}
	switch ip := net.ParseIP(host); {
	case host == "" || ip != nil && ip.Equal(net.IPv4zero):
		host = "127.0.0.1"
	case ip != nil && ip.Equal(net.IPv6unspecified):
		host = "::1"
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: "/healthz"}).String(), nil
}

// checkHealth asks target once, within timeout, directly (never through a
// proxy from the environment), and says what was wrong.
func checkHealth(ctx context.Context, target string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	client := &http.Client{
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("no answer within %s", timeout)
		}
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return err
	}
	defer resp.Body.Close()
	var health struct {
		Status string `json:"status"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 4<<10)).Decode(&health)
	if resp.StatusCode != http.StatusOK || health.Status != "ok" {
		if health.Status == "" {
			health.Status = "not keycheck's /healthz"
		}
		return fmt.Errorf("answered %d (%s)", resp.StatusCode, health.Status)
	}
	return nil
}
