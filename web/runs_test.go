package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

func TestRunCreateForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey + "\n"}, "base_url": {"https://api.openai.com/v1"}})

	page := b.get("/runs/" + id).wantStatus(http.StatusOK)
	d := page.doc()
	if items := d.Find(`[data-testid="steps"] > li`); items.Length() != 11 {
		t.Fatalf("run page shows %d steps, want 11", items.Length())
	}
	if got := stepStatus(d, checks.StepWhitespace); got != "fail" {
		t.Errorf("whitespace %q, want fail", got)
	}
	// The verdict comes first: in the title, and at the top of the page,
	// above who ran it and the steps, linking to the cause's step page.
	title := d.Find("title").Text()
	if !strings.HasPrefix(title, "✗ whitespace: Your key ends with a newline") {
		t.Errorf("<title> %q does not lead with the verdict", title)
	}
	verdict := d.Find(`#run-body [data-testid="verdict"]`)
	if verdict.AttrOr("data-status", "") != "fail" || !strings.Contains(verdict.Find("h1").Text(), "newline") {
		t.Errorf("verdict %q (%s), want the newline as the page's heading", verdict.Text(), verdict.AttrOr("data-status", ""))
	}
	if href := verdict.Find(`[data-testid="verdict-step"]`).AttrOr("href", ""); href != "/runs/"+id+"/steps/whitespace" {
		t.Errorf("the verdict links to %q, want the whitespace step's page", href)
	}
	if d.Find("h1").Length() != 1 {
		t.Errorf("%d headings, want the verdict alone", d.Find("h1").Length())
	}
	order := d.Find(`[data-testid="verdict"], [data-testid="byline"], [data-testid="fingerprint"], [data-testid="steps"]`)
	if got := order.First().AttrOr("data-testid", ""); got != "verdict" {
		t.Errorf("the run page starts with %q, want the verdict", got)
	}
	if desc := d.Find(`meta[name="description"]`).AttrOr("content", ""); !strings.Contains(desc, "whitespace") {
		t.Errorf("description %q does not name the failed step", desc)
	}
	// Every failed step links to its own page; a passing one is not
	// singled out as a failure.
	d.Find(`[data-testid="steps"] > li`).Each(func(_ int, li *goquery.Selection) {
		step := strings.TrimPrefix(li.AttrOr("data-testid", ""), "step-")
		if li.AttrOr("data-status", "") != "fail" {
			return
		}
		href := li.Find(`[data-testid="step-link"]`).AttrOr("href", "")
		if href != "/runs/"+id+"/steps/"+step {
			t.Errorf("failed step %s links to %q", step, href)
		}
	})
	if by := d.Find(`[data-testid="by"]`).Text(); by != "someone" {
		t.Errorf("by %q with no display name, want someone", by)
	}
	if copyLink := d.Find(`[data-testid="copy-run-link"]`).AttrOr("data-copy", ""); copyLink != "/runs/"+id {
		t.Errorf("copy link copies %q", copyLink)
	}
	if d.Find(`[data-testid="fingerprint"]`).Length() != 1 {
		t.Error("run page has no fingerprint")
	}
}

func TestRunCreateAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	r := b.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": openAIKey, "base_url": "https://api.hiapi.ai"})).wantStatus(http.StatusCreated)
	var created apiRun
	r.json(&created)

	if len(created.ID) != 22 {
		t.Fatalf("id %q: want 22 URL-safe characters (128 bits)", created.ID)
	}
	if loc := r.Header.Get("Location"); loc != e.URL+"/api/v1/runs/"+created.ID {
		t.Errorf("Location %q, want %s/api/v1/runs/%s", loc, e.URL, created.ID)
	}
	if created.URL != e.URL+"/runs/"+created.ID {
		t.Errorf("url %q", created.URL)
	}
	if created.Live != "not_run" {
		t.Errorf("live %q before any live test, want not_run", created.Live)
	}
	if created.By != "" {
		t.Errorf("by %q, want empty (someone)", created.By)
	}
	if created.Created.IsZero() || created.Fingerprint.SHA256 == "" || created.Model != testModel {
		t.Errorf("run lacks created/fingerprint/model: %+v", created)
	}
	cat := checks.Catalogue()
	if len(created.Steps) != len(cat) {
		t.Fatalf("%d steps", len(created.Steps))
	}
	for i, st := range created.Steps {
		if st.ID != string(cat[i].ID) || st.Title == "" || st.Status == "" || st.Detail == "" {
			t.Errorf("step %d: %+v", i, st)
		}
		if want := e.URL + "/runs/" + created.ID + "/steps/" + st.ID; st.URL != want {
			t.Errorf("step %s url %q, want %q", st.ID, st.URL, want)
		}
	}
	if created.step(t, checks.StepProvider).Status != "fail" {
		t.Error("OpenAI key: provider step does not fail")
	}

	got := b.apiRun(created.ID)
	if got.ID != created.ID || len(got.Steps) != 11 || got.Fingerprint != created.Fingerprint || !got.Created.Equal(created.Created) {
		t.Errorf("GET gives %+v, want what POST gave %+v", got, created)
	}
	// The page and the step permalinks in the JSON work.
	b.get("/runs/" + created.ID).wantStatus(http.StatusOK)
	for _, st := range got.Steps {
		u, _ := url.Parse(st.URL)
		b.get(u.Path).wantStatus(http.StatusOK)
	}
}

func TestPublicURLInPermalinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) { su.cfg.PublicURL = "https://keycheck.example.com/" })
	created := e.browser().apiCreateRun(map[string]any{"key": cleanKey})
	if created.URL != "https://keycheck.example.com/runs/"+created.ID {
		t.Errorf("url %q, want it under PublicURL", created.URL)
	}
}

func TestStepPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey + "\n"}})

	d := b.get("/runs/" + id + "/steps/whitespace").wantStatus(http.StatusOK).doc()
	if st := d.Find(`[data-testid="step-whitespace"]`).AttrOr("data-status", ""); st != "fail" {
		t.Errorf("status %q, want fail", st)
	}
	if !strings.Contains(d.Find("h1").Text(), "fail") {
		t.Errorf("heading %q does not say fail", d.Find("h1").Text())
	}
	detail := strings.TrimSpace(d.Find(`[data-testid="detail"]`).Text())
	if !strings.Contains(detail, "newline") {
		t.Errorf("detail %q", detail)
	}
	if d.Find(`[data-testid="fix"]`).Text() == "" {
		t.Error("no fix")
	}
	step, _ := checks.Lookup(checks.StepWhitespace)
	if q := d.Find(`[data-testid="question"]`).Text(); q != step.Question {
		t.Errorf("what this step checks: %q, want %q", q, step.Question)
	}
	if why := d.Find(`[data-testid="why"]`).Text(); why == "" {
		t.Error("no why")
	}
	if c := d.Find(`[data-testid="copy-link"]`).AttrOr("data-copy", ""); c != "/runs/"+id+"/steps/whitespace" {
		t.Errorf("copy link copies %q", c)
	}
	if p := d.Find(`[data-testid="prev"]`).AttrOr("href", ""); p != "/runs/"+id+"/steps/present" {
		t.Errorf("previous step link %q", p)
	}
	if n := d.Find(`[data-testid="next"]`).AttrOr("href", ""); n != "/runs/"+id+"/steps/characters" {
		t.Errorf("next step link %q", n)
	}
	title := d.Find("title").Text()
	if !strings.Contains(title, "whitespace") || !strings.Contains(title, "fail") {
		t.Errorf("<title> %q: want the step and its failure named for chat previews", title)
	}
	desc := d.Find(`meta[name="description"]`).AttrOr("content", "")
	if !strings.Contains(desc, "newline") || !strings.Contains(desc, "Fix:") {
		t.Errorf("description %q: want the detail and the fix", desc)
	}
	if og := d.Find(`meta[property="og:title"]`).AttrOr("content", ""); og != title {
		t.Errorf("og:title %q, want %q", og, title)
	}
	if d.Find(`[data-testid="fingerprint"]`).Length() != 1 {
		t.Error("no fingerprint on the step page")
	}

	// The ends of the list have one neighbour.
	first := b.get("/runs/" + id + "/steps/present").wantStatus(http.StatusOK).doc()
	if first.Find(`[data-testid="prev"]`).Length() != 0 || first.Find(`[data-testid="next"]`).Length() != 1 {
		t.Error("first step: want only a next link")
	}
	last := b.get("/runs/" + id + "/steps/result").wantStatus(http.StatusOK).doc()
	if last.Find(`[data-testid="next"]`).Length() != 0 || last.Find(`[data-testid="prev"]`).Length() != 1 {
		t.Error("last step: want only a previous link")
	}
	if st := last.Find(`[data-testid="step-result"]`).AttrOr("data-status", ""); st != "pending" {
		t.Errorf("result step before a live test: %q, want pending", st)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}})
	unknown := "AAAAAAAAAAAAAAAAAAAAAA" // well formed, never made

	pages := []string{
		"/runs/" + unknown,
		"/runs/" + unknown + "/steps/whitespace",
		"/runs/short",
		"/runs/" + id + "x",
		"/runs/" + id[:21] + "!",
		"/runs/..%2f..%2fetc%2fpasswd",
		"/runs/..%2F..%2Fkeycheck.db",
		"/runs/%2e%2e/%2e%2e/etc/passwd",
		"/runs/../../etc/passwd",
		"/runs/" + strings.Repeat("A", 200),
		"/runs/" + id + "/steps/nope",
		"/runs/" + id + "/steps/..%2fwhitespace",
		"/runs/" + id + "/steps/WHITESPACE",
		"/runs/" + unknown + "/events",
		"/no/such/page",
		"/static/abc/../../go.mod",
		"/static/abc/%2e%2e/%2e%2e/go.mod",
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			r := b.get(p).wantStatus(http.StatusNotFound)
			d := r.doc()
			if d.Find(`[data-testid="error"]`).Length() != 1 {
				t.Errorf("no friendly error page: %.300s", r.Body)
			}
			if !strings.Contains(d.Find("title").Text(), "Not found") {
				t.Errorf("title %q", d.Find("title").Text())
			}
			if d.Find(`a[href="/"]`).Length() == 0 {
				t.Error("the 404 page has no way back")
			}
		})
	}
	if msg := b.get("/runs/" + unknown).doc().Find(`[data-testid="error"]`).Text(); !strings.Contains(msg, "No run has this id") {
		t.Errorf("unknown run: %q", msg)
	}
	if msg := b.get("/runs/" + id + "/steps/nope").doc().Find(`[data-testid="error"]`).Text(); !strings.Contains(msg, "whitespace") {
		t.Errorf("unknown step does not list the steps: %q", msg)
	}

	for _, p := range []string{"/api/v1/runs/" + unknown, "/api/v1/runs/short", "/api/v1/runs/..%2f..%2fetc"} {
		r := b.get(p).wantStatus(http.StatusNotFound)
		if code := r.apiErr().Error.Code; code != "run_not_found" {
			t.Errorf("%s: code %q", p, code)
		}
	}
	// Posting to a run that is not there changes nothing either.
	b.postForm("/runs/"+unknown+"/live", url.Values{"key": {cleanKey}}).wantStatus(http.StatusNotFound)
	b.postForm("/runs/"+unknown+"/forget", nil).wantStatus(http.StatusNotFound)
	b.postJSON("/api/v1/runs/"+unknown+"/live", jsonBody(t, map[string]string{"key": cleanKey})).wantStatus(http.StatusNotFound)
	if e.Provider.probes.Load() != 0 {
		t.Error("a live test started for a run that does not exist")
	}
}

