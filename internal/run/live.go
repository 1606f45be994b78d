package run

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/wait"
)

// Provider is what the live test needs of HiAPI, as plain answers: the
// HiAPI client satisfies it through a small adapter, tests with a fake.
// No method may retry a task creation: it spends credits. Every method
// returns by ctx's deadline, waits between retries included, and reports
// a deadline that cut it short as checks.AnswerTimeout.
type Provider interface {
	// Probe asks HiAPI whether it accepts the key, for free.
	Probe(ctx context.Context, key string) checks.Answer
	// CreateTask creates the test task; taskID is "" when HiAPI refused.
	CreateTask(ctx context.Context, key, model, prompt string) (taskID string, a checks.Answer)
	// GetTask reads the task; ok is false when no task came back, and a
	// then says why.
	GetTask(ctx context.Context, key, taskID string) (t checks.TaskView, a checks.Answer, ok bool)
}

// Prober asks a target other than HiAPI, for free: only GETs, only to the
// target's fixed origin. *probe.Client satisfies it. Every method returns
// by ctx's deadline.
type Prober interface {
	// Probe sends the target's free probe (checks.Target.Probe).
	Probe(ctx context.Context, target checks.ProviderID, key string) checks.Answer
	// Model asks the target's free model endpoint about model; asked is
	// false when the target has none.
	Model(ctx context.Context, target checks.ProviderID, key, model string) (a checks.Answer, asked bool)
}

// Store is where the live runner reads and saves runs.
type Store interface {
	GetRun(ctx context.Context, id string) (*Run, error)
	UpdateRun(ctx context.Context, r *Run) error
}

// LiveConfig sets the pace of the live test.
type LiveConfig struct {
	// BaseURL is the HiAPI the provider calls, for the commands shown to
	// people.
	BaseURL string
	// PollEvery is the first delay between polls (default 3 s); it backs
	// off to PollMax (default 10 s). Never below MinPoll: sub-second polling
	// is the top cause of HiAPI's 429s.
	PollEvery time.Duration
	PollMax   time.Duration
	// Timeout is the deadline of the whole test (default 180 s, as HiAPI's
	// own skill): the probe, the task's creation and the polling, with every
	// wait between them, Retry-After included. A step the deadline cuts
	// short reads unknown, never fail.
	Timeout time.Duration
	// Instance names this keycheck process among those sharing the
	// database; every live test it starts records it (Run.Instance).
	Instance string
	// Callbacks says HiAPI calls keycheck back when a task ends
	// (Runner.Nudge): polling is then the fallback, at a slower pace
	// (CallbackPoll, backing off to CallbackPollMax).
	Callbacks bool
}

func (cfg LiveConfig) withDefaults() LiveConfig {
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = 3 * time.Second
	}
	cfg.PollEvery = max(cfg.PollEvery, MinPoll)
	if cfg.PollMax < cfg.PollEvery {
		cfg.PollMax = max(10*time.Second, cfg.PollEvery)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 180 * time.Second
	}
	if cfg.Callbacks {
		cfg.PollEvery, cfg.PollMax = callbackPace(cfg)
	}
	return cfg
}

// MinPoll is the floor of the polling delay.
const MinPoll = time.Second

// maxRetryAfter caps how long a Retry-After can make the poll wait.
const maxRetryAfter = 60 * time.Second

// Runner runs live tests: the free probe, the test task, and polling it to
// the image, saving and publishing each step as it changes. One test per
// run at a time.
type Runner struct {
	store    Store
	provider Provider
	prober   Prober
	cfg      LiveConfig
	log      *slog.Logger
	now      func() time.Time

	// ctx ends the tests in flight; saving ends the saves still retrying,
	// once Shutdown has waited long enough.
	ctx     context.Context
	cancel  context.CancelFunc
	saving  context.Context
	abandon context.CancelFunc
	wg      sync.WaitGroup

	mu      sync.Mutex
	flights map[string]*flight
}

// flight is one live test in progress and the pages watching it.
type flight struct {
	subs map[chan *Run]struct{}
	// task is the HiAPI task the test follows, once created; a nudge
	// (Runner.Nudge) about it asks the poll to come now.
	task  string
	nudge chan struct{}
}

// NewRunner returns a runner; Shutdown stops its tests. provider is HiAPI;
// prober asks every other target (nil: their live tests read unknown).
func NewRunner(store Store, provider Provider, prober Prober, cfg LiveConfig, log *slog.Logger, now func() time.Time) *Runner {
	cfg = cfg.withDefaults()
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	saving, abandon := context.WithCancel(context.Background())
	return &Runner{
		store: store, provider: provider, prober: prober, cfg: cfg, log: log, now: now,
		ctx: ctx, cancel: cancel, saving: saving, abandon: abandon,
		flights: map[string]*flight{},
	}
}

