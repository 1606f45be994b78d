package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/internal/pgtest"
)

// instRun is what this test reads of a run's JSON.
type instRun struct {
	apiRun
	Fingerprint struct {
		SHA256 string `json:"sha256"`
	} `json:"fingerprint"`
}

// TestTwoInstancesOnOnePostgres runs two "keycheck serve" processes, A and
// B, on one PostgreSQL database, as a team runs replicas behind a load
// balancer, and proves they are one keycheck: a run made on A opens on B
// (its page, JSON, step pages, the team list, the key's history); a page
// on B follows A's live test within a second of A's own; a session from A
// works on B; the live-test limit counts across both; and when A is killed
// mid-test, B marks A's test interrupted and leaves its own running. No
// piece of any key reaches the database or either process's log.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and two keycheck processes")
	}
	dsn := pgtest.DSN(t)
	hiapi := httptest.NewServer(fake.New(fake.Options{Step: time.Second}))
	t.Cleanup(hiapi.Close)
	serve := []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--hiapi-url", hiapi.URL,
		"--lease-ttl", "3s", "--poll-every", "1s", "--live-per-hour", "8", "--log-level", "debug"}
	procA, a := startProcess(t, "keycheck is running at ", serve...)
	procB, b := startProcess(t, "keycheck is running at ", serve...)

	good := "sk-fake-good-CANARY" + randomAlnum(24)
	neverA := "sk-fake-never-finishes-CANARY" + randomAlnum(24)
	neverB := "sk-fake-never-finishes-CANARY" + randomAlnum(24)
	rec := &recorder{}

	// Ana's session starts on A; her cookie works on B (the session keys
	// are the database's): B takes a form that carries A's CSRF token
	// without Sec-Fetch-Site: same-origin.
	ana := newClient(t)
	ana.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	_, home := get(t, ana, a+"/")
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(home)
	if token == nil {
		t.Fatalf("A's home page has no CSRF token: %s", clip(home, 300))
	}
	req := formReq(t, b+"/runs", url.Values{"_csrf": {token[1]}, "key": {good}})
	req.Header.Set("Sec-Fetch-Site", "same-site")
	if resp, body := rec.do(t, ana, req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("B refused a form with A's session and token: %d %s", resp.StatusCode, clip(body, 300))
	}

	// The watched test: made on A, watched on A and on B at once.
	watched := createLive(t, rec, ana, a, good)
	var streams sync.WaitGroup
	var onA, onB []seenState
	streams.Go(func() { onA = watchStates(t, ana, a, watched.ID) })
	streams.Go(func() { onB = watchStates(t, ana, b, watched.ID) })

	// Ana's second live test starts on B and never finishes: B's own test
	// in flight. Her third, on either, is over the limit (2 at once).
	ownB := createLive(t, rec, ana, b, neverB)
	for _, base := range []string{a, b} {
		resp, body := rec.do(t, ana, jsonReq(t, http.MethodPost, base+"/api/v1/runs", map[string]any{"key": good, "live": true}))
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "rate_limited") {
			t.Errorf("a third live test on %s: %d %s, want 429 rate_limited (the limit counts A and B together)", base, resp.StatusCode, clip(body, 300))
		}
	}

	streams.Wait()
	assertFollowed(t, onA, onB)

	// A run made on A opens on B: JSON, page, steps, the list, the history.
	var onBJSON instRun
	_, body := get(t, ana, b+"/api/v1/runs/"+watched.ID)
	if err := json.Unmarshal([]byte(body), &onBJSON); err != nil || onBJSON.Live != "done" || onBJSON.status("result") != "pass" {
		t.Errorf("A's run as B's API has it: %v %s", err, clip(body, 500))
	}
	sha := strings.TrimPrefix(onBJSON.Fingerprint.SHA256, "sha256:")
	pages := map[string]bool{"/runs/" + watched.ID: false, "/runs": true, "/keys/" + sha: true} // true: it lists the run
	for _, s := range onBJSON.Steps {
		pages[strings.TrimPrefix(s.URL, b)] = false
	}
	for p, lists := range pages {
		if status, body := get(t, ana, b+p); status != http.StatusOK || lists && !strings.Contains(body, watched.ID) {
			t.Errorf("B's %s: %d, or it does not list A's run %s: %s", p, status, watched.ID, clip(body, 300))
		}
	}

	// Ben's test runs on A, and B watches it when A is killed mid-test.
	ben := newClient(t)
	get(t, ben, b+"/")
	orphan := createLive(t, rec, ben, a, neverA)
	waitState(t, ben, b, orphan.ID, func(r instRun) bool { return r.status("result") == "running" })
	var final []seenState
	streams.Go(func() { final = watchStates(t, ben, b, orphan.ID) })
	procA.signal(syscall.SIGKILL)
	procA.wait()
	killed := time.Now()
	waitState(t, ben, b, orphan.ID, func(r instRun) bool { return r.Live == "interrupted" })
	t.Logf("A's test read interrupted on B %v after A was killed (--lease-ttl 3s)", time.Since(killed).Round(100*time.Millisecond))
	if r := readRun(t, ana, b, ownB.ID); r.Live != "running" {
		t.Errorf("B's own test in flight was marked too: live %q", r.Live)
	}
	streams.Wait()
	if len(final) == 0 || final[len(final)-1].result != "unknown" {
		t.Errorf("B's page on A's killed test did not end on its interrupted state: %+v", final)
	}

	// B stops cleanly; then no piece of a key is anywhere.
	procB.signal(syscall.SIGTERM)
	if code := procB.wait(); code != 0 {
		t.Errorf("B exited %d:\n%s", code, procB.stderr.String())
	}
	everything := append([]string{procA.stderr.String(), procB.stderr.String(), dumpDatabase(t, dsn)}, rec.bodies...)
	if !strings.Contains(everything[2], watched.ID) {
		t.Fatal("the database dump does not hold the runs: the search would prove nothing")
	}
	for i, text := range everything {
		for _, key := range []string{good, neverA, neverB} {
			if piece, ok := leaks(text, key); ok {
				t.Errorf("output %d (0: A's log, 1: B's, 2: the database) holds the piece %q of a key:\n%s", i, piece, clip(text, 400))
			}
		}
	}
}

