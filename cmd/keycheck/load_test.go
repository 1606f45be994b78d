package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestTwoHundredPeopleAtOnce: 200 people each check a key and run a live
// test against the fake HiAPI at the same time. Nothing may fail, every
// run must be stored and end decided, each test must create exactly one
// task and never poll faster than once a second, and the goroutines must
// come back to their baseline.
func TestTwoHundredPeopleAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("200 concurrent live tests: skipped in -short mode")
	}
	const people = 200
	baseline := runtime.NumGoroutine()
	// 200 tests at once on a shared 2-core machine under -race: the time-out
	// is not what this test measures, so it is far from reach.
	env := startEnv(t, "", func(c *serveConfig) { c.LiveTimeout = 120 * time.Second })

	var wg sync.WaitGroup
	errs := make(chan error, people)
	ids := make([]string, people)
	keys := make([]string, people)
	for i := range people {
		keys[i] = fmt.Sprintf("sk-fake-good-person%03d-%s", i, randomAlnum(16))
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 60 * time.Second}
			rec := &recorder{}
			resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/check", map[string]any{"key": keys[i]}))
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("person %d: check answered %d %s", i, resp.StatusCode, body)
				return
			}
			resp, body = rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", map[string]any{"key": keys[i], "live": true}))
			if resp.StatusCode != http.StatusCreated {
				errs <- fmt.Errorf("person %d: run answered %d %s", i, resp.StatusCode, body)
				return
			}
			var r apiRun
			if err := json.Unmarshal([]byte(body), &r); err != nil {
				errs <- err
				return
			}
			ids[i] = r.ID
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	c := &http.Client{Timeout: 30 * time.Second}
	rec := &recorder{}
	for i, id := range ids {
		r := waitLive(t, rec, c, env.URL, id)
		if r.Live != "done" {
			t.Errorf("person %d: live = %s", i, r.Live)
		}
		for _, step := range []string{"auth", "model", "result"} {
			if st := r.status(step); st != "pass" {
				t.Errorf("person %d: %s = %s", i, step, st)
			}
		}
	}

	// Exactly one task per person, polled no faster than once a second.
	for i, key := range keys {
		if n := env.Fake.Count(http.MethodPost, "/v1/tasks", key); n != 1 {
			t.Errorf("person %d created %d tasks", i, n)
		}
	}
	for _, task := range env.Fake.Tasks() {
		for j := 1; j < len(task.Polls); j++ {
			if gap := task.Polls[j].Sub(task.Polls[j-1]); gap < time.Second {
				t.Errorf("task %s polled twice within %s", task.ID, gap)
			}
		}
	}

	env.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline+10 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d after, %d before\n%s", runtime.NumGoroutine(), baseline, buf[:n])
		}
		time.Sleep(100 * time.Millisecond)
	}
}
