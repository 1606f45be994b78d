package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

func assertLivePassed(t *testing.T, r apiRun) {
	t.Helper()
	if r.Live != "done" {
		t.Fatalf("live %q, want done", r.Live)
	}
	for _, id := range []checks.ID{checks.StepAuth, checks.StepModel, checks.StepResult} {
		if st := r.step(t, id); st.Status != "pass" {
			t.Errorf("%s: %s %q %q, want pass", id, st.Status, st.Detail, st.Fix)
		}
	}
	res := r.step(t, checks.StepResult)
	if res.Live == nil || len(res.Live.Outputs) == 0 || res.Live.Outputs[0].URL != imageURL {
		t.Errorf("result live evidence %+v, want the image URL in outputs", res.Live)
	}
	if r.TaskID != "task-1" {
		t.Errorf("task_id %q", r.TaskID)
	}
}

func assertSentExactly(t *testing.T, p *fakeProvider, key string) {
	t.Helper()
	sent := p.sentKeys()
	if len(sent) == 0 {
		t.Fatal("HiAPI was never called")
	}
	for _, k := range sent {
		if k != key {
			t.Fatalf("HiAPI got key %q, want the exact bytes %q", k, key)
		}
	}
}

func TestLiveFromTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	r := b.waitLive(id)
	assertLivePassed(t, r)
	assertSentExactly(t, e.Provider, cleanKey)
	if n := e.Provider.creates.Load(); n != 1 {
		t.Errorf("%d tasks created, want 1", n)
	}
	if e.Keys.Len() != 0 {
		t.Errorf("%d keys held after the live test, want none", e.Keys.Len())
	}

	d := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	for _, id := range []checks.ID{checks.StepAuth, checks.StepModel, checks.StepResult} {
		if got := stepStatus(d, id); got != "pass" {
			t.Errorf("page: %s %q", id, got)
		}
	}
	img := d.Find(`[data-testid="result-image"] img`)
	if src := img.AttrOr("src", ""); src != imageURL {
		t.Errorf("image src %q", src)
	}
	if link := d.Find(`[data-testid="image-url"]`); link.Text() != imageURL || link.AttrOr("href", "") != imageURL {
		t.Errorf("image link %q -> %q", link.Text(), link.AttrOr("href", ""))
	}
	if got := liveForm(t, d); got != "paste" {
		t.Errorf("after the live test the page offers %q: the key must be gone", got)
	}
	if d.Find(`[hx-ext="sse"]`).Length() != 0 {
		t.Error("a finished run still opens an event stream")
	}
}

func TestLiveFromTheRunPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	me, mate := e.browser(), e.browser()
	id := me.createRun(url.Values{"key": {cleanKey}})

	// A teammate's key that is not the run's starts nothing.
	mate.postForm("/runs/"+id+"/live", url.Values{"key": {randomKey()}}).wantStatus(http.StatusSeeOther)
	if flash := mate.get("/runs/" + id).doc().Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "not the key this run checked") {
		t.Errorf("flash %q", flash)
	}
	if e.Provider.probes.Load() != 0 {
		t.Fatal("a wrong key reached HiAPI")
	}

	// The held key starts it.
	r := me.postForm("/runs/"+id+"/live", nil).wantStatus(http.StatusSeeOther)
	if r.location() != "/runs/"+id {
		t.Errorf("redirect to %q", r.location())
	}
	assertLivePassed(t, me.waitLive(id))

	// The teammate pastes the same key (a textarea: CRLF becomes LF) to
	// run it again.
	mate.postForm("/runs/"+id+"/live", url.Values{"key": {cleanKey}}).wantStatus(http.StatusSeeOther)
	eventually(t, "second live test", func() bool { return e.Provider.creates.Load() == 2 })
	assertLivePassed(t, mate.waitLive(id))
	assertSentExactly(t, e.Provider, cleanKey)
}

func TestLiveAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()

	t.Run("with the run", func(t *testing.T) {
		created := b.apiCreateRun(map[string]any{"key": cleanKey, "live": true})
		if created.Live != "running" && created.Live != "done" {
			t.Errorf("live %q right after creating with live", created.Live)
		}
		assertLivePassed(t, b.waitLive(created.ID))
	})

	t.Run("later, with the key again", func(t *testing.T) {
		before := e.Provider.probes.Load()
		created := b.apiCreateRun(map[string]any{"key": cleanKey + "\n"})
		if created.Live != "not_run" {
			t.Fatalf("live %q", created.Live)
		}
		for _, tt := range []struct {
			body   string
			status int
			code   string
		}{
			{`{"key": "` + cleanKey + `"}`, http.StatusConflict, "key_mismatch"}, // no newline: not the run's key
			{`{"key": ""}`, http.StatusBadRequest, "key_required"},
			{`{}`, http.StatusBadRequest, "key_required"},
			{`{"key": "x", "model": "m"}`, http.StatusBadRequest, "unknown_field"},
			{`{"key": "` + strings.Repeat("k", 5000) + `"}`, http.StatusBadRequest, "key_too_long"},
		} {
			r := b.postJSON("/api/v1/runs/"+created.ID+"/live", tt.body).wantStatus(tt.status)
			if got := r.apiErr().Error.Code; got != tt.code {
				t.Errorf("%.40s: code %q, want %q", tt.body, got, tt.code)
			}
		}
		if e.Provider.probes.Load() != before {
			t.Fatal("a refused live request reached HiAPI")
		}
		if got := b.apiRun(created.ID); got.Live != "not_run" || got.step(t, checks.StepAuth).Status != "pending" {
			t.Fatalf("a refused live request changed the run: live %q auth %q", got.Live, got.step(t, checks.StepAuth).Status)
		}

		var started apiRun
		b.postJSON("/api/v1/runs/"+created.ID+"/live", jsonBody(t, map[string]string{"key": cleanKey + "\n"})).wantStatus(http.StatusAccepted).json(&started)
		if started.ID != created.ID {
			t.Errorf("202 body is run %q", started.ID)
		}
		assertLivePassed(t, b.waitLive(created.ID))
	})

	t.Run("a run without a key", func(t *testing.T) {
		created := b.apiCreateRun(map[string]any{"key": ""})
		r := b.postJSON("/api/v1/runs/"+created.ID+"/live", `{"key": "sk-x"}`).wantStatus(http.StatusBadRequest)
		if got := r.apiErr().Error.Code; got != "no_key" {
			t.Errorf("code %q", got)
		}
		r = b.postJSON("/api/v1/runs", `{"key": "", "live": true}`).wantStatus(http.StatusBadRequest)
		if got := r.apiErr().Error.Code; got != "key_required" {
			t.Errorf("code %q", got)
		}
	})
}

func TestLiveModelPermissionDenied(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) {
		su.provider.CreateTaskFn = func(context.Context, string, string, string) (string, checks.Answer) {
			return "", checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "permission_error",
				Message: "This API key cannot use the selected model", RequestID: "req_model_denied_42"}
		}
	})
	b := e.browser()
	created := b.apiCreateRun(map[string]any{"key": cleanKey, "live": true})
	r := b.waitLive(created.ID)

	if st := r.step(t, checks.StepAuth); st.Status != "pass" {
		t.Errorf("auth %s", st.Status)
	}
	model := r.step(t, checks.StepModel)
	if model.Status != "fail" || model.Fix == "" {
		t.Errorf("model %s %q fix %q, want a fail with a fix", model.Status, model.Detail, model.Fix)
	}
	if model.Live == nil || model.Live.RequestID != "req_model_denied_42" || model.Live.HTTPStatus != 401 || model.Live.Code != "permission_denied" {
		t.Errorf("model evidence %+v", model.Live)
	}
	if st := r.step(t, checks.StepResult); st.Status != "skip" {
		t.Errorf("result %s, want skip when no task was made", st.Status)
	}
	if n := e.Provider.gets.Load(); n != 0 {
		t.Errorf("%d polls with no task", n)
	}

	for _, page := range []string{"/runs/" + created.ID, "/runs/" + created.ID + "/steps/model"} {
		d := b.get(page).wantStatus(http.StatusOK).doc()
		if got := stepStatus(d, checks.StepModel); got != "fail" {
			t.Errorf("%s: model %q", page, got)
		}
		if rid := stepText(d, checks.StepModel, "request-id"); rid != "req_model_denied_42" {
			t.Errorf("%s: request_id %q on the page", page, rid)
		}
		copyText := d.Find(`[data-testid="copy-support"]`).AttrOr("data-copy", "")
		if !strings.Contains(copyText, "req_model_denied_42") {
			t.Errorf("%s: copy for support holds %q", page, copyText)
		}
	}
	if title := b.get("/runs/" + created.ID).doc().Find("title").Text(); !strings.Contains(title, "model") {
		t.Errorf("title %q does not name the failed model step", title)
	}
}

