package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// envOf makes a getenv from name, value pairs.
func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestServeDemoFlag(t *testing.T) {
	tests := []struct {
		name         string
		args         []string
		env          []string
		demo         bool
		live, checks int
		err          string
	}{
		{name: "no demo keeps the limits", live: 20, checks: 600},
		{name: "--demo lifts the limits", args: []string{"--demo"}, demo: true},
		{name: "KEYCHECK_DEMO=1", env: []string{"KEYCHECK_DEMO", "1"}, demo: true},
		{name: "KEYCHECK_DEMO=true", env: []string{"KEYCHECK_DEMO", "true"}, demo: true},
		{name: "KEYCHECK_DEMO=0", env: []string{"KEYCHECK_DEMO", "0"}, live: 20, checks: 600},
		{name: "--demo=false beats KEYCHECK_DEMO", args: []string{"--demo=false"}, env: []string{"KEYCHECK_DEMO", "1"}, live: 20, checks: 600},
		{name: "a limit given as a flag stays", args: []string{"--demo", "--live-per-hour", "7"}, demo: true, live: 7},
		{name: "a limit given in the environment stays", args: []string{"--demo"}, env: []string{"KEYCHECK_CHECKS_PER_MINUTE", "50"}, demo: true, checks: 50},
		{name: "a bad KEYCHECK_DEMO", env: []string{"KEYCHECK_DEMO", "yes please"}, err: `$KEYCHECK_DEMO: "yes please" is not true or false`},
		{name: "a bad number in the environment", env: []string{"KEYCHECK_LIVE_PER_HOUR", "lots"}, err: `$KEYCHECK_LIVE_PER_HOUR: "lots" is not a whole number`},
		{name: "a bad duration in the environment", env: []string{"KEYCHECK_KEY_TTL", "15"}, err: `$KEYCHECK_KEY_TTL: "15" is not a duration like 15m or 180s`},
		{name: "--demo with --hiapi-url", args: []string{"--demo", "--hiapi-url", "https://api.hiapi.ai"}, err: "--demo calls its own fake HiAPI: drop --hiapi-url"},
		{name: "--demo with KEYCHECK_HIAPI_URL", args: []string{"--demo"}, env: []string{"KEYCHECK_HIAPI_URL", "http://127.0.0.1:8089"}, err: "unset KEYCHECK_HIAPI_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			cfg, err := parseServe(tt.args, &stderr, envOf(tt.env...))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Demo != tt.demo || cfg.LivePerHour != tt.live || cfg.ChecksPerMinute != tt.checks {
				t.Errorf("demo %v, live-per-hour %d, checks-per-minute %d; want %v, %d, %d",
					cfg.Demo, cfg.LivePerHour, cfg.ChecksPerMinute, tt.demo, tt.live, tt.checks)
			}
		})
	}
}

// TestServeAddressInUse: a taken address is named, with what to do.
func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	next := net.JoinHostPort("127.0.0.1", strconv.Itoa(n+1))
	for _, how := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"flag", []string{"serve", "--addr", addr}, nil, "KEYCHECK_ADDR"},
		{"environment", []string{"serve"}, []string{"KEYCHECK_ADDR", addr}, "KEYCHECK_ADDR"},
		{"the fake", []string{"fake-hiapi"}, []string{"KEYCHECK_FAKE_ADDR", addr}, "KEYCHECK_FAKE_ADDR"},
	} {
		t.Run(how.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			args := append(how.args, "--db", filepath.Join(t.TempDir(), "k.db"))
			if how.args[0] == "fake-hiapi" {
				args = how.args
			}
			// GOGC is set so serve leaves this test process's collector alone.
			code := realMain(context.Background(), args, strings.NewReader(""), &stdout, &stderr, envOf(append(how.env, "GOGC", "100")...), nil)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			want := addr + " is in use: stop the other server or set " + how.want + "=" + next
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr = %q, want it to say %q", stderr.String(), want)
			}
		})
	}
}

// TestServeDemo runs "keycheck serve --demo" as a person does: the home
// page says it is a demo and offers every scenario key of the fake's own
// table, those keys answer as their scenarios through the built-in fake,
// and more live tests than a burst run back to back.
func TestServeDemo(t *testing.T) {
	p, addr := startProcess(t, "keycheck is running at http://", "serve", "--demo", "--addr", "127.0.0.1:0",
		"--db", filepath.Join(t.TempDir(), "demo.db"), "--poll-every", "1s")
	base := "http://" + addr
	c := newClient(t)
	code, home := get(t, c, base+"/")
	if code != http.StatusOK || !strings.Contains(home, `data-testid="demo-banner"`) {
		t.Fatalf("GET / = %d without the demo banner", code)
	}
	for _, s := range fake.Scenarios() {
		if !strings.Contains(home, `data-demo-key="`+s.Key+`"`) {
			t.Errorf("the home page does not offer scenario %s (%s)", s.Name, s.Key)
		}
	}
	var ids []string
	for range 8 {
		resp, b := (&recorder{}).do(t, c, jsonReq(t, http.MethodPost, base+"/api/v1/runs", map[string]any{"key": revokedKey, "live": true}))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("live test %d refused: %d %s", len(ids)+1, resp.StatusCode, b)
		}
		var r apiRun
		if err := json.Unmarshal([]byte(b), &r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	// The built-in fake answers the revoked key as a dead key.
	if got := waitLive(t, &recorder{}, c, base, ids[len(ids)-1]).status("auth"); got != "fail" {
		t.Errorf("auth of the revoked demo key = %s, want fail", got)
	}
	p.signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Errorf("serve --demo exited %d on SIGTERM:\n%s", code, p.stderr.String())
	}
}
