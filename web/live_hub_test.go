package web_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
)

// stream is one event stream a test opened.
type stream struct {
	res    *http.Response
	body   string // read whole when the stream was refused
	events <-chan sseEvent
	close  func()
}

// tryStream opens the run's event stream as a page does, with b's headers
// (X-Forwarded-For), and leaves the status to the caller.
func (b *browser) tryStream(id string) *stream {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req := b.newRequest(http.MethodGet, "/runs/"+id+"/events", nil).WithContext(ctx)
	req.Header.Set("Accept", "text/event-stream")
	for k, vs := range b.header {
		req.Header[k] = vs
	}
	res, err := b.client.Do(req)
	if err != nil {
		cancel()
		b.t.Fatalf("events: %v", err)
	}
	st := &stream{res: res, close: func() { cancel(); res.Body.Close() }}
	b.t.Cleanup(st.close)
	if res.StatusCode == http.StatusOK {
		st.events = readEvents(res.Body)
	} else {
		body, _ := io.ReadAll(res.Body)
		st.body = string(body)
		st.close()
	}
	return st
}

// watching opens a stream that must be accepted and reads its first event,
// the run as it is now.
func (b *browser) watching(id string) (*stream, sseEvent) {
	b.t.Helper()
	st := b.tryStream(id)
	if st.res.StatusCode != http.StatusOK {
		b.t.Fatalf("events: status %d, want 200: %.300s", st.res.StatusCode, st.body)
	}
	ev, ok := nextEvent(b.t, st.events)
	if !ok || ev.Name != "run" {
		b.t.Fatalf("first event %+v, want the run at once", ev)
	}
	return st, ev
}

// from is a browser whose requests come through a trusted proxy for ip.
func (e *env) from(ip string) *browser {
	b := e.browser()
	b.header.Set("X-Forwarded-For", ip)
	return b
}

// stepped makes each of the live test's calls to HiAPI wait for a step
// from the test: the probe (which then says the run is being probed), the
// task's creation, then two polls ("handling", then success). Each step is
// one new state of the run, pushed to its pages.
func stepped(step <-chan struct{}, probing chan<- struct{}) func(*setup) {
	var polls atomic.Int64
	return func(su *setup) {
		su.provider.ProbeFn = func(ctx context.Context, _ string) checks.Answer {
			probing <- struct{}{}
			select {
			case <-step:
				return checks.Answer{HTTPStatus: 200, RequestID: "req_probe"}
			case <-ctx.Done():
				return checks.Answer{Kind: checks.AnswerCanceled}
			}
		}
		su.provider.CreateTaskFn = func(ctx context.Context, _, _, _ string) (string, checks.Answer) {
			select {
			case <-step:
				return "task-1", checks.Answer{HTTPStatus: 200, RequestID: "req_create"}
			case <-ctx.Done():
				return "", checks.Answer{Kind: checks.AnswerCanceled}
			}
		}
		su.provider.GetTaskFn = func(ctx context.Context, _ string, taskID string) (checks.TaskView, checks.Answer, bool) {
			select {
			case <-step:
			case <-ctx.Done():
				return checks.TaskView{}, checks.Answer{Kind: checks.AnswerCanceled}, false
			}
			if polls.Add(1)%2 == 1 { // each test polls twice
				return checks.TaskView{TaskID: taskID, Status: "handling"}, checks.Answer{HTTPStatus: 200}, true
			}
			return successTask(taskID), checks.Answer{HTTPStatus: 200}, true
		}
	}
}

// steps is how many steps stepped takes to finish a live test.
const steps = 4

// startStepped starts a stepped live test on a new run and returns its id
// once the probe waits for the first step.
func startStepped(b *browser, probing <-chan struct{}) string {
	id := b.createRun(url.Values{"key": {cleanKey}, "live": {"1"}})
	<-probing
	return id
}