// Start begins the live test of the stored run with key. It returns a
// *NotSentError when the key's diagnosis says HiAPI cannot accept it
// (checks.PlanLive), before anything is reserved, saved or sent;
// ErrShuttingDown once Shutdown has begun; ErrLiveBusy if the run's test
// is in flight; and whatever the store says if the run cannot be read or
// saved. The key lives only in the test's goroutine and is dropped when the
// test ends.
func (lr *Runner) Start(runID, key string) error {
	// The plan rests on the run's target: read it before anything is
	// reserved, and read the run again once its slot is held.
	ctx, cancel := context.WithTimeout(lr.ctx, saveTimeout)
	defer cancel()
	r, err := lr.getRun(ctx, runID)
	if err != nil {
		return err
	}
	plan := Plan(key, r.Provider)
	if !plan.Send {
		return &NotSentError{Reason: plan.Reason, Cause: plan.Cause}
	}
	if err := lr.reserve(runID); err != nil {
		return err
	}
	// The first save waits as long as any save may: with many tests at
	// once, writes queue for the database.
	r, err = lr.store.GetRun(ctx, runID)
	if err == nil {
		r.beginLive(plan)
		r.Instance = lr.cfg.Instance
		r.Updated = lr.now().UTC()
		err = lr.store.UpdateRun(ctx, r)
	}
	if err != nil {
		lr.finish(runID)
		lr.wg.Done()
		if lr.ctx.Err() != nil {
			return ErrShuttingDown // Shutdown cut the store's work short
		}
		return err
	}
	go lr.run(r, plan)
	return nil
}

// getRun reads the run, or says keycheck is stopping when Shutdown cut
// the read short.
func (lr *Runner) getRun(ctx context.Context, runID string) (*Run, error) {
	r, err := lr.store.GetRun(ctx, runID)
	if err != nil && lr.ctx.Err() != nil {
		return nil, ErrShuttingDown
	}
	return r, err
}

// reserve takes the run's slot, so one test (or owner probe) runs at a
// time, under the lock; the database work is done outside it: Running,
// Subscribe and every other run's updates must not wait behind this run's
// writes. The caller calls lr.finish and lr.wg.Done when it ends.
func (lr *Runner) reserve(runID string) error {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if lr.ctx.Err() != nil {
		return ErrShuttingDown
	}
	if _, busy := lr.flights[runID]; busy {
		return ErrLiveBusy
	}
	lr.flights[runID] = &flight{subs: map[chan *Run]struct{}{}, nudge: make(chan struct{}, 1)}
	lr.wg.Add(1)
	return nil
}

// Plan is what the live test of a run for target sends of key
// (checks.PlanLive): the one place the runner and the pages ask it.
func Plan(key string, target checks.ProviderID) checks.LivePlan {
	return checks.PlanLiveTo(key, target)
}

// Running reports whether the run's live test is in flight.
func (lr *Runner) Running(runID string) bool {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	_, ok := lr.flights[runID]
	return ok
}

// Subscribe delivers the run each time its live test changes it. The
// channel holds only the latest state, so a slow page skips states rather
// than holding the test up; it is closed when the test ends. If no test is
// in flight, the channel is closed at once.
func (lr *Runner) Subscribe(runID string) (<-chan *Run, func()) {
	ch := make(chan *Run, 1)
	lr.mu.Lock()
	defer lr.mu.Unlock()
	f, ok := lr.flights[runID]
	if !ok {
		close(ch)
		return ch, func() {}
	}
	f.subs[ch] = struct{}{}
	return ch, func() {
		lr.mu.Lock()
		defer lr.mu.Unlock()
		if f, ok := lr.flights[runID]; ok {
			if _, ok := f.subs[ch]; ok {
				delete(f.subs, ch)
				close(ch)
			}
		}
	}
}

