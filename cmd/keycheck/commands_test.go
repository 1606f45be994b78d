package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startCommand runs a subcommand as main does, and returns the address it
// prints once it listens, and a stop function returning its exit code.
func startCommand(t *testing.T, args []string, env map[string]string, prefix string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		code := realMain(ctx, args, strings.NewReader(""), pw, &stderr, func(k string) string { return env[k] }, nil)
		pw.Close()
		done <- code
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), prefix) {
				lines <- sc.Text()
			}
		}
		close(lines)
		io.Copy(io.Discard, pr)
	}()
	var line string
	select {
	case line = <-lines:
	case code := <-done:
		cancel()
		t.Fatalf("%v exited %d before listening:\n%s", args, code, stderr.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("%v printed no %q line", args, prefix)
	}
	addr := strings.Fields(strings.TrimPrefix(line, prefix))[0]
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatalf("%v did not stop", args)
			return -1
		}
	}
	t.Cleanup(func() { cancel() })
	return addr, stop
}

// TestServeAndFakeCommands starts "keycheck fake-hiapi" and "keycheck
// serve" as a person would, with flags and environment, and stops them as
// Ctrl-C does.
func TestServeAndFakeCommands(t *testing.T) {
	fakeURL, stopFake := startCommand(t, []string{"fake-hiapi", "--addr", "127.0.0.1:0", "--step", "200ms"}, nil, "fake HiAPI listening on ")
	req, _ := http.NewRequest(http.MethodGet, fakeURL+"/v1/tasks?page=1&size=1", nil)
	req.Header.Set("Authorization", "Bearer "+goodKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("fake-hiapi answered %d to a good key", resp.StatusCode)
	}

	env := map[string]string{
		"KEYCHECK_DB":        filepath.Join(t.TempDir(), "k.db"),
		"KEYCHECK_HIAPI_URL": fakeURL,
		"KEYCHECK_KEY_TTL":   "2m",
	}
	url, stopServe := startCommand(t, []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, env, "keycheck is running at ")
	status, body := get(t, http.DefaultClient, url+"/healthz")
	if status != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: %d %s", status, body)
	}
	if code := stopServe(); code != 0 {
		t.Errorf("serve exited %d after SIGINT, want 0", code)
	}
	if code := stopFake(); code != 0 {
		t.Errorf("fake-hiapi exited %d after SIGINT, want 0", code)
	}
}

// TestServeConfigErrors: a bad setting stops serve at once with exit 2 and
// a message naming the setting.
func TestServeConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad duration in the environment", nil, map[string]string{"KEYCHECK_KEY_TTL": "soon"}, "$KEYCHECK_KEY_TTL"},
		{"user header without trusted proxies", []string{"--user-header", "X-Forwarded-User"}, nil, "--user-header needs --trusted-proxies"},
		{"bad proxy range", []string{"--trusted-proxies", "10.0.0.0/33"}, nil, "--trusted-proxies"},
		{"short session key", nil, map[string]string{"KEYCHECK_SESSION_KEYS": "abcd"}, "32 bytes"},
		{"bad log level", []string{"--log-level", "loud"}, nil, "--log-level"},
		{"stray argument", []string{"now"}, nil, "unexpected argument"},
		{"zero retention", []string{"--retention", "0s"}, nil, "--retention"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut syncBuffer
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db")}, tt.args...)
			code := realMain(context.Background(), args, nil, &out, &errOut, func(k string) string { return tt.env[k] }, nil)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errOut.String())
			}
		})
	}
}
