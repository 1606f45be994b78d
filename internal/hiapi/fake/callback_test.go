package fake

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi"
)

const testSecret = "fake-callback-secret-0123456789"

// receiver is keycheck's hook as the fake's client reaches it, in memory:
// every delivery recorded, answered with status.
type receiver struct {
	mu     sync.Mutex
	got    []received
	status int
}

type received struct {
	at     time.Time
	header http.Header
	body   []byte
}

func (rc *receiver) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	rc.mu.Lock()
	rc.got = append(rc.got, received{at: time.Now(), header: req.Header.Clone(), body: body})
	status := rc.status
	rc.mu.Unlock()
	rec := httptest.NewRecorder()
	rec.WriteHeader(status)
	return rec.Result(), nil
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func createWithCallback(t *testing.T, h http.Handler, key, url string) string {
	t.Helper()
	a := call(t, h, "POST", "/v1/tasks", key, `{"model":"gpt-image-2","input":{"prompt":"a red apple"},"callback":{"url":"`+url+`","when":"final"}}`)
	id, _ := a.data()["taskId"].(string)
	if a.status != 200 || id == "" {
		t.Fatalf("create: %d %s", a.status, a.raw)
	}
	return id
}

func TestCallbacks(t *testing.T) {
	cases := []struct {
		scenario string
		secret   string
		url      string
		times    int
		want     error
		status   string
	}{
		{Good, testSecret, "http://keycheck.test/hooks/hiapi", 1, nil, "success"},
		{Callback, testSecret, "http://keycheck.test/hooks/hiapi", 1, nil, "success"},
		{TaskFails, testSecret, "http://keycheck.test/hooks/hiapi", 1, nil, "fail"},
		{CallbackBadSignature, testSecret, "http://keycheck.test/hooks/hiapi", 1, hiapi.ErrBadSignature, "success"},
		{CallbackStale, testSecret, "http://keycheck.test/hooks/hiapi", 1, hiapi.ErrStaleTimestamp, "success"},
		{CallbackDuplicate, testSecret, "http://keycheck.test/hooks/hiapi", 3, nil, "success"},
		{NeverFinishes, testSecret, "http://keycheck.test/hooks/hiapi", 0, nil, ""},
		{Callback, "", "http://keycheck.test/hooks/hiapi", 0, nil, ""}, // no secret: no callback
		{Callback, testSecret, "ftp://keycheck.test/hooks/hiapi", 0, nil, ""},
		{Callback, testSecret, "", 0, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.scenario+"/"+c.url+"/secret="+c.secret, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rc := &receiver{status: http.StatusNoContent}
				s := New(Options{Step: time.Second, CallbackSecret: []byte(c.secret), CallbackClient: &http.Client{Transport: rc}})
				defer s.Close()
				start := time.Now()
				id := createWithCallback(t, s, KeyPrefix+c.scenario+"-x", c.url)
				time.Sleep(time.Hour)
				got := rc.all()
				if len(got) != c.times || len(s.Deliveries()) != c.times {
					t.Fatalf("%d callbacks sent (%d recorded), want %d", len(got), len(s.Deliveries()), c.times)
				}
				for _, d := range got {
					if took := d.at.Sub(start); took != s.finishIn(c.scenario) {
						t.Errorf("called back %s after the create, want as the task ended", took)
					}
					err := hiapi.VerifyCallback([]byte(testSecret), d.header, d.body, d.at)
					if !errors.Is(err, c.want) || (err == nil) != (c.want == nil) {
						t.Errorf("VerifyCallback = %v, want %v", err, c.want)
					}
					task, perr := hiapi.ParseTask(d.body)
					if tid, _ := hiapi.CallbackTaskID(d.body); perr != nil || tid != id || task.Status != c.status {
						t.Errorf("callback body is task %q status %q (%v), want %s %s: %s", tid, task.Status, perr, id, c.status, d.body)
					}
				}
				if c.times == 3 && (string(got[0].body) != string(got[2].body) || got[0].header.Get("X-HiAPI-Signature") != got[2].header.Get("X-HiAPI-Signature")) {
					t.Error("the duplicates differ: HiAPI redelivers the same callback")
				}
				// A poll sees what the callback said.
				if c.times > 0 {
					if a := call(t, s, "GET", "/v1/tasks/"+id, KeyPrefix+c.scenario+"-x", ""); a.data()["status"] != c.status {
						t.Errorf("poll after the callback: %v", a.data()["status"])
					}
				}
			})
		})
	}
}

// finishIn is how long after its creation a scenario's task ends.
func (s *Server) finishIn(scenario string) time.Duration {
	done, _ := s.finishAt(&task{scenario: scenario})
	return done.Sub(time.Time{})
}

// A callback not sent yet is dropped by Close.
func TestCallbackClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := &receiver{status: http.StatusNoContent}
		s := New(Options{Step: time.Second, CallbackSecret: []byte(testSecret), CallbackClient: &http.Client{Transport: rc}})
		createWithCallback(t, s, KeyPrefix+Good+"-x", "http://keycheck.test/hooks/hiapi")
		s.Close()
		createWithCallback(t, s, KeyPrefix+Good+"-y", "http://keycheck.test/hooks/hiapi")
		time.Sleep(time.Hour)
		if n := len(rc.all()); n != 0 {
			t.Fatalf("%d callbacks sent after Close", n)
		}
	})
}