// Streams are capped per client IP (as a trusted proxy names it) and per
// run, answered 429 with Retry-After before anything is rendered, and a
// slot is free again once its stream ends.
func TestLiveStreamCaps(t *testing.T) {
	t.Parallel()
	probing := make(chan struct{}, 1)
	e := newEnv(t, trustLoopback, stepped(nil, probing), func(su *setup) {
		su.cfg.StreamsPerIP, su.cfg.StreamsPerRun = 2, 3
	})
	id := startStepped(e.browser(), probing)
	a, b, c := e.from("203.0.113.1"), e.from("203.0.113.2"), e.from("203.0.113.3")

	refused := func(who *browser, mention string) {
		t.Helper()
		st := who.tryStream(id)
		if st.res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("status %d, want 429", st.res.StatusCode)
		}
		if ra := st.res.Header.Get("Retry-After"); ra != "10" {
			t.Errorf("Retry-After %q, want 10", ra)
		}
		if ct := st.res.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/event-stream") {
			t.Errorf("a refused stream is a stream: %q", ct)
		}
		if !strings.Contains(st.body, mention) {
			t.Errorf("the refusal does not say %q: %.600s", mention, st.body)
		}
	}

	a.watching(id)
	a1, _ := a.watching(id)
	refused(a, "from your address")
	bs, _ := b.watching(id) // the run's third
	refused(c, "watching this run")
	if n := e.Server.LiveRenders(); n != 1 {
		t.Errorf("%d renders; want the one the hub made, none for a refusal", n)
	}

	// A stream that ends frees its slot, per run and per address.
	bs.close()
	eventually(t, "the run's slot freed", func() bool { return c.tryStream(id).res.StatusCode == http.StatusOK })
	refused(b, "watching this run")
	a1.close()
	eventually(t, "the address's slot freed", func() bool { return a.tryStream(id).res.StatusCode == http.StatusOK })
	refused(a, "from your address")

	// The address's count is across runs; the cap is checked before the
	// run is even read (an unknown one too), and a malformed id is 404.
	id2 := e.browser().createRun(url.Values{"key": {cleanKey}})
	refused(a, "from your address")
	if st := a.tryStream(id2); st.res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a's stream on another run: status %d, want 429", st.res.StatusCode)
	}
	if st := b.tryStream(id2); st.res.StatusCode != http.StatusOK {
		t.Errorf("b's stream on a run no test changes: status %d", st.res.StatusCode)
	}
	if st := a.tryStream(strings.Repeat("A", 22)); st.res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a's stream on an unknown run: status %d, want 429", st.res.StatusCode)
	}
	if st := b.tryStream("not-a-run-id"); st.res.StatusCode != http.StatusNotFound {
		t.Errorf("malformed id: status %d", st.res.StatusCode)
	}
}

// With both caps 0 nothing is counted or refused.
func TestLiveStreamCapsOff(t *testing.T) {
	t.Parallel()
	probing := make(chan struct{}, 1)
	e := newEnv(t, trustLoopback, stepped(nil, probing)) // StreamsPerIP and StreamsPerRun are 0
	id := startStepped(e.browser(), probing)
	a := e.from("203.0.113.1")
	for range 30 {
		a.watching(id)
	}
	if n, _ := e.Server.LiveWatchers(id); n != 30 {
		t.Errorf("%d watchers, want 30", n)
	}
}

