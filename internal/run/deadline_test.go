package run

import (
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// inProcess hands each request straight to h, with no network in between,
// so the real HiAPI client runs in a synctest bubble and its waits take
// virtual time.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// countingHiAPI counts the requests h answers, and the task creations.
type countingHiAPI struct {
	h                 http.Handler
	requests, creates atomic.Int32
}

func (c *countingHiAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
	if r.Method == http.MethodPost {
		c.creates.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

// unavailableUntil2099 answers every request 503 with a Retry-After far in
// the future, as the security review's HiAPI did.
var unavailableUntil2099 = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "Thu, 01 Jan 2099 00:00:00 GMT")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(`{"code":503,"message":"Service unavailable","error_code":"SERVICE_UNAVAILABLE"}`))
})

// TestLiveDeadline: --live-timeout is the deadline of the whole live test.
// Every request and every wait, Retry-After included, ends by it, through
// the runner and the real HiAPI client alike; a step it cuts short reads
// unknown (never fail, never running), the run is done (not interrupted),
// and a task creation it cuts short says the task may exist.
func TestLiveDeadline(t *testing.T) {
	const timeout = 20 * time.Second
	goodKey := fake.KeyPrefix + fake.Good + "-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	downKey := fake.KeyPrefix + fake.Down + "-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	tests := []struct {
		name string
		// Either provider, or hiapi: the real client in front of it.
		provider *fakeProvider
		hiapi    http.Handler
		key      string
		want     string
		// took is how long the test ran, in virtual time.
		took    time.Duration
		creates int
		// modelDetail, when set, is in the model step's detail.
		modelDetail string
	}{
		{
			name:     "the probe never answers",
			provider: &fakeProvider{ProbeFn: noAnswer},
			want:     "auth=unknown model=skip result=skip",
			took:     timeout,
		},
		{
			name:  "HiAPI answers 503 with Retry-After in 2099",
			hiapi: unavailableUntil2099,
			key:   goodKey,
			want:  "auth=unknown model=skip result=skip",
			// The client does not wait past the deadline: it reports the
			// 503 at once instead of sleeping 60 s twice.
			took: 0,
		},
		{
			name:  "the fake's down scenario asks for a day",
			hiapi: fake.New(fake.Options{DownRetryAfter: 86400}),
			key:   downKey,
			want:  "auth=unknown model=skip result=skip",
			took:  0,
		},
		{
			name: "the probe's answer comes as the time runs out",
			provider: &fakeProvider{ProbeFn: func(ctx context.Context) checks.Answer {
				<-ctx.Done()
				return checks.Answer{HTTPStatus: 200}
			}},
			want:        "auth=pass model=unknown result=skip",
			took:        timeout,
			modelDetail: "ran out before the test task was created, so nothing was spent",
		},
		{
			name: "the task creation never answers",
			provider: &fakeProvider{CreateFn: func(ctx context.Context) (string, checks.Answer) {
				return "", noAnswer(ctx)
			}},
			want:        "auth=pass model=unknown result=skip",
			took:        timeout,
			creates:     1,
			modelDetail: "The task may have been created anyway.",
		},
		{
			name: "a slow probe leaves the polling the rest of the time",
			provider: &fakeProvider{
				ProbeFn: func(ctx context.Context) checks.Answer {
					time.Sleep(15 * time.Second)
					return checks.Answer{HTTPStatus: 200}
				},
				GetFn: handling,
			},
			want:    "auth=pass model=pass result=unknown",
			took:    timeout, // not 15 s + 20 s of polling
			creates: 1,
		},
		{
			name: "polls answered 503 with Retry-After in 2099",
			provider: &fakeProvider{GetFn: func(int) (checks.TaskView, checks.Answer, bool) {
				return checks.TaskView{}, checks.Answer{HTTPStatus: 503, RetryAfter: 3_000_000_000}, false
			}},
			want:    "auth=pass model=pass result=unknown",
			took:    timeout,
			creates: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var p Provider = tt.provider
				var hi *countingHiAPI
				if tt.hiapi != nil {
					hi = &countingHiAPI{h: tt.hiapi}
					p = hiapi.NewLive(hiapi.New("http://hiapi.test", hiapi.Options{Transport: inProcess{hi}}))
				}
				s := newMemStore(newRun("r1"))
				lr := NewRunner(s, p, nil, LiveConfig{BaseURL: "http://hiapi.test", PollEvery: time.Second, Timeout: timeout}, quietLog(), nil)
				start := time.Now()
				if err := lr.Start("r1", cmp.Or(tt.key, testKey)); err != nil {
					t.Fatal(err)
				}
				r := waitDone(t, lr, s, "r1")
				if took := time.Since(start); took != tt.took {
					t.Errorf("the test took %s, want %s (--live-timeout %s)", took, tt.took, timeout)
				}
				if got := statuses(r); got != tt.want {
					t.Errorf("steps: %s, want %s", got, tt.want)
				}
				if r.Live != LiveDone {
					t.Errorf("live = %q, want done: the deadline is an answer, not a stop", r.Live)
				}
				model, _ := r.Step(checks.StepModel)
				if !strings.Contains(model.Detail, tt.modelDetail) {
					t.Errorf("model detail %q lacks %q", model.Detail, tt.modelDetail)
				}
				if tt.modelDetail != "" && model.Fix == "" {
					t.Error("the model step cut short gives no fix")
				}
				var creates int
				if hi != nil {
					creates = int(hi.creates.Load())
					if n := hi.requests.Load(); n != 1 {
						t.Errorf("HiAPI got %d requests, want the one probe (no retry after the deadline)", n)
					}
				} else {
					creates, _ = tt.provider.counts()
				}
				if creates != tt.creates {
					t.Errorf("created %d tasks, want %d", creates, tt.creates)
				}
			})
		})
	}
}