func TestRunList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()

	// 60 runs: every third with a trailing newline (whitespace fails).
	const n = 60
	var ids []string
	failing := map[string]bool{}
	for i := range n {
		key := randomKey()
		if i%3 == 0 {
			key += "\n"
		}
		r := b.apiCreateRun(map[string]any{"key": key})
		ids = append(ids, r.ID)
		failing[r.ID] = i%3 == 0
	}

	// Pages: newest first, 25 a page, each run once.
	var seen []string
	page := "/runs"
	for pages := 0; page != ""; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		d := b.get(page).wantStatus(http.StatusOK).doc()
		rows := d.Find(`[data-testid="run-row"]`)
		if rows.Length() > 25 {
			t.Fatalf("%d rows on a page", rows.Length())
		}
		rows.Each(func(_ int, tr *goquery.Selection) {
			href := tr.Find("td a").First().AttrOr("href", "")
			seen = append(seen, strings.TrimPrefix(href, "/runs/"))
		})
		page = d.Find(`[data-testid="older"]`).AttrOr("href", "")
	}
	if len(seen) != n {
		t.Fatalf("the pages list %d runs, want %d", len(seen), n)
	}
	dup := map[string]bool{}
	for i, id := range seen {
		if dup[id] {
			t.Errorf("run %s listed twice", id)
		}
		dup[id] = true
		if want := ids[n-1-i]; id != want {
			t.Errorf("row %d is %s, want %s (newest first)", i, id, want)
		}
	}

	// The API pages the same way.
	var apiSeen []string
	next := "/api/v1/runs"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("API pagination does not end")
		}
		var list apiRunList
		b.get(next).wantStatus(http.StatusOK).json(&list)
		for _, r := range list.Runs {
			apiSeen = append(apiSeen, r.ID)
			if len(r.Steps) != 11 {
				t.Errorf("run %s in the list has %d steps", r.ID, len(r.Steps))
			}
		}
		next = ""
		if list.Next != "" {
			u, err := url.Parse(list.Next)
			if err != nil || u.Host == "" {
				t.Fatalf("next %q is not an absolute URL", list.Next)
			}
			next = u.RequestURI()
		}
	}
	if strings.Join(apiSeen, ",") != strings.Join(seen, ",") {
		t.Error("the API lists the runs differently from the page")
	}

	// Filtered: only runs where whitespace failed, all of them.
	var filtered []string
	page = "/runs?failed=whitespace"
	for page != "" {
		d := b.get(page).wantStatus(http.StatusOK).doc()
		if !strings.Contains(d.Find("title").Text(), "whitespace") {
			t.Errorf("filtered title %q", d.Find("title").Text())
		}
		if sel := d.Find(`select#failed option[selected]`).AttrOr("value", ""); sel != "whitespace" {
			t.Errorf("the filter shows %q selected", sel)
		}
		d.Find(`[data-testid="run-row"]`).Each(func(_ int, tr *goquery.Selection) {
			id := strings.TrimPrefix(tr.Find("td a").First().AttrOr("href", ""), "/runs/")
			filtered = append(filtered, id)
			if !failing[id] {
				t.Errorf("run %s listed under failed=whitespace", id)
			}
			if a := tr.Find(`a[href="/runs/` + id + `/steps/whitespace"]`); a.Length() != 1 {
				t.Errorf("row of %s does not link to the failed step", id)
			}
		})
		page = d.Find(`[data-testid="older"]`).AttrOr("href", "")
		if page != "" && !strings.Contains(page, "failed=whitespace") {
			t.Errorf("the next page %q drops the filter", page)
		}
	}
	if len(filtered) != n/3 {
		t.Errorf("failed=whitespace lists %d runs, want %d", len(filtered), n/3)
	}

	// A filter with no match says so.
	d := b.get("/runs?failed=header").wantStatus(http.StatusOK).doc()
	if d.Find(`[data-testid="no-runs"]`).Length() != 1 {
		t.Error("no empty-state message")
	}
}

func TestRunListBadQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	for _, q := range []string{"failed=nope", "failed=%3Cscript%3E", "failed=" + strings.Repeat("é", 60), "before=garbage", "before=12.short", "before=x.AAAAAAAAAAAAAAAAAAAAAA"} {
		t.Run(q, func(t *testing.T) {
			typed, _ := url.ParseQuery(q)
			r := b.get("/runs?" + q).wantStatus(http.StatusBadRequest)
			if r.doc().Find(`[data-testid="error"]`).Length() != 1 {
				t.Errorf("no error page: %.300s", r.Body)
			}
			assertInert(t, r)
			api := b.get("/api/v1/runs?" + q).wantStatus(http.StatusBadRequest).apiErr()
			if api.Error.Code != "bad_filter" && api.Error.Code != "bad_cursor" {
				t.Errorf("code %q", api.Error.Code)
			}
			if strings.ContainsRune(api.Error.Message, '\ufffd') {
				t.Errorf("message cut inside a character: %q", api.Error.Message)
			}
			// What was typed is never shown back; a bad filter names the
			// steps there are instead.
			for _, v := range typed {
				if strings.Contains(api.Error.Message, v[0]) || strings.Contains(r.Body, v[0]) {
					t.Errorf("the answer echoes %q: %q", v[0], api.Error.Message)
				}
			}
			if api.Error.Code == "bad_filter" && !strings.Contains(api.Error.Message, "present, whitespace") {
				t.Errorf("bad_filter %q does not name the steps", api.Error.Message)
			}
		})
	}
}

func TestDisplayName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()

	r := b.postForm("/name", url.Values{"name": {"  Ada \u200b Lovelace\t"}, "back": {"/runs"}}).wantStatus(http.StatusSeeOther)
	if loc := r.location(); loc != "/runs" {
		t.Errorf("redirect to %q, want back to /runs", loc)
	}
	if flash := b.get("/runs").doc().Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "Ada Lovelace") {
		t.Errorf("flash %q", flash)
	}
	id := b.createRun(url.Values{"key": {cleanKey}})
	if by := b.get("/runs/" + id).doc().Find(`[data-testid="by"]`).Text(); by != "Ada Lovelace" {
		t.Errorf("run page by %q, want the cleaned name", by)
	}
	if by := b.get("/runs/" + id + "/steps/present").doc().Find(`[data-testid="by"]`).Text(); by != "Ada Lovelace" {
		t.Errorf("step page by %q", by)
	}
	if got := b.apiRun(id).By; got != "Ada Lovelace" {
		t.Errorf("API by %q", got)
	}
	if row := b.get("/runs").doc().Find(`[data-testid="run-row"]`).First().Text(); !strings.Contains(row, "Ada Lovelace") {
		t.Errorf("list row %q does not name the person", row)
	}

	// A teammate sees the same name on the run, and their own is unset.
	mate := e.browser()
	if by := mate.get("/runs/" + id).doc().Find(`[data-testid="by"]`).Text(); by != "Ada Lovelace" {
		t.Errorf("teammate sees by %q", by)
	}

	// Clearing the name makes the next run "someone"'s.
	b.postForm("/name", url.Values{"name": {"   "}, "back": {"/"}}).wantStatus(http.StatusSeeOther)
	id2 := b.createRun(url.Values{"key": {cleanKey}})
	if by := b.get("/runs/" + id2).doc().Find(`[data-testid="by"]`).Text(); by != "someone" {
		t.Errorf("by %q with an empty name, want someone", by)
	}

	// Long names are cut to 60 characters.
	b.postForm("/name", url.Values{"name": {strings.Repeat("é", 100)}}).wantStatus(http.StatusSeeOther)
	id3 := b.createRun(url.Values{"key": {cleanKey}})
	if by := b.apiRun(id3).By; by != strings.Repeat("é", 60) {
		t.Errorf("long name stored as %q", by)
	}
}

func TestNameRedirectStaysLocal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	for back, want := range map[string]string{
		"/runs/abc":            "/runs/abc",
		"":                     "/",
		"//evil.example/x":     "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
		"/ok\r\nSet-Cookie: x": "/",
	} {
		r := b.postForm("/name", url.Values{"name": {"x"}, "back": {back}}).wantStatus(http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != want {
			t.Errorf("back %q redirects to %q, want %q", back, got, want)
		}
	}
}

