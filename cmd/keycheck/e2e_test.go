package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The end-to-end tests start keycheck as "keycheck serve" wires it, on
// 127.0.0.1:0 against a fake HiAPI, and use it over HTTP like a person
// or a script would.

func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// recorder keeps every response body and header the tests saw, for the
// canary search.
type recorder struct {
	bodies []string
}

func (r *recorder) do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var h strings.Builder
	for k, vs := range resp.Header {
		h.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
	}
	r.bodies = append(r.bodies, req.Method+" "+req.URL.String()+"\n"+h.String()+"\n"+string(b))
	return resp, string(b)
}

func jsonReq(t *testing.T, method, u string, body any) *http.Request {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

// formReq posts a form as a same-origin browser does.
func formReq(t *testing.T, u string, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

type apiRun struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	By    string `json:"by"`
	Live  string `json:"live"`
	Steps []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		URL    string `json:"url"`
		Live   *struct {
			RequestID string `json:"request_id"`
			Outputs   []struct {
				URL  string `json:"url"`
				Type string `json:"type"`
			} `json:"outputs"`
		} `json:"live"`
	} `json:"steps"`
}

func (r apiRun) status(id string) string {
	for _, s := range r.Steps {
		if s.ID == id {
			return s.Status
		}
	}
	return ""
}

// waitLive polls the run until its live test is done.
func waitLive(t *testing.T, rec *recorder, c *http.Client, base, id string) apiRun {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/runs/"+id, nil)
		resp, body := rec.do(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET run: %d %s", resp.StatusCode, body)
		}
		var r apiRun
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if r.Live != "running" {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("live test still running after 60s: %s", body)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func randomAlnum(n int) string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	b := make([]byte, n)
	for i := range b {
		v, _ := rand.Int(rand.Reader, big.NewInt(int64(len(letters))))
		b[i] = letters[v.Int64()]
	}
	return string(b)
}

// TestCanaryKeyGoesNowhere runs every flow with a recognisable key, then
// searches everything keycheck wrote or sent for it and for any
// 8-character piece of it: the database file, its WAL, the logs, every
// response and header, and the cookies.
func TestCanaryKeyGoesNowhere(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "canary.db")
	env := startEnv(t, dbPath)
	// A fake "good" key, so the live test runs to the image.
	canary := "sk-fake-good-CANARY" + randomAlnum(28)
	c := newClient(t)
	rec := &recorder{}
	envFile := "HIAPI_KEY=" + canary + "\r\nHIAPI_API_KEY=\"" + canary + " \"\n"
	header := "curl https://api.hiapi.ai/v1/tasks -H 'Authorization: Bearer " + canary + "'"

	// The page, then the as-you-type check as htmx sends it.
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/", nil)
	rec.do(t, c, req)
	form := url.Values{"key": {canary + "\n"}, "env_file": {envFile}, "header": {header}, "var_name": {"HIAPI_API_KEY"}, "base_url": {"https://api.openai.com/v1"}}
	req = formReq(t, env.URL+"/check", form)
	req.Header.Set("HX-Request", "true")
	if resp, body := rec.do(t, c, req); resp.StatusCode != 200 || !strings.Contains(body, `data-status="fail"`) {
		t.Fatalf("as-you-type check: %d %s", resp.StatusCode, clip(body, 500))
	}

	// A run from the form, with the live test.
	form.Set("key", canary)
	form.Set("live", "1")
	noRedirect := *c
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := rec.do(t, &noRedirect, formReq(t, env.URL+"/runs", form))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /runs: %d", resp.StatusCode)
	}
	runPath := resp.Header.Get("Location")
	formRunID := strings.TrimPrefix(runPath, "/runs/")
	// Watch the live test on the page's event stream until it ends.
	req, _ = http.NewRequest(http.MethodGet, env.URL+runPath+"/events", nil)
	stream, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events, _ := io.ReadAll(stream.Body)
	stream.Body.Close()
	rec.bodies = append(rec.bodies, string(events))
	if !strings.Contains(string(events), "event: done") {
		t.Errorf("event stream did not end with done: %s", clip(string(events), 500))
	}
	final := waitLive(t, rec, c, env.URL, formRunID)
	if final.status("result") != "pass" {
		t.Errorf("live test of the canary's run: result %s", final.status("result"))
	}

	// A run from the API, and its live test through the API.
	resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", map[string]any{
		"key": canary, "env_file": envFile, "header": header, "var_name": "HIAPI_KEY",
	}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
	}
	var created apiRun
	json.Unmarshal([]byte(body), &created)
	resp, body = rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs/"+created.ID+"/live", map[string]string{"key": canary}))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST live: %d %s", resp.StatusCode, body)
	}
	waitLive(t, rec, c, env.URL, created.ID)
	// A wrong key for that run: refused, and the refusal shows no key.
	resp, _ = rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs/"+created.ID+"/live", map[string]string{"key": canary + "x"}))
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("live with another key: %d, want 409", resp.StatusCode)
	}

	// Every page a teammate could open.
	pages := []string{"/runs", "/runs/" + formRunID, "/runs/" + created.ID}
	for _, s := range created.Steps {
		pages = append(pages, strings.TrimPrefix(s.URL, env.URL))
	}
	for _, p := range pages {
		req, _ := http.NewRequest(http.MethodGet, env.URL+p, nil)
		if resp, _ := rec.do(t, c, req); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	// The CLI, too.
	var out, errOut bytes.Buffer
	realMain(context.Background(), []string{"check", "--live", "--hiapi-url", env.fakeTS.URL, "--json"}, nil, &out, &errOut,
		func(string) string { return "" }, []string{"HIAPI_API_KEY=" + canary})
	rec.bodies = append(rec.bodies, out.String(), errOut.String())

	env.Stop() // flush the WAL and the logs

	var everything []string
	everything = append(everything, rec.bodies...)
	everything = append(everything, env.logs.String())
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if b, err := os.ReadFile(dbPath + suffix); err == nil {
			everything = append(everything, string(b))
		}
	}
	u, _ := url.Parse(env.URL)
	for _, ck := range c.Jar.Cookies(u) {
		everything = append(everything, ck.Name+"="+ck.Value)
	}
	if len(env.logs.String()) == 0 {
		t.Error("no logs were written: the search would prove nothing")
	}
	for i, text := range everything {
		if piece, ok := leaks(text, canary); ok {
			t.Errorf("output %d holds the piece %q of the key:\n%s", i, piece, clip(text, 400))
		}
	}
}

