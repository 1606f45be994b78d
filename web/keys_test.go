package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// liveForm says which live-test form a run page offers.
func liveForm(t *testing.T, d *goquery.Document) string {
	t.Helper()
	held := d.Find(`[data-testid="forget-button"]`).Length() == 1
	paste := d.Find(`[data-testid="live-key"]`).Length() == 1
	switch {
	case held && !paste:
		return "held"
	case paste && !held:
		return "paste"
	case !held && !paste && strings.Contains(d.Find(`[data-testid="live-state"]`).Text(), "Running"):
		return "running"
	}
	t.Fatalf("run page offers held=%v paste=%v", held, paste)
	return ""
}

func TestKeyHeldForItsSessionOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	me, mate := e.browser(), e.browser()
	id := me.createRun(url.Values{"key": {cleanKey}})

	d := me.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := liveForm(t, d); got != "held" {
		t.Fatalf("the browser that made the run sees %q, want the held-key button", got)
	}
	if b := d.Find(`[data-testid="live-button"]`).Text(); !strings.Contains(b, "Run live test") || !strings.Contains(b, testModel) {
		t.Errorf("live button %q", b)
	}
	if !strings.Contains(d.Find(`[data-testid="live"]`).Text(), "15 minutes") {
		t.Error("the page does not say how long the key is kept (KeyTTL)")
	}

	md := mate.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := liveForm(t, md); got != "paste" {
		t.Fatalf("a teammate sees %q, want the paste-your-key form", got)
	}
	if !strings.Contains(md.Find(`label[for="live-key"]`).Text(), "Paste your key") {
		t.Errorf("label %q", md.Find(`label[for="live-key"]`).Text())
	}

	// A teammate cannot wipe or use someone else's key.
	mate.postForm("/runs/"+id+"/forget", nil).wantStatus(http.StatusSeeOther)
	if got := liveForm(t, me.get("/runs/"+id).doc()); got != "held" {
		t.Errorf("a teammate's forget wiped my key: %q", got)
	}
	mate.postForm("/runs/"+id+"/live", nil).wantStatus(http.StatusSeeOther)
	if flash := mate.get("/runs/" + id).doc().Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "Paste your key") {
		t.Errorf("teammate's live press without a key: flash %q", flash)
	}
	if e.Provider.probes.Load() != 0 {
		t.Fatal("a teammate started a live test with my key")
	}

	// Forget wipes it.
	r := me.postForm("/runs/"+id+"/forget", nil).wantStatus(http.StatusSeeOther)
	if r.location() != "/runs/"+id {
		t.Errorf("forget redirects to %q", r.location())
	}
	d = me.get("/runs/" + id).doc()
	if got := liveForm(t, d); got != "paste" {
		t.Errorf("after forget: %q, want paste", got)
	}
	if !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "forgotten") {
		t.Errorf("flash %q", d.Find(`[data-testid="flash"]`).Text())
	}
	if e.Keys.Len() != 0 {
		t.Errorf("%d keys still held after forget", e.Keys.Len())
	}
	me.postForm("/runs/"+id+"/live", nil).wantStatus(http.StatusSeeOther)
	if e.Provider.probes.Load() != 0 {
		t.Error("a live test ran with a forgotten key")
	}
}

func TestKeyExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) { su.cfg.KeyTTL = 2 * time.Minute })
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}})
	d := b.get("/runs/" + id).doc()
	if got := liveForm(t, d); got != "held" {
		t.Fatalf("fresh key: %q", got)
	}
	if !strings.Contains(d.Find(`[data-testid="live"]`).Text(), "2 minutes") {
		t.Errorf("the page does not say the key is kept 2 minutes: %q", d.Find(`[data-testid="live"]`).Text())
	}
	e.Clock.Advance(time.Minute)
	if got := liveForm(t, b.get("/runs/"+id).doc()); got != "held" {
		t.Fatalf("within the TTL: %q", got)
	}
	e.Clock.Advance(time.Minute + time.Second)
	if got := liveForm(t, b.get("/runs/"+id).doc()); got != "paste" {
		t.Fatalf("after the TTL: %q, want paste", got)
	}
	b.postForm("/runs/"+id+"/live", nil).wantStatus(http.StatusSeeOther)
	if flash := b.get("/runs/" + id).doc().Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "Paste your key") {
		t.Errorf("live press after the TTL: flash %q", flash)
	}
	if e.Provider.probes.Load() != 0 {
		t.Error("an expired key was used")
	}
}

func TestKeyNotHeldForAPIRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	created := b.apiCreateRun(map[string]any{"key": cleanKey})
	if e.Keys.Len() != 0 {
		t.Errorf("the API left %d keys in memory; it never needs one again", e.Keys.Len())
	}
	if got := liveForm(t, b.get("/runs/"+created.ID).doc()); got != "paste" {
		t.Errorf("run made by the API: %q", got)
	}
}
