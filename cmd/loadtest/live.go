package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/internal/wait"
)

// Keys of the fake HiAPI's scenarios (internal/hiapi/fake): "good" ends
// in an image after three steps, "never-finishes" never ends. Each live
// test has a key of its own, as people do, so the fake's records of its
// task are found by the key.
const (
	goodKey  = "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	testKey  = "sk-fake-%s-%04dQm2Xv9LpR4tK8wN3bZ6hJ1c"
	maxBytes = 4 << 20 // of any answer read whole
)

// idleMemory reads keycheck's RSS a second after it started listening.
func (lt *loadTest) idleMemory(ctx context.Context) error {
	err := wait.For(ctx, time.Second)
	lt.res.idleRSS = lt.srv.rss()
	return err
}

// pushLatency runs pushTests live tests that succeed and times the passed
// result on each page (timePush).
func (lt *loadTest) pushLatency(ctx context.Context) (err error) {
	lt.progress("timing %d live tests from the fake's success to the page", pushTests)
	lt.res.finished, lt.res.push, err = lt.timePush(ctx, lt.srv, lt.srv, "good")
	return err
}

// timePush runs pushTests live tests of scenario (one that succeeds) on
// srv, 150 ms apart so their polls do not coincide, watches each on
// watchOn's event stream, and times the passed result there against the
// fake's record of the poll that first saw success. It returns the runs
// and the times, sorted.
func (lt *loadTest) timePush(ctx context.Context, srv, watchOn *server, scenario string) (runs []string, push []time.Duration, err error) {
	shown := make([]time.Time, pushTests)
	runs, keys, _, err := lt.liveTests(ctx, srv, watchOn, scenario, pushTests, 150*time.Millisecond, func(i int, html []byte) {
		if shown[i].IsZero() && resultPassed.Match(html) {
			shown[i] = time.Now()
		}
	})
	if err != nil {
		return nil, nil, err
	}
	tasks := lt.tasksByKey()
	for i, key := range keys {
		t := tasks[fake.KeyID(key)]
		if len(t) != 1 || t[0].FirstSeenDone.IsZero() || shown[i].IsZero() {
			return nil, nil, fmt.Errorf("run %s: its task never finished at the fake, or never showed as passed", runs[i])
		}
		push = append(push, shown[i].Sub(t[0].FirstSeenDone))
	}
	slices.Sort(push)
	return runs, push, nil
}

// resultPassed finds the result step shown as passed in pushed HTML.
var resultPassed = regexp.MustCompile(`<li[^>]*\bid="step-result"[^>]*\bdata-status="pass"`)

// liveMemory runs memoryTests live tests whose tasks never finish, 10 ms
// apart, until keycheck gives up on them (--live-timeout), and reads
// keycheck's RSS every 100 ms meanwhile.
func (lt *loadTest) liveMemory(ctx context.Context) error {
	lt.progress("holding %d live tests in flight for %s", memoryTests, hold)
	peak := sampleRSS(ctx, lt.srv)
	_, _, inFlight, err := lt.liveTests(ctx, lt.srv, lt.srv, "never-finishes", memoryTests, 10*time.Millisecond, func(int, []byte) {})
	lt.res.liveRSS, lt.res.inFlight = peak(), inFlight
	return err
}