// Every page watching a live test gets the same bytes, rendered once per
// state of the run however many pages watch; a page that joins mid-test
// gets the current state at once, without a render; and what is pushed
// holds nothing of any one viewer.
func TestLiveEventsRenderOnce(t *testing.T) {
	t.Parallel()
	step, probing := make(chan struct{}), make(chan struct{}, 1)
	e := newEnv(t, stepped(step, probing))
	owner, viewer := e.browser(), e.browser()
	viewer.postForm("/name", url.Values{"name": {"Viewer Name"}}).wantStatus(http.StatusSeeOther)
	id := startStepped(owner, probing)
	page := viewer.get("/runs/" + id).doc()
	csrf := page.Find(`meta[name="csrf-token"]`).AttrOr("content", "")
	if csrf == "" {
		t.Fatal("no CSRF token on the page")
	}

	const watchers = 20
	var streams []*stream
	var current string
	for i := range watchers {
		st, ev := viewer.watching(id)
		if i > 0 && ev.Data != current {
			t.Fatalf("watcher %d got other bytes than the first", i)
		}
		streams, current = append(streams, st), ev.Data
	}
	want := int64(1)
	if n := e.Server.LiveRenders(); n != want {
		t.Fatalf("%d renders for %d watchers of one state, want %d", n, watchers, want)
	}

	var pushed []string
	for s := range steps {
		step <- struct{}{}
		for i, st := range streams {
			ev, ok := nextEvent(t, st.events)
			if !ok || ev.Name != "run" {
				t.Fatalf("step %d, watcher %d: %+v, want the new state", s, i, ev)
			}
			if i > 0 && ev.Data != current {
				t.Fatalf("step %d: watcher %d got other bytes than the first", s, i)
			}
			current = ev.Data
		}
		pushed = append(pushed, current)
		want++
		if n := e.Server.LiveRenders(); n != want {
			t.Fatalf("step %d: %d renders, want %d: one per state", s, n, want)
		}
		if s == 1 {
			// A page opened now gets the hub's bytes, not a render.
			late, ev := viewer.watching(id)
			if ev.Data != current {
				t.Errorf("the late page's first event is not the current state: %.300s", ev.Data)
			}
			if n := e.Server.LiveRenders(); n != want {
				t.Errorf("a late page made a render: %d, want %d", n, want)
			}
			streams = append(streams, late)
		}
	}
	for i, st := range streams {
		if ev, ok := nextEvent(t, st.events); !ok || ev.Name != "done" {
			t.Fatalf("watcher %d: %+v, want done", i, ev)
		}
		if _, ok := nextEvent(t, st.events); ok {
			t.Fatalf("watcher %d: the stream stays open after done", i)
		}
	}
	if n := e.Server.LiveRenders(); n != want {
		t.Errorf("%d renders at the end, want %d", n, want)
	}

	for _, data := range pushed {
		for _, viewer := range []string{csrf, "Viewer Name", `name="_csrf"`, "forget-button", `data-testid="live-key"`} {
			if strings.Contains(data, viewer) {
				t.Errorf("pushed HTML holds %q, which is one viewer's", viewer)
			}
		}
	}
	// The final state shows the result, and loads this viewer's own live
	// form from the run's page.
	final := pushed[len(pushed)-1]
	d, err := goquery.NewDocumentFromReader(strings.NewReader(final))
	if err != nil {
		t.Fatal(err)
	}
	if got := stepStatus(d, checks.StepResult); got != "pass" {
		t.Errorf("final pushed state: result %q", got)
	}
	live := d.Find(`[data-testid="live"]`)
	if live.AttrOr("hx-get", "") != "/runs/"+id || live.AttrOr("hx-trigger", "") != "load" || live.AttrOr("hx-select", "") != "[data-testid=live]" {
		html, _ := goquery.OuterHtml(live)
		t.Errorf("the final live box does not load the viewer's own: %s", html)
	}
	if got := liveForm(t, viewer.get("/runs/"+id).doc()); got != "paste" {
		t.Errorf("what it loads offers %q", got)
	}
	for _, data := range pushed[:len(pushed)-1] {
		if strings.Contains(data, "hx-get") {
			t.Error("a state while the test runs loads the page")
		}
	}
}

