package web_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
)

// TestCanaryKeyNeverLeaves runs every flow of the web layer with a
// recognisable key, then searches everything keycheck wrote or sent for
// every 8-character piece of it, in any case, and for the key encoded:
// response bodies and headers, cookies (decrypted, too), the log, and the
// SQLite files. The key is pasted in every field too: those that keycheck
// keeps or shows refuse it.
func TestCanaryKeyNeverLeaves(t *testing.T) {
	t.Parallel()
	canary := "sk-CANARY" + randomAlnum(40)
	other := "sk-CANARY" + randomAlnum(40) // a teammate's different key
	e := newEnv(t, func(su *setup) {
		su.cfg.KeyTTL = 10 * time.Minute
		su.cfg.PublicURL = "https://keycheck.example.com" // so og:url is in the pages too
	})
	e.record.Store(true)

	envFile := "HIAPI_API_KEY=" + canary + "\nOTHER=1\n"
	header := "Authorization: Bearer " + canary
	curl := `curl -H "Authorization: Bearer ` + canary + `" https://api.hiapi.ai/v1/tasks`
	inputs := url.Values{"key": {canary}, "env_file": {envFile}, "header": {header}, "var_name": {"HIAPI_API_KEY"}, "base_url": {"https://api.hiapi.ai"}}

	me, mate := e.browser(), e.browser()
	me.get("/").wantStatus(http.StatusOK)

	// As-you-type checks, with the key in every field and in every shape.
	for _, k := range []string{canary, canary + "\n", canary + "\r\n", " " + canary, `"` + canary + `"`, "Bearer " + canary, canary[:30], canary + canary} {
		form := url.Values{"key": {k}, "env_file": {envFile}, "header": {curl}}
		me.htmx("/check", form).wantStatus(http.StatusOK)
		me.postJSON("/api/v1/check", jsonBody(t, map[string]string{"key": k, "env_file": envFile, "header": header})).wantStatus(http.StatusOK)
	}
	// Refused inputs that carry the key.
	for _, body := range []string{
		`{"key": "` + canary + `",}`,
		`{"key": "` + canary + `"} "` + canary + `"`,
		`{"` + canary + `": "x"}`,
		`{"key": "` + canary + `", "live": "` + canary + `"}`,
		`{"key": "` + canary + `", "expected_length": "` + canary + `"}`,
		`{"key": "` + strings.Repeat(canary, 100) + `"}`,
		"{\"key\": \"" + canary + "\xff\"}",
	} {
		me.postJSON("/api/v1/check", body)
		me.postJSON("/api/v1/runs", body)
	}
	me.postJSON("/api/v1/check", `{"key": "`+canary+`"}`, "Content-Type", "text/plain")
	me.htmx("/check", url.Values{"key": {strings.Repeat(canary, 100)}}).wantStatus(http.StatusBadRequest)
	me.postForm("/runs", url.Values{"key": {canary}}, "Sec-Fetch-Site", "cross-site").wantStatus(http.StatusForbidden)
	// The key, or a piece of it in another case or encoded, in a field
	// keycheck keeps or shows: refused everywhere (issue 12).
	for field, v := range map[string]string{
		"model":          canary,
		"prompt":         "an apple " + strings.ToLower(canary[4:30]),
		"var_name":       strings.ToUpper(strings.ReplaceAll(canary, "-", "_")),
		"expected_last4": canary[len(canary)-12:],
	} {
		form := url.Values{"key": {canary}, field: {v}}
		me.htmx("/check", form).wantStatus(http.StatusBadRequest)
		me.postForm("/runs", form).wantStatus(http.StatusBadRequest)
		body := jsonBody(t, map[string]any{"key": canary, field: v, "live": true})
		me.postJSON("/api/v1/check", body).wantStatus(http.StatusBadRequest)
		me.postJSON("/api/v1/runs", body).wantStatus(http.StatusBadRequest)
	}
	// A base URL carrying the key is checked, and only quoted safely.
	for _, base := range []string{"https://generativelanguage.googleapis.com/v1beta?key=" + canary, "https://" + strings.ToLower(canary[3:40]) + ".example/v1"} {
		me.htmx("/check", url.Values{"key": {canary}, "base_url": {base}}).wantStatus(http.StatusOK)
		me.postJSON("/api/v1/check", jsonBody(t, map[string]any{"key": canary, "base_url": base})).wantStatus(http.StatusOK)
		me.apiCreateRun(map[string]any{"key": canary, "base_url": base})
	}
	// A display name holding a piece of the key refuses the run. The
	// person's own pages show their name, as every page does, so they are
	// left out of the search; the database, and what teammates see, are not.
	e.record.Store(false)
	named := e.browser()
	named.postForm("/name", url.Values{"name": {"Ana " + canary[9:25]}}).wantStatus(http.StatusSeeOther)
	e.record.Store(true)
	named.postJSON("/api/v1/runs", jsonBody(t, map[string]any{"key": canary, "live": true})).wantStatus(http.StatusBadRequest)
	e.record.Store(false)
	named.postForm("/runs", url.Values{"key": {canary}}).wantStatus(http.StatusBadRequest)
	e.record.Store(true)

	// A run from the form, its pages, the held key's live test, and the
	// event stream.
	me.postForm("/name", url.Values{"name": {"Canary Tester"}}).wantStatus(http.StatusSeeOther)
	id := me.createRun(inputs)
	me.get("/runs/" + id).wantStatus(http.StatusOK)
	mate.get("/runs/" + id).wantStatus(http.StatusOK)
	for _, step := range []string{"present", "whitespace", "characters", "complete", "provider", "variable", "base_url", "header", "auth", "model", "result"} {
		me.get("/runs/" + id + "/steps/" + step).wantStatus(http.StatusOK)
	}
	mate.postForm("/runs/"+id+"/live", url.Values{"key": {other}}).wantStatus(http.StatusSeeOther)
	mate.get("/runs/" + id).wantStatus(http.StatusOK)
	me.postForm("/runs/"+id+"/live", nil).wantStatus(http.StatusSeeOther)
	res, events := openEvents(t, me, id)
	var streamed bytes.Buffer
	fmt.Fprint(&streamed, res.Header)
	for ev := range events {
		streamed.WriteString(ev.Name + "\n" + ev.Data + "\n")
	}
	e.keep("events", res.Header, streamed.Bytes())
	me.waitLive(id)
	for _, p := range []string{"/runs/" + id, "/runs/" + id + "/steps/result", "/runs", "/runs?failed=whitespace", "/api/v1/runs", "/api/v1/runs/" + id} {
		me.get(p).wantStatus(http.StatusOK)
		mate.get(p).wantStatus(http.StatusOK)
	}
	// A teammate pastes the key to run it again.
	mate.postForm("/runs/"+id+"/live", url.Values{"key": {canary}}).wantStatus(http.StatusSeeOther)
	mate.waitLive(id)

	// A run with a newline in the key, then forgotten.
	id2 := me.createRun(url.Values{"key": {canary + "\r\n"}, "env_file": {envFile}, "header": {curl}})
	me.get("/runs/" + id2).wantStatus(http.StatusOK)
	me.postForm("/runs/"+id2+"/forget", nil).wantStatus(http.StatusSeeOther)
	me.get("/runs/" + id2).wantStatus(http.StatusOK)
	// Link previews carry the verdict, or the step's status and title: they
	// are searched with everything else, and must be there to be searched.
	for _, p := range []string{"/runs/" + id2, "/runs/" + id2 + "/steps/whitespace", "/runs/" + id, "/runs/" + id + "/steps/auth"} {
		d := mate.get(p).wantStatus(http.StatusOK).doc()
		for _, m := range []string{`meta[property="og:title"]`, `meta[property="og:description"]`, `meta[property="og:url"]`, `meta[property="og:type"]`,
			`meta[name="twitter:card"]`, `meta[name="twitter:title"]`, `meta[name="twitter:description"]`} {
			if d.Find(m).AttrOr("content", "") == "" {
				t.Errorf("%s: no %s to search", p, m)
			}
		}
		if d.Find(`[data-testid="copy-support"]`).AttrOr("data-copy", "") == "" {
			t.Errorf("%s: no support text to search", p)
		}
	}

	// The API: live with the run, and live later (wrong key first).
	api := me.apiCreateRun(map[string]any{"key": canary, "env_file": envFile, "header": curl, "live": true})
	me.waitLive(api.ID)
	api2 := me.apiCreateRun(map[string]any{"key": canary, "header": header})
	me.postJSON("/api/v1/runs/"+api2.ID+"/live", jsonBody(t, map[string]string{"key": other})).wantStatus(http.StatusConflict)
	me.postJSON("/api/v1/runs/"+api2.ID+"/live", jsonBody(t, map[string]string{"key": canary})).wantStatus(http.StatusAccepted)
	me.waitLive(api2.ID)
	me.get("/api/v1/runs/" + api2.ID).wantStatus(http.StatusOK)

	all := searchForKeys(t, e, canary, other)
	// The search is not vacuous: the log and the database do have the
	// runs, and the fingerprint's shown ends are there.
	if !strings.Contains(e.Logs.String(), `"route":"/runs/:id"`) {
		t.Error("the log has no request lines")
	}
	hash := []byte(checks.FingerprintOf(canary).SHA256)
	inDB := false
	for _, h := range all {
		inDB = inDB || (h.file && bytes.Contains(h.data, hash))
	}
	if !inDB {
		t.Error("the database files hold no run of the canary key: the search read the wrong files")
	}
	if len(all) < 120 {
		t.Fatalf("only %d places searched", len(all))
	}
	if e.Provider.creates.Load() < 4 {
		t.Errorf("only %d live tests ran", e.Provider.creates.Load())
	}
	assertSentExactly(t, e.Provider, canary)
}

