package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// healthcheck runs "keycheck healthcheck args..." as main does, with env
// as its whole environment.
func healthcheck(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	code = realMain(context.Background(), append([]string{"healthcheck"}, args...), strings.NewReader(""), &out, &errOut,
		func(k string) string { return env[k] }, nil)
	return code, out.String(), errOut.String()
}

// hostPort is a test server's host:port.
func hostPort(rawURL string) string { return strings.TrimPrefix(rawURL, "http://") }

// TestHealthcheck: exit 0 when the keycheck at --addr (or $KEYCHECK_ADDR,
// as serve reads it) answers /healthz ok; 1 with one line on stderr when
// it does not answer, answers 503, answers as something else, or answers
// too late; 2 for a usage error.
func TestHealthcheck(t *testing.T) {
	env := startEnv(t, "")
	addr := hostPort(env.URL)
	_, port, _ := net.SplitHostPort(addr)

	healthy := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"--addr", nil, []string{"--addr", addr}},
		{"$KEYCHECK_ADDR, as serve reads it", map[string]string{"KEYCHECK_ADDR": addr}, nil},
		{"every interface, asked on loopback", map[string]string{"KEYCHECK_ADDR": "0.0.0.0:" + port}, nil},
		{"no host, asked on loopback", nil, []string{"--addr", ":" + port}},
	}
	for _, tt := range healthy {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := healthcheck(t, tt.env, tt.args...)
			if code != 0 || !strings.Contains(stdout, "ok") || stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 0 and ok", code, stdout, stderr)
			}
		})
	}

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	defer other.Close()
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hung.Close()
	gone := startEnv(t, "")
	if err := os.Remove(gone.cfg.DB); err != nil {
		t.Fatal(err)
	}

	unhealthy := []struct {
		name string
		args []string
		say  string
	}{
		{"nothing listening", []string{"--addr", closedAddr}, "connection refused"},
		{"database gone", []string{"--addr", hostPort(gone.URL)}, "answered 503 (database unavailable)"},
		{"not keycheck", []string{"--addr", hostPort(other.URL)}, "not keycheck's /healthz"},
		{"no answer in time", []string{"--addr", hostPort(hung.URL), "--timeout", "100ms"}, "no answer within 100ms"},
	}
	for _, tt := range unhealthy {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := healthcheck(t, nil, tt.args...)
			if code != 1 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
			}
			if !strings.Contains(stderr, tt.say) || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("stderr %q; want one line saying %q", stderr, tt.say)
			}
		})
	}

	usage := []struct {
		name string
		args []string
		say  string
	}{
		{"not host:port", []string{"--addr", "keycheck"}, "not host:port"},
		{"stray argument", []string{"now"}, "unexpected argument"},
		{"no time to answer", []string{"--timeout", "0s"}, "--timeout must be above zero"},
		{"unknown flag", []string{"--url", "http://x"}, "flag provided but not defined"},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := healthcheck(t, nil, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.say) {
				t.Errorf("exit %d, stderr %q; want 2 saying %q", code, stderr, tt.say)
			}
		})
	}
}
