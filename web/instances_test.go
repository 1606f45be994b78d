package web_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/web"
)

// sharedSQLite is the SQLite store as a shared database: the web server
// then treats it as PostgreSQL's, where other instances read and write.
// SQLite's events reach every server of this process, so several servers
// on one sharedSQLite are several instances on one database.
type sharedSQLite struct{ web.RunStore }

func (sharedSQLite) Engine() string { return "postgres" }

// instance is another keycheck server on e's database, as another instance
// on one PostgreSQL is: its own live runner (recording name as the
// instance of its tests), key holder, run cache, hubs and subscription to
// the store's events, and the same session keys. The store is e's SQLite
// as a shared database (sharedSQLite); its events reach every server of
// the test process, as PostgreSQL's reach every instance.
func (e *env) instance(name string, p *fakeProvider) *env {
	e.t.Helper()
	log := slog.New(slog.NewJSONHandler(e.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	runner := run.NewRunner(e.Store, p, nil, run.LiveConfig{
		BaseURL: e.Config.HiAPIURL, PollEvery: run.MinPoll, PollMax: run.MinPoll,
		Timeout: 60 * time.Second, Instance: name,
	}, log, nil)
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := runner.Shutdown(ctx); err != nil {
			e.t.Errorf("runner %s shutdown: %v", name, err)
		}
	})
	cfg := e.Config
	cfg.Instance = name
	keys := run.NewKeys(cfg.KeyTTL, e.Clock.Now)
	srv, err := web.New(cfg, log, sharedSQLite{e.Store}, runner, keys, nil)
	if err != nil {
		e.t.Fatalf("web.New %s: %v", name, err)
	}
	listen(e.t, srv)
	hs := httptest.NewServer(srv)
	e.t.Cleanup(hs.Close)
	e.t.Cleanup(srv.Close)
	return &env{t: e.t, URL: hs.URL, HTTP: hs, Server: srv, DB: e.DB, Dir: e.Dir, Store: e.Store,
		Keys: keys, Clock: e.Clock, Runner: runner, Provider: p, Logs: e.Logs, Config: cfg}
}

// listen runs srv's subscription to the store's events until t ends.
func listen(t testing.TB, srv *web.Server) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Listen(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// on is the same person (the same cookies) on another instance.
func (b *browser) on(e *env) *browser {
	c := *b
	c.env = e
	return &c
}

// steppedProvider is a fake HiAPI whose calls each wait for a step of the
// test (stepped).
func steppedProvider(step <-chan struct{}, probing chan<- struct{}) *fakeProvider {
	su := &setup{provider: &fakeProvider{}}
	stepped(step, probing)(su)
	return su.provider
}

// eventStatus is a step's status in a pushed "run" event.
func eventStatus(t *testing.T, ev sseEvent, id checks.ID) string {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(ev.Data))
	if err != nil {
		t.Fatal(err)
	}
	return stepStatus(d, id)
}

// untilStatus reads events until one shows step id with status, and fails
// if the stream ends first.
func untilStatus(t *testing.T, events <-chan sseEvent, id checks.ID, status string) sseEvent {
	t.Helper()
	for {
		ev, ok := nextEvent(t, events)
		if !ok || ev.Name == "done" {
			t.Fatalf("the stream ended (%q) before %s was %s", ev.Name, id, status)
		}
		if ev.Name == "run" && eventStatus(t, ev, id) == status {
			return ev
		}
	}
}

// A person watching a run on instance B sees the live test that A runs,
// step by step, and B treats the run as running: its page, its JSON, a
// second live test refused with 409. Then the stream ends with the result.
func TestWatchAnotherInstancesTest(t *testing.T) {
	t.Parallel()
	step, probing := make(chan struct{}), make(chan struct{}, 1)
	e := newEnv(t)
	a := e.instance("a", steppedProvider(step, probing))
	b := e.instance("b", &fakeProvider{})

	ana := a.browser()
	id := ana.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	<-probing
	ben := ana.on(b)

	if got := ben.apiRun(id).Live; got != "running" {
		t.Errorf("B's JSON says live %q, want running (A runs it)", got)
	}
	d := ben.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := stepStatus(d, checks.StepAuth); got != "running" {
		t.Errorf("B's page shows auth %q, want running: not interrupted, A runs it", got)
	}
	if d.Find(`[hx-ext="sse"]`).Length() == 0 {
		t.Error("B's page does not open the live updates of A's test")
	}
	r := ben.postJSON("/api/v1/runs/"+id+"/live", jsonBody(t, map[string]any{"key": cleanKey}))
	if r.wantStatus(http.StatusConflict).apiErr().Error.Code != "live_running" {
		t.Errorf("a second live test on B: %s", r.Body)
	}

	b.Server.SetFollowRecheck(time.Hour) // only the events bring the states
	st, first := ben.watching(id)
	if got := eventStatus(t, first, checks.StepAuth); got != "running" {
		t.Errorf("B's first event shows auth %q, want running", got)
	}
	step <- struct{}{} // the probe answers
	untilStatus(t, st.events, checks.StepModel, "running")
	step <- struct{}{} // the task is created
	untilStatus(t, st.events, checks.StepResult, "running")
	step <- struct{}{} // "handling"
	step <- struct{}{} // success
	last := untilStatus(t, st.events, checks.StepResult, "pass")
	if !strings.Contains(last.Data, imageURL) {
		t.Errorf("B's last event does not show A's image: %.300s", last.Data)
	}
	if ev, ok := nextEvent(t, st.events); !ok || ev.Name != "done" {
		t.Errorf("after the result: %+v, %v; want done", ev, ok)
	}
	if got := ben.apiRun(id).Live; got != "done" {
		t.Errorf("B's JSON says live %q after the test, want done", got)
	}
	eventually(t, "B's hub gone", func() bool { return b.Server.LiveHubs() == 0 })
}

