package web

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

// fragments keeps the rendered checklist of finished runs: it depends on
// the run alone (not on who looks), it never changes once the live test is
// over, and rendering it was most of the run page's cost. An entry is
// keyed by the run's last update, so a new live test replaces it.
type fragments struct {
	mu sync.Mutex
	m  map[string]fragment
}

type fragment struct {
	version string
	html    string
}

// maxFragments bounds the cache: a checklist is a few kilobytes.
const maxFragments = 512

// checklist returns the run's rendered checklist, or "" while its live
// test runs (the page then renders it fresh, with the steps moving).
func (f *fragments) checklist(ctx context.Context, r *run.Run, c templates.Checklist, running bool) string {
	if running || r.Live == run.LiveRunning {
		return ""
	}
	version := strconv.FormatInt(r.Updated.UnixNano(), 10) + "/" + string(r.Live)
	f.mu.Lock()
	e, ok := f.m[r.ID]
	f.mu.Unlock()
	if ok && e.version == version {
		return e.html
	}
	var b strings.Builder
	if err := templates.ChecklistBody(c).Render(ctx, &b); err != nil {
		return ""
	}
	f.mu.Lock()
	if f.m == nil || len(f.m) >= maxFragments {
		f.m = make(map[string]fragment)
	}
	f.m[r.ID] = fragment{version: version, html: b.String()}
	f.mu.Unlock()
	return b.String()
}
