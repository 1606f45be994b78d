package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/run"
)

// The answers of a key's live tests, as HiAPI sends them.
var (
	authOK   = checks.Answer{HTTPStatus: 200, RequestID: "req_ok"}
	authDead = checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "hiapi_error", Message: "Invalid API key.", RequestID: "req_dead"}
	authBusy = checks.Answer{HTTPStatus: 429, Code: "rate_limited", Message: "Too many requests"}
)

// seedRun stores a run of key as the server would after its live test:
// the offline steps, then auth's answer (nil: no live test), and for a
// pass the task taken and its image.
func seedRun(t *testing.T, e *env, key string, at time.Time, by string, auth *checks.Answer) *run.Run {
	t.Helper()
	r := &run.Run{ID: randomAlnum(22), Created: at, Updated: at, By: by, Fingerprint: checks.FingerprintOf(key),
		Model: testModel, Prompt: "a red apple", Steps: checks.Check(checks.Input{Key: key})}
	if auth != nil {
		r.Live = run.LiveDone
		r.SetStep(checks.AuthVerdict(*auth))
		if auth.HTTPStatus == 200 {
			r.SetStep(checks.ModelVerdict(testModel, *auth, "tk-1"))
			r.SetStep(checks.ResultVerdict(successTask("tk-1")))
		}
	}
	if err := e.DB.CreateRun(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	tuesday  = time.Date(2026, 11, 24, 10, 2, 0, 0, time.UTC)
	thursday = time.Date(2026, 11, 26, 9, 15, 0, 0, time.UTC)
)

const revokedSentence = "Auth passed on 2026-11-24 10:02 UTC (ana), fails with 401 since 2026-11-26 09:15 UTC (ben): the key was revoked or rotated in between."

// TestKeyHistoryPage: the history of a key that was revoked between two
// people's checks names the turning point first, counts the runs and the
// people, shows the fingerprint, and lists every run of that key, and no
// other, newest first, each with who, when, where, the verdict and the
// live answer.
func TestKeyHistoryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key, other := randomKey(), randomKey()
	fp := checks.FingerprintOf(key)
	runs := []*run.Run{
		seedRun(t, e, key, tuesday.Add(-time.Hour), "<b>cy</b>", nil),
		seedRun(t, e, key, tuesday, "ana", &authOK),
		seedRun(t, e, key, tuesday.Add(24*time.Hour), "ana", &authBusy),
		seedRun(t, e, key, thursday, "ben", &authDead),
		seedRun(t, e, key, thursday.Add(time.Hour), "", &authDead),
	}
	seedRun(t, e, other, thursday.Add(2*time.Hour), "dan", &authOK)

	d := e.browser().get("/keys/" + fp.Hash()).wantStatus(http.StatusOK).doc()
	if got := text(d, "turning-point"); got != revokedSentence {
		t.Errorf("turning point %q, want %q", got, revokedSentence)
	}
	if kind := d.Find(`[data-testid="history-answer"]`).AttrOr("data-kind", ""); kind != "revoked" {
		t.Errorf("answer kind %q, want revoked", kind)
	}
	if got, want := text(d, "tally"), "5 runs by 3 people (1 run without a name), newest first."; got != want {
		t.Errorf("tally %q, want %q", got, want)
	}
	box := text(d, "fingerprint")
	for _, want := range []string{fp.Prefix + "…" + fp.Suffix, strconv.Itoa(fp.Length) + " characters", fp.SHA256} {
		if !strings.Contains(box, want) {
			t.Errorf("fingerprint box %q lacks %q", box, want)
		}
	}
	if from, to := d.Find(`[data-testid="turn-from"]`).AttrOr("href", ""), d.Find(`[data-testid="turn-to"]`).AttrOr("href", ""); from != "/runs/"+runs[1].ID || to != "/runs/"+runs[3].ID {
		t.Errorf("turn links %q → %q, want the runs of ana and ben", from, to)
	}

	rows := d.Find(`[data-testid="run-row"]`)
	if rows.Length() != len(runs) {
		t.Fatalf("%d rows, want %d (the other key's run listed?)", rows.Length(), len(runs))
	}
	wants := []struct{ by, live, status, turn string }{
		{"someone", "HiAPI: auth fail · 401 permission_denied", "fail", ""},
		{"ben", "HiAPI: auth fail · 401 permission_denied", "fail", "to"},
		{"ana", "HiAPI: auth unknown · 429 rate_limited", "unknown", ""},
		{"ana", "HiAPI: auth pass · 200", "pass", "from"},
		{"<b>cy</b>", "No live test (checked for HiAPI)", "pending", ""},
	}
	rows.Each(func(i int, row *goquery.Selection) {
		r, w := runs[len(runs)-1-i], wants[i]
		if href := row.Find("a").First().AttrOr("href", ""); href != "/runs/"+r.ID {
			t.Errorf("row %d links %q, want run %s (newest first)", i, href, r.ID)
		}
		if by := strings.TrimSpace(row.Find(`[data-testid="run-by"]`).Text()); by != w.by {
			t.Errorf("row %d by %q, want %q", i, by, w.by)
		}
		if when := row.Find("time").Text(); !strings.Contains(when, r.Created.Format("2006-01-02 15:04 UTC")) {
			t.Errorf("row %d when %q lacks the UTC time", i, when)
		}
		if where := strings.TrimSpace(row.Find(`[data-testid="run-target"]`).Text()); where != "HiAPI" {
			t.Errorf("row %d where %q", i, where)
		}
		v := checks.VerdictOf(r.Steps)
		cell := row.Find(`[data-testid="run-verdict"]`)
		if cell.AttrOr("data-status", "") != w.status || string(v.Status) != w.status || strings.TrimSpace(cell.Find(`[data-testid="run-headline"]`).Text()) != v.Headline {
			t.Errorf("row %d verdict %q %q, want %s %q", i, cell.AttrOr("data-status", ""), cell.Text(), w.status, v.Headline)
		}
		if live := strings.Join(strings.Fields(row.Find(`[data-testid="run-live"]`).Text()), " "); live != w.live {
			t.Errorf("row %d live answer %q, want %q", i, live, w.live)
		}
		if turn := row.AttrOr("data-turn", ""); turn != w.turn {
			t.Errorf("row %d turn side %q, want %q", i, turn, w.turn)
		}
	})
	if html := d.Find(`[data-testid="runs"]`).Text(); strings.Contains(html, "dan") {
		t.Error("the other key's run is in this key's history")
	}
}

