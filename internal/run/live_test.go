package run

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// fakeProvider scripts HiAPI's answers with func fields and records every
// call, so tests can count task creations and measure polling. Tests run in
// a synctest bubble, so the times it records are virtual and exact.
type fakeProvider struct {
	ProbeFn  func(ctx context.Context) checks.Answer
	CreateFn func(ctx context.Context) (string, checks.Answer)
	GetFn    func(n int) (checks.TaskView, checks.Answer, bool)

	mu      sync.Mutex
	creates int
	polls   []time.Time
	// keys is every key HiAPI received, in order.
	keys []string
}

// got records the key a request carried.
func (p *fakeProvider) got(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, key)
}

// received returns every key HiAPI received.
func (p *fakeProvider) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.keys...)
}

func (p *fakeProvider) Probe(ctx context.Context, key string) checks.Answer {
	p.got(key)
	if p.ProbeFn == nil {
		return checks.Answer{HTTPStatus: 200, RequestID: "req-probe"}
	}
	return p.ProbeFn(ctx)
}

func (p *fakeProvider) CreateTask(ctx context.Context, key, model, prompt string) (string, checks.Answer) {
	p.got(key)
	p.mu.Lock()
	p.creates++
	p.mu.Unlock()
	if p.CreateFn == nil {
		return testTask, checks.Answer{HTTPStatus: 200, RequestID: "req-create"}
	}
	return p.CreateFn(ctx)
}

func (p *fakeProvider) GetTask(ctx context.Context, key, taskID string) (checks.TaskView, checks.Answer, bool) {
	p.got(key)
	p.mu.Lock()
	p.polls = append(p.polls, time.Now())
	n := len(p.polls)
	p.mu.Unlock()
	if p.GetFn == nil {
		return successAfter(2)(n)
	}
	return p.GetFn(n)
}

func (p *fakeProvider) counts() (creates int, polls []time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.creates, append([]time.Time(nil), p.polls...)
}

const testTask = "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"

// testKey is a clean HiAPI-shaped key: the live plan sends it as given.
const testKey = "sk-Qm2Xv9LpR4tK8wN3bZ6hJ1cT7yU5iO0pA3sD6fG9hJ2k"

// noAnswer answers as HiAPI's client does when no answer comes: it blocks
// until ctx ends, and says whether keycheck stopped (canceled) or the live
// test's deadline passed (timeout).
func noAnswer(ctx context.Context) checks.Answer {
	<-ctx.Done()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return checks.Answer{Kind: checks.AnswerTimeout, Message: "no answer within the time limit"}
	}
	return checks.Answer{Kind: checks.AnswerCanceled, Message: "canceled before HiAPI answered"}
}

// handling answers every poll with a task still running.
func handling(int) (checks.TaskView, checks.Answer, bool) {
	return checks.TaskView{TaskID: testTask, Status: "handling"}, checks.Answer{HTTPStatus: 200}, true
}

// successAfter answers "handling" until the n-th poll, then success.
func successAfter(n int) func(int) (checks.TaskView, checks.Answer, bool) {
	return func(i int) (checks.TaskView, checks.Answer, bool) {
		v := checks.TaskView{TaskID: testTask, Status: "handling"}
		if i >= n {
			v.Status = "success"
			v.Outputs = []checks.Output{{URL: "https://cdn.example/apple.png", Type: "image", ExpireAt: 2000000000}}
		}
		return v, checks.Answer{HTTPStatus: 200}, true
	}
}

// memStore is a Store in memory; it keeps every state it saved. While busy,
// it refuses writes, as a database locked by another process.
type memStore struct {
	mu    sync.Mutex
	runs  map[string]*Run
	saved []*Run
	busy  bool
	// alive are the instances holding a lease (UpdateOrphaned).
	alive map[string]bool
}

func newMemStore(runs ...*Run) *memStore {
	s := &memStore{runs: map[string]*Run{}}
	for _, r := range runs {
		s.runs[r.ID] = r.Clone()
	}
	return s
}

func (s *memStore) GetRun(ctx context.Context, id string) (*Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[id]
	if !ok {
		return nil, ErrNotFound
	}
	return r.Clone(), nil
}

func (s *memStore) UpdateRun(ctx context.Context, r *Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy {
		return ErrBusy
	}
	s.runs[r.ID] = r.Clone()
	s.saved = append(s.saved, r.Clone())
	return nil
}

func (s *memStore) UpdateOrphaned(ctx context.Context, self string, change func(*Run)) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, r := range s.runs {
		if r.Live == LiveRunning && (self == "" || r.Instance != self) && !s.alive[r.Instance] {
			change(r)
			n++
		}
	}
	return n, nil
}

