package run

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// fakeProvider scripts HiAPI's answers with func fields and records every
// call, so tests can count task creations and measure polling.
type fakeProvider struct {
	ProbeFn  func(key string) checks.Answer
	CreateFn func(key, model, prompt string) (string, checks.Answer)
	GetFn    func(n int) (checks.TaskView, checks.Answer, bool)

	mu      sync.Mutex
	creates int
	polls   []time.Time
}

func (p *fakeProvider) Probe(ctx context.Context, key string) checks.Answer {
	if p.ProbeFn == nil {
		return checks.Answer{HTTPStatus: 200, RequestID: "req-probe"}
	}
	return p.ProbeFn(key)
}

func (p *fakeProvider) CreateTask(ctx context.Context, key, model, prompt string) (string, checks.Answer) {
	p.mu.Lock()
	p.creates++
	p.mu.Unlock()
	if p.CreateFn == nil {
		return "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", checks.Answer{HTTPStatus: 200, RequestID: "req-create"}
	}
	return p.CreateFn(key, model, prompt)
}

func (p *fakeProvider) GetTask(ctx context.Context, key, taskID string) (checks.TaskView, checks.Answer, bool) {
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

// successAfter answers "handling" until the n-th poll, then success.
func successAfter(n int) func(int) (checks.TaskView, checks.Answer, bool) {
	return func(i int) (checks.TaskView, checks.Answer, bool) {
		v := checks.TaskView{TaskID: "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", Status: "handling"}
		if i >= n {
			v.Status = "success"
			v.Outputs = []checks.Output{{URL: "https://cdn.example/apple.png", Type: "image", ExpireAt: 2000000000}}
		}
		return v, checks.Answer{HTTPStatus: 200}, true
	}
}

// memStore is a Store in memory.
type memStore struct {
	mu    sync.Mutex
	runs  map[string]*Run
	saves int
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
	s.runs[r.ID] = r.Clone()
	s.saves++
	return nil
}

func newRun(id string) *Run {
	return &Run{ID: id, Model: "gpt-image-2", Prompt: "a red apple", Steps: checks.Check(checks.Input{Key: "sk-abcdefghijklmnopqrstuvwxyz0123456789AB"})}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// waitDone waits for the run's live test to end and returns the stored run.
func waitDone(t *testing.T, lr *Runner, s *memStore, id string) *Run {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for lr.Running(id) {
		if time.Now().After(deadline) {
			t.Fatal("live test did not end within 60s")
		}
		time.Sleep(20 * time.Millisecond)
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
	t.Parallel()
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
			provider: &fakeProvider{ProbeFn: func(string) checks.Answer {
				return checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: "invalid api key", RequestID: "req-1"}
			}},
			want:     "auth=fail model=skip result=skip",
			wantLive: LiveDone,
		},
		{
			name: "HiAPI down is not blamed on the key and spends nothing",
			provider: &fakeProvider{ProbeFn: func(string) checks.Answer {
				return checks.Answer{HTTPStatus: 503, RetryAfter: 2}
			}},
			want:     "auth=unknown model=skip result=skip",
			wantLive: LiveDone,
		},
		{
			name: "key without the model",
			provider: &fakeProvider{CreateFn: func(string, string, string) (string, checks.Answer) {
				return "", checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: "This API key cannot use the selected model.", RequestID: "req-2"}
			}},
			want:        "auth=pass model=fail result=skip",
			wantCreates: 1,
			wantLive:    LiveDone,
		},
		{
			name: "task fails",
			provider: &fakeProvider{GetFn: func(int) (checks.TaskView, checks.Answer, bool) {
				return checks.TaskView{TaskID: "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", Status: "fail", ErrorCode: "TASK_FAILED", ErrorMessage: "upstream rejected the prompt"}, checks.Answer{HTTPStatus: 200}, true
			}},
			want:        "auth=pass model=pass result=fail",
			wantCreates: 1,
			wantLive:    LiveDone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newMemStore(newRun("r1"))
			lr := NewRunner(s, tt.provider, LiveConfig{PollEvery: time.Second, Timeout: 30 * time.Second}, quietLog(), nil)
			if err := lr.Start("r1", "sk-key"); err != nil {
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
	}
}

func TestLivePollingPace(t *testing.T) {
	t.Parallel()
	// The second poll is refused with Retry-After: 3; the pace must follow it.
	p := &fakeProvider{GetFn: func(n int) (checks.TaskView, checks.Answer, bool) {
		if n == 2 {
			return checks.TaskView{}, checks.Answer{HTTPStatus: 429, Code: "rate_limit_exceeded", RetryAfter: 3}, false
		}
		return successAfter(4)(n)
	}}
	s := newMemStore(newRun("r1"))
	lr := NewRunner(s, p, LiveConfig{PollEvery: 100 * time.Millisecond, Timeout: 60 * time.Second}, quietLog(), nil)
	if err := lr.Start("r1", "sk-key"); err != nil {
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
}

func TestLiveTimeout(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GetFn: func(int) (checks.TaskView, checks.Answer, bool) {
		return checks.TaskView{TaskID: "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", Status: "handling"}, checks.Answer{HTTPStatus: 200}, true
	}}
	s := newMemStore(newRun("r1"))
	lr := NewRunner(s, p, LiveConfig{PollEvery: time.Second, Timeout: 2500 * time.Millisecond, BaseURL: "https://api.hiapi.ai"}, quietLog(), nil)
	if err := lr.Start("r1", "sk-key"); err != nil {
		t.Fatal(err)
	}
	r := waitDone(t, lr, s, "r1")
	res, _ := r.Step(checks.StepResult)
	if res.Status != checks.StatusUnknown {
		t.Fatalf("result = %s, want unknown on time-out", res.Status)
	}
	if !strings.Contains(res.Fix, "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR") || !strings.Contains(res.Fix, "curl") {
		t.Errorf("time-out fix lacks the curl command for the task: %q", res.Fix)
	}
}

func TestLiveOneAtATime(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	p := &fakeProvider{ProbeFn: func(string) checks.Answer {
		<-release
		return checks.Answer{HTTPStatus: 200}
	}}
	s := newMemStore(newRun("r1"))
	lr := NewRunner(s, p, LiveConfig{PollEvery: time.Second}, quietLog(), nil)
	if err := lr.Start("r1", "sk-key"); err != nil {
		t.Fatal(err)
	}
	if err := lr.Start("r1", "sk-key"); err != ErrLiveBusy {
		t.Errorf("second Start = %v, want ErrLiveBusy", err)
	}
	close(release)
	waitDone(t, lr, s, "r1")
	if creates, _ := p.counts(); creates != 1 {
		t.Errorf("created %d tasks, want 1", creates)
	}
	if err := lr.Start("missing", "sk-key"); err != ErrNotFound {
		t.Errorf("Start of an unknown run = %v, want ErrNotFound", err)
	}
}

func TestLiveShutdownInterrupts(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GetFn: func(int) (checks.TaskView, checks.Answer, bool) {
		return checks.TaskView{TaskID: "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", Status: "handling"}, checks.Answer{HTTPStatus: 200}, true
	}}
	s := newMemStore(newRun("r1"))
	lr := NewRunner(s, p, LiveConfig{PollEvery: time.Second, Timeout: time.Minute}, quietLog(), nil)
	updates, cancel := lr.Subscribe("r1")
	if _, open := <-updates; open {
		t.Error("Subscribe before the test started must give a closed channel")
	}
	cancel()
	if err := lr.Start("r1", "sk-key"); err != nil {
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
	if res.Status != checks.StatusUnknown || !strings.Contains(res.Fix+res.Detail, "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR") {
		t.Errorf("result after shutdown: %s %q %q", res.Status, res.Detail, res.Fix)
	}
	if err := lr.Start("r1", "sk-key"); err == nil {
		t.Error("Start after Shutdown must fail")
	}
}
