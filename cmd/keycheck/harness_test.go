package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// Keys of the fake HiAPI's scenarios (see internal/hiapi/fake).
const (
	goodKey    = "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	revokedKey = "sk-fake-revoked-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	noModelKey = "sk-fake-no-model-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	downKey    = "sk-fake-down-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
)

// syncBuffer is a log sink tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv is a whole keycheck, as "keycheck serve" wires it, on
// 127.0.0.1:0, talking to a fake HiAPI on another loopback port.
type testEnv struct {
	t      *testing.T
	URL    string
	Fake   *fake.Server
	cfg    serveConfig
	logs   *syncBuffer
	stop   context.CancelFunc
	done   chan struct{}
	fakeTS *httptest.Server
}

type envOption func(*serveConfig)

// startEnv starts a fake HiAPI and keycheck against it. dbPath may be ""
// for a fresh database.
func startEnv(t *testing.T, dbPath string, opts ...envOption) *testEnv {
	t.Helper()
	f := fake.New(fake.Options{Step: 300 * time.Millisecond, SlowDelay: 2 * time.Second})
	fakeTS := httptest.NewServer(f)
	t.Cleanup(fakeTS.Close)
	if dbPath == "" {
		dbPath = filepath.Join(t.TempDir(), "keycheck.db")
	}
	cfg := serveConfig{
		Addr:            "127.0.0.1:0",
		DB:              dbPath,
		Retention:       24 * time.Hour,
		KeyTTL:          15 * time.Minute,
		HiAPIURL:        fakeTS.URL,
		LiveTimeout:     20 * time.Second,
		PollEvery:       time.Second,
		Model:           defaultModel,
		Prompt:          defaultPrompt,
		LivePerHour:     1000,
		ChecksPerMinute: 100000,
		RunsList:        true, // the default of --runs-list
		LogLevel:        slog.LevelDebug,
	}
	for _, o := range opts {
		o(&cfg)
	}
	env := &testEnv{t: t, Fake: f, fakeTS: fakeTS, cfg: cfg, logs: &syncBuffer{}}
	env.start()
	t.Cleanup(env.Stop)
	return env
}

func (e *testEnv) start() {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := newLogger(e.logs, e.cfg.LogLevel, "text")
	a, err := newApp(ctx, e.cfg, log)
	if err != nil {
		cancel()
		e.t.Fatalf("starting keycheck: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		a.close()
		e.t.Fatal(err)
	}
	e.URL = "http://" + ln.Addr().String()
	e.stop = cancel
	e.done = make(chan struct{})
	go func() {
		defer close(e.done)
		defer a.close()
		if err := a.serve(ctx, ln); err != nil {
			e.t.Errorf("serve: %v", err)
		}
	}()
}

// Stop shuts keycheck down gracefully, as SIGTERM does.
func (e *testEnv) Stop() {
	if e.stop == nil {
		return
	}
	e.stop()
	select {
	case <-e.done:
	case <-time.After(30 * time.Second):
		e.t.Error("keycheck did not shut down within 30s")
	}
	e.stop = nil
}

// Restart stops keycheck and starts it again on the same database.
func (e *testEnv) Restart() {
	e.Stop()
	e.start()
}

// get fetches a URL and returns status and body.
func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