func newRun(id string) *Run {
	return &Run{ID: id, Model: "gpt-image-2", Prompt: "a red apple", Steps: checks.Check(checks.Input{Key: testKey})}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// waitDone waits for the run's live test to end and returns the stored run.
func waitDone(t *testing.T, lr *Runner, s *memStore, id string) *Run {
	t.Helper()
	updates, _ := lr.Subscribe(id)
	for range updates { // closed when the test ends
	}
	r, err := s.GetRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func statuses(r *Run) string {
	var b strings.Builder
	for _, id := range []checks.ID{checks.StepAuth, checks.StepModel, checks.StepResult} {
		s, _ := r.Step(id)
		b.WriteString(string(id) + "=" + string(s.Status) + " ")
	}
	return strings.TrimSpace(b.String())
}

func TestLiveVerdicts(t *testing.T) {
	tests := []struct {
		name        string
		provider    *fakeProvider
		want        string
		wantCreates int
		wantLive    LiveState
	}{
		{
			name:        "good key returns an image",
			provider:    &fakeProvider{},
			want:        "auth=pass model=pass result=pass",
			wantCreates: 1,
			wantLive:    LiveDone,
		},
		{
			name: "dead key spends nothing",
			provider: &fakeProvider{ProbeFn: func(context.Context) checks.Answer {
				return checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: "invalid api key", RequestID: "req-1"}
			}},
			want:     "auth=fail model=skip result=skip",
			wantLive: LiveDone,
		},
		{
			name: "HiAPI down is not blamed on the key and spends nothing",
			provider: &fakeProvider{ProbeFn: func(context.Context) checks.Answer {
				return checks.Answer{HTTPStatus: 503, RetryAfter: 2}
			}},
			want:     "auth=unknown model=skip result=skip",
			wantLive: LiveDone,
		},
		{
			name: "key without the model",
			provider: &fakeProvider{CreateFn: func(context.Context) (string, checks.Answer) {
				return "", checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: "This API key cannot use the selected model.", RequestID: "req-2"}
			}},
			want:        "auth=pass model=fail result=skip",
			wantCreates: 1,
			wantLive:    LiveDone,
		},
		{
			name: "task fails",
			provider: &fakeProvider{GetFn: func(int) (checks.TaskView, checks.Answer, bool) {
				return checks.TaskView{TaskID: testTask, Status: "fail", ErrorCode: "TASK_FAILED", ErrorMessage: "upstream rejected the prompt"}, checks.Answer{HTTPStatus: 200}, true
			}},
			want:        "auth=pass model=pass result=fail",
			wantCreates: 1,
			wantLive:    LiveDone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newMemStore(newRun("r1"))
				lr := NewRunner(s, tt.provider, nil, LiveConfig{PollEvery: time.Second, Timeout: 30 * time.Second}, quietLog(), nil)
				if err := lr.Start("r1", testKey); err != nil {
					t.Fatal(err)
				}
				r := waitDone(t, lr, s, "r1")
				if got := statuses(r); got != tt.want {
					t.Errorf("steps: %s, want %s", got, tt.want)
				}
				if r.Live != tt.wantLive {
					t.Errorf("live = %q, want %q", r.Live, tt.wantLive)
				}
				if creates, _ := tt.provider.counts(); creates != tt.wantCreates {
					t.Errorf("created %d tasks, want %d", creates, tt.wantCreates)
				}
				if tt.want == "auth=pass model=pass result=pass" {
					res, _ := r.Step(checks.StepResult)
					if res.Live == nil || len(res.Live.Outputs) == 0 || res.Live.Outputs[0].URL != "https://cdn.example/apple.png" {
						t.Errorf("result carries no image: %+v", res.Live)
					}
					if r.TaskID == "" {
						t.Error("run has no task id")
					}
				}
			})
		})
	}
}

func TestLivePollingPace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The second poll is refused with Retry-After: 3; the pace must follow it.
		p := &fakeProvider{GetFn: func(n int) (checks.TaskView, checks.Answer, bool) {
			if n == 2 {
				return checks.TaskView{}, checks.Answer{HTTPStatus: 429, Code: "rate_limit_exceeded", RetryAfter: 3}, false
			}
			return successAfter(4)(n)
		}}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{PollEvery: 100 * time.Millisecond, Timeout: 60 * time.Second}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		r := waitDone(t, lr, s, "r1")
		if got := statuses(r); got != "auth=pass model=pass result=pass" {
			t.Fatalf("steps: %s", got)
		}
		_, polls := p.counts()
		if len(polls) != 4 {
			t.Fatalf("polled %d times, want 4", len(polls))
		}
		for i := 1; i < len(polls); i++ {
			if gap := polls[i].Sub(polls[i-1]); gap < MinPoll {
				t.Errorf("poll %d came %s after the previous: sub-second polling (PollEvery below MinPoll must be raised)", i+1, gap)
			}
		}
		if gap := polls[2].Sub(polls[1]); gap < 3*time.Second {
			t.Errorf("poll after Retry-After: 3 came after %s", gap)
		}
	})
}

func TestLiveTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &fakeProvider{GetFn: handling}
		s := newMemStore(newRun("r1"))
		start := time.Now()
		lr := NewRunner(s, p, nil, LiveConfig{PollEvery: time.Second, Timeout: 2500 * time.Millisecond, BaseURL: "https://api.hiapi.ai"}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		r := waitDone(t, lr, s, "r1")
		if took := time.Since(start); took != 2500*time.Millisecond {
			t.Errorf("polling stopped after %s, want the 2.5s time-out", took)
		}
		res, _ := r.Step(checks.StepResult)
		if res.Status != checks.StatusUnknown || r.Live != LiveDone {
			t.Fatalf("result = %s, live %q; want unknown and done on time-out", res.Status, r.Live)
		}
		if !strings.Contains(res.Fix, testTask) || !strings.Contains(res.Fix, "curl") {
			t.Errorf("time-out fix lacks the curl command for the task: %q", res.Fix)
		}
	})
}

func TestLiveOneAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := &fakeProvider{ProbeFn: func(context.Context) checks.Answer {
			<-release
			return checks.Answer{HTTPStatus: 200}
		}}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{PollEvery: time.Second}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		if err := lr.Start("r1", testKey); err != ErrLiveBusy {
			t.Errorf("second Start = %v, want ErrLiveBusy", err)
		}
		close(release)
		waitDone(t, lr, s, "r1")
		if creates, _ := p.counts(); creates != 1 {
			t.Errorf("created %d tasks, want 1", creates)
		}
		if err := lr.Start("missing", testKey); err != ErrNotFound {
			t.Errorf("Start of an unknown run = %v, want ErrNotFound", err)
		}
	})
}

func TestLiveShutdownInterrupts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &fakeProvider{GetFn: handling}
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, p, nil, LiveConfig{PollEvery: time.Second, Timeout: time.Minute}, quietLog(), nil)
		updates, cancel := lr.Subscribe("r1")
		if _, open := <-updates; open {
			t.Error("Subscribe before the test started must give a closed channel")
		}
		cancel()
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		updates, cancel = lr.Subscribe("r1")
		defer cancel()
		// Wait until the task is being polled.
		for {
			r, ok := <-updates
			if !ok {
				t.Fatal("test ended before polling")
			}
			if res, _ := r.Step(checks.StepResult); res.Status == checks.StatusRunning {
				break
			}
		}
		ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		if err := lr.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		r, _ := s.GetRun(context.Background(), "r1")
		if r.Live != LiveInterrupted {
			t.Errorf("live = %q after shutdown, want interrupted", r.Live)
		}
		res, _ := r.Step(checks.StepResult)
		if res.Status != checks.StatusUnknown || !strings.Contains(res.Fix+res.Detail, testTask) {
			t.Errorf("result after shutdown: %s %q %q", res.Status, res.Detail, res.Fix)
		}
		if err := lr.Start("r1", testKey); !errors.Is(err, ErrShuttingDown) {
			t.Errorf("Start after Shutdown = %v, want ErrShuttingDown", err)
		}
	})
}

