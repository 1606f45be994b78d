package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/keycheck/keycheck/checks"
)

// TestVerdictInJSON: every JSON answer about a check or a run carries its
// verdict, computed from its steps as the page's.
func TestVerdictInJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()

	var check apiCheck
	b.postJSON("/api/v1/check", jsonBody(t, map[string]string{"key": cleanKey + "\n"})).wantStatus(http.StatusOK).json(&check)
	assertVerdict(t, "check", check.Verdict, checks.StatusFail, checks.StepWhitespace, "newline")
	if check.Verdict.Fix == "" {
		t.Error("check: the verdict has no fix")
	}

	created := b.apiCreateRun(map[string]any{"key": cleanKey + "\n"})
	assertVerdict(t, "POST /api/v1/runs", created.Verdict, checks.StatusFail, checks.StepWhitespace, "newline")
	assertVerdict(t, "GET /api/v1/runs/{id}", b.apiRun(created.ID).Verdict, checks.StatusFail, checks.StepWhitespace, "newline")
	var list apiRunList
	b.get("/api/v1/runs").wantStatus(http.StatusOK).json(&list)
	if len(list.Runs) != 1 {
		t.Fatalf("%d runs listed", len(list.Runs))
	}
	assertVerdict(t, "GET /api/v1/runs", list.Runs[0].Verdict, checks.StatusFail, checks.StepWhitespace, "newline")

	// A clean key before and after its live test.
	clean := b.apiCreateRun(map[string]any{"key": cleanKey})
	assertVerdict(t, "a clean key, not tested live", clean.Verdict, checks.StatusPending, "", "live test")
	var started apiRun
	b.postJSON("/api/v1/runs/"+clean.ID+"/live", jsonBody(t, map[string]string{"key": cleanKey})).wantStatus(http.StatusAccepted).json(&started)
	if started.Verdict.Status == "" || started.Verdict.Headline == "" {
		t.Errorf("live start: no verdict in %+v", started.Verdict)
	}
	done := b.waitLive(clean.ID)
	assertVerdict(t, "after the live test", done.Verdict, checks.StatusPass, "", "")
	if raw := b.get("/api/v1/runs/" + clean.ID).Body; !regexp.MustCompile(`"verdict":\{"status":"pass",`).MatchString(raw) {
		t.Errorf("the verdict is not a JSON object of its own: %.300s", raw)
	}
}

func assertVerdict(t *testing.T, where string, v checks.Verdict, status checks.Status, step checks.ID, says string) {
	t.Helper()
	if v.Status != status || v.Step != step || !strings.Contains(v.Headline, says) || v.Headline == "" {
		t.Errorf("%s: verdict %+v, want %s at %q saying %q", where, v, status, step, says)
	}
}