// createLive creates a run with its live test through base's API.
func createLive(t *testing.T, rec *recorder, c *http.Client, base, key string) instRun {
	t.Helper()
	resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, base+"/api/v1/runs", map[string]any{"key": key, "live": true}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s/api/v1/runs: %d %s", base, resp.StatusCode, clip(body, 300))
	}
	var r instRun
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func readRun(t *testing.T, c *http.Client, base, id string) instRun {
	t.Helper()
	status, body := get(t, c, base+"/api/v1/runs/"+id)
	var r instRun
	if err := json.Unmarshal([]byte(body), &r); status != http.StatusOK || err != nil {
		t.Fatalf("GET %s/api/v1/runs/%s: %d %v %s", base, id, status, err, clip(body, 300))
	}
	return r
}

// waitState reads the run on base until cond holds.
func waitState(t *testing.T, c *http.Client, base, id string, cond func(instRun) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := readRun(t, c, base, id)
		if cond(r) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s on %s: still %q %+v after 30 s", id, base, r.Live, r.Steps)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// seenState is one state of a run as a page's event stream pushed it, and
// when it came.
type seenState struct {
	result, task string
	at           time.Time
}

var (
	resultStatus = regexp.MustCompile(`data-testid="step-result"[^>]*data-status="(\w+)"`)
	taskStatus   = regexp.MustCompile(`working on task \S+: (\w+)`)
)

// watchStates reads the run's event stream on base until "done" and
// returns each new state it pushed (the result step's status and the
// task's), with when it arrived.
func watchStates(t *testing.T, c *http.Client, base, id string) []seenState {
	req, _ := http.NewRequest(http.MethodGet, base+"/runs/"+id+"/events", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Errorf("events on %s: %v", base, err)
		return nil
	}
	defer resp.Body.Close()
	var seen []seenState
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var name string
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data.WriteString(strings.TrimPrefix(line, "data: "))
		case line == "":
			if name == "done" {
				return seen
			}
			if name == "run" {
				s := seenState{at: time.Now()}
				if m := resultStatus.FindStringSubmatch(data.String()); m != nil {
					s.result = m[1]
				}
				if m := taskStatus.FindStringSubmatch(data.String()); m != nil {
					s.task = m[1]
				}
				if len(seen) == 0 || seen[len(seen)-1].result != s.result || seen[len(seen)-1].task != s.task {
					seen = append(seen, s)
				}
			}
			name = ""
			data.Reset()
		}
	}
	t.Errorf("the event stream on %s ended without done (%v) after %+v", base, sc.Err(), seen)
	return seen
}

// assertFollowed: B's page saw the test move step by step, and each state
// A's own page saw, B's saw within a second of it.
func assertFollowed(t *testing.T, onA, onB []seenState) {
	t.Helper()
	if len(onB) < 3 || onB[len(onB)-1].result != "pass" {
		t.Fatalf("B's page saw %+v: want the test move through several states to the result", onB)
	}
	moved := 0
	var worst time.Duration
	for _, sa := range onA {
		for _, sb := range onB {
			if sb.result == sa.result && sb.task == sa.task {
				moved++
				lag := sb.at.Sub(sa.at)
				worst = max(worst, lag)
				if lag > time.Second {
					t.Errorf("state %s/%s reached B's page %v after A's", sa.result, sa.task, lag)
				}
			}
		}
	}
	t.Logf("%d states on both pages; B's came at most %v after A's", moved, worst)
	if moved < 2 {
		t.Errorf("A's page saw %+v and B's %+v: fewer than two states in common", onA, onB)
	}
}

// dumpDatabase is every row of every table of keycheck's database, as text.
func dumpDatabase(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) == 0 {
		t.Fatalf("tables: %v %v", tables, err)
	}
	var out strings.Builder
	for _, table := range tables {
		var text *string
		q := fmt.Sprintf("SELECT string_agg(t::text, E'\\n') FROM %s t", pgx.Identifier{table}.Sanitize())
		if err := conn.QueryRow(ctx, q).Scan(&text); err != nil {
			t.Fatal(err)
		}
		out.WriteString("-- " + table + "\n")
		if text != nil {
			out.WriteString(*text + "\n")
		}
	}
	return out.String()
}