func TestLiveSecondPressWhileRunning(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}, 1), make(chan struct{})
	e := newEnv(t, func(su *setup) {
		su.provider.ProbeFn = func(ctx context.Context, _ string) checks.Answer {
			entered <- struct{}{}
			select {
			case <-release:
				return checks.Answer{HTTPStatus: 200, RequestID: "req_probe"}
			case <-ctx.Done():
				return checks.Answer{Kind: checks.AnswerCanceled}
			}
		}
	})
	me, mate := e.browser(), e.browser()
	id := me.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	<-entered

	// While it runs: the page says so, the API says so, nobody can start
	// a second task.
	d := me.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := liveForm(t, d); got != "running" {
		t.Errorf("page offers %q while running", got)
	}
	if sse := d.Find(`[hx-ext="sse"]`).AttrOr("sse-connect", ""); sse != "/runs/"+id+"/events" {
		t.Errorf("running page streams from %q", sse)
	}
	if got := me.apiRun(id).Live; got != "running" {
		t.Errorf("API live %q while running", got)
	}
	if got := stepStatus(d, checks.StepAuth); got != "running" {
		t.Errorf("auth %q while probing", got)
	}

	r := me.postJSON("/api/v1/runs/"+id+"/live", jsonBody(t, map[string]string{"key": cleanKey})).wantStatus(http.StatusConflict)
	if got := r.apiErr().Error.Code; got != "live_running" {
		t.Errorf("code %q", got)
	}
	mate.postForm("/runs/"+id+"/live", url.Values{"key": {cleanKey}}).wantStatus(http.StatusSeeOther)
	if flash := mate.get("/runs/" + id).doc().Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "already running") {
		t.Errorf("second press flash %q", flash)
	}
	close(release)
	assertLivePassed(t, me.waitLive(id))
	if p, c := e.Provider.probes.Load(), e.Provider.creates.Load(); p != 1 || c != 1 {
		t.Errorf("%d probes and %d tasks, want exactly one of each", p, c)
	}
}

// openEvents opens a run's event stream.
func openEvents(t *testing.T, b *browser, id string) (*http.Response, <-chan sseEvent) {
	t.Helper()
	req := b.newRequest(http.MethodGet, "/runs/"+id+"/events", nil)
	req = req.WithContext(t.Context())
	req.Header.Set("Accept", "text/event-stream")
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		t.Fatalf("events: status %d", res.StatusCode)
	}
	return res, readEvents(res.Body)
}

// nextEvent waits for the next event; ok is false when the stream ended.
func nextEvent(t testing.TB, events <-chan sseEvent) (sseEvent, bool) {
	t.Helper()
	select {
	case ev, ok := <-events:
		return ev, ok
	case <-time.After(60 * time.Second):
		t.Fatal("no event and no end of stream in 60 s")
	}
	return sseEvent{}, false
}

