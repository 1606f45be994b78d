package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// fuzzFields are the fields a piece of the key is put in: those keycheck
// keeps or shows (refused when they hold a piece), base_url (only
// quoted), the key's own (read, never kept), and the display name.
var fuzzFields = []string{"model", "prompt", "var_name", "expected_last4", "base_url", "env_file", "header", "name"}

// fuzzForms are the shapes the piece is put in.
var fuzzForms = []func(string) string{
	func(s string) string { return s },
	strings.ToLower,
	strings.ToUpper,
	func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	func(s string) string { return hex.EncodeToString([]byte(s)) },
	func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) },
	url.QueryEscape,
	func(s string) string { // every other letter's case swapped
		b := []byte(s)
		for i := 0; i < len(b); i += 2 {
			switch c := b[i]; {
			case c >= 'a' && c <= 'z':
				b[i] = c - 'a' + 'A'
			case c >= 'A' && c <= 'Z':
				b[i] = c - 'A' + 'a'
			}
		}
		return string(b)
	},
}

// FuzzKeyPiecesNeverLeave puts a piece of a key (sliced, case-changed,
// base64-, hex- or URL-encoded, surrounded by text) in one field of a
// check, and sends it through the real server: the as-you-type form, the
// JSON check, a run from the form and one from the API; for the fields
// that reach HiAPI (model and prompt), the run's live test too, against the
// fake HiAPI through the real client. Then no byte keycheck served
// (bodies and headers), logged, stored (the SQLite file and its WAL) or
// sent to HiAPI (anything but the Authorization header) may hold 8 of the
// key's characters in a row in any case, or the key encoded: the field is
// refused, or only its safe pieces are quoted.
func FuzzKeyPiecesNeverLeave(f *testing.F) {
	f.Add("seed-one", uint8(13), uint8(30), uint8(0), uint8(0), "", "")                        // the key's tail as the model
	f.Add("seed-two", uint8(0), uint8(200), uint8(3), uint8(1), "draw ", " please")            // the key in base64 in the prompt
	f.Add("seed-three", uint8(14), uint8(6), uint8(0), uint8(1), "an apple ", "")              // 7 characters in the prompt: sent
	f.Add("seed-four", uint8(3), uint8(40), uint8(2), uint8(2), "", "")                        // upper-cased as the variable name
	f.Add("seed-five", uint8(30), uint8(9), uint8(5), uint8(3), "", "")                        // hex as the last four
	f.Add("seed-six", uint8(0), uint8(255), uint8(7), uint8(4), "https://x.example/?key=", "") // URL-encoded in a base URL
	f.Add("seed-seven", uint8(20), uint8(12), uint8(1), uint8(4), "https://", ".example.com/v1")
	f.Add("seed-eight", uint8(5), uint8(20), uint8(8), uint8(5), "HIAPI_API_KEY=", "\n")
	f.Add("seed-nine", uint8(2), uint8(25), uint8(0), uint8(6), "Authorization: Bearer ", "")
	f.Add("seed-ten", uint8(13), uint8(10), uint8(1), uint8(7), "Ana ", "")   // a display name
	f.Add("seed-eleven", uint8(25), uint8(5), uint8(2), uint8(0), "gpt-", "") // 6 characters in the model: sent

	var mu sync.Mutex
	var sent bytes.Buffer // what HiAPI received, but the Authorization header
	hiapiFake := fake.New(fake.Options{Step: time.Millisecond, RateLimit: -1})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent.WriteString(r.Method + " " + r.URL.String() + "\n")
		for k, v := range r.Header {
			if k != "Authorization" {
				sent.WriteString(k + ": " + strings.Join(v, ", ") + "\n")
			}
		}
		sent.Write(body)
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		hiapiFake.ServeHTTP(w, r)
	}))
	f.Cleanup(hs.Close)
	live := hiapi.NewLive(hiapi.New(hs.URL, hiapi.Options{Retries: -1, Timeout: 10 * time.Second}))
	e := newEnv(f, func(su *setup) {
		su.provider = &fakeProvider{ProbeFn: live.Probe, CreateTaskFn: live.CreateTask, GetTaskFn: live.GetTask}
	})

	f.Fuzz(func(t *testing.T, tail string, lo, n, form, field uint8, before, after string) {
		key := fuzzKey(tail)
		start := int(lo) % len(key)
		piece := key[start : start+1+int(n)%(len(key)-start)]
		name := fuzzFields[int(field)%len(fuzzFields)]
		value := before[:min(len(before), 200)] + fuzzForms[int(form)%len(fuzzForms)](piece) + after[:min(len(after), 200)]

		mu.Lock()
		sent.Reset()
		mu.Unlock()
		me, mate := e.browser(), e.browser()
		me.t, mate.t = t, t
		var served []*resp
		// The person's own pages show their display name, as every page
		// does: with a name holding the key, only their JSON answers and
		// what teammates see are searched.
		ownPages := name != "name"
		keep := func(r *resp, own bool) *resp {
			if !own || ownPages || strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				served = append(served, r)
			}
			return r
		}

		fields := map[string]string{"key": key}
		if name == "name" {
			me.postForm("/name", url.Values{"name": {value}})
		} else {
			fields[name] = value
		}
		formValues := url.Values{}
		for k, v := range fields {
			formValues.Set(k, v)
		}
		jsonFields := map[string]any{}
		for k, v := range fields {
			jsonFields[k] = v
		}
		keep(me.htmx("/check", formValues), true)
		keep(me.postJSON("/api/v1/check", jsonBody(t, jsonFields)), true)
		var ids []string
		if r := keep(me.postForm("/runs", formValues), true); r.Status == http.StatusSeeOther {
			ids = append(ids, strings.TrimPrefix(r.location(), "/runs/"))
		}
		withLive := name == "model" || name == "prompt"
		jsonFields["live"] = withLive
		if r := keep(me.postJSON("/api/v1/runs", jsonBody(t, jsonFields)), true); r.Status == http.StatusCreated {
			var created apiRun
			r.json(&created)
			if withLive {
				me.waitLive(created.ID)
			}
			ids = append(ids, created.ID)
		}
		for _, id := range ids {
			keep(me.get("/runs/"+id), true)
			keep(mate.get("/runs/"+id), false)
			keep(mate.get("/runs/"+id+"/steps/model"), false)
			keep(mate.get("/api/v1/runs/"+id), false)
		}
		keep(mate.get("/runs"), false)

		places := map[string][]byte{"log": []byte(e.Logs.String())}
		mu.Lock()
		places["what HiAPI received"] = bytes.Clone(sent.Bytes())
		mu.Unlock()
		for i, r := range served {
			var h bytes.Buffer
			_ = r.Header.Write(&h)
			places[r.URL+" #"+string(rune('a'+i%26))] = append(h.Bytes(), r.Body...)
		}
		files, _ := filepath.Glob(filepath.Join(e.Dir, "keycheck.db*"))
		if len(files) < 2 {
			t.Fatalf("database files %v: want the db and its WAL", files)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			places[filepath.Base(file)] = data
		}
		for where, data := range places {
			if w := keyShown(string(data), key); w != "" {
				t.Errorf("%s = %q: %q of the key found in %s", name, value, w, where)
			}
		}
	})
}

// fuzzKey makes a key the fake HiAPI treats as good from any text: its
// scenario prefix and 28 letters and digits derived from seed.
func fuzzKey(seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	b := make([]byte, 28)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return fake.KeyPrefix + fake.Good + "-" + string(b)
}