// TestKeyHistoryPaging: a key's history pages as /runs does, 25 runs a
// page with a keyset cursor, each page with the same answer on top; the
// API pages the same runs, and takes the failed-step filter too.
func TestKeyHistoryPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := randomKey()
	hash := checks.FingerprintOf(key).Hash()
	seedRun(t, e, key, tuesday, "ana", &authOK)
	for i := range 29 {
		seedRun(t, e, key, thursday.Add(time.Duration(i)*time.Minute), "ben", &authDead)
	}
	seedRun(t, e, randomKey(), thursday, "ben", &authDead)
	b := e.browser()

	seen := map[string]bool{}
	d := b.get("/keys/" + hash).wantStatus(http.StatusOK).doc()
	for page := 1; ; page++ {
		if got := text(d, "turning-point"); got != revokedSentence {
			t.Errorf("page %d: turning point %q", page, got)
		}
		d.Find(`[data-testid="run-row"] a`).Each(func(_ int, a *goquery.Selection) {
			href := a.AttrOr("href", "")
			if seen[href] {
				t.Errorf("page %d repeats %s", page, href)
			}
			seen[href] = true
		})
		older, ok := d.Find(`[data-testid="older"]`).Attr("href")
		if !ok {
			if page != 2 {
				t.Errorf("%d pages, want 2", page)
			}
			break
		}
		if !strings.HasPrefix(older, "/keys/"+hash+"?before=") || strings.Contains(older, "fingerprint") {
			t.Errorf("older link %q", older)
		}
		d = b.get(older).wantStatus(http.StatusOK).doc()
	}
	if len(seen) != 30 {
		t.Errorf("%d runs over the pages, want 30", len(seen))
	}

	// The API: the same runs, and the turning point on every page.
	var list struct {
		apiRunList
		TurningPoint *struct {
			Kind     string `json:"kind"`
			Provider string `json:"provider"`
			From     struct {
				ID, URL, By, Auth string
				Time              time.Time
				HTTPStatus        int `json:"http_status"`
			} `json:"from"`
			To struct {
				ID, URL, By, Auth string
				Time              time.Time
				HTTPStatus        int `json:"http_status"`
				Code              string
			} `json:"to"`
			Sentence string `json:"sentence"`
		} `json:"turning_point"`
	}
	path := "/api/v1/runs?fingerprint=sha256:" + hash
	ids := map[string]bool{}
	for path != "" {
		list.Next, list.Runs, list.TurningPoint = "", nil, nil
		b.get(path).wantStatus(http.StatusOK).json(&list)
		for _, r := range list.Runs {
			if r.Fingerprint.SHA256 != "sha256:"+hash {
				t.Errorf("run %s of another key listed", r.ID)
			}
			ids[r.ID] = true
		}
		tp := list.TurningPoint
		if tp == nil || tp.Kind != "revoked" || tp.Sentence != revokedSentence || tp.Provider != "hiapi" ||
			tp.From.By != "ana" || tp.From.Auth != "pass" || !tp.From.Time.Equal(tuesday) ||
			tp.To.By != "ben" || tp.To.Auth != "fail" || tp.To.HTTPStatus != 401 || tp.To.Code != "permission_denied" || !tp.To.Time.Equal(thursday) ||
			!strings.HasSuffix(tp.To.URL, "/runs/"+tp.To.ID) {
			t.Errorf("%s: turning point %+v", path, tp)
		}
		path = strings.TrimPrefix(list.Next, e.URL)
	}
	if len(ids) != 30 {
		t.Errorf("the API listed %d runs of the key, want 30", len(ids))
	}
	list.Runs = nil
	b.get("/api/v1/runs?fingerprint=sha256:" + hash + "&failed=auth").wantStatus(http.StatusOK).json(&list)
	if len(list.Runs) != 25 || list.Next == "" || !strings.Contains(list.Next, "failed=auth") || !strings.Contains(list.Next, "fingerprint=sha256%3A"+hash) {
		t.Errorf("with failed=auth: %d runs, next %q; want 25 and a next page keeping both filters", len(list.Runs), list.Next)
	}
	// The team list asked for one key sends to its history, filters kept.
	for path, want := range map[string]string{
		"/runs?fingerprint=sha256:" + hash:           "/keys/" + hash,
		"/runs?fingerprint=" + hash + "&failed=auth": "/keys/" + hash + "?failed=auth",
		"/runs?failed=provider&fingerprint=" + hash:  "/keys/" + hash + "?failed=provider",
	} {
		if got := b.get(path).wantStatus(http.StatusSeeOther).location(); got != want {
			t.Errorf("%s sends to %q, want %q", path, got, want)
		}
	}
	d = b.get("/keys/" + hash + "?failed=auth").wantStatus(http.StatusOK).doc()
	if d.Find(`[data-testid="run-row"]`).Length() != 25 || d.Find(`[data-testid="run-row"][data-turn="from"]`).Length() != 0 ||
		!strings.Contains(text(d, "filtered"), "Only the runs where auth failed are listed.") || text(d, "turning-point") != revokedSentence {
		t.Errorf("the history filtered by failed=auth: %d rows, note %q, answer %q", d.Find(`[data-testid="run-row"]`).Length(), text(d, "filtered"), text(d, "turning-point"))
	}
	d = b.get("/keys/" + hash + "?failed=provider").wantStatus(http.StatusOK).doc()
	if d.Find(`[data-testid="run-row"]`).Length() != 0 || text(d, "no-rows") != "No run of this key where provider failed." || !strings.HasPrefix(text(d, "tally"), "30 runs by 2 people") {
		t.Errorf("no run where provider failed: rows %d, %q, tally %q", d.Find(`[data-testid="run-row"]`).Length(), text(d, "no-rows"), text(d, "tally"))
	}

	// The bare hash is a fingerprint too; without the filter, no turning
	// point is promised.
	var raw map[string]any
	b.get("/api/v1/runs?fingerprint=" + hash).wantStatus(http.StatusOK).json(&raw)
	if _, ok := raw["turning_point"]; !ok {
		t.Error("a key's list has no turning_point")
	}
	raw = nil
	b.get("/api/v1/runs").wantStatus(http.StatusOK).json(&raw)
	if _, ok := raw["turning_point"]; ok {
		t.Error("the whole team's list has a turning_point")
	}
}