func TestLiveEvents(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}, 1), make(chan struct{})
	e := newEnv(t, func(su *setup) {
		su.provider.GetTaskFn = func(ctx context.Context, _ string, taskID string) (checks.TaskView, checks.Answer, bool) {
			select {
			case entered <- struct{}{}:
			default:
			}
			select {
			case <-release:
				return successTask(taskID), checks.Answer{HTTPStatus: 200}, true
			default:
				return checks.TaskView{TaskID: taskID, Status: "handling"}, checks.Answer{HTTPStatus: 200}, true
			}
		}
	})
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	<-entered

	res, events := openEvents(t, b, id)
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	if csp := res.Header.Get("Content-Security-Policy"); csp == "" {
		t.Error("no CSP on the stream")
	}

	first, ok := nextEvent(t, events)
	if !ok || first.Name != "run" {
		t.Fatalf("first event %+v, want the current run at once", first)
	}
	if !strings.Contains(first.Data, `data-testid="step-result"`) || !strings.Contains(first.Data, `data-status="running"`) {
		t.Errorf("first event's HTML does not show the running result step: %.500s", first.Data)
	}
	if strings.Contains(first.Data, "<html") {
		t.Error("an event carries a whole page")
	}
	// The verdict is pushed with the steps, first: it must not go stale.
	if i := strings.Index(first.Data, `data-testid="verdict"`); i < 0 || i > strings.Index(first.Data, `data-testid="steps"`) || !strings.Contains(first.Data, `data-status="pending"`) {
		t.Errorf("first event's verdict is missing, not first, or not pending while the test runs: %.500s", first.Data)
	}
	close(release)

	var last sseEvent
	for {
		ev, ok := nextEvent(t, events)
		if !ok {
			t.Fatal("the stream ended without done")
		}
		if ev.Name == "done" {
			break
		}
		if ev.Name != "run" {
			t.Fatalf("unexpected event %q", ev.Name)
		}
		last = ev
	}
	if !strings.Contains(last.Data, `data-testid="result-image"`) || !strings.Contains(last.Data, imageURL) {
		t.Errorf("the last run event before done does not show the image: %.500s", last.Data)
	}
	if !strings.Contains(last.Data, `data-testid="verdict" data-status="pass"`) {
		t.Errorf("the last run event's verdict is not the pass: %.500s", last.Data)
	}
	// It loads this viewer's live form and the run's actions (Copy for
	// support needs the viewer's address) from the page.
	if !strings.Contains(last.Data, `hx-select-oob="#run-actions"`) || strings.Contains(last.Data, `data-testid="copy-support"`) {
		t.Errorf("the pushed end does not load the viewer's own actions: %.800s", last.Data)
	}
	// The server closes the stream by itself after done.
	if ev, ok := nextEvent(t, events); ok {
		t.Errorf("event %+v after done; want the stream closed", ev)
	}

	// A finished run's stream says so at once and ends.
	_, events = openEvents(t, b, id)
	ev, _ := nextEvent(t, events)
	if ev.Name != "run" || !strings.Contains(ev.Data, imageURL) {
		t.Errorf("finished run: first event %q", ev.Name)
	}
	if ev, _ := nextEvent(t, events); ev.Name != "done" {
		t.Errorf("finished run: second event %q, want done", ev.Name)
	}
	if _, ok := nextEvent(t, events); ok {
		t.Error("finished run: the stream stays open")
	}
}

// TestLiveEventsEndOnShutdown proves a stream left open ends when the
// server closes, so a graceful shutdown does not wait on it.
func TestLiveEventsEndOnShutdown(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{}, 1)
	e := newEnv(t, func(su *setup) {
		su.provider.ProbeFn = func(ctx context.Context, _ string) checks.Answer {
			entered <- struct{}{}
			<-ctx.Done()
			return checks.Answer{Kind: checks.AnswerCanceled}
		}
	})
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	<-entered
	_, events := openEvents(t, b, id)
	if ev, ok := nextEvent(t, events); !ok || ev.Name != "run" {
		t.Fatalf("first event %+v", ev)
	}
	e.Server.Close()
	for {
		_, ok := nextEvent(t, events)
		if !ok {
			break
		}
	}
}

func TestLiveImageURLIsSanitised(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) {
		su.provider.GetTaskFn = func(_ context.Context, _ string, taskID string) (checks.TaskView, checks.Answer, bool) {
			return checks.TaskView{TaskID: taskID, Status: "success", Outputs: []checks.Output{{URL: "javascript:alert(1)", Type: "image"}}},
				checks.Answer{HTTPStatus: 200}, true
		}
	})
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	b.waitLive(id)
	page := b.get("/runs/" + id).wantStatus(http.StatusOK)
	assertInert(t, page)
	if page.doc().Find(`[data-testid="result-image"]`).Length() != 0 {
		t.Error("a javascript: URL from the provider became an image")
	}
}

