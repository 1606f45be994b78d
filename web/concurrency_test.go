package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// TestManyPeopleAtOnce is 200 people, each with their own browser, who
// check a key and run a live test against the fake HiAPI at the same time.
// Nothing may fail, every run must be stored and end done with every step
// decided, and no goroutine may be left behind.
//
// It is not parallel on purpose: it counts goroutines, so it runs while
// the other tests wait.
func TestManyPeopleAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("200 concurrent live tests")
	}
	const people = 200
	e := newEnv(t)
	transport := &http.Transport{MaxIdleConnsPerHost: people, MaxConnsPerHost: 0}
	defer transport.CloseIdleConnections()

	baseline := runtime.NumGoroutine()
	var wg sync.WaitGroup
	errs := make(chan error, people)
	ids := make(chan string, people)
	start := make(chan struct{})
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			id, err := person(e.URL, transport, i)
			if err != nil {
				errs <- fmt.Errorf("person %d: %w", i, err)
				return
			}
			ids <- id
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		var logged []string
		for _, line := range strings.Split(e.Logs.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) && len(logged) < 10 {
				logged = append(logged, line)
			}
		}
		t.Fatalf("errors logged:\n%s", strings.Join(logged, "\n"))
	}

	n := 0
	for id := range ids {
		n++
		r, err := e.DB.GetRun(context.Background(), id)
		if err != nil {
			t.Errorf("run %s: %v", id, err)
			continue
		}
		if r.Live != run.LiveDone || len(r.Steps) != 11 {
			t.Errorf("run %s: live %q with %d steps", id, r.Live, len(r.Steps))
		}
		for _, st := range r.Steps {
			if st.Status == checks.StatusPending || st.Status == checks.StatusRunning || st.Status == "" {
				t.Errorf("run %s: step %s undecided (%q)", id, st.ID, st.Status)
			}
		}
	}
	if n != people || countRuns(t, e) != people {
		t.Errorf("%d runs returned, %d stored; want %d", n, countRuns(t, e), people)
	}
	if got := e.Provider.creates.Load(); got != people {
		t.Errorf("%d tasks created, want exactly %d", got, people)
	}
	if e.Keys.Len() != 0 {
		t.Errorf("%d keys left in memory", e.Keys.Len())
	}
	if strings.Contains(e.Logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged under load:\n%.3000s", e.Logs.String())
	}

	// Every goroutine the 200 started ends: connections, handlers, live
	// tests. A few may linger briefly while sockets close.
	transport.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for {
		now := runtime.NumGoroutine()
		if now <= baseline+5 {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, baseline %d:\n%s", now, baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// person checks a key, saves a run with the live test, and waits for it
// to end, as a script or a browser would. It returns the run's id.
func person(base string, transport http.RoundTripper, i int) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: transport, Timeout: 120 * time.Second}
	key := randomKey()
	call := func(method, path, body string, want int, out any) error {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			return err
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := c.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		if res.StatusCode != want {
			return fmt.Errorf("%s %s: %d, want %d: %.300s", method, path, res.StatusCode, want, data)
		}
		if out != nil {
			return json.Unmarshal(data, out)
		}
		return nil
	}

	var check apiCheck
	if err := call("POST", "/api/v1/check", `{"key": "`+key+`"}`, 200, &check); err != nil {
		return "", err
	}
	if len(check.Steps) != 11 {
		return "", fmt.Errorf("check: %d steps", len(check.Steps))
	}
	var r apiRun
	if err := call("POST", "/api/v1/runs", fmt.Sprintf(`{"key": %q, "live": true, "prompt": "apple %d"}`, key, i), 201, &r); err != nil {
		return "", err
	}
	deadline := time.Now().Add(120 * time.Second)
	for r.Live != "done" {
		if time.Now().After(deadline) {
			return r.ID, fmt.Errorf("run %s still %q", r.ID, r.Live)
		}
		time.Sleep(time.Second)
		if err := call("GET", "/api/v1/runs/"+r.ID, "", 200, &r); err != nil {
			return r.ID, err
		}
	}
	for _, st := range r.Steps {
		if st.Status != "pass" && (st.ID == "auth" || st.ID == "model" || st.ID == "result") {
			return r.ID, fmt.Errorf("run %s: %s %s %q", r.ID, st.ID, st.Status, st.Detail)
		}
	}
	return r.ID, nil
}