// TestKeyHistoryAddress: the fingerprint's own form redirects to the
// history's address; anything that is not a fingerprint's 12 lowercase hex
// digits is a 400 that says what one is, never echoing what was given (it
// may be the key); a fingerprint nobody checked has a page saying so.
func TestKeyHistoryAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := randomKey()
	hash := checks.FingerprintOf(key).Hash()
	seedRun(t, e, key, tuesday, "ana", &authOK)
	b := e.browser()

	for _, path := range []string{"/keys/sha256:" + hash, "/keys/sha256%3A" + hash, "/keys/sha256:" + hash + "?before=1.x"} {
		r := b.get(path).wantStatus(http.StatusMovedPermanently)
		want := "/keys/" + hash
		if q, ok := strings.CutPrefix(path, "/keys/sha256:"+hash); ok && q != "" {
			want += q
		}
		if r.location() != want {
			t.Errorf("%s redirects to %q, want %q", path, r.location(), want)
		}
	}

	bad := map[string]string{
		"upper case":            strings.ToUpper(hash),
		"one digit short":       hash[:11],
		"one digit more":        hash + "0",
		"the whole hash":        strings.Repeat(hash, 6)[:64],
		"not hex":               "0123456789ag",
		"sha256: and not hex":   "sha256:0123456789ag",
		"another algorithm":     "sha512:" + hash,
		"invalid UTF-8":         "%FF%FE%FD%FC%FB%FA%F9%F8%F7%F6%F5%F4",
		"a NUL":                 "0123456789a%00",
		"the key itself":        url.PathEscape(key),
		"a space":               "0123456789a%20",
		"HTML":                  "%3Cb%3Ehi%3C%2Fb%3E",
		"an encoded slash":      "0123%2F456789a",
		"twelve wide hex runes": "０１２３４５６７８９ａｂ",
	}
	for name, seg := range bad {
		r := b.get("/keys/" + seg)
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: /keys/%s answered %d, want 400", name, seg, r.Status)
			continue
		}
		msg := text(r.doc(), "error")
		if !strings.Contains(msg, "12 lowercase hex digits") || !strings.Contains(msg, "sha256sum") {
			t.Errorf("%s: the message does not say what a fingerprint is: %q", name, msg)
		}
		if u, _ := url.PathUnescape(seg); len(u) > 3 && strings.Contains(r.Body, u) || strings.Contains(r.Body, key[:12]) {
			t.Errorf("%s: the page echoes what was given", name)
		}
		a := b.get("/api/v1/runs?fingerprint=" + url.QueryEscape(seg)).wantStatus(http.StatusBadRequest).apiErr()
		if a.Error.Code != "bad_fingerprint" || !strings.Contains(a.Error.Message, "12 lowercase hex digits") {
			t.Errorf("%s: API error %+v", name, a.Error)
		}
	}

	// A key nobody checked here: the question has an answer, so 200.
	unknown := checks.FingerprintOf(randomKey()).Hash()
	d := b.get("/keys/" + unknown).wantStatus(http.StatusOK).doc()
	if got := text(d, "turning-point"); !strings.Contains(got, "keycheck has no run of the key whose fingerprint is sha256:"+unknown) {
		t.Errorf("an unknown key's page says %q", got)
	}
	if d.Find(`[data-testid="run-row"]`).Length() != 0 {
		t.Error("an unknown key lists runs")
	}
	var list struct {
		Runs         []apiRun `json:"runs"`
		TurningPoint *any     `json:"turning_point"`
	}
	b.get("/api/v1/runs?fingerprint=sha256:" + unknown).wantStatus(http.StatusOK).json(&list)
	if len(list.Runs) != 0 || list.TurningPoint != nil {
		t.Errorf("an unknown key's API list: %+v", list)
	}
}