// haystack is one place keycheck wrote to: a response, the log, a file.
type haystack struct {
	what string
	data []byte
	file bool
}

// searchForKeys searches everything e sent and wrote (every recorded
// response's headers and body, its session cookie decrypted, the log, and
// the SQLite files with their WAL) for a piece of each key: 8 of its
// characters in a row in any case, or the key encoded (keyShown). It
// returns the places searched.
func searchForKeys(t *testing.T, e *env, keys ...string) []haystack {
	t.Helper()
	var all []haystack
	e.mu.Lock()
	for _, r := range e.seen {
		var h bytes.Buffer
		_ = r.header.Write(&h)
		all = append(all, haystack{what: r.what + " headers", data: h.Bytes()}, haystack{what: r.what + " body", data: r.body})
		for _, sc := range (&http.Response{Header: r.header}).Cookies() {
			if sc.Name != "keycheck" {
				continue
			}
			values, err := e.Server.SessionValues(sc.Value)
			if err != nil {
				t.Errorf("a session cookie keycheck wrote does not decode: %v", err)
				continue
			}
			all = append(all, haystack{what: r.what + " session", data: []byte(fmt.Sprintf("%#v", values))})
		}
	}
	seen := len(e.seen)
	e.mu.Unlock()
	if seen < 20 {
		t.Fatalf("only %d responses recorded", seen)
	}
	all = append(all, haystack{what: "log", data: []byte(e.Logs.String())})
	files, err := filepath.Glob(filepath.Join(e.Dir, "keycheck.db*"))
	if err != nil || len(files) < 2 {
		t.Fatalf("database files %v: %v (want the db and its WAL)", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, haystack{what: filepath.Base(f), data: data, file: true})
	}
	for _, key := range keys {
		for _, h := range all {
			if w := keyShown(string(h.data), key); w != "" {
				j := max(0, bytes.Index(bytes.ToLower(h.data), bytes.ToLower([]byte(w))))
				lo, hi := max(0, j-60), min(len(h.data), j+68)
				t.Errorf("%q (of a key) found in %s: …%s…", w, h.what, h.data[lo:hi])
			}
		}
	}
	return all
}

