package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/internal/pgtest"
)

// served is "keycheck serve" run as main runs it, in this process, with
// the addresses it printed.
type served struct {
	main, metrics string // http://host:port of each listener
	stderr        *syncBuffer
	stop          func() int
}

// serveWithMetrics runs "keycheck serve --metrics-addr 127.0.0.1:0" on
// db (a fresh SQLite file when "") against a fake HiAPI, and waits for
// both of its listeners' lines.
func serveWithMetrics(t *testing.T, db string, args ...string) *served {
	t.Helper()
	f := httptest.NewServer(fake.New(fake.Options{Step: 100 * time.Millisecond}))
	t.Cleanup(f.Close)
	if db == "" {
		db = filepath.Join(t.TempDir(), "k.db")
	}
	env := map[string]string{
		"KEYCHECK_DB":           db,
		"KEYCHECK_HIAPI_URL":    f.URL,
		"KEYCHECK_POLL_EVERY":   "1s",
		"KEYCHECK_ADDR":         "127.0.0.1:0",
		"KEYCHECK_METRICS_ADDR": "127.0.0.1:0",
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &served{stderr: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		code := realMain(ctx, append([]string{"serve"}, args...), strings.NewReader(""), pw, s.stderr, func(k string) string { return env[k] }, nil)
		pw.Close()
		done <- code
	}()
	var mu sync.Mutex
	found := map[string]string{}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			for _, prefix := range []string{"keycheck is running at ", "keycheck serves metrics at "} {
				if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
					mu.Lock()
					found[prefix] = strings.Fields(rest)[0]
					mu.Unlock()
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		s.main, s.metrics = found["keycheck is running at "], strings.TrimSuffix(found["keycheck serves metrics at "], "/metrics")
		mu.Unlock()
		if s.main != "" && s.metrics != "" {
			break
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("serve exited %d before listening:\n%s", code, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve printed no address lines:\n%s", s.stderr.String())
		}
	}
	s.stop = func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() { cancel() })
	return s
}

// sample is one series' value in a scrape; a series never touched is
// absent and reads 0.
func sample(scraped, series string) float64 {
	sc := bufio.NewScanner(strings.NewReader(scraped))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

// TestServeMetrics: with --metrics-addr, /metrics is served on that
// listener alone (the main port answers 404), and a live test through the
// real server, against the fake HiAPI, shows in every metric: the check,
// the run, the live test with its verdict, duration and HiAPI's answers,
// the database's operations, the streams gauge, the Go runtime. On both
// engines.
func TestServeMetrics(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testServeMetrics(t, "") })
	t.Run("postgres", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts PostgreSQL: skipped with -short")
		}
		testServeMetrics(t, pgtest.Start(t).DSN(t))
	})
}

func testServeMetrics(t *testing.T, db string) {
	s := serveWithMetrics(t, db)
	c := newClient(t)
	rec := &recorder{}
	if status, body := get(t, c, s.main+"/metrics"); status != http.StatusNotFound || strings.Contains(body, "go_goroutines") {
		t.Errorf("the main port's /metrics: %d %.200s; want 404", status, body)
	}
	if status, _ := get(t, c, s.metrics+"/"); status != http.StatusNotFound {
		t.Errorf("the metrics port's /: %d; want 404, it serves /metrics alone", status)
	}

	var checked struct {
		Verdict struct{ Status string } `json:"verdict"`
	}
	resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, s.main+"/api/v1/check", map[string]any{"key": goodKey}))
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &checked) != nil {
		t.Fatalf("POST /api/v1/check: %d %s", resp.StatusCode, body)
	}
	var created struct {
		ID      string
		Verdict struct{ Status string } `json:"verdict"`
	}
	resp, body = rec.do(t, c, jsonReq(t, http.MethodPost, s.main+"/api/v1/runs", map[string]any{"key": goodKey, "live": true}))
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil {
		t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
	}
	waitLive(t, rec, c, s.main, created.ID)
	var done struct {
		Live    string
		Verdict struct{ Status string } `json:"verdict"`
		Steps   []struct {
			Live *struct {
				HTTPStatus int `json:"http_status"`
			} `json:"live"`
		} `json:"steps"`
	}
	if _, body := get(t, c, s.main+"/api/v1/runs/"+created.ID); json.Unmarshal([]byte(body), &done) != nil || done.Verdict.Status != "pass" {
		t.Fatalf("the live test of the good key: %s", body)
	}
	answers := 0
	for _, st := range done.Steps {
		if st.Live != nil && st.Live.HTTPStatus == http.StatusOK {
			answers++
		}
	}

	status, scraped := get(t, c, s.metrics+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics on the metrics port: %d", status)
	}
	want := map[string]float64{
		`keycheck_checks_total{verdict="` + checked.Verdict.Status + `"}`:       1,
		`keycheck_runs_created_total{verdict="` + created.Verdict.Status + `"}`: 1,
		`keycheck_live_tests_total{target="hiapi",verdict="pass"}`:              1,
		`keycheck_provider_answers_total{code="200",provider="hiapi"}`:          float64(answers),
		`keycheck_live_test_duration_seconds_count{target="hiapi"}`:             1,
		`keycheck_db_operation_duration_seconds_count{operation="create_run"}`:  1,
		`keycheck_event_streams_open`:                                           0,
		`keycheck_build_info{version="dev"}`:                                    1,
	}
	for series, n := range want {
		if v := sample(scraped, series); v != n {
			t.Errorf("%s = %v, want %v", series, v, n)
		}
	}
	if answers < 2 {
		t.Errorf("the run kept %d of HiAPI's answers, want the probe's, the task's and the poll's", answers)
	}
	for _, series := range []string{
		`keycheck_db_operation_duration_seconds_count{operation="update_run"}`,
		`keycheck_db_operation_duration_seconds_count{operation="get_run"}`,
		// The lease is taken, and the orphans swept, through the metrics too.
		`keycheck_db_operation_duration_seconds_count{operation="lease"}`,
		`keycheck_db_operation_duration_seconds_count{operation="update_orphaned"}`,
		`keycheck_live_test_duration_seconds_sum{target="hiapi"}`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if sample(scraped, series) <= 0 {
			t.Errorf("%s is not above 0:\n%s", series, scraped)
		}
	}
	if strings.Contains(scraped, created.ID) || strings.Contains(scraped, goodKey[:12]) {
		t.Error("a run id or a piece of the key is in the metrics")
	}
	if code := s.stop(); code != 0 {
		t.Errorf("serve exited %d, want 0:\n%s", code, s.stderr.String())
	}
}