// TestKeyHistoryLink: the run page links to its key's history (and the
// team list links each fingerprint to it) when the list is on; with
// --runs-list off, where a run's link is the only way to it, the history
// would list every other run of the key to anyone holding one link: it is
// closed (404, as the list is) and nothing links to it.
func TestKeyHistoryLink(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withRunsList(on))
			me, mate := e.browser(), e.browser()
			key := randomKey()
			hash := checks.FingerprintOf(key).Hash()
			earlier := seedRun(t, e, key, tuesday, "ana", &authOK)
			id := me.createRun(url.Values{"key": {key}})

			d := mate.get("/runs/" + id).wantStatus(http.StatusOK).doc()
			link := d.Find(`[data-testid="key-history"]`)
			if !on {
				if link.Length() != 0 || strings.Contains(d.Text(), "/keys/") {
					t.Error("the run page links to the key's history with the list off")
				}
				for _, path := range []string{"/keys/" + hash, "/keys/sha256:" + hash, "/keys/NOT-A-HASH", "/api/v1/runs?fingerprint=sha256:" + hash} {
					r := mate.get(path).wantStatus(http.StatusNotFound)
					if strings.Contains(r.Body, earlier.ID) {
						t.Errorf("%s shows another run of the key", path)
					}
				}
				return
			}
			if href := link.AttrOr("href", ""); href != "/keys/"+hash {
				t.Fatalf("the run page links %q, want /keys/%s", href, hash)
			}
			h := mate.get(link.AttrOr("href", "")).wantStatus(http.StatusOK).doc()
			for _, want := range []string{"/runs/" + id, "/runs/" + earlier.ID} {
				if h.Find(`[data-testid="run-row"] a[href="`+want+`"]`).Length() != 1 {
					t.Errorf("the history does not list %s", want)
				}
			}
			if got := mate.get("/runs").doc().Find(`a[data-testid="run-key"][href="/keys/` + hash + `"]`).Length(); got != 2 {
				t.Errorf("the team list links %d fingerprints to the history, want 2", got)
			}
		})
	}
}

