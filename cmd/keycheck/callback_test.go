package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

const testCallbackSecret = "cb-secret-7Qm2Xv9LpR4tK8wN3bZ6"

func TestCallbackConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     []string
		url     string // the callback URL; "" for off
		wantErr string
	}{
		{"off by default", nil, nil, "", ""},
		{"on with both", []string{"--public-url", "https://keycheck.example.com/"}, []string{callbackSecretEnv, testCallbackSecret}, "https://keycheck.example.com/hooks/hiapi", ""},
		{"on, public URL from the environment", nil, []string{"KEYCHECK_PUBLIC_URL", "http://10.0.0.5:8080", callbackSecretEnv, testCallbackSecret}, "http://10.0.0.5:8080/hooks/hiapi", ""},
		{"secret without a public URL is off", nil, []string{callbackSecretEnv, testCallbackSecret}, "", ""},
		{"public URL without a secret is off", []string{"--public-url", "https://keycheck.example.com"}, nil, "", ""},
		{"the flag is refused", []string{"--hiapi-callback-secret", testCallbackSecret}, nil, "", "set $KEYCHECK_HIAPI_CALLBACK_SECRET instead"},
		{"the flag with = is refused", []string{"-hiapi-callback-secret=" + testCallbackSecret}, nil, "", "set $KEYCHECK_HIAPI_CALLBACK_SECRET instead"},
		{"too short", nil, []string{callbackSecretEnv, "short-secret"}, "", "is 12 bytes: HiAPI's signing secret has at least 16"},
		{"too long", nil, []string{callbackSecretEnv, strings.Repeat("s", 257)}, "", "at most 256"},
		{"a newline", nil, []string{callbackSecretEnv, testCallbackSecret + "\n"}, "", "whitespace"},
		{"a public URL HiAPI cannot call", []string{"--public-url", "keycheck.example.com"}, []string{callbackSecretEnv, testCallbackSecret}, "", "is not an http:// or https:// address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServe(tt.args, io.Discard, envOf(tt.env...))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "short-secret") || strings.Contains(err.Error(), testCallbackSecret) {
					t.Fatalf("the error shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.callbackURL(); got != tt.url {
				t.Fatalf("callback URL %q, want %q", got, tt.url)
			}
			if (cfg.callbackSecret() != nil) != (tt.url != "") {
				t.Fatalf("the hook's secret is set: %v, callbacks on: %v", cfg.callbackSecret() != nil, tt.url != "")
			}
			var log bytes.Buffer
			logCallbacks(slog.New(slog.NewTextHandler(&log, nil)), cfg)
			if strings.Contains(log.String(), testCallbackSecret) {
				t.Fatalf("the startup log shows the secret: %s", log.String())
			}
			if on := strings.Contains(log.String(), "HiAPI callbacks on"); on != (tt.url != "") || (on && !strings.Contains(log.String(), tt.url)) {
				t.Fatalf("startup log %q for callback URL %q", log.String(), tt.url)
			}
		})
	}
}

// TestCallbackEndToEnd runs "keycheck fake" and "keycheck serve" as a
// person would, both with $KEYCHECK_HIAPI_CALLBACK_SECRET, and serve with
// --public-url. Polling is set so slow (--poll-every longer than the live
// test's time-out) that no poll comes: a result that arrives came by the
// callback; the refused callbacks leave the result step to time out.
func TestCallbackEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes and waits for live tests to time out")
	}
	secret := "e2e-secret-" + randomAlnum(24)
	t.Setenv(callbackSecretEnv, secret)
	fakeProc, fakeURL := startProcess(t, "fake HiAPI listening on ", "fake", "--addr", "127.0.0.1:0", "--step", "200ms")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	serve, _ := startProcess(t, "keycheck is running at ", "serve", "--addr", addr, "--db", filepath.Join(t.TempDir(), "keycheck.db"),
		"--hiapi-url", fakeURL, "--public-url", "http://"+addr, "--poll-every", "10m", "--live-timeout", "8s", "--live-per-hour", "0")
	base := "http://" + addr

	tests := []struct {
		scenario, result string
	}{
		{"callback", "pass"},
		{"callback-duplicate", "pass"},
		{"task-fails", "fail"},
		{"callback-bad-signature", "unknown"},
		{"callback-stale", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			c, rec := newClient(t), &recorder{}
			key := "sk-fake-" + tt.scenario + "-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
			resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, base+"/api/v1/runs", map[string]any{"key": key, "live": true}))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
			}
			var r apiRun
			json.Unmarshal([]byte(body), &r)
			r = waitLive(t, rec, c, base, r.ID)
			if got := r.status("result"); got != tt.result || r.status("auth") != "pass" || r.status("model") != "pass" {
				t.Errorf("auth/model/result = %s/%s/%s, want pass/pass/%s", r.status("auth"), r.status("model"), got, tt.result)
			}
		})
	}
	t.Cleanup(func() {
		logs := serve.stderr.String()
		if !strings.Contains(logs, "HiAPI callbacks on") || !strings.Contains(logs, base+"/hooks/hiapi") {
			t.Errorf("serve's log does not say callbacks are on, at %s/hooks/hiapi", base)
		}
		for _, reason := range []string{"does not match the body", "more than 300 s"} {
			if !strings.Contains(logs, "HiAPI callback refused") || !strings.Contains(logs, reason) {
				t.Errorf("serve's log has no refusal saying %q", reason)
			}
		}
		for what, text := range map[string]string{"serve's log": logs, "the fake's log": fakeProc.stderr.String()} {
			if strings.Contains(text, secret) || strings.Contains(text, secret[len(secret)-12:]) {
				t.Errorf("%s shows the secret", what)
			}
		}
	})
}