// TestLiveInterrupted stops keycheck in each phase of a live test. The
// steps in flight read unknown, never running or fail; once a task may
// exist, the model and result steps say it may still finish and give the
// command that shows it; and the run reads word for word as the same run
// reads when the next start finds it left running.
func TestLiveInterrupted(t *testing.T) {
	const base = "http://127.0.0.1:9"
	const (
		running  = "Interrupted: keycheck stopped while this step was running."
		pending  = "Interrupted: keycheck stopped before this step ran."
		mayStill = " The task may still finish at HiAPI."
		rerun    = "Run the live test again."
	)
	var (
		newest = "Run the live test again. If a task was created, it is the newest one on the account:\n`" + checks.ProbeCurlCommand(base) + "`"
		task   = "See whether the task finished:\n`" + checks.TaskCurlCommand(base, testTask) + "`"
	)
	// want is a step's status, and its detail and fix unless "".
	type want struct {
		status      checks.Status
		detail, fix string
	}
	pass := want{status: checks.StatusPass}
	unknown := func(detail, fix string) want { return want{checks.StatusUnknown, detail, fix} }
	tests := []struct {
		name     string
		provider *fakeProvider
		// running is how long the test runs before keycheck stops.
		running             time.Duration
		auth, model, result want
		creates             int
	}{
		{
			name:     "during the probe: no task can exist",
			provider: &fakeProvider{ProbeFn: noAnswer},
			auth:     unknown(running, rerun), model: unknown(pending, rerun), result: unknown(pending, rerun),
		},
		{
			name: "during the create: the task may exist, its id unknown",
			provider: &fakeProvider{CreateFn: func(ctx context.Context) (string, checks.Answer) {
				return "", noAnswer(ctx)
			}},
			auth: pass, model: unknown(running+mayStill, newest), result: unknown(pending+mayStill, newest),
			creates: 1,
		},
		{
			name: "the task id comes back as keycheck stops",
			provider: &fakeProvider{CreateFn: func(ctx context.Context) (string, checks.Answer) {
				<-ctx.Done()
				return testTask, checks.Answer{HTTPStatus: 200}
			}},
			auth: pass, model: pass, result: unknown(running+mayStill, task),
			creates: 1,
		},
		{
			name:     "while polling",
			provider: &fakeProvider{GetFn: handling},
			running:  5 * time.Second,
			auth:     pass, model: pass, result: unknown(running+mayStill, task),
			creates: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				s := newMemStore(newRun("r1"))
				lr := NewRunner(s, tt.provider, nil, LiveConfig{BaseURL: base, PollEvery: time.Second, Timeout: time.Minute}, quietLog(), nil)
				if err := lr.Start("r1", testKey); err != nil {
					t.Fatal(err)
				}
				time.Sleep(tt.running)
				synctest.Wait() // the test waits on HiAPI or on its next poll
				if err := lr.Shutdown(ctx); err != nil {
					t.Fatal(err)
				}
				got, _ := s.GetRun(ctx, "r1")
				if got.Live != LiveInterrupted {
					t.Errorf("live = %q, want interrupted", got.Live)
				}
				for id, w := range map[checks.ID]want{checks.StepAuth: tt.auth, checks.StepModel: tt.model, checks.StepResult: tt.result} {
					s, _ := got.Step(id)
					if s.Status != w.status || w.detail != "" && s.Detail != w.detail || w.fix != "" && s.Fix != w.fix {
						t.Errorf("%s = %s %q, fix %q\nwant %s %q, fix %q", id, s.Status, s.Detail, s.Fix, w.status, w.detail, w.fix)
					}
				}
				if creates, _ := tt.provider.counts(); creates != tt.creates {
					t.Errorf("created %d tasks, want %d", creates, tt.creates)
				}

				// Had keycheck died instead, the next start would find the
				// state saved before the interruption, and mark it the same.
				restart := newMemStore(s.saved[len(s.saved)-2])
				if n, err := InterruptAbandoned(ctx, restart, "", base, time.Now()); n != 1 || err != nil {
					t.Fatalf("InterruptAbandoned = %d, %v; want 1", n, err)
				}
				marked, _ := restart.GetRun(ctx, "r1")
				if !reflect.DeepEqual(marked.Steps, got.Steps) || marked.Live != got.Live || marked.TaskID != got.TaskID {
					t.Errorf("interrupted live:\n%+v\nmarked at the next start:\n%+v", got.Steps, marked.Steps)
				}
			})
		})
	}
}

func TestStartAfterShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, &fakeProvider{}, nil, LiveConfig{}, quietLog(), nil)
		if err := lr.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := lr.Start("r1", testKey); !errors.Is(err, ErrShuttingDown) {
			t.Errorf("Start after Shutdown = %v, want ErrShuttingDown", err)
		}
		if len(s.saved) != 0 || lr.Running("r1") {
			t.Errorf("a refused start saved %d states, running %v", len(s.saved), lr.Running("r1"))
		}
	})
}

// TestShutdownGivesUpSaving: a save retrying against a busy store holds a
// stop up only as long as Shutdown may wait; then it gives up, and the
// test ends (synctest fails the test if its goroutine is left behind).
func TestShutdownGivesUpSaving(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newMemStore(newRun("r1"))
		lr := NewRunner(s, &fakeProvider{ProbeFn: noAnswer}, nil, LiveConfig{}, quietLog(), nil)
		if err := lr.Start("r1", testKey); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		s.mu.Lock()
		s.busy = true
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		if err := lr.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown = %v, want its deadline exceeded", err)
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Errorf("Shutdown waited %s, want its 2s", waited)
		}
		synctest.Wait()
		if lr.Running("r1") {
			t.Error("the test still runs after Shutdown gave up on it")
		}
	})
}