// text is the trimmed text of the element with the test id.
func text(d *goquery.Document, testid string) string {
	return strings.Join(strings.Fields(d.Find(`[data-testid="`+testid+`"]`).Text()), " ")
}

// TestKeyHistoryCanary: a key checked twice through the real server and
// runner, HiAPI accepting it the first time and refusing it as dead the
// second, has a history naming that turn; and nothing the history served
// (its page in both address forms, the API, the pages refusing the key
// pasted where a fingerprint goes), nor the log or the database, holds a
// piece of the key, as web/canary_test.go searches.
func TestKeyHistoryCanary(t *testing.T) {
	t.Parallel()
	canary := "sk-CANARY" + randomAlnum(40)
	e := newEnv(t, func(su *setup) {
		p := su.provider
		p.ProbeFn = func(context.Context, string) checks.Answer {
			if p.probes.Load() > 1 {
				return authDead
			}
			return authOK
		}
	})
	e.record.Store(true)
	hash := checks.FingerprintOf(canary).Hash()
	me, mate := e.browser(), e.browser()
	me.postForm("/name", url.Values{"name": {"Ana"}}).wantStatus(http.StatusSeeOther)
	mate.postForm("/name", url.Values{"name": {"Ben"}}).wantStatus(http.StatusSeeOther)

	first := me.createRun(url.Values{"key": {canary}})
	me.postForm("/runs/"+first+"/live", nil).wantStatus(http.StatusSeeOther)
	me.waitLive(first)
	second := mate.createRun(url.Values{"key": {canary}})
	mate.postForm("/runs/"+second+"/live", nil).wantStatus(http.StatusSeeOther)
	mate.waitLive(second)

	for _, b := range []*browser{me, mate} {
		d := b.get("/runs/" + second).wantStatus(http.StatusOK).doc()
		href := d.Find(`[data-testid="key-history"]`).AttrOr("href", "")
		h := b.get(href).wantStatus(http.StatusOK).doc()
		if got := text(h, "turning-point"); !strings.HasPrefix(got, "Auth passed on ") || !strings.Contains(got, "(Ana), fails with 401 since ") ||
			!strings.HasSuffix(got, "(Ben): the key was revoked or rotated in between.") {
			t.Errorf("turning point %q", got)
		}
		b.get("/keys/sha256:" + hash).wantStatus(http.StatusMovedPermanently)
		b.get("/keys/" + hash + "?before=" + url.QueryEscape(strconv.FormatInt(time.Now().UnixNano(), 10)+"."+first)).wantStatus(http.StatusOK)
		b.get("/api/v1/runs?fingerprint=sha256:" + hash).wantStatus(http.StatusOK)
		b.get("/api/v1/runs?fingerprint=" + hash + "&failed=auth").wantStatus(http.StatusOK)
		b.get("/runs?fingerprint=sha256:" + hash).wantStatus(http.StatusSeeOther)
		// The key where its fingerprint goes: refused, never echoed.
		for _, k := range []string{canary, strings.ToLower(canary), canary[:12], "sha256:" + canary} {
			b.get("/keys/" + url.PathEscape(k)).wantStatus(http.StatusBadRequest)
			b.get("/api/v1/runs?fingerprint=" + url.QueryEscape(k)).wantStatus(http.StatusBadRequest)
			b.get("/runs?fingerprint=" + url.QueryEscape(k)).wantStatus(http.StatusBadRequest)
		}
	}
	searchForKeys(t, e, canary)
	assertSentExactly(t, e.Provider, canary)
}