// liveTests starts n live tests of a fake scenario on srv, one every gap,
// each with a key of its own, and watches each on watchOn's event stream
// as its page would until the test ends, passing each update's HTML to
// onRun (see watch). It returns the runs, their keys (also kept for
// countTasks), and the most tests in flight at once.
func (lt *loadTest) liveTests(ctx context.Context, srv, watchOn *server, scenario string, n int, gap time.Duration, onRun func(i int, html []byte)) (runs, keys []string, most int, err error) {
	ctx, cancel := context.WithTimeout(ctx, hold+time.Minute)
	defer cancel()
	runs, keys, errs := make([]string, n), make([]string, n), make([]error, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	running := 0
	for i := range n {
		keys[i] = fmt.Sprintf(testKey, scenario, i)
		wg.Go(func() {
			if errs[i] = wait.For(ctx, time.Duration(i)*gap); errs[i] == nil {
				runs[i], errs[i] = lt.createRun(ctx, srv, keys[i])
			}
			if errs[i] != nil {
				return
			}
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			errs[i] = lt.watch(ctx, watchOn, runs[i], func(html []byte) { onRun(i, html) })
			mu.Lock()
			running--
			mu.Unlock()
		})
	}
	wg.Wait()
	lt.res.liveKeys = append(lt.res.liveKeys, keys...)
	return runs, keys, most, errors.Join(errs...)
}

// watch follows a run's event stream on srv, passing the HTML of each
// "run" event to onRun, until the "done" event. The HTML is only valid
// during the call: one buffer serves every event.
func (lt *loadTest) watch(ctx context.Context, srv *server, id string, onRun func(html []byte)) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/runs/"+id+"/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := lt.stream.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, maxBytes)
	var data []byte
	for resp.StatusCode == http.StatusOK && sc.Scan() {
		switch line := sc.Bytes(); {
		case string(line) == "event: done":
			return nil
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(append(data, line[len("data: "):]...), '\n')
		case len(line) == 0 && len(data) > 0:
			onRun(data)
			data = data[:0]
		}
	}
	return cmp.Or(sc.Err(), fmt.Errorf("the event stream of run %s answered %s and ended without its done event", id, resp.Status))
}

// taskCount is every live test matched with its task at the fake.
type taskCount struct {
	Tests, Tasks, Creates, Polls int
	Matched                      int           // tests with exactly one task
	MinGap                       time.Duration // between two polls of one task; -1 if none was polled twice
}

// countTasks checks that every live test made exactly one task, and how
// soon any task was polled again.
func (lt *loadTest) countTasks(context.Context) error {
	byKey := lt.tasksByKey()
	t := taskCount{Tests: len(lt.res.liveKeys), Creates: lt.fake.Count(http.MethodPost, "/v1/tasks", ""), MinGap: -1}
	for _, key := range lt.res.liveKeys {
		if len(byKey[fake.KeyID(key)]) == 1 {
			t.Matched++
		}
	}
	for _, rec := range lt.fake.Tasks() {
		polls := slices.SortedFunc(slices.Values(rec.Polls), time.Time.Compare)
		t.Tasks, t.Polls = t.Tasks+1, t.Polls+len(polls)
		for i := 1; i < len(polls); i++ {
			if gap := polls[i].Sub(polls[i-1]); t.MinGap < 0 || gap < t.MinGap {
				t.MinGap = gap
			}
		}
	}
	lt.res.tasks = t
	return nil
}

// tasksByKey is the fake's tasks by the KeyID of the key that made them.
func (lt *loadTest) tasksByKey() map[string][]fake.TaskRecord {
	out := map[string][]fake.TaskRecord{}
	for _, t := range lt.fake.Tasks() {
		out[t.Key] = append(out[t.Key], t)
	}
	return out
}

// apiRequest is the JSON API's request to store a check of key on srv,
// with its live test when live is set.
func apiRequest(srv *server, key string, live bool) *http.Request {
	body, _ := json.Marshal(map[string]any{"key": key, "live": live})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/runs", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// createRun stores a check of key on srv and starts its live test; it
// returns the run's id.
func (lt *loadTest) createRun(ctx context.Context, srv *server, key string) (string, error) {
	resp, err := (&http.Client{Transport: lt.load, Timeout: 30 * time.Second}).Do(apiRequest(srv, key, true).WithContext(ctx))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var run struct{ ID string }
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes))
	if err == nil && resp.StatusCode != http.StatusCreated {
		err = fmt.Errorf("POST /api/v1/runs answered %s: %.300s", resp.Status, b)
	}
	if err == nil {
		err = json.Unmarshal(b, &run)
	}
	return run.ID, err
}