// Shutdown stops every live test in flight: each saves its run as
// interrupted (Run.Interrupt), with the task id, so no run stays
// "running"; a Start from then on returns ErrShuttingDown. It waits for
// the tests until ctx ends; then the saves still retrying give up, so
// nothing writes to the store after it is closed.
func (lr *Runner) Shutdown(ctx context.Context) error {
	defer lr.abandon()
	// Under the lock, so a Start either reserved its slot (and is waited
	// for) or sees the runner stopped.
	lr.mu.Lock()
	lr.cancel()
	lr.mu.Unlock()
	done := make(chan struct{})
	go func() {
		lr.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run is one live test in its own goroutine.
func (lr *Runner) run(r *Run, plan checks.LivePlan) {
	defer lr.wg.Done()
	defer lr.finish(r.ID)
	lr.mu.Lock()
	nudge := lr.flights[r.ID].nudge
	lr.mu.Unlock()
	tester{p: lr.provider, o: lr.prober, cfg: lr.cfg, save: lr.save, plan: plan, nudge: nudge}.test(lr.ctx, r)
}

// Test runs the three live steps on r: the free probe, the test task, and
// polling it to the image. It follows the key's diagnosis
// (checks.PlanLive): a key HiAPI cannot accept is not sent, and its live
// steps skip with the reason; a key with a fault keycheck can remove is
// sent without it, and every live step says so. It calls save after every
// change, and returns when the test ends; if ctx ends first, r is
// interrupted (Run.Interrupt): the steps in flight read unknown and r.Live
// is LiveInterrupted. The server's Runner and the CLI share it. p is
// HiAPI, o every other target (r.Provider says which is asked).
func Test(ctx context.Context, p Provider, o Prober, cfg LiveConfig, r *Run, key string, save func(*Run)) {
	tester{p: p, o: o, cfg: cfg.withDefaults(), save: save, plan: Plan(key, r.Provider)}.test(ctx, r)
}

// tester is one live test: where it asks, how, where it saves, and what it
// sends (plan.Key, never the key as given).
type tester struct {
	p    Provider
	o    Prober
	cfg  LiveConfig
	save func(*Run)
	plan checks.LivePlan
	// start is when the probe went out: TaskView.Waited counts from it.
	start time.Time
	// nudge brings the next poll forward (Runner.Nudge); nil for none.
	nudge <-chan struct{}
}

// set records a live step's result on r, saying when the key was
// cleaned: every live step of such a test is evidence about the cleaned
// key, never the key as given.
func (t *tester) set(r *Run, res checks.Result) {
	res.Title = checks.TitleFor(res.ID, r.Provider)
	r.SetStep(t.plan.Annotate(res))
}

// test runs the steps under one deadline, the live test's time-out, so
// no answer, retry or Retry-After keeps the key in memory and the run
// "running" past it. ctx ending is keycheck stopping (the run is
// interrupted); the deadline passing is an answer that came too late (the
// step reads unknown). Nothing in it is fail unless HiAPI said so.
func (t tester) test(ctx context.Context, r *Run) {
	if !t.plan.Send {
		// The diagnosis says HiAPI cannot accept this key: nothing is sent.
		for _, id := range liveSteps {
			r.SetStep(t.plan.NotSent(id))
		}
		t.end(r)
		return
	}
	key := t.plan.Key
	if r.Live != LiveRunning {
		r.beginLive(t.plan)
		t.save(r)
	}
	t.start = time.Now()
	dctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	if !isHiAPI(r.Provider) {
		t.testOther(ctx, dctx, r, key)
		return
	}
	answer := t.p.Probe(dctx, key)
	answer.BaseURL = t.cfg.BaseURL
	if ctx.Err() != nil {
		t.interrupt(r)
		return
	}
	auth := checks.AuthVerdict(answer)
	t.set(r, auth)
	if auth.Status != checks.StatusPass {
		t.set(r, skipped(checks.StepModel, "Skipped: the auth step did not pass, so no task was created and nothing was spent."))
		t.set(r, skipped(checks.StepResult, "Skipped: no test task was created."))
		t.end(r)
		return
	}
	if dctx.Err() != nil {
		// Nothing is sent: a task created now would spend credits with no
		// time left to wait for it.
		late := live(checks.StepModel, checks.StatusUnknown, "Not run: the live test's "+
			strconv.FormatFloat(t.cfg.Timeout.Seconds(), 'f', -1, 64)+" s ran out before the test task was created, so nothing was spent.")
		late.Fix = "Run the live test again."
		t.set(r, late)
		t.set(r, skipped(checks.StepResult, "Skipped: no test task was created."))
		t.end(r)
		return
	}
	t.set(r, live(checks.StepModel, checks.StatusRunning, "Creating one test task with "+r.Model+"…"))
	t.save(r)

	taskID, answer := t.p.CreateTask(dctx, key, r.Model, r.Prompt)
	answer.BaseURL = t.cfg.BaseURL
	if ctx.Err() != nil && taskID == "" {
		t.interrupt(r)
		return
	}
	model := checks.ModelVerdict(r.Model, answer, taskID)
	t.set(r, model)
	if model.Status != checks.StatusPass || taskID == "" {
		t.set(r, skipped(checks.StepResult, "Skipped: no test task was created."))
		t.end(r)
		return
	}
	r.TaskID = taskID
	running := live(checks.StepResult, checks.StatusRunning, "Waiting for HiAPI to finish task "+taskID+"…")
	running.Live = &checks.LiveEvidence{TaskID: taskID, TaskStatus: "queued"}
	t.set(r, running)
	t.save(r)

	res, ok := t.poll(ctx, dctx, r, key, taskID)
	if !ok {
		t.interrupt(r)
		return
	}
	t.set(r, res)
	t.end(r)
}

// testOther is the live test of a target other than HiAPI: its free probe,
// then its free model endpoint when it has one; nothing is spent, so the
// result step says so (checks.NotSpent).
func (t tester) testOther(ctx, dctx context.Context, r *Run, key string) {
	target, _ := checks.TargetOf(r.Provider)
	answer := t.ask(func(o Prober) checks.Answer { return o.Probe(dctx, target.ID, key) })
	if ctx.Err() != nil {
		t.interrupt(r)
		return
	}
	answer.Provider = target.ID
	auth := checks.AuthVerdict(answer)
	t.set(r, auth)
	t.set(r, checks.NotSpent(target.ID))
	switch {
	case auth.Status != checks.StatusPass:
		t.set(r, skipped(checks.StepModel, "Skipped: the auth step did not pass, so "+target.Name+" was not asked about the model."))
	case target.ModelPath == "":
		t.set(r, skipped(checks.StepModel, target.Name+" has no free endpoint that tells whether a key may use a model, so keycheck does not judge "+r.Model+"."))
	default:
		t.set(r, live(checks.StepModel, checks.StatusRunning, "Asking "+target.Name+" about "+r.Model+" (free)…"))
		t.save(r)
		answer = t.ask(func(o Prober) checks.Answer { a, _ := o.Model(dctx, target.ID, key, r.Model); return a })
		if ctx.Err() != nil {
			t.interrupt(r)
			return
		}
		answer.Provider = target.ID
		t.set(r, checks.ModelProbeVerdict(r.Model, answer))
	}
	t.end(r)
}

// ask calls the prober, or answers that there is none (a runner wired
// without one): nothing was sent.
func (t tester) ask(call func(Prober) checks.Answer) checks.Answer {
	if t.o == nil {
		return checks.Answer{Kind: checks.AnswerRequest, Message: "this keycheck has no client for this provider"}
	}
	return call(t.o)
}

// isHiAPI reports whether target is HiAPI ("" is).
func isHiAPI(target checks.ProviderID) bool {
	return target == "" || target == checks.ProviderHiAPI
}

// liveSteps are the steps a live test decides, in order.
var liveSteps = [...]checks.ID{checks.StepAuth, checks.StepModel, checks.StepResult}

// waited is how long the test has run, in whole seconds, rounded: what
// the result step says the person waited.
func (t tester) waited() int {
	return int((time.Since(t.start) + time.Second/2) / time.Second)
}

// poll reads the task until it ends, the test's deadline (dctx) passes,
// or keycheck stops (ctx); ok is false in the last case. It waits
// PollEvery, backing off to PollMax, and longer when HiAPI sends
// Retry-After; it never polls faster than MinPoll. A nudge (HiAPI called
// back) brings the next poll forward (tester.pause). The deadline bounds
// the waits and the polls alike: a poll that hangs must not outlive it
// either.
func (t tester) poll(ctx, dctx context.Context, r *Run, key, taskID string) (res checks.Result, ok bool) {
	delay := t.cfg.PollEvery
	last := checks.TaskView{TaskID: taskID, Status: "queued"}
	var lastAnswer checks.Answer
	asked := time.Now() // the create: a poll right after it would learn nothing
	for {
		if t.pause(dctx, delay, asked) != nil {
			if ctx.Err() != nil {
				return checks.Result{}, false
			}
			return t.timedOut(last, lastAnswer), true
		}

		asked = time.Now()
		task, answer, ok := t.p.GetTask(dctx, key, taskID)
		lastAnswer = answer
		delay = min(t.cfg.PollMax, delay+delay/4)
		if !ok {
			// A failed poll says nothing about the task: keep waiting,
			// slower if HiAPI asked for it.
			if ra := time.Duration(answer.RetryAfter) * time.Second; ra > delay {
				delay = min(ra, maxRetryAfter)
			}
			continue
		}
		task.BaseURL = t.cfg.BaseURL
		task.Waited = t.waited()
		last = task
		// Whether the task ended is the verdict's rule, as everywhere.
		if res := checks.ResultVerdict(task); res.Status != checks.StatusRunning {
			if res.Live != nil && res.Live.RequestID == "" {
				res.Live.RequestID = answer.RequestID
			}
			return res, true
		}
		progress := live(checks.StepResult, checks.StatusRunning, "HiAPI is working on task "+taskID+": "+task.Status+"…")
		progress.Live = &checks.LiveEvidence{TaskID: taskID, TaskStatus: task.Status}
		if cur, ok := r.Step(checks.StepResult); !ok || cur.Live == nil || cur.Live.TaskStatus != task.Status {
			t.set(r, progress)
			t.save(r)
		}
	}
}

// timedOut is the result step when polling ran out of time before the task
// ended: the task keeps running at HiAPI.
func (t tester) timedOut(last checks.TaskView, lastAnswer checks.Answer) checks.Result {
	last.TimedOut = true
	last.Waited = t.waited()
	last.BaseURL = t.cfg.BaseURL
	res := checks.ResultVerdict(last)
	if res.Live != nil && lastAnswer.RequestID != "" && res.Live.RequestID == "" {
		res.Live.RequestID = lastAnswer.RequestID
	}
	return res
}

// interrupt ends a test cut short because keycheck stops, the way a run
// left running is marked at the next start (Run.Interrupt).
func (t tester) interrupt(r *Run) {
	r.Interrupt(t.cfg.BaseURL)
	t.save(r)
}

func (t tester) end(r *Run) {
	r.Live = LiveDone
	t.save(r)
}

// save stores the run and shows it to the pages watching. A store that
// is busy (many tests saving at once) is retried for up to saveTimeout, so
// a run does not stay "running" for want of one write; a stop does not cut
// it short (the interrupted state is the save that matters most) unless
// Shutdown runs out of time. A save that still fails is logged, and the
// pages see the state all the same.
func (lr *Runner) save(r *Run) {
	r.Updated = lr.now().UTC()
	ctx, cancel := context.WithTimeout(lr.saving, saveTimeout)
	defer cancel()
	backoff := 50 * time.Millisecond
	for {
		err := lr.store.UpdateRun(ctx, r)
		if err == nil || errors.Is(err, ErrNotFound) {
			break
		}
		if wait.For(ctx, backoff) != nil {
			lr.log.Error("saving live step", "run", r.ID, "err", err)
			break
		}
		backoff = min(2*backoff, time.Second)
	}
	lr.publish(r)
}

// saveTimeout bounds the retries of one save.
const saveTimeout = 30 * time.Second

func (lr *Runner) publish(r *Run) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	f, ok := lr.flights[r.ID]
	if !ok {
		return
	}
	f.task = r.TaskID // what a callback names (Nudge)
	for ch := range f.subs {
		snapshot := r.Clone()
		select {
		case <-ch: // drop the stale state nobody read yet
		default:
		}
		ch <- snapshot
	}
}

// finish ends the flight: watchers' channels close, and a new test of the
// same run may start.
func (lr *Runner) finish(runID string) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if f, ok := lr.flights[runID]; ok {
		for ch := range f.subs {
			close(ch)
		}
		delete(lr.flights, runID)
	}
}

// beginLive sets the live steps to their starting state, saying when the
// key sent is the cleaned one.
func (r *Run) beginLive(plan checks.LivePlan) {
	r.Live = LiveRunning
	r.TaskID = ""
	target, _ := checks.TargetOf(r.Provider)
	result := live(checks.StepResult, checks.StatusPending, "Waits for the test task.")
	if !isHiAPI(target.ID) {
		result = checks.NotSpent(target.ID)
	}
	for _, res := range [...]checks.Result{
		live(checks.StepAuth, checks.StatusRunning, "Asking "+target.Name+" whether it accepts the key (free)…"),
		live(checks.StepModel, checks.StatusPending, "Waits for auth."),
		result,
	} {
		res.Title = checks.TitleFor(res.ID, target.ID)
		r.SetStep(plan.Annotate(res))
	}
}

func live(id checks.ID, status checks.Status, detail string) checks.Result {
	step, _ := checks.Lookup(id)
	return checks.Result{ID: id, Title: step.Title, Status: status, Detail: detail}
}

func skipped(id checks.ID, detail string) checks.Result {
	return live(id, checks.StatusSkip, detail)
}
