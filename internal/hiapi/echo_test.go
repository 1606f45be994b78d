package hiapi_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi"
)

// echoKey is a key as HiAPI issues them, long enough to echo 40 characters
// of it from its fourth on.
const echoKey = "sk-Q7mZ2xV9pLr4Tk8WnB3hJ6cF1yD5gA0sE2uK7tP4wR9"

// TestPiecesOfTheKeyEchoed: a provider that echoes a piece of the key (cut
// short, masked in the middle, in another letter case, base64- or
// hex-encoded, in a header, a task id or an output) never makes keycheck
// keep it. Every text the client returns, and every verdict read from it,
// is searched for 8 characters of the key in a row in any case, and for
// the key encoded.
func TestPiecesOfTheKeyEchoed(t *testing.T) {
	key := echoKey
	lower, upper := strings.ToLower(key), strings.ToUpper(key)
	b64 := base64.StdEncoding.EncodeToString
	jsonAnswer := func(status int, body any, header ...string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(body)
		}
	}
	nested := func(code, typ, msg string) map[string]any {
		return map[string]any{"error": map[string]any{"code": code, "type": typ, "message": msg}}
	}
	tests := []struct {
		name   string
		answer http.HandlerFunc
		// kept is a part of the answer that is not the key, and must
		// survive the masking.
		kept string
	}{
		{"a message cut in the middle of the key",
			jsonAnswer(401, nested("invalid_api_key", "invalid_request_error", "Incorrect API key provided: "+key[:21])),
			"Incorrect API key provided"},
		{"the key across keycheck's own cut at 300 characters",
			jsonAnswer(401, map[string]any{"code": 401, "message": strings.Repeat("word ", 58) + key + " and more", "error_code": "UNAUTHORIZED"}),
			"word word"},
		{"OpenAI's first 30 characters, stars and the last 4",
			jsonAnswer(401, nested("invalid_api_key", "invalid_request_error", "Incorrect API key provided: "+key[:30]+"****"+key[len(key)-4:]+". You can find your API key at https://platform.openai.com/account/api-keys.")),
			"platform.openai.com"},
		{"the key lower-cased in the code",
			jsonAnswer(401, nested("invalid_key:"+lower, "authentication_error", "denied")),
			"authentication_error"},
		{"the key upper-cased in a flat message",
			jsonAnswer(401, map[string]any{"code": 401, "message": "KEY " + upper + " IS REVOKED", "error_code": "UNAUTHORIZED"}),
			"IS REVOKED"},
		{"the key base64'd in the type and the message",
			jsonAnswer(403, nested("permission_denied", b64([]byte(key)), "key "+b64([]byte("x"+key[4:30]))+" refused")),
			"permission_denied"},
		{"the key hex in the message",
			jsonAnswer(400, nested("bad_key", "invalid_request_error", "got "+hex.EncodeToString([]byte(key[6:20])))),
			"bad_key"},
		{"an X-Request-Id carrying 40 characters of the key",
			jsonAnswer(503, map[string]any{"code": 503, "message": "busy", "error_code": "SERVICE_UNAVAILABLE"}, "X-Request-Id", "req_"+key[3:43]),
			"SERVICE_UNAVAILABLE"},
		{"a request id in the body holding the key lower-cased",
			jsonAnswer(401, map[string]any{"code": 401, "message": "no", "error_code": "UNAUTHORIZED", "request_id": "r-" + lower[2:30]}),
			"UNAUTHORIZED"},
		{"a task id holding 26 characters of the key, and a task that echoes it",
			func(w http.ResponseWriter, r *http.Request) {
				id := "tk-hiapi-" + key[3:29]
				data := map[string]any{"taskId": id}
				if r.Method == http.MethodGet && r.URL.Path != "/v1/tasks" {
					data = map[string]any{"taskId": id, "model": "m-" + key[10:20], "status": "fail",
						"error":  map[string]any{"code": "TASK_FAILED", "message": "rejected " + hex.EncodeToString([]byte(key[:12]))},
						"output": []map[string]any{{"url": "https://cdn.example/" + key[5:25] + ".png", "type": lower[:10]}}}
				}
				jsonAnswer(200, map[string]any{"code": 200, "data": data}, "X-Request-Id", "ok-"+upper[4:16])(w, r)
			},
			"cdn.example"},
		{"an HTML page whose title holds the key URL-encoded",
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<html><title>Forbidden for %s</title></html>", url.QueryEscape("k="+key))
			},
			"Forbidden for"},
		{"the key split by invisible characters",
			jsonAnswer(401, nested("invalid_api_key", "x", "key "+key[:10]+"\u200b"+key[10:25]+"\x01"+key[25:])),
			"invalid_api_key"},
		{"a redirect to a URL with the key",
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "https://other.example/v1/tasks?key="+key)
				w.WriteHeader(http.StatusFound)
			},
			"redirected to https://other.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(tt.answer)
			defer ts.Close()
			texts := callEverything(t, ts.URL, key)
			all := strings.Join(texts, "\n")
			if !strings.Contains(all, tt.kept) {
				t.Errorf("the answer's own text %q was lost:\n%s", tt.kept, all)
			}
			for _, s := range texts {
				if w := keyPiece(s, key); w != "" {
					t.Errorf("a piece of the key (%q) is kept in %q", w, s)
				}
			}
		})
	}
}