// TestRunsSurviveRestart: a permalink still opens after keycheck restarts,
// and so does the session (its key is kept in the database).
func TestRunsSurviveRestart(t *testing.T) {
	env := startEnv(t, "")
	c := newClient(t)
	rec := &recorder{}
	resp, _ := rec.do(t, c, formReq(t, env.URL+"/name", url.Values{"name": {"Ana"}, "back": {"/"}}))
	if resp.StatusCode != 200 {
		t.Fatalf("setting the name: %d", resp.StatusCode)
	}
	resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", map[string]any{"key": goodKey + "\n"}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
	}
	var r apiRun
	json.Unmarshal([]byte(body), &r)
	if r.By != "Ana" {
		t.Errorf("run by %q, want Ana", r.By)
	}

	env.Restart()

	teammate := newClient(t)
	status, page := get(t, teammate, env.URL+"/runs/"+r.ID+"/steps/whitespace")
	if status != 200 {
		t.Fatalf("step page after restart: %d", status)
	}
	if !strings.Contains(page, "<title>✗ whitespace") {
		t.Errorf("step page title does not name the failed step: %s", regexp.MustCompile(`<title>.*</title>`).FindString(page))
	}
	_, home := get(t, c, env.URL+"/")
	if !strings.Contains(home, `value="Ana"`) {
		t.Error("the display name did not survive the restart: the session key was not kept")
	}
}