// flakyEvents is the store with an event subscription a test can cut, as a
// lost connection to PostgreSQL cuts LISTEN: the channel closes, and what
// is announced until the next subscription is lost.
type flakyEvents struct {
	web.RunStore

	mu   sync.Mutex
	cut  chan struct{}
	subs int
}

func (f *flakyEvents) Events(ctx context.Context) (<-chan run.Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs++
	cut := make(chan struct{})
	f.cut = cut
	ctx, cancel := context.WithCancel(ctx)
	in, err := f.RunStore.Events(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan run.Event, 64)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case e, ok := <-in:
				if !ok {
					return
				}
				// An event that came after drop is lost, even when this
				// goroutine had not yet seen the cut: select picks either
				// ready case at random.
				select {
				case <-cut:
					return
				default:
				}
				out <- e
			case <-cut:
				return
			}
		}
	}()
	return out, nil
}

// drop cuts the current subscription and, until the server subscribes
// again, loses every event; it returns once the cut is in place.
func (f *flakyEvents) drop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(f.cut)
}

func (f *flakyEvents) subscriptions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.subs
}

// A watcher whose instance lost the events (a cut connection) reads its
// run again once subscribed again: it never stays on the state it had.
func TestWatchAcrossALostSubscription(t *testing.T) {
	t.Parallel()
	step, probing := make(chan struct{}), make(chan struct{}, 1)
	e := newEnv(t)
	a := e.instance("a", steppedProvider(step, probing))
	b := e.instance("b", &fakeProvider{})
	flaky := &flakyEvents{RunStore: sharedSQLite{e.Store}}
	cfg := b.Config
	srv, err := web.New(cfg, slog.New(slog.DiscardHandler), flaky, b.Runner, b.Keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	t.Cleanup(srv.Close)
	b.Server, b.HTTP, b.URL = srv, hs, hs.URL
	srv.SetFollowRecheck(time.Hour) // only the events, and the re-read after their gap
	listen(t, srv)

	ana := a.browser()
	id := ana.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	<-probing
	eventually(t, "B subscribed", func() bool { return flaky.subscriptions() == 1 })
	st, _ := ana.on(b).watching(id)

	flaky.drop()
	step <- struct{}{} // the probe answers while B hears nothing
	untilStatus(t, st.events, checks.StepAuth, "pass")
	if n := flaky.subscriptions(); n < 2 {
		t.Errorf("%d subscriptions; B read the run again without subscribing again?", n)
	}
	for range steps - 1 {
		step <- struct{}{}
	}
	untilStatus(t, st.events, checks.StepResult, "pass")
}

// failingTake is the store with a database that cannot count the limits.
type failingTake struct{ web.RunStore }

func (failingTake) Take(context.Context, string, int, time.Duration, time.Time) (bool, time.Duration, error) {
	return false, 0, errors.New("connection refused")
}

// Live tests are counted in the database: a person's limit holds across
// instances, on whichever instance each test starts.
func TestLiveLimitAcrossInstances(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withLimits(8, 0)) // 2 live tests at once per session
	a, b := e.instance("a", &fakeProvider{}), e.instance("b", &fakeProvider{})
	ana := a.browser()
	first := ana.createRun(url.Values{"key": {cleanKey}})
	ana.postForm("/runs/"+first+"/live", url.Values{"key": {cleanKey}}).wantStatus(http.StatusSeeOther)
	second := ana.on(b).createRun(url.Values{"key": {cleanKey}})
	ana.on(b).postForm("/runs/"+second+"/live", url.Values{"key": {cleanKey}}).wantStatus(http.StatusSeeOther)
	third := ana.createRun(url.Values{"key": {cleanKey}})
	assertTooMany(t, ana.postForm("/runs/"+third+"/live", url.Values{"key": {cleanKey}}), "many live tests")
	assertTooMany(t, ana.on(b).postForm("/runs/"+third+"/live", url.Values{"key": {cleanKey}}), "many live tests")
}

// When the database cannot count, the limits hold in each instance's
// memory, at the same rate: no gate opens, and no request fails.
func TestLimitsWhenTheDatabaseCannotCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withLimits(8, 2)) // 1 check at once per address
	var logs syncBuffer
	srv, err := web.New(e.Config, slog.New(slog.NewJSONHandler(&logs, nil)), failingTake{sharedSQLite{e.Store}}, e.Runner, e.Keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	t.Cleanup(srv.Close)
	c := &env{t: t, URL: hs.URL, HTTP: hs, Server: srv, DB: e.DB, Store: e.Store, Keys: e.Keys,
		Clock: e.Clock, Runner: e.Runner, Provider: e.Provider, Logs: e.Logs, Config: e.Config}
	ana := c.browser()

	// Saving the run is a check: the one the limit allows at once.
	id := ana.createRun(url.Values{"key": {cleanKey}})
	assertTooMany(t, ana.postJSON("/api/v1/check", jsonBody(t, map[string]any{"key": cleanKey})), "Too many checks")
	for range 2 {
		ana.postForm("/runs/"+id+"/live", url.Values{"key": {cleanKey}}).wantStatus(http.StatusSeeOther)
		ana.waitLive(id)
	}
	assertTooMany(t, ana.postForm("/runs/"+id+"/live", url.Values{"key": {cleanKey}}), "many live tests")

	if n := strings.Count(logs.String(), "the database could not count"); n != 1 {
		t.Errorf("the failure is logged %d times, want once (a minute apart at most): %s", n, logs.String())
	}
}