// TestRunLeftRunning: the store says a run's live test is running, but no
// test is in flight in this server: its last save was lost (the database
// failing past the runner's retries) or the process that ran it stopped
// before marking it. Pages and the API must not wait for it forever: they
// show it interrupted, with the command that shows the task.
func TestRunLeftRunning(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	created := b.apiCreateRun(map[string]any{"key": cleanKey})
	r, err := e.DB.GetRun(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Live, r.TaskID = run.LiveRunning, "task-9"
	r.SetStep(checks.Result{ID: checks.StepAuth, Title: "HiAPI accepts the key", Status: checks.StatusPass, Detail: "ok"})
	r.SetStep(checks.Result{ID: checks.StepModel, Title: "The key may use the model", Status: checks.StatusPass, Detail: "task-9"})
	r.SetStep(checks.Result{ID: checks.StepResult, Title: "The task returns an image", Status: checks.StatusRunning, Detail: "Waiting for task-9"})
	if err := e.DB.UpdateRun(context.Background(), r); err != nil {
		t.Fatal(err)
	}

	got := b.apiRun(created.ID)
	if got.Live != "interrupted" {
		t.Fatalf("live %q, want interrupted", got.Live)
	}
	res := got.step(t, checks.StepResult)
	if res.Status != "unknown" || !strings.Contains(res.Fix, "task-9") {
		t.Errorf("result %s %q fix %q: want unknown with the command that shows task-9", res.Status, res.Detail, res.Fix)
	}
	page := b.get("/runs/" + created.ID).wantStatus(http.StatusOK)
	d := page.doc()
	if d.Find(`[hx-ext="sse"]`).Length() != 0 || strings.Contains(page.Body, "http-equiv") {
		t.Error("the page keeps waiting for a test no one runs")
	}
	if got := stepStatus(d, checks.StepResult); got != "unknown" {
		t.Errorf("page: result %q", got)
	}
	if got := liveForm(t, d); got != "paste" {
		t.Errorf("page offers %q", got)
	}
	step := b.get("/runs/" + created.ID + "/steps/result").wantStatus(http.StatusOK)
	if strings.Contains(step.Body, "http-equiv") || stepStatus(step.doc(), checks.StepResult) != "unknown" {
		t.Error("the step page still waits")
	}
	var list apiRunList
	b.get("/api/v1/runs").wantStatus(http.StatusOK).json(&list)
	if len(list.Runs) != 1 || list.Runs[0].Live != "interrupted" {
		t.Errorf("list: %+v", list.Runs)
	}
	if !strings.Contains(b.get("/runs").Body, "interrupted") {
		t.Error("the runs page does not say interrupted")
	}
	_, events := openEvents(t, b, created.ID)
	ev, _ := nextEvent(t, events)
	if ev.Name != "run" || strings.Contains(ev.Data, `data-status="running"`) {
		t.Errorf("the event stream shows a running step: %.300s", ev.Data)
	}
	// The key owner can run it again.
	b.postJSON("/api/v1/runs/"+created.ID+"/live", jsonBody(t, map[string]string{"key": cleanKey})).wantStatus(http.StatusAccepted)
	assertLivePassed(t, b.waitLive(created.ID))
}

// A live start while keycheck stops answers 503 shutting_down with
// Retry-After, from every surface, and starts nothing. A create-with-live
// keeps the run it saved (a whole run, without its live test) and says
// where it is, so the client starts the test on it instead of making a
// second run.
func TestLiveStartWhileShuttingDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) {
		su.runnerFaults.StartFn = func(string, string) error { return fmt.Errorf("start: %w", run.ErrShuttingDown) }
	})
	b := e.browser()
	wantShuttingDown := func(what string, r *resp) {
		t.Helper()
		r.wantStatus(http.StatusServiceUnavailable)
		if got := r.Header.Get("Retry-After"); got == "" {
			t.Errorf("%s: no Retry-After", what)
		}
	}

	id := b.createRun(url.Values{"key": {cleanKey}})
	r := b.postForm("/runs/"+id+"/live", nil)
	wantShuttingDown("the run page's button", r)
	if msg := r.doc().Find(`[data-testid="error"]`).Text(); !strings.Contains(msg, "restarting") {
		t.Errorf("the run page's button: %q", msg)
	}
	r = b.postJSON("/api/v1/runs/"+id+"/live", jsonBody(t, map[string]string{"key": cleanKey}))
	wantShuttingDown("POST /api/v1/runs/{id}/live", r)
	if code := r.apiErr().Error.Code; code != "shutting_down" {
		t.Errorf("POST /api/v1/runs/{id}/live: code %q", code)
	}

	before := countRuns(t, e)
	r = b.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": cleanKey, "live": true}))
	wantShuttingDown("POST /api/v1/runs with live", r)
	apiErr := r.apiErr()
	if apiErr.Error.Code != "shutting_down" {
		t.Errorf("POST /api/v1/runs with live: code %q", apiErr.Error.Code)
	}
	if n := countRuns(t, e); n != before+1 {
		t.Fatalf("POST /api/v1/runs with live left %d runs, want the one it saved", n-before)
	}
	saved, ok := strings.CutPrefix(r.Header.Get("Location"), e.URL+"/api/v1/runs/")
	if !ok || !strings.Contains(apiErr.Error.Message, "/api/v1/runs/"+saved+"/live") {
		t.Fatalf("the answer does not say where the saved run is: Location %q, message %q", r.Header.Get("Location"), apiErr.Error.Message)
	}
	if got := b.apiRun(saved); got.Live != "not_run" || got.step(t, checks.StepAuth).Status != "pending" {
		t.Errorf("the saved run: live %q, auth %q; want a whole run without its live test", got.Live, got.step(t, checks.StepAuth).Status)
	}

	// The form's "save and run live" keeps the run and says why the test
	// did not start, on the run's page, where its button tries again.
	formID := b.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	if flash := b.get("/runs/" + formID).doc().Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "restarting") {
		t.Errorf("the form's create-with-live: flash %q", flash)
	}

	for _, id := range []string{id, saved, formID} {
		if got := b.apiRun(id); got.Live != "not_run" {
			t.Errorf("run %s: live %q after refused starts", id, got.Live)
		}
	}
	if n := e.Provider.probes.Load() + e.Provider.creates.Load(); n != 0 {
		t.Errorf("a refused start reached HiAPI %d times", n)
	}
	if strings.Contains(e.Logs.String(), cleanKey) {
		t.Error("the key is in the log")
	}
}

