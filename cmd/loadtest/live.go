package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Keys of the fake HiAPI's scenarios (internal/hiapi/fake).
const (
	goodKey = "sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	// neverKey is the never-finishes scenario with a distinct tail per
	// test, as many people's keys would be.
	neverKey = "sk-fake-never-finishes-%04dQm2Xv9LpR4tK8wN3bZ6hJ1c"
)

// runInfo is what the load test reads of a run in the JSON API.
type runInfo struct {
	ID     string `json:"id"`
	Live   string `json:"live"`
	TaskID string `json:"task_id"`
	Steps  []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"steps"`
}

func (r runInfo) status(step string) string {
	for _, s := range r.Steps {
		if s.ID == step {
			return s.Status
		}
	}
	return ""
}

// createRun stores a check through the JSON API, starting its live test
// when live is set.
func (lt *loadTest) createRun(ctx context.Context, key string, live bool) (runInfo, error) {
	body, _ := json.Marshal(map[string]any{"key": key, "live": live})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, lt.srv.URL+"/api/v1/runs", bytes.NewReader(body))
	if err != nil {
		return runInfo{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	var r runInfo
	return r, lt.doJSON(req, http.StatusCreated, &r)
}

func (lt *loadTest) getRun(ctx context.Context, id string) (runInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, lt.srv.URL+"/api/v1/runs/"+id, nil)
	if err != nil {
		return runInfo{}, err
	}
	var r runInfo
	return r, lt.doJSON(req, http.StatusOK, &r)
}

func (lt *loadTest) doJSON(req *http.Request, want int, into any) error {
	resp, err := lt.api.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s answered %s, want %d: %.300s", req.Method, req.URL.Path, resp.Status, want, b)
	}
	return json.Unmarshal(b, into)
}

// watch follows a run's event stream as the page does, calling onRun with
// the HTML of each "run" event and the time it was read, until "done".
func (lt *loadTest) watch(ctx context.Context, id string, onRun func(html string, at time.Time)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, lt.srv.URL+"/runs/"+id+"/events", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := lt.stream.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return fmt.Errorf("GET /runs/%s/events answered %s (%s)", id, resp.Status, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var event string
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			at := time.Now()
			switch event {
			case "run":
				onRun(data.String(), at)
			case "done":
				return nil
			}
			event = ""
			data.Reset()
		case strings.HasPrefix(line, ":"):
			// A heartbeat.
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return fmt.Errorf("the event stream of run %s ended without a done event", id)
}

// resultPassed finds the result step shown as passed in pushed HTML.
var resultPassed = regexp.MustCompile(`<li[^>]*\bid="step-result"[^>]*\bdata-status="pass"`)

// pushSample is one live test of the push measurement.
type pushSample struct {
	Run, Task string
	// Shown is when the page's event stream delivered the passed result;
	// Seen is when the fake first answered a poll with "success".
	Shown, Seen time.Time
}

// Delay is how long the page waited after keycheck's poll saw success.
func (p pushSample) Delay() time.Duration { return p.Shown.Sub(p.Seen) }

// pushLatency starts n live tests with the good key, a little apart so
// their polls do not coincide, watches each run's event stream as the page
// does, and times the passed result against the fake's record of the poll
// that first saw the task succeed.
func (lt *loadTest) pushLatency(ctx context.Context, n int) ([]pushSample, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*lt.cfg.Step+60*time.Second)
	defer cancel()
	samples := make([]pushSample, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !sleep(ctx, time.Duration(i)*150*time.Millisecond) {
				errs[i] = ctx.Err()
				return
			}
			errs[i] = lt.pushOne(ctx, &samples[i])
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	tasks := lt.fakeTasks()
	for i := range samples {
		t, ok := tasks[samples[i].Task]
		if !ok || t.FirstSeenDone.IsZero() {
			return nil, fmt.Errorf("the fake has no finished task %q for run %s", samples[i].Task, samples[i].Run)
		}
		samples[i].Seen = t.FirstSeenDone
	}
	return samples, nil
}

func (lt *loadTest) pushOne(ctx context.Context, s *pushSample) error {
	r, err := lt.createRun(ctx, goodKey, true)
	if err != nil {
		return err
	}
	s.Run = r.ID
	err = lt.watch(ctx, r.ID, func(html string, at time.Time) {
		if s.Shown.IsZero() && resultPassed.MatchString(html) {
			s.Shown = at
		}
	})
	if err != nil {
		return err
	}
	r, err = lt.getRun(ctx, r.ID)
	if err != nil {
		return err
	}
	switch {
	case s.Shown.IsZero():
		return fmt.Errorf("run %s: the page never received a passed result (live %q, result %q)", r.ID, r.Live, r.status("result"))
	case r.TaskID == "":
		return fmt.Errorf("run %s: no task id in the API", r.ID)
	}
	s.Task = r.TaskID
	return nil
}

// memory is the server's resident memory around live tests in flight.
type memory struct {
	Idle, Peak, After int64
	// HWM is the kernel's high-water mark at the end of the phase: a
	// check on the sampled peak.
	HWM int64
	// InFlight is how many tests were running at once, at most; Samples
	// counts the RSS readings taken while they ran.
	InFlight int
	Samples  int
	// Watched is how many event streams (one per test, as pages) stayed
	// open.
	Watched int
	Runs    []string
}

// liveMemory starts n live tests whose tasks never finish, each watched
// by an event stream as its page would, samples the server's RSS every
// 100 ms until keycheck gives up on them (--live-timeout), and reads it
// again once they have ended.
func (lt *loadTest) liveMemory(ctx context.Context, n int, m *memory) error {
	ctx, cancel := context.WithTimeout(ctx, lt.cfg.Hold+2*time.Minute)
	defer cancel()

	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if cur, _, err := lt.srv.rss(); err == nil {
				m.Peak = max(m.Peak, cur)
				m.Samples++
			}
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
		}
	}()

	var (
		mu        sync.Mutex
		running   int
		ids       = make([]string, n)
		createErr []error
		watchErr  []error
		watchers  sync.WaitGroup
	)
	jobs := make(chan int)
	var creators sync.WaitGroup
	for range 16 {
		creators.Add(1)
		go func() {
			defer creators.Done()
			for i := range jobs {
				r, err := lt.createRun(ctx, fmt.Sprintf(neverKey, i), true)
				mu.Lock()
				if err != nil {
					createErr = append(createErr, err)
					mu.Unlock()
					continue
				}
				ids[i] = r.ID
				running++
				m.InFlight = max(m.InFlight, running)
				mu.Unlock()
				watchers.Add(1)
				go func() {
					defer watchers.Done()
					err := lt.watch(ctx, r.ID, func(string, time.Time) {})
					mu.Lock()
					running--
					if err != nil {
						watchErr = append(watchErr, err)
					} else {
						m.Watched++
					}
					mu.Unlock()
				}()
			}
		}()
	}
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	creators.Wait()
	watchers.Wait()
	close(stopSampling)
	<-sampled
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := errors.Join(append(createErr, watchErr...)...); err != nil {
		return fmt.Errorf("live tests for the memory figure: %w", err)
	}
	_, m.HWM, _ = lt.srv.rss()
	m.Runs = ids

	// Let the runner and the event streams let go, then read again.
	if !sleep(ctx, 2*time.Second) {
		return ctx.Err()
	}
	m.After, _, _ = lt.srv.rss()
	return nil
}

// tasks is the check that every live test created exactly one task and
// that no task was polled faster than once a second.
type tasks struct {
	Tests, Tasks, Creates int
	// Missing lists runs whose task the fake never made, Shared task ids
	// claimed by more than one run.
	Missing, Shared []string
	Polls           int
	MinGap          time.Duration
	// Schedule is one good task's polls, as offsets from its creation.
	Schedule []time.Duration
}

// checkTasks matches every live run with the fake's tasks.
func (lt *loadTest) checkTasks(ctx context.Context, runs []string, good string) (tasks, error) {
	var t tasks
	byTask := map[string]string{}
	all := lt.fakeTasks()
	for _, id := range runs {
		if id == "" {
			continue
		}
		r, err := lt.getRun(ctx, id)
		if err != nil {
			return t, err
		}
		t.Tests++
		if _, ok := all[r.TaskID]; r.TaskID == "" || !ok {
			t.Missing = append(t.Missing, id)
			continue
		}
		if other, ok := byTask[r.TaskID]; ok {
			t.Shared = append(t.Shared, other+"+"+id)
		}
		byTask[r.TaskID] = id
	}
	t.Tasks = len(all)
	t.Creates = lt.fake.Count(http.MethodPost, "/v1/tasks", "")
	t.MinGap = -1
	for _, rec := range all {
		polls := slices.Clone(rec.Polls)
		slices.SortFunc(polls, func(a, b time.Time) int { return a.Compare(b) })
		t.Polls += len(polls)
		for i := 1; i < len(polls); i++ {
			if gap := polls[i].Sub(polls[i-1]); t.MinGap < 0 || gap < t.MinGap {
				t.MinGap = gap
			}
		}
		if rec.ID == good {
			for _, p := range polls {
				t.Schedule = append(t.Schedule, p.Sub(rec.Created))
			}
		}
	}
	return t, nil
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