// TestCanaryPiecesEchoedByProvider runs live tests through the real HiAPI
// client against a provider that echoes pieces of the key everywhere it
// can: a request id header carrying 40 characters of it, the key
// lower-cased and base64'd in request ids, codes and types, OpenAI's "first
// 30 characters ****last 4", a message cut in the middle of the key, a task
// id holding 26 characters, an output URL and type. Then it searches
// everything keycheck served, logged and stored, as the canary test does.
func TestCanaryPiecesEchoedByProvider(t *testing.T) {
	t.Parallel()
	base := "sk-CANARY" + randomAlnum(38)
	succeeds, refused, noModel := base+"A", base+"B", base+"C"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if len(key) < 44 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		lower, b64 := strings.ToLower(key), base64.StdEncoding.EncodeToString([]byte(key))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_"+key[3:43])
		switch {
		case strings.HasSuffix(key, "B"): // a dead key, echoed
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":{"code":"invalid_key_%s","type":"%s","message":"Incorrect API key provided: %s"}}`, lower, b64, key[:21])
		case strings.HasSuffix(key, "C") && r.Method == http.MethodPost: // the model refused, echoed
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"code":403,"message":"Incorrect API key provided: %s****%s. %s","error_code":"PERMISSION_DENIED","request_id":"%s"}`,
				key[:30], key[len(key)-4:], strings.Repeat("more words ", 30)+key, strings.ToUpper(key[2:30]))
		case r.Method == http.MethodGet && r.URL.Path == "/v1/tasks":
			fmt.Fprintf(w, `{"code":200,"data":{"list":[]},"request_id":"%s"}`, lower[1:40])
		case r.Method == http.MethodPost:
			fmt.Fprintf(w, `{"code":200,"data":{"taskId":"tk-echo-1"},"request_id":"%s"}`, b64)
		default:
			fmt.Fprintf(w, `{"code":200,"data":{"taskId":"tk-hiapi-%s","model":"m-%s","status":"success","output":[{"url":"https://cdn.example/%s.png","type":"image"},{"url":"https://cdn.example/t.png","type":"%s"}]}}`,
				key[3:29], key[5:20], key[4:30], lower[:12])
		}
	}))
	t.Cleanup(echo.Close)
	live := hiapi.NewLive(hiapi.New(echo.URL, hiapi.Options{Retries: -1, Timeout: 10 * time.Second}))
	e := newEnv(t, func(su *setup) {
		su.provider = &fakeProvider{ProbeFn: live.Probe, CreateTaskFn: live.CreateTask, GetTaskFn: live.GetTask}
	})
	e.record.Store(true)

	me, mate := e.browser(), e.browser()
	var ids []string
	for _, key := range []string{succeeds, refused, noModel} {
		id := me.createRun(url.Values{"key": {key}, "live": {"1"}})
		res, events := openEvents(t, me, id)
		var streamed bytes.Buffer
		for ev := range events {
			streamed.WriteString(ev.Name + "\n" + ev.Data + "\n")
		}
		e.keep("events", res.Header, streamed.Bytes())
		me.waitLive(id)
		api := me.apiCreateRun(map[string]any{"key": key, "live": true})
		me.waitLive(api.ID)
		ids = append(ids, id, api.ID)
	}
	for _, id := range ids {
		for _, p := range []string{"/runs/" + id, "/runs/" + id + "/steps/auth", "/runs/" + id + "/steps/model", "/runs/" + id + "/steps/result", "/api/v1/runs/" + id} {
			me.get(p).wantStatus(http.StatusOK)
			mate.get(p).wantStatus(http.StatusOK)
		}
	}
	mate.get("/runs").wantStatus(http.StatusOK)
	mate.get("/api/v1/runs").wantStatus(http.StatusOK)

	searchForKeys(t, e, succeeds, refused, noModel)

	// Not vacuous: the provider's answers did reach the runs, masked.
	good := me.apiRun(ids[1])
	if r := good.step(t, checks.StepResult); r.Status != "pass" || r.Live == nil || len(r.Live.Outputs) == 0 || !strings.Contains(r.Live.Outputs[0].URL, "cdn.example/‹key›") {
		t.Errorf("the successful run's result: %+v", r)
	}
	if a := good.step(t, checks.StepAuth); a.Live == nil || !strings.HasPrefix(a.Live.RequestID, "req_‹key›") && a.Live.RequestID != "‹key›" {
		t.Errorf("the probe's request id: %+v", a.Live)
	}
	dead := me.apiRun(ids[3])
	if a := dead.step(t, checks.StepAuth); a.Status != "fail" || a.Live == nil || !strings.Contains(a.Live.Message, "Incorrect API key provided: ‹key›") {
		t.Errorf("the dead key's auth step: %+v", a)
	}
	scope := me.apiRun(ids[5])
	if m := scope.step(t, checks.StepModel); m.Status != "fail" || m.Live == nil || m.Live.Code != "PERMISSION_DENIED" {
		t.Errorf("the refused model's step: %+v", m)
	}
}