// TestLiveEventsWhenTheTestEndsAsTheStreamOpens: the live test ends
// between the stream's read of the run (still running) and its look at
// the runner (no longer). The stream then sends the run as it ended, not
// the running state it read a moment before: a page given that state and
// "done" would say "running" for good.
func TestLiveEventsWhenTheTestEndsAsTheStreamOpens(t *testing.T) {
	var calls atomic.Int32
	var e *env
	var final *run.Run
	e = newEnv(t, func(su *setup) {
		su.runnerFaults.RunningFn = func(runID string) bool {
			if calls.Add(1) == 1 {
				return true // the stream's read: the test still runs
			}
			// It ends now, its last state saved.
			if err := e.DB.UpdateRun(context.Background(), final); err != nil {
				t.Error(err)
			}
			return false
		}
	})
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}})
	ctx := context.Background()
	running, err := e.DB.GetRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	final = running.Clone()
	running.Live = run.LiveRunning
	running.SetStep(checks.Result{ID: checks.StepAuth, Title: "HiAPI accepts the key", Status: checks.StatusRunning, Detail: "Asking HiAPI…"})
	running.Updated = e.Clock.Now()
	if err := e.DB.UpdateRun(ctx, running); err != nil {
		t.Fatal(err)
	}
	final.Live = run.LiveDone
	final.SetStep(checks.AuthVerdict(checks.Answer{HTTPStatus: 401, Code: "permission_denied", Message: "Invalid API key."}))
	final.Updated = running.Updated.Add(time.Second)

	body := b.get("/runs/" + id + "/events").wantStatus(http.StatusOK).Body
	if !strings.Contains(body, "event: done") {
		t.Fatalf("the stream did not end: %.300s", body)
	}
	if strings.Contains(body, `data-testid="step-auth" data-status="running"`) || !strings.Contains(body, `data-testid="step-auth" data-status="fail"`) {
		t.Errorf("the stream sent the state it read before the test ended:\n%.2000s", body)
	}
}