// TestTaskIDHoldingTheKeyIsNoID: a created task's id that holds a piece of
// the key is refused as garbled, so it is never stored nor polled.
func TestTaskIDHoldingTheKeyIsNoID(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"code":200,"data":{"taskId":"tk-hiapi-%s"}}`, echoKey[3:29])
	}))
	defer ts.Close()
	c, _ := newClient(ts.URL, hiapi.Options{})
	id, reply, err := c.CreateTask(context.Background(), echoKey, model, prompt)
	if id != "" || err == nil {
		t.Fatalf("CreateTask = %q, %v; want no id and an error", id, err)
	}
	if a := hiapi.AnswerOf(reply, err); a.Kind != checks.AnswerGarbled {
		t.Errorf("answer kind = %q, want garbled", a.Kind)
	}
}

// callEverything probes, creates a task and reads one against url with
// key, and returns every text the client and the verdicts give back.
func callEverything(t *testing.T, url, key string) []string {
	t.Helper()
	c, _ := newClient(url, hiapi.Options{Timeout: 2 * time.Second, Retries: -1})
	ctx := context.Background()
	var texts []string
	add := func(v ...any) {
		for _, x := range v {
			switch x := x.(type) {
			case error:
				if x != nil {
					texts = append(texts, x.Error())
				}
			case checks.Result:
				texts = append(texts, x.Detail, x.Fix, fmt.Sprintf("%+v", x.Live))
			default:
				texts = append(texts, fmt.Sprintf("%+v", x))
			}
		}
	}
	reply, err := c.Probe(ctx, key)
	add(reply, err, hiapi.AnswerOf(reply, err), checks.AuthVerdict(hiapi.AnswerOf(reply, err)))
	id, reply, err := c.CreateTask(ctx, key, model, prompt)
	add(id, reply, err, checks.ModelVerdict(model, hiapi.AnswerOf(reply, err), id))
	task, reply, err := c.GetTask(ctx, key, "tk-1")
	v := task.View()
	v.TimedOut = true
	add(task, v, reply, err, checks.ResultVerdict(v))
	return texts
}

// keyPiece returns the first sign of key in s: 8 of its characters in a
// row in any letter case (searched for here, independently of
// checks.Secret), or what checks.Secret finds (the key encoded).
func keyPiece(s, key string) string {
	ls, lk := strings.ToLower(s), strings.ToLower(key)
	for i := 0; i+8 <= len(lk); i++ {
		if strings.Contains(ls, lk[i:i+8]) {
			return key[i : i+8]
		}
	}
	if checks.NewSecret(key).In(s) {
		return "(encoded)"
	}
	return ""
}