// TestLiveNotSentForAnotherProvidersKey: "Run live test" with an OpenAI key,
// from the home form, the run page's form and the API, sends nothing to
// HiAPI, says why, counts against no limit, and leaves the auth step
// skipped, so the team's list of auth failures does not show it.
func TestLiveNotSentForAnotherProvidersKey(t *testing.T) {
	t.Parallel()
	// One live test an hour per session: a refusal must not spend it.
	e := newEnv(t, withLimits(4, 0))
	b := e.browser()
	b.get("/")
	// why is the refusal's message: that nothing was sent, whose key it
	// is, and the step to fix first.
	why := func(msg string) bool {
		return strings.Contains(msg, "Not sent") && strings.Contains(msg, "OpenAI key") && strings.HasSuffix(strings.TrimSpace(msg), "Fix “A HiAPI key” first.")
	}

	// The home form's "Run live test": the check is saved, the test is not.
	id := b.createRun(url.Values{"key": {openAIKey}, "live": {"1"}})
	d := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	if flash := d.Find(`[data-testid="flash"]`).Text(); !why(flash) {
		t.Errorf("flash %q", flash)
	}
	assertLiveBlocked(t, d, "the run page")
	// No live test can run; the key is held only for the person's click
	// that asks OpenAI, its owner (issue 11), which the page offers.
	if e.Keys.Len() != 1 || d.Find(`[data-testid="owner-button"]`).Length() != 1 {
		t.Errorf("%d keys held, owner probe offered %d times: want the key held for the owner probe only", e.Keys.Len(), d.Find(`[data-testid="owner-button"]`).Length())
	}

	// The run page's form, posted anyway (a stale page, a script).
	b.postForm("/runs/"+id+"/live", url.Values{"key": {openAIKey}}).wantStatus(http.StatusSeeOther)
	if flash := b.get("/runs/" + id).doc().Find(`[data-testid="flash"]`).Text(); !why(flash) {
		t.Errorf("run page form: flash %q", flash)
	}

	// The API: 422 not_sent, and with the run, nothing stored.
	runs := countRuns(t, e)
	r := b.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": openAIKey, "live": true})).wantStatus(http.StatusUnprocessableEntity)
	if got := r.apiErr().Error; got.Code != "not_sent" || !why(got.Message) {
		t.Errorf("POST /api/v1/runs: %+v", got)
	}
	if countRuns(t, e) != runs {
		t.Error("a refused live test stored a run")
	}
	r = b.postJSON("/api/v1/runs/"+id+"/live", jsonBody(t, map[string]string{"key": openAIKey})).wantStatus(http.StatusUnprocessableEntity)
	if got := r.apiErr().Error; got.Code != "not_sent" || !why(got.Message) {
		t.Errorf("POST /api/v1/runs/{id}/live: %+v", got)
	}

	if p, c, g := e.Provider.probes.Load(), e.Provider.creates.Load(), e.Provider.gets.Load(); p+c+g != 0 {
		t.Fatalf("HiAPI got %d probes, %d creates, %d polls for an OpenAI key", p, c, g)
	}
	got := b.apiRun(id)
	for _, step := range []checks.ID{checks.StepAuth, checks.StepModel, checks.StepResult} {
		if st := got.step(t, step); st.Status != "skip" || !strings.Contains(st.Detail, "Not sent") {
			t.Errorf("%s: %s %q, want skip: not sent", step, st.Status, st.Detail)
		}
	}
	if got.Live != "not_run" {
		t.Errorf("live %q", got.Live)
	}
	assertVerdict(t, "the OpenAI key's run", got.Verdict, checks.StatusFail, checks.StepProvider, "OpenAI")
	if n := b.get("/runs?failed=auth").wantStatus(http.StatusOK).doc().Find(`[data-testid="run-row"]`).Length(); n != 0 {
		t.Errorf("/runs?failed=auth lists %d runs, though HiAPI saw none", n)
	}
	var list apiRunList
	b.get("/api/v1/runs?failed=auth").wantStatus(http.StatusOK).json(&list)
	if len(list.Runs) != 0 {
		t.Errorf("GET /api/v1/runs?failed=auth lists %d runs", len(list.Runs))
	}

	// None of it spent the session's one live test.
	good := b.apiCreateRun(map[string]any{"key": cleanKey, "live": true})
	assertLivePassed(t, b.waitLive(good.ID))
}

// assertLiveBlocked: the run page says why there is no live test instead
// of offering a button that cannot work.
func assertLiveBlocked(t *testing.T, d *goquery.Document, where string) {
	t.Helper()
	live := d.Find(`[data-testid="live"]`)
	if n := live.Find(`[data-testid="live-button"], [data-testid="live-key"]`).Length(); n != 0 {
		t.Errorf("%s offers a live test that cannot run", where)
	}
	if got := live.Find(`[data-testid="live-blocked"]`).Text(); !strings.Contains(got, "OpenAI") {
		t.Errorf("%s: reason %q, want it to name the OpenAI key", where, got)
	}
}