// TestKeyHistoryReadsPastOneStorePage: the top of a key's history reads
// its runs a store page (100) at a time, so a turning point 150 runs back
// is still found, and the count is every run; past historyMost (1,000)
// runs it says "at least".
func TestKeyHistoryReadsPastOneStorePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := randomKey()
	hash := checks.FingerprintOf(key).Hash()
	seedRun(t, e, key, tuesday, "ana", &authOK)
	for i := range 149 {
		seedRun(t, e, key, thursday.Add(time.Duration(i)*time.Minute), "ben", &authDead)
	}
	b := e.browser()
	d := b.get("/keys/" + hash).wantStatus(http.StatusOK).doc()
	if got := text(d, "turning-point"); got != revokedSentence {
		t.Errorf("turning point %q, want the pass 150 runs back", got)
	}
	if got := text(d, "tally"); !strings.HasPrefix(got, "150 runs by 2 people") {
		t.Errorf("tally %q, want 150 runs by 2 people", got)
	}

	for i := range 851 {
		seedRun(t, e, key, thursday.Add(time.Hour*24+time.Duration(i)*time.Minute), "cy", &authDead)
	}
	d = b.get("/keys/" + hash).wantStatus(http.StatusOK).doc()
	if got := text(d, "tally"); !strings.HasPrefix(got, "At least 1000 runs") {
		t.Errorf("tally %q, want At least 1000 runs", got)
	}
}