// TestInterruptedLiveTestAfterRestart: a live test in flight when keycheck
// stops ends as "interrupted" with its task id, never stuck at running.
func TestInterruptedLiveTestAfterRestart(t *testing.T) {
	env := startEnv(t, "")
	c := newClient(t)
	rec := &recorder{}
	never := "sk-fake-never-finishes-7Qm2Xv9LpR4tK8wN3bZ6hJ1c"
	resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", map[string]any{"key": never, "live": true}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
	}
	var r apiRun
	json.Unmarshal([]byte(body), &r)
	// Wait until the task exists and is being polled.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := get(t, c, env.URL+"/api/v1/runs/"+r.ID)
		if strings.Contains(body, `"task_id"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no task created: %s", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	env.Restart()
	_, body = get(t, c, env.URL+"/api/v1/runs/"+r.ID)
	var after apiRun
	json.Unmarshal([]byte(body), &after)
	if after.Live != "interrupted" {
		t.Errorf("live = %q after a restart mid-poll, want interrupted", after.Live)
	}
	if got := after.status("result"); got != "unknown" {
		t.Errorf("result = %q, want unknown", got)
	}
	if !strings.Contains(body, "tk-hiapi-") || !strings.Contains(body, "may still finish") {
		t.Errorf("interrupted run lacks the task id or the explanation: %s", clip(body, 1500))
	}
}

// TestLiveThroughTheAPI runs each fake scenario through the API and checks
// the verdicts a person would see.
func TestLiveThroughTheAPI(t *testing.T) {
	env := startEnv(t, "")
	tests := []struct {
		key                 string
		auth, model, result string
	}{
		{goodKey, "pass", "pass", "pass"},
		{revokedKey, "fail", "skip", "skip"},
		{noModelKey, "pass", "fail", "skip"},
		{downKey, "unknown", "skip", "skip"},
		{"sk-fake-html-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", "unknown", "skip", "skip"},
		{"sk-fake-unknown-model-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", "pass", "fail", "skip"},
		{"sk-fake-no-balance-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", "pass", "fail", "skip"},
		{"sk-fake-task-fails-7Qm2Xv9LpR4tK8wN3bZ6hJ1c", "pass", "pass", "fail"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			c := newClient(t)
			rec := &recorder{}
			resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", map[string]any{"key": tt.key, "live": true}))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, body)
			}
			var r apiRun
			json.Unmarshal([]byte(body), &r)
			r = waitLive(t, rec, c, env.URL, r.ID)
			got := [3]string{r.status("auth"), r.status("model"), r.status("result")}
			if got != [3]string{tt.auth, tt.model, tt.result} {
				t.Errorf("auth/model/result = %v, want %s/%s/%s", got, tt.auth, tt.model, tt.result)
			}
			for _, s := range r.Steps {
				if (s.Status == "fail" || s.Status == "unknown") && s.Live != nil && s.Live.RequestID == "" && tt.key != "sk-fake-html-7Qm2Xv9LpR4tK8wN3bZ6hJ1c" {
					t.Errorf("step %s (%s) shows no request_id", s.ID, s.Status)
				}
			}
		})
	}
}

// TestCLI runs "keycheck check" as a person would in a shell.
func TestCLI(t *testing.T) {
	f := startEnv(t, "")
	envFile := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(envFile, []byte("HIAPI_KEY="+goodKey+"\n"), 0o600)
	tests := []struct {
		name    string
		args    []string
		environ []string
		stdin   string
		code    int
		want    []string
	}{
		{"clean key", []string{"check"}, []string{"HIAPI_API_KEY=" + goodKey}, "", 0, []string{"✓ present", "✓ whitespace", "Add --live"}},
		{"another target's key: --live asks it for free", []string{"check", "--provider", "groq"}, []string{"GROQ_API_KEY=gsk_FAKEgood7Qm2Xv9LpR4tK8wN3bZ6hJ1c7Qm2Xv9LpR4tK8wN3bZ6"}, "", 0, []string{"✓ provider", "Add --live to ask Groq itself, with free requests only"}},
		{"echo's newline", []string{"check"}, []string{"HIAPI_API_KEY=" + goodKey + "\n"}, "", 1, []string{"✗ whitespace", "fix: ", "printf"}},
		{"never inherited", []string{"check"}, []string{"HIAPI_KEY=" + goodKey}, "", 1, []string{"✗ present", "HIAPI_KEY"}},
		{"other variable", []string{"check", "--var", "MY_KEY"}, []string{"MY_KEY=" + goodKey}, "", 0, []string{"$MY_KEY"}},
		{"stdin", []string{"check", "--stdin"}, nil, goodKey, 0, []string{"standard input"}},
		{"openai base url", []string{"check", "--base-url", "https://api.openai.com/v1"}, []string{"HIAPI_API_KEY=" + goodKey}, "", 1, []string{"✗ base_url"}},
		{"env file misses the name", []string{"check", "--env-file", envFile, "--stdin"}, nil, goodKey, 1, []string{"✗ variable", "HIAPI_KEY"}},
		{"live good key", []string{"check", "--live", "--hiapi-url", f.fakeTS.URL}, []string{"HIAPI_API_KEY=" + goodKey}, "", 0, []string{"✓ auth", "✓ model", "✓ result", "image: http"}},
		{"live revoked key", []string{"check", "--live", "--hiapi-url", f.fakeTS.URL}, []string{"HIAPI_API_KEY=" + revokedKey}, "", 1, []string{"✗ auth", "request_id: "}},
		{"live HiAPI down", []string{"check", "--live", "--hiapi-url", f.fakeTS.URL}, []string{"HIAPI_API_KEY=" + downKey}, "", 2, []string{"! auth"}},
		{"key on the command line", []string{"check", goodKey}, nil, "", 2, nil},
		{"unknown flag", []string{"check", "--nope"}, nil, "", 2, nil},
		{"unknown command", []string{"nope"}, nil, "", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := realMain(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &errOut, func(string) string { return "" }, tt.environ)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errOut.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String()+errOut.String(), "7Qm2Xv9L") {
				t.Error("the CLI printed a piece of the key")
			}
		})
	}
}

// TestSurfacesAgree: the page, the API and the CLI give every step the
// same status for the same input.
func TestSurfacesAgree(t *testing.T) {
	env := startEnv(t, "")
	inputs := []map[string]string{
		{"key": goodKey},
		{"key": goodKey + "\n"},
		{"key": " " + goodKey},
		{"key": "Bearer " + goodKey},
		{"key": "\"" + goodKey + "\""},
		{"key": "sk-ant-api03-" + strings.Repeat("aB3", 30)},
		{"key": "AIza" + strings.Repeat("x1Y", 11) + "ab"},
		{"key": goodKey[:12]},
		{"key": "sk-abcd...wxyz"},
		{"key": goodKey, "base_url": "https://api.openai.com/v1"},
		{"key": goodKey, "base_url": "http://api.hiapi.ai"},
		{"key": goodKey, "header": "Authorization: " + goodKey},
		{"key": goodKey, "header": "Authorization: Bearer " + goodKey},
		{"key": goodKey, "var_name": "HIAPI_API_KEY", "env_file": "HIAPI_KEY=" + goodKey + "\n"},
		{"key": goodKey, "var_name": "HIAPI_API_KEY", "env_file": "HIAPI_API_KEY=" + goodKey + "\n"},
		{"key": ""},
	}
	c := newClient(t)
	rec := &recorder{}
	for i, in := range inputs {
		// API
		resp, body := rec.do(t, c, jsonReq(t, http.MethodPost, env.URL+"/api/v1/check", in))
		if resp.StatusCode != 200 {
			t.Fatalf("input %d: API %d %s", i, resp.StatusCode, body)
		}
		api := statusesFromJSON(t, body)

		// Page, as htmx posts the form.
		form := url.Values{}
		for k, v := range in {
			form.Set(k, v)
		}
		req := formReq(t, env.URL+"/check", form)
		req.Header.Set("HX-Request", "true")
		_, html := rec.do(t, c, req)
		page := map[string]string{}
		for _, m := range regexp.MustCompile(`id="step-([a-z_]+)"[^>]*data-status="([a-z]+)"`).FindAllStringSubmatch(html, -1) {
			page[m[1]] = m[2]
		}

		// CLI, with the key on stdin and the rest as flags.
		args := []string{"check", "--json", "--stdin", "--base-url", in["base_url"], "--header", in["header"]}
		if v := in["var_name"]; v != "" {
			args = append(args, "--var", v)
		}
		if ef := in["env_file"]; ef != "" {
			p := filepath.Join(t.TempDir(), ".env")
			os.WriteFile(p, []byte(ef), 0o600)
			args = append(args, "--env-file", p)
		}
		var out, errOut bytes.Buffer
		code := realMain(context.Background(), args, strings.NewReader(in["key"]), &out, &errOut, func(string) string { return "" }, nil)
		if in["key"] == "" {
			// By design, the page shows an empty form as idle, and the CLI
			// refuses an empty pipe as a usage error (exit 2), saying so.
			if code != 2 || !strings.Contains(errOut.String(), "standard input is empty") {
				t.Errorf("input %d: an empty --stdin gave exit %d, %q", i, code, errOut.String())
			}
			continue
		}
		cli := statusesFromJSON(t, out.String())
		for id, st := range api {
			if page[id] != st || cli[id] != st {
				t.Errorf("input %d (%q), step %s: API %s, page %s, CLI %s", i, in, id, st, page[id], cli[id])
			}
		}
		if len(api) != 11 {
			t.Errorf("input %d: API gave %d steps", i, len(api))
		}
	}
}

func statusesFromJSON(t *testing.T, body string) map[string]string {
	t.Helper()
	var v struct {
		Steps []struct{ ID, Status string }
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	out := map[string]string{}
	for _, s := range v.Steps {
		out[s.ID] = s.Status
	}
	return out
}

// TestHealthAndShutdown: /healthz answers, and a running server stops on
// its signal.
func TestHealthAndShutdown(t *testing.T) {
	env := startEnv(t, "")
	status, body := get(t, http.DefaultClient, env.URL+"/healthz")
	if status != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: %d %s", status, body)
	}
	env.Stop()
	if _, err := http.Get(env.URL + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
	sc := bufio.NewScanner(strings.NewReader(env.logs.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "level=ERROR") {
			t.Errorf("error logged: %s", sc.Text())
		}
	}
}
