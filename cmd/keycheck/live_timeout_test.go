package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestLiveTimeoutEndsTheWholeTest: --live-timeout is the deadline of the
// whole live test, through the real server. A HiAPI answering 503 with
// Retry-After in 2099 kept auth "running" for two minutes under
// --live-timeout 20s (the client slept 60 s, twice); one that never
// answers the probe, for its 60 s request time-out. Both now end within
// the live test's time-out, as unknown: never blamed on the key, nothing
// created.
func TestLiveTimeoutEndsTheWholeTest(t *testing.T) {
	const liveTimeout = 2 * time.Second
	tests := []struct {
		name  string
		hiapi http.HandlerFunc
	}{
		{"503 with Retry-After in 2099", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "Thu, 01 Jan 2099 00:00:00 GMT")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"code":503,"message":"Service unavailable","error_code":"SERVICE_UNAVAILABLE"}`)
		}},
		{"the probe never answers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done() // until keycheck hangs up
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var creates atomic.Int32
			hiapi := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					creates.Add(1)
				}
				tt.hiapi(w, r)
			}))
			t.Cleanup(hiapi.Close)
			env := startEnv(t, "", func(c *serveConfig) {
				c.HiAPIURL = hiapi.URL
				c.LiveTimeout = liveTimeout
			})
			c := newClient(t)
			resp, body := (&recorder{}).do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", map[string]any{"key": goodKey, "live": true}))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
			}
			var r apiRun
			if err := json.Unmarshal([]byte(body), &r); err != nil {
				t.Fatal(err)
			}
			// Generous, for a loaded machine, and still far below the
			// minutes the old code took.
			deadline := time.Now().Add(liveTimeout + 20*time.Second)
			for r.Live == "running" {
				if time.Now().After(deadline) {
					t.Fatalf("the live test still runs long past --live-timeout %s: %s", liveTimeout, clip(body, 800))
				}
				time.Sleep(100 * time.Millisecond)
				_, body = get(t, c, env.URL+"/api/v1/runs/"+r.ID)
				if err := json.Unmarshal([]byte(body), &r); err != nil {
					t.Fatal(err)
				}
			}
			if got := [3]string{r.status("auth"), r.status("model"), r.status("result")}; got != [3]string{"unknown", "skip", "skip"} || r.Live != "done" {
				t.Errorf("live %q, auth/model/result = %v; want done, unknown/skip/skip", r.Live, got)
			}
			if !strings.Contains(body, "Not your key") {
				t.Errorf("the auth step does not say the key is not to blame: %s", clip(body, 1500))
			}
			if n := creates.Load(); n != 0 {
				t.Errorf("%d tasks created after a probe that did not pass", n)
			}
		})
	}
}