// TestRunPageReadsVerdictFirst: the verdict heads the run page; who ran it
// follows with the time in UTC beside the relative one; passed steps fold
// into one line; controls that need JavaScript are hidden without it;
// "by hand" gives the free probe first.
func TestRunPageReadsVerdictFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.postForm("/name", url.Values{"name": {"Ana"}}).wantStatus(http.StatusSeeOther)
	id := b.createRun(url.Values{"key": {cleanKey + "\n"}})
	d := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()

	// Who and when, after the verdict, absolute beside relative.
	byline := d.Find(`[data-testid="byline"]`)
	if got := strings.Join(strings.Fields(byline.Text()), " "); !regexp.MustCompile(`^Checked by Ana, (just now|\d+ \w+ ago) \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$`).MatchString(got) {
		t.Errorf("byline %q", got)
	}
	if dt := byline.Find("time").AttrOr("datetime", ""); !strings.HasSuffix(dt, "Z") {
		t.Errorf("<time datetime=%q>", dt)
	}

	// The failed step open, the passed ones folded into one line.
	if _, open := d.Find(`[data-testid="step-whitespace"] > details`).Attr("open"); !open {
		t.Error("the failed step is not open")
	}
	passed := d.Find(`details[data-testid="passed"]`)
	if _, open := passed.Attr("open"); open || passed.Length() != 1 {
		t.Fatalf("want one closed fold of passed steps, got %d", passed.Length())
	}
	n := passed.Find(`li.step[data-status="pass"]`).Length()
	if n == 0 || d.Find(`li.step[data-status="pass"]`).Length() != n {
		t.Errorf("%d passed steps in the fold, %d on the page", n, d.Find(`li.step[data-status="pass"]`).Length())
	}
	if got := passed.Find("summary").Text(); !strings.Contains(got, strconv.Itoa(n)+" checks pass") {
		t.Errorf("fold line %q, want %d checks pass", got, n)
	}

	// JavaScript controls are hidden until app.js shows them.
	d.Find(`button[data-copy]`).Each(func(_ int, s *goquery.Selection) {
		_, hidden := s.Attr("hidden")
		_, needs := s.Attr("data-needs-js")
		if !hidden || !needs {
			t.Errorf("copy button %q is not hidden data-needs-js", s.Text())
		}
	})
	if d.Find(`button[data-copy]`).Length() < 4 {
		t.Errorf("only %d copy buttons", d.Find(`button[data-copy]`).Length())
	}

	// By hand: the free check first, then the request that spends credits.
	hand := d.Find(`[data-testid="by-hand"]`)
	probe, paid := hand.Find(`[data-testid="probe-curl"]`).Text(), hand.Find(`[data-testid="curl"]`).Text()
	if probe != checks.ProbeCurlCommand(e.Config.HiAPIURL) || !strings.Contains(paid, "-X POST") {
		t.Errorf("by hand: probe %q, paid %q", probe, paid)
	}
	if html, _ := hand.Html(); strings.Index(html, "probe-curl") > strings.Index(html, `data-testid="curl"`) || !strings.Contains(hand.Text(), "Spends credits") {
		t.Error("by hand does not give the free probe first and label the paid request")
	}

	// The step page and the runs list say when in UTC too.
	sd := b.get("/runs/" + id + "/steps/whitespace").wantStatus(http.StatusOK).doc()
	if got := sd.Find(`[data-testid="byline"]`).Text(); !strings.Contains(got, "UTC)") {
		t.Errorf("step byline %q", got)
	}
	row := b.get("/runs").wantStatus(http.StatusOK).doc().Find(`[data-testid="run-row"]`)
	if got := row.Find("time").Text(); !strings.Contains(got, "UTC)") {
		t.Errorf("runs list time %q", got)
	}
	if got := row.Find(`[data-testid="run-headline"]`).Text(); !strings.Contains(got, "newline") {
		t.Errorf("runs list headline %q", got)
	}
}

// TestDashboardLinkedFromFixes: a fix that sends the person to the HiAPI
// dashboard links to it, in the verdict and in the step.
func TestDashboardLinkedFromFixes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	masked := "sk-hQ7xK2mP9vR4tL8wN3bJ6cF1...uZ7kT4pW9"
	id := b.createRun(url.Values{"key": {masked}})
	d := b.get("/runs/" + id).wantStatus(http.StatusOK).doc()
	assertVerdict(t, "a masked key", b.apiRun(id).Verdict, checks.StatusFail, checks.StepComplete, "")
	for _, where := range []string{`[data-testid="verdict-fix"]`, `[data-testid="step-complete"] [data-testid="fix"]`} {
		a := d.Find(where + ` a[data-testid="dashboard-link"]`)
		if a.AttrOr("href", "") != "https://hiapi.ai" || a.AttrOr("rel", "") != "noreferrer noopener" {
			t.Errorf("%s: dashboard link %q rel %q", where, a.AttrOr("href", ""), a.AttrOr("rel", ""))
		}
	}
	// A fix that does not mention the dashboard has no link.
	clean := b.get("/runs/" + b.createRun(url.Values{"key": {cleanKey + " "}})).doc()
	if clean.Find(`[data-testid="step-whitespace"] [data-testid="dashboard-link"]`).Length() != 0 {
		t.Error("a whitespace fix links to the dashboard")
	}
}

