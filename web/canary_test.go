package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
)

// TestCanaryKeyNeverLeaves runs every flow of the web layer with a
// recognisable key, then searches everything keycheck wrote or sent for it
// and for every 8-character piece of it: response bodies and headers,
// cookies (decrypted, too), the log, and the SQLite files.
func TestCanaryKeyNeverLeaves(t *testing.T) {
	t.Parallel()
	canary := "sk-CANARY" + randomAlnum(40)
	other := "sk-CANARY" + randomAlnum(40) // a teammate's different key
	e := newEnv(t, func(su *setup) { su.cfg.KeyTTL = 10 * time.Minute })
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

	// The API: live with the run, and live later (wrong key first).
	api := me.apiCreateRun(map[string]any{"key": canary, "env_file": envFile, "header": curl, "live": true})
	me.waitLive(api.ID)
	api2 := me.apiCreateRun(map[string]any{"key": canary, "header": header})
	me.postJSON("/api/v1/runs/"+api2.ID+"/live", jsonBody(t, map[string]string{"key": other})).wantStatus(http.StatusConflict)
	me.postJSON("/api/v1/runs/"+api2.ID+"/live", jsonBody(t, map[string]string{"key": canary})).wantStatus(http.StatusAccepted)
	me.waitLive(api2.ID)
	me.get("/api/v1/runs/" + api2.ID).wantStatus(http.StatusOK)

	// Now search.
	type haystack struct {
		what string
		data []byte
	}
	var all []haystack
	e.mu.Lock()
	for _, r := range e.seen {
		var h bytes.Buffer
		_ = r.header.Write(&h)
		all = append(all, haystack{r.what + " headers", h.Bytes()}, haystack{r.what + " body", r.body})
		for _, sc := range (&http.Response{Header: r.header}).Cookies() {
			if sc.Name != "keycheck" {
				continue
			}
			values, err := e.Server.SessionValues(sc.Value)
			if err != nil {
				t.Errorf("a session cookie keycheck wrote does not decode: %v", err)
				continue
			}
			all = append(all, haystack{r.what + " session", []byte(fmt.Sprintf("%#v", values))})
		}
	}
	seen := len(e.seen)
	e.mu.Unlock()
	all = append(all, haystack{"log", []byte(e.Logs.String())})
	files, err := filepath.Glob(filepath.Join(e.Dir, "keycheck.db*"))
	if err != nil || len(files) < 2 {
		t.Fatalf("database files %v: %v (want the db and its WAL)", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, haystack{filepath.Base(f), data})
	}
	if seen < 60 {
		t.Fatalf("only %d responses recorded", seen)
	}

	for _, key := range []string{canary, other} {
		for i := 0; i+8 <= len(key); i++ {
			piece := []byte(key[i : i+8])
			for _, h := range all {
				if j := bytes.Index(h.data, piece); j >= 0 {
					lo, hi := max(0, j-60), min(len(h.data), j+68)
					t.Errorf("%q (chars %d-%d of a key) found in %s: …%s…", piece, i, i+8, h.what, h.data[lo:hi])
				}
			}
		}
	}
	// The search is not vacuous: the log and the database do have the
	// runs, and the fingerprint's shown ends are there.
	if !strings.Contains(e.Logs.String(), `"route":"/runs/:id"`) {
		t.Error("the log has no request lines")
	}
	hash := []byte(checks.FingerprintOf(canary).SHA256)
	inDB := false
	for _, h := range all[len(all)-len(files):] {
		inDB = inDB || bytes.Contains(h.data, hash)
	}
	if !inDB {
		t.Error("the database files hold no run of the canary key: the search read the wrong files")
	}
	if e.Provider.creates.Load() < 4 {
		t.Errorf("only %d live tests ran", e.Provider.creates.Load())
	}
	assertSentExactly(t, e.Provider, canary)
}
