package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
)

// slowCreate is a fake HiAPI whose task creation never answers: it holds
// the request until keycheck gives up on it. creating receives once a
// creation has arrived.
func slowCreate(t *testing.T) (srv *httptest.Server, creating <-chan struct{}) {
	t.Helper()
	f := fake.New(fake.Options{Step: 300 * time.Millisecond})
	arrived := make(chan struct{}, 1)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/tasks" {
			// Read the body: only then does the server watch the connection,
			// and end the request's context when keycheck hangs up.
			io.Copy(io.Discard, r.Body)
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-r.Context().Done()
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, arrived
}

// storedRun reads a run straight from a stopped keycheck's database: no
// startup marks it, so it is what the stop itself saved.
func storedRun(t *testing.T, path, id string) *run.Run {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.GetRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// createRun creates a run of goodKey through the API and returns its id.
func createRun(t *testing.T, env *testEnv, live bool) string {
	t.Helper()
	return storeRun(t, env, map[string]any{"key": goodKey, "live": live})
}

// storeRun creates a run through the API and returns its id.
func storeRun(t *testing.T, env *testEnv, body map[string]any) string {
	t.Helper()
	resp, b := (&recorder{}).do(t, newClient(t), jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", body))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, b)
	}
	var r apiRun
	if err := json.Unmarshal([]byte(b), &r); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// TestShutdownSavesLiveTestInterrupted: SIGTERM while the test task is
// being created. The task may exist at HiAPI, so the run is saved
// interrupted with the words and the command that find it, by the stop
// itself, not by the next start.
func TestShutdownSavesLiveTestInterrupted(t *testing.T) {
	hiapi, creating := slowCreate(t)
	env := startEnv(t, "", func(c *serveConfig) { c.HiAPIURL = hiapi.URL })
	id := createRun(t, env, true)
	select {
	case <-creating:
	case <-time.After(30 * time.Second):
		t.Fatal("the live test never asked HiAPI for a task")
	}
	env.Stop()

	r := storedRun(t, env.cfg.DB, id)
	if r.Live != run.LiveInterrupted {
		t.Errorf("live = %q after the stop, want interrupted", r.Live)
	}
	newest := checks.ProbeCurlCommand(hiapi.URL)
	for id, detail := range map[checks.ID]string{
		checks.StepModel:  "Interrupted: keycheck stopped while this step was running. The task may still finish at HiAPI.",
		checks.StepResult: "Interrupted: keycheck stopped before this step ran. The task may still finish at HiAPI.",
	} {
		s, _ := r.Step(id)
		if s.Status != checks.StatusUnknown || s.Detail != detail || !strings.Contains(s.Fix, newest) {
			t.Errorf("%s = %s %q, fix %q\nwant unknown %q, with %s", id, s.Status, s.Detail, s.Fix, detail, newest)
		}
	}
}

// TestShutdownDrainsBeforeStoppingLiveTests: a live start already in
// flight when SIGTERM comes is served, not refused, and its test is then
// saved interrupted: the server stops taking requests and drains them
// before the live tests stop.
func TestShutdownDrainsBeforeStoppingLiveTests(t *testing.T) {
	hiapi, _ := slowCreate(t)
	env := startEnv(t, "", func(c *serveConfig) { c.HiAPIURL = hiapi.URL })
	id := createRun(t, env, false)

	// The body waits until the handler asks for it (Expect: 100-continue),
	// so the request is in the handler when the stop begins.
	body, write := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, env.URL+"/api/v1/runs/"+id+"/live", body)
	if err != nil {
		t.Fatal(err)
	}
	payload := `{"key":"` + goodKey + `"}`
	req.ContentLength = int64(len(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Expect", "100-continue")
	inHandler := make(chan struct{})
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		Got100Continue: func() { close(inHandler) },
	}))
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	defer client.CloseIdleConnections()
	answered := make(chan *http.Response, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("POST live: %v", err)
			close(answered)
			return
		}
		answered <- resp
	}()
	select {
	case <-inHandler:
	case <-time.After(30 * time.Second):
		t.Fatal("the live start never read its body")
	}

	env.stop() // SIGTERM; env.Stop below waits for the end
	addr := strings.TrimPrefix(env.URL, "http://")
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break // no longer taking requests: the drain has begun
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("keycheck still takes connections 30s after the stop")
		}
		time.Sleep(10 * time.Millisecond)
	}
	io.WriteString(write, payload)
	write.Close()

	resp, ok := <-answered
	if !ok {
		return
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("live start during the drain: %d %s, want 202", resp.StatusCode, b)
	}
	env.Stop()
	r := storedRun(t, env.cfg.DB, id)
	if r.Live != run.LiveInterrupted {
		t.Errorf("live = %q after the stop, want interrupted", r.Live)
	}
	for _, s := range r.Steps {
		if s.Status == checks.StatusRunning || s.Status == checks.StatusPending {
			t.Errorf("%s is still %s after the stop", s.ID, s.Status)
		}
	}
}