func TestRunStoredRedacted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	key := randomKey()
	created := b.apiCreateRun(map[string]any{"key": key + " ", "env_file": "HIAPI_API_KEY=" + key + "\n", "header": "Authorization: Bearer " + key})
	r, err := e.DB.GetRun(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Live != run.LiveNone || len(r.Steps) != 11 {
		t.Errorf("stored run %+v", r)
	}
	for _, st := range r.Steps {
		if strings.Contains(st.Detail+st.Fix, key[3:19]) {
			t.Errorf("step %s stores part of the key: %q %q", st.ID, st.Detail, st.Fix)
		}
	}
}

// TestHomeListsYourRecentRuns: the home page lists this browser's own
// runs, newest first, and nobody else's.
func TestHomeListsYourRecentRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.browser()
	a.get("/")
	if a.get("/").doc().Find(`[data-testid="recent"]`).Length() != 0 {
		t.Error("a new browser already lists recent runs")
	}
	first := a.createRun(url.Values{"key": {cleanKey + "\n"}})
	second := a.createRun(url.Values{"key": {cleanKey}})
	links := a.get("/").doc().Find(`[data-testid="recent"] a`)
	if links.Length() != 2 {
		t.Fatalf("%d recent runs listed, want 2", links.Length())
	}
	if href := links.First().AttrOr("href", ""); href != "/runs/"+second {
		t.Errorf("newest first: got %s, want /runs/%s", href, second)
	}
	if !strings.Contains(a.get("/").doc().Find(`[data-testid="recent"]`).Text(), "✗ whitespace") {
		t.Errorf("the failing run %s does not name its failed step", first)
	}
	mate := e.browser()
	if mate.get("/").doc().Find(`[data-testid="recent"]`).Length() != 0 {
		t.Error("a teammate sees someone else's recent runs")
	}
}

// The run page is served from a cache, but a write by another program on
// the same file shows on the next page: the cache asks the file every time.
// A second keycheck cannot open the file any more (store.Open is
// exclusive), but the sqlite3 shell or a script can, bypassing the store:
// that is what the cache's check still guards against.
func TestRunPageSeesAnotherProgramsWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	id := b.createRun(url.Values{"key": {cleanKey}})
	for range 2 { // the second read is the cached one
		d := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
		if got := stepStatus(d, checks.StepAuth); got != "pending" {
			t.Fatalf("auth %q before any live test, want pending", got)
		}
	}

	ctx := context.Background()
	r, err := e.DB.GetRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := json.Marshal(checks.Result{ID: checks.StepAuth, Title: "HiAPI accepts the key", Status: checks.StatusFail,
		Detail: "Written by the other program."})
	if err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", filepath.Join(e.Dir, "keycheck.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "UPDATE runs SET live = 'done', updated = ? WHERE id = ?", r.Updated.Add(time.Second).UnixNano(), id); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ExecContext(ctx, "UPDATE steps SET status = 'fail', result = ? WHERE run_id = ? AND step_id = 'auth'", string(auth), id); err != nil {
		t.Fatal(err)
	}

	d := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if got := stepStatus(d, checks.StepAuth); got != "fail" {
		t.Errorf("auth %q after the other program's write, want fail", got)
	}
	if got := stepText(d, checks.StepAuth, "detail"); !strings.Contains(got, "Written by the other program.") {
		t.Errorf("auth detail %q is not the other program's", got)
	}
	if !strings.Contains(d.Find("title").Text(), "auth") {
		t.Errorf("<title> %q does not name the step the other program failed", d.Find("title").Text())
	}
	if got := b.apiRun(id); got.Live != string(run.LiveDone) || got.step(t, checks.StepAuth).Status != "fail" {
		t.Errorf("API: live %q, auth %q after the other program's write", got.Live, got.step(t, checks.StepAuth).Status)
	}
}