// TestServeMetricsOutliveTheDrain: on SIGTERM the main listener closes
// first and the requests in flight finish; the metrics are still served
// all through that drain, and stop only once it is over.
func TestServeMetricsOutliveTheDrain(t *testing.T) {
	s := serveWithMetrics(t, "")
	mainAddr := strings.TrimPrefix(s.main, "http://")
	// A request in flight: its handler runs, reading a body still to
	// come, so the drain waits for it. The server's "100 Continue" says
	// the handler has begun reading.
	conn, err := net.Dial("tcp", mainAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"key": "` + goodKey + `"}`
	head := "POST /api/v1/check HTTP/1.1\r\nHost: " + mainAddr + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	answers := bufio.NewReader(conn)
	if res, err := http.ReadResponse(answers, nil); err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("the request's handler did not begin: %v %v", res, err)
	}

	stopped := make(chan int, 1)
	go func() { stopped <- s.stop() }()
	// The drain has begun once the main listener refuses new connections.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, err := net.Dial("tcp", mainAddr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the main listener still takes connections after SIGTERM")
		}
	}
	if status, scraped := get(t, newClient(t), s.metrics+"/metrics"); status != http.StatusOK || !strings.Contains(scraped, "keycheck_build_info") {
		t.Errorf("metrics during the drain: %d %.200s", status, scraped)
	}

	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(answers, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the request in flight: %d, want 200", res.StatusCode)
	}
	select {
	case code := <-stopped:
		if code != 0 {
			t.Errorf("serve exited %d:\n%s", code, s.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := net.Dial("tcp", strings.TrimPrefix(s.metrics, "http://")); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the metrics listener after serve stopped: %v, want connection refused", err)
	}
}

// TestServeMetricsAddress: metrics on the main port's address are refused,
// and a taken metrics address says which variable moves it.
func TestServeMetricsAddress(t *testing.T) {
	var out, errOut syncBuffer
	code := realMain(context.Background(), []string{"serve", "--addr", "127.0.0.1:8123", "--metrics-addr", "127.0.0.1:8123", "--db", filepath.Join(t.TempDir(), "k.db")},
		nil, &out, &errOut, func(string) string { return "" }, nil)
	if code != 2 || !strings.Contains(errOut.String(), "--metrics-addr must differ from --addr") {
		t.Errorf("the same address: exit %d, %s", code, errOut.String())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var taken syncBuffer
	code = realMain(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", ln.Addr().String(), "--db", filepath.Join(t.TempDir(), "k.db")},
		nil, &out, &taken, func(string) string { return "" }, nil)
	if code != 1 || !strings.Contains(taken.String(), "KEYCHECK_METRICS_ADDR") {
		t.Errorf("a taken metrics address: exit %d, %s", code, taken.String())
	}
}