// A page that reads nothing holds up no other page and not the test; when
// it reads again it gets the latest state, not every one it missed.
func TestLiveEventsSlowWatcher(t *testing.T) {
	t.Parallel()
	step, probing := make(chan struct{}), make(chan struct{}, 1)
	e := newEnv(t, stepped(step, probing))
	b := e.browser()
	id := startStepped(b, probing)
	fast, first := b.watching(id)

	// The slow page is served by the same server over an unbuffered pipe:
	// the server's first write to it blocks until the test reads.
	ln := newPipeListener()
	srv := &http.Server{Handler: e.Server}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	slow := ln.dial()
	t.Cleanup(func() { slow.Close() })
	if _, err := io.WriteString(slow, "GET /runs/"+id+"/events HTTP/1.1\r\nHost: keycheck\r\nAccept: text/event-stream\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the slow page watching", func() bool {
		n, _ := e.Server.LiveWatchers(id)
		return n == 2
	})

	var last string
	for s := range steps {
		step <- struct{}{}
		ev, ok := nextEvent(t, fast.events)
		if !ok || ev.Name != "run" {
			t.Fatalf("step %d: the fast page got %+v", s, ev)
		}
		last = ev.Data
	}
	if ev, _ := nextEvent(t, fast.events); ev.Name != "done" {
		t.Fatalf("the fast page got %q, want done", ev.Name)
	}
	b.waitLive(id)

	res, err := http.ReadResponse(bufio.NewReader(slow), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []sseEvent
	for ev := range readEvents(res.Body) {
		got = append(got, ev)
	}
	if len(got) != 3 || got[0].Data != first.Data || got[1].Data != last || got[2].Name != "done" {
		names := make([]string, len(got))
		for i, ev := range got {
			names[i] = ev.Name
		}
		t.Fatalf("the slow page got %v; want the state it joined at, the final one, done", names)
	}
}

// Streams leave nothing behind: not when pages close mid-test, not when
// the test ends.
func TestLiveEventsLeaveNoGoroutines(t *testing.T) { // not parallel: it counts the process's goroutines
	step, probing := make(chan struct{}), make(chan struct{}, 1)
	e := newEnv(t, stepped(step, probing))
	b := e.browser()
	transport := &http.Transport{}
	b.client.Transport = transport
	id := b.createRun(url.Values{"key": {cleanKey}})
	transport.CloseIdleConnections()
	before := runtime.NumGoroutine()

	b.postForm("/runs/"+id+"/live", nil).wantStatus(http.StatusSeeOther)
	<-probing
	var streams []*stream
	for range 30 {
		st, _ := b.watching(id)
		streams = append(streams, st)
	}
	for _, st := range streams[:10] {
		st.close()
	}
	eventually(t, "10 pages gone", func() bool {
		n, _ := e.Server.LiveWatchers(id)
		return n == 20
	})
	for range steps {
		step <- struct{}{}
	}
	for _, st := range streams[10:] {
		for range st.events { // to done and the end
		}
	}
	b.waitLive(id)
	transport.CloseIdleConnections()
	eventually(t, "goroutines back to where they were", func() bool { return runtime.NumGoroutine() <= before })
	if n := e.Server.LiveHubs(); n != 0 {
		t.Errorf("%d hubs left", n)
	}

	// Pages that all close mid-test stop the hub.
	b.postForm("/runs/"+id+"/live", url.Values{"key": {cleanKey}}).wantStatus(http.StatusSeeOther)
	<-probing
	streams = streams[:0]
	for range 5 {
		st, _ := b.watching(id)
		streams = append(streams, st)
	}
	for _, st := range streams {
		st.close()
	}
	eventually(t, "the hub stopped", func() bool { return e.Server.LiveHubs() == 0 })
	for range steps {
		step <- struct{}{}
	}
	b.waitLive(id)
	transport.CloseIdleConnections()
	eventually(t, "goroutines back to where they were", func() bool { return runtime.NumGoroutine() <= before })
}

// pipeListener serves connections made with dial, over net.Pipe: nothing
// is buffered, so a page that does not read blocks the server's writes.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) dial() net.Conn {
	server, client := net.Pipe()
	l.conns <- server
	return client
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
