package web

import (
	"context"
	"strings"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

// maxCachedRuns bounds the run cache: an entry is a run and its rendered
// checklist, some twenty kilobytes, so the cache stays near 10 MB.
const maxCachedRuns = 512

// runCache is keycheck's one cache: stored runs by id, decoded, with what
// their page shows of them rendered once. A run page is read far more often
// than its run changes (a live test saves a few times; pages and scripts
// poll it every second or so), and reading the run, decoding its steps and
// rendering its checklist were most of its cost.
//
// Staleness is decided here and nowhere else. Every write to a run, by any
// process or store handle (the live runner, another instance, the startup
// sweep that marks tests interrupted), sets its Updated; so every read asks
// the store for that one column (RunStore.RunUpdated), and uses the entry
// only when it matches. A run deleted since (pruned) is not found, and
// leaves the cache.
type runCache struct {
	store RunStore
	lru   *lru.Cache[string, *cachedRun]
}

// cachedRun is one stored run as pages read it. Its run is shared by every
// request that reads it: nothing may change it.
type cachedRun struct {
	run *run.Run

	once  sync.Once
	parts runParts
}

// runParts is what a run page shows of the run alone: the same for every
// viewer, and fixed until the run changes.
type runParts struct {
	title       string
	description string
	// verdict is the run's answer, and verdictHTML its rendered box ("" if
	// rendering failed: the page renders it itself).
	verdict     checks.Verdict
	verdictHTML string
	// curl reproduces HiAPI's paid test task by hand ("" for another
	// target: keycheck never spends its credits), probeCurl the target's
	// free probe and modelsCurl its free list of models ("" when the probe
	// is that list already).
	curl, probeCurl, modelsCurl string
	// checklist is the rendered checklist; "" if rendering failed (the
	// page then renders it itself, and reports the error).
	checklist string
}

func newRunCache(store RunStore) *runCache {
	c, err := lru.New[string, *cachedRun](maxCachedRuns)
	if err != nil {
		panic("web: run cache: " + err.Error()) // only for a size <= 0
	}
	return &runCache{store: store, lru: c}
}

// get returns the stored run with the given id, as current as the store's
// own copy, and its entry. The run is shared: callers must not change it
// (Clone it first).
func (c *runCache) get(ctx context.Context, id string) (*run.Run, *cachedRun, error) {
	if e, ok := c.lru.Get(id); ok {
		updated, err := c.store.RunUpdated(ctx, id)
		if err != nil {
			if isNotFound(err) {
				c.lru.Remove(id)
			}
			return nil, nil, err
		}
		if updated.Equal(e.run.Updated) {
			return e.run, e, nil
		}
	}
	r, err := c.store.GetRun(ctx, id)
	if err != nil {
		if isNotFound(err) {
			c.lru.Remove(id)
		}
		return nil, nil, err
	}
	e := &cachedRun{run: r}
	c.lru.Add(id, e)
	return r, e, nil
}

// pageParts makes the run's page parts on first use; base is the origin
// the server asks for the run's target, fixed for the run. The render
// outlives the request that asks first, so that request's cancellation
// must not cut it short.
func (e *cachedRun) pageParts(ctx context.Context, base string) runParts {
	e.once.Do(func() {
		e.parts = newRunParts(e.run, base)
		ctx := context.WithoutCancel(ctx)
		var b strings.Builder
		if err := templates.ChecklistBody(runChecklist(e.run)).Render(ctx, &b); err == nil {
			e.parts.checklist = b.String()
		}
		b.Reset()
		if err := templates.RunVerdict(e.parts.verdict, e.run.ID, e.run.Provider).Render(ctx, &b); err == nil {
			e.parts.verdictHTML = b.String()
		}
	})
	return e.parts
}

// newRunParts makes a run's page parts but the checklist, which a page whose
// run is moving renders itself; base is the origin asked for the run's
// target (Server.originOf).
func newRunParts(r *run.Run, base string) runParts {
	v := checks.VerdictOf(r.Steps)
	p := runParts{
		title:       runTitle(r, v),
		description: runDescription(r, v),
		verdict:     v,
		probeCurl:   checks.ProbeCurlCommandFor(r.Provider, base),
	}
	if t, _ := checks.TargetOf(r.Provider); t.ID == checks.ProviderHiAPI {
		p.curl = checks.CurlCommand(base, r.Model, r.Prompt)
	} else if models := checks.ModelsCurlCommandFor(t.ID, base); models != p.probeCurl {
		p.modelsCurl = models
	}
	return p
}

// runChecklist is the checklist view of a stored run.
func runChecklist(r *run.Run) templates.Checklist {
	return templates.Checklist{Results: r.Steps, Fingerprint: r.Fingerprint, RunID: r.ID, VarName: templates.TargetVar(r.Provider), Target: r.Provider}
}
