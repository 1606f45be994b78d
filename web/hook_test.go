package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
	"github.com/keycheck/keycheck/internal/run"
)

const hookSecret = "whsec-hook-test-7Qm2Xv9LpR4tK8wN"

func withCallbacks(secret string) func(*setup) {
	return func(su *setup) {
		su.cfg.PublicURL = "https://keycheck.example.com"
		su.cfg.CallbackSecret = []byte(secret)
	}
}

// delivery is one callback as HiAPI sends it.
type delivery struct {
	body string
	// ts and sig are the headers; "-" leaves one out, "" signs with secret.
	ts, sig string
	secret  string
}

func taskBody(id, status string) string {
	return `{"code":200,"message":"success","data":{"taskId":"` + id + `","status":"` + status + `","output":[{"url":"https://evil.example/not-this.png","type":"image"}]}}`
}

// deliver posts d to /hooks/hiapi as HiAPI does: no cookie, no CSRF token,
// no Sec-Fetch-Site.
func (b *browser) deliver(d delivery) *resp {
	b.t.Helper()
	ts := d.ts
	if ts == "" {
		ts = strconv.FormatInt(time.Now().Unix(), 10)
	}
	secret := d.secret
	if secret == "" {
		secret = hookSecret
	}
	req := b.newRequest(http.MethodPost, "/hooks/hiapi", strings.NewReader(d.body))
	req.Header.Set("Content-Type", "application/json")
	if ts != "-" {
		req.Header.Set("X-HiAPI-Timestamp", ts)
	}
	switch d.sig {
	case "":
		req.Header.Set("X-HiAPI-Signature", hiapi.SignCallback([]byte(secret), ts, []byte(d.body)))
	case "-":
	default:
		req.Header.Set("X-HiAPI-Signature", d.sig)
	}
	return b.do(req)
}

// taskEvents collects the tasks announced to the other instances.
func taskEvents(t *testing.T, e *env) func() []string {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := e.DB.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return func() []string {
		var out []string
		for {
			select {
			case ev := <-ch:
				if ev.Kind == run.EventTask {
					out = append(out, ev.ID)
				}
			default:
				return out
			}
		}
	}
}

func TestHiAPIHook(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withCallbacks(hookSecret))
	announced := taskEvents(t, e)
	hiapiClient := e.browser()
	hiapiClient.secFetch = ""
	const task = "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"
	good := taskBody(task, "success")
	now := time.Now().Unix()
	// now is rounded down to the second and the server's clock moves on,
	// so a stamp in the past is only more stale by the time it is checked,
	// while one in the future comes nearer: +301 passed once the second
	// turned. The 300 s edge itself is hiapi's test, on a fixed clock.
	stale := strconv.FormatInt(now-301, 10)
	future := strconv.FormatInt(now+360, 10)
	cases := []struct {
		name   string
		d      delivery
		status int
		code   string
	}{
		{"good, no test follows the task", delivery{body: good}, http.StatusNoContent, ""},
		{"the same again (at least once)", delivery{body: good}, http.StatusNoContent, ""},
		{"bare task, task_id", delivery{body: `{"task_id":"` + task + `","status":"fail"}`}, http.StatusNoContent, ""},
		{"wrong secret", delivery{body: good, secret: "another-secret-0123456789"}, http.StatusUnauthorized, "bad_signature"},
		{"bad hex", delivery{body: good, sig: "not-hex"}, http.StatusUnauthorized, "bad_signature"},
		{"sha256= prefix", delivery{body: good, ts: strconv.FormatInt(now, 10), sig: "sha256=" + hiapi.SignCallback([]byte(hookSecret), strconv.FormatInt(now, 10), []byte(good))}, http.StatusUnauthorized, "bad_signature"},
		{"stale", delivery{body: good, ts: stale}, http.StatusUnauthorized, "stale_timestamp"},
		{"from the future", delivery{body: good, ts: future}, http.StatusUnauthorized, "stale_timestamp"},
		{"no timestamp", delivery{body: good, ts: "-", sig: "00"}, http.StatusUnauthorized, "bad_timestamp"},
		{"no signature", delivery{body: good, sig: "-"}, http.StatusUnauthorized, "no_signature"},
		{"no task id", delivery{body: `{"code":200,"data":{"status":"success"}}`}, http.StatusBadRequest, "no_task_id"},
		{"not JSON", delivery{body: `<html>hello</html>`}, http.StatusBadRequest, "no_task_id"},
		{"too large", delivery{body: `{"taskId":"` + task + `","pad":"` + strings.Repeat("x", 70<<10) + `"}`}, http.StatusRequestEntityTooLarge, "body_too_large"},
	}
	for _, c := range cases {
		r := hiapiClient.deliver(c.d).wantStatus(c.status)
		if c.code != "" && r.apiErr().Error.Code != c.code {
			t.Errorf("%s: code %q, want %q", c.name, r.apiErr().Error.Code, c.code)
		}
		if len(r.Cookies()) != 0 {
			t.Errorf("%s: the hook set a cookie: %v", c.name, r.Cookies())
		}
	}
	// Three valid deliveries, three announcements: no instance here
	// follows the task, another may. The refused ones announce nothing.
	if got := announced(); len(got) != 3 || got[0] != task || got[2] != task {
		t.Errorf("announced %v, want the task three times", got)
	}
	logs := e.Logs.String()
	if n := strings.Count(logs, "HiAPI callback refused"); n != 10 {
		t.Errorf("%d refusals logged, want 10", n)
	}
	if strings.Contains(logs, "evil.example") || strings.Contains(logs, "xxxxxxxxxx") {
		t.Error("a callback's body reached the log")
	}

	// Not a page: other methods are refused, the pages' CSRF check never
	// sees it, and a path beside it is a 404, in JSON.
	hiapiClient.get("/hooks/hiapi").wantStatus(http.StatusMethodNotAllowed)
	r := hiapiClient.deliver(delivery{body: good}) // a browser would send it same-site
	r.wantStatus(http.StatusNoContent)
	req := hiapiClient.newRequest(http.MethodPost, "/hooks/other", strings.NewReader(good))
	if got := hiapiClient.do(req).wantStatus(http.StatusNotFound).apiErr().Error.Code; got != "not_found" {
		t.Errorf("/hooks/other: code %q", got)
	}
	// And the pages still want their token.
	hiapiClient.postForm("/check", nil).wantStatus(http.StatusForbidden)
}

func TestHiAPIHookOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // no secret: callbacks off
	b := e.browser()
	r := b.deliver(delivery{body: taskBody("tk-1", "success")}).wantStatus(http.StatusNotFound)
	if r.apiErr().Error.Code != "not_found" {
		t.Errorf("code %q", r.apiErr().Error.Code)
	}
}

// The callback nudges the live test that follows its task, on this
// instance: nothing is announced, and the result the page gets is the one
// HiAPI answers the runner's poll with, never the callback's body.
func TestHiAPIHookNudgesTheLiveTest(t *testing.T) {
	t.Parallel()
	var done atomic.Bool
	const task = "task-1" // what the fake provider creates
	e := newEnv(t, withCallbacks(hookSecret), func(su *setup) {
		su.provider.GetTaskFn = func(_ context.Context, _, id string) (checks.TaskView, checks.Answer, bool) {
			if done.Load() {
				return successTask(id), checks.Answer{HTTPStatus: 200, RequestID: "req_get_done"}, true
			}
			return checks.TaskView{TaskID: id, Status: "handling"}, checks.Answer{HTTPStatus: 200}, true
		}
	})
	announced := taskEvents(t, e)
	b := e.browser()
	created := b.apiCreateRun(map[string]any{"key": cleanKey, "live": true})
	// The runner learns its task when it publishes the state carrying it,
	// just after the store has it: ask the runner, not the store. (A
	// nudge now only brings a poll forward, which answers handling.)
	eventually(t, "the live test follows its task", func() bool { return e.Runner.Nudge(task) })

	// Delivered three times while the task still runs: with the result
	// already there, the test could end between two deliveries, and the
	// next would rightly be announced.
	hook := e.browser()
	for range 3 {
		hook.deliver(delivery{body: taskBody(task, "success")}).wantStatus(http.StatusNoContent)
	}
	if a := announced(); len(a) != 0 {
		t.Errorf("a task followed here was announced to the other instances: %v", a)
	}
	done.Store(true)
	got := b.waitLive(created.ID)
	assertLivePassed(t, got)
	if res := got.step(t, checks.StepResult); res.Live == nil || len(res.Live.Outputs) == 0 || res.Live.Outputs[0].URL != imageURL {
		t.Errorf("the result is not HiAPI's answer to the poll: %+v", res.Live)
	}
	// The test has ended: a late duplicate is still answered 204, and
	// only announced (another instance may have a test of its own).
	before := e.Provider.gets.Load()
	hook.deliver(delivery{body: taskBody(task, "success")}).wantStatus(http.StatusNoContent)
	if e.Provider.gets.Load() != before {
		t.Error("a callback after the test ended polled HiAPI")
	}
	if a := announced(); len(a) != 1 || a[0] != task {
		t.Errorf("announced %v after the test ended, want the task once", a)
	}
}

// The secret never leaves: not in a response, a log line or the database,
// whatever is delivered.
func TestHiAPIHookSecretNeverLeaves(t *testing.T) {
	t.Parallel()
	secret := "whsec-CANARY" + randomAlnum(30)
	e := newEnv(t, withCallbacks(secret))
	e.record.Store(true)
	hook, me := e.browser(), e.browser()
	me.get("/").wantStatus(http.StatusOK)
	me.apiCreateRun(map[string]any{"key": cleanKey, "live": true})
	for i := range 6 {
		body := taskBody("tk-hiapi-CANARY"+strconv.Itoa(i), "success")
		hook.deliver(delivery{body: body, secret: secret}).wantStatus(http.StatusNoContent)
		hook.deliver(delivery{body: body, secret: secret + "x"}).wantStatus(http.StatusUnauthorized)
		hook.deliver(delivery{body: body, secret: secret, ts: "12"}).wantStatus(http.StatusUnauthorized)
		hook.deliver(delivery{body: body, sig: secret}).wantStatus(http.StatusUnauthorized)
	}
	me.get("/runs").wantStatus(http.StatusOK)
	me.get("/healthz").wantStatus(http.StatusOK)
	searchForKeys(t, e, secret)
}