// TestCopyForSupport: "Copy for support" on the run page and on the step
// page copies what support needs (time, run URL, fingerprint, endpoint,
// model, HTTP status, request_id, status, headline), never the key.
func TestCopyForSupport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(su *setup) {
		su.cfg.PublicURL = "https://keycheck.example.com"
		su.provider.CreateTaskFn = func(context.Context, string, string, string) (string, checks.Answer) {
			return "", checks.Answer{HTTPStatus: 401, Code: "permission_denied", Type: "permission_error",
				Message: "This API key cannot use the selected model", RequestID: "req_support_7"}
		}
	})
	b := e.browser()
	key := randomKey()
	created := b.apiCreateRun(map[string]any{"key": key, "live": true})
	r := b.waitLive(created.ID)

	runPage := b.get("/runs/" + created.ID).wantStatus(http.StatusOK).doc()
	text := runPage.Find(`[data-testid="copy-support"]`).AttrOr("data-copy", "")
	want := []string{
		"keycheck status: fail\n",
		"Headline: " + r.Verdict.Headline + "\n",
		"Time: " + r.Created.UTC().Format("2006-01-02 15:04:05") + " UTC\n",
		"Run: https://keycheck.example.com/runs/" + created.ID + "\n",
		"Key fingerprint: " + r.Fingerprint.Short() + "\n",
		"Model: " + testModel + "\n",
		"Step: model (fail)\n",
		"Endpoint: POST https://api.hiapi.ai/v1/tasks\n",
		"HTTP status: 401\n",
		"Error code: permission_denied\n",
		"request_id: req_support_7\n",
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("support text lacks %q:\n%s", w, text)
		}
	}
	if piece := keyShown(text, key); piece != "" {
		t.Errorf("support text holds %q of the key", piece)
	}

	// A step's page copies that step: auth, with its probe's endpoint.
	stepPage := b.get("/runs/" + created.ID + "/steps/auth").wantStatus(http.StatusOK).doc()
	text = stepPage.Find(`[data-testid="copy-support"]`).AttrOr("data-copy", "")
	for _, w := range []string{"Step: auth (pass)\n", "Endpoint: GET https://api.hiapi.ai/v1/tasks?page=1&size=1\n", "HTTP status: 200\n", "Run: https://keycheck.example.com/runs/" + created.ID} {
		if !strings.Contains(text, w) {
			t.Errorf("step page support text lacks %q:\n%s", w, text)
		}
	}
}

// TestLinkPreviews: a run or step link pasted into a team chat unfurls
// with its verdict, or the step's status and title, from Open Graph and
// Twitter card tags; og:url only when keycheck knows its public address.
func TestLinkPreviews(t *testing.T) {
	t.Parallel()
	for _, public := range []string{"", "https://keycheck.example.com"} {
		e := newEnv(t, func(su *setup) { su.cfg.PublicURL = public })
		b := e.browser()
		id := b.createRun(url.Values{"key": {cleanKey + "\n"}})
		for path, says := range map[string]string{
			"/runs/" + id:                       "✗ whitespace: Your key ends with a newline",
			"/runs/" + id + "/steps/whitespace": "✗ whitespace: No hidden whitespace (fail)",
		} {
			d := b.get(path).wantStatus(http.StatusOK).doc()
			meta := func(attr, name string) string {
				return d.Find(`meta[`+attr+`="`+name+`"]`).AttrOr("content", "")
			}
			title := d.Find("title").Text()
			if !strings.HasPrefix(title, says) {
				t.Errorf("%s: <title> %q, want it to lead with %q", path, title, says)
			}
			for _, m := range [][2]string{{"property", "og:title"}, {"name", "twitter:title"}} {
				if got := meta(m[0], m[1]); got != title {
					t.Errorf("%s: %s %q, want the title", path, m[1], got)
				}
			}
			desc := meta("name", "description")
			for _, m := range [][2]string{{"property", "og:description"}, {"name", "twitter:description"}} {
				if got := meta(m[0], m[1]); got != desc || !strings.Contains(got, "Fix:") {
					t.Errorf("%s: %s %q, want the description with the fix", path, m[1], got)
				}
			}
			if strings.Contains(desc, "`") {
				t.Errorf("%s: description %q shows Markdown backticks", path, desc)
			}
			if meta("property", "og:type") != "website" || meta("name", "twitter:card") != "summary" {
				t.Errorf("%s: og:type %q, twitter:card %q", path, meta("property", "og:type"), meta("name", "twitter:card"))
			}
			if got, want := meta("property", "og:url"), public+path; (public == "" && got != "") || (public != "" && got != want) {
				t.Errorf("%s with public URL %q: og:url %q", path, public, got)
			}
		}
	}
}
