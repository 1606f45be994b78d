package hiapi_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi"
)

const callbackSecret = "whsec-test-0123456789abcdef"

// sign is HiAPI's signature written out here, not through SignCallback,
// so a mistake in SignCallback cannot hide behind itself.
func sign(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func TestVerifyCallback(t *testing.T) {
	now := time.Unix(1_780_000_000, 0)
	body := []byte(`{"code":200,"message":"success","data":{"taskId":"tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR","status":"success"}}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := sign(callbackSecret, ts, body)
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	cases := []struct {
		name    string
		ts, sig string // "-" leaves the header out
		body    []byte
		want    error
	}{
		{"good", ts, good, body, nil},
		{"good, upper-case hex", ts, strings.ToUpper(good), body, nil},
		{"300 s old", at(-300 * time.Second), sign(callbackSecret, at(-300*time.Second), body), body, nil},
		{"300 s ahead", at(300 * time.Second), sign(callbackSecret, at(300*time.Second), body), body, nil},
		{"301 s old", at(-301 * time.Second), sign(callbackSecret, at(-301*time.Second), body), body, hiapi.ErrStaleTimestamp},
		{"301 s ahead", at(301 * time.Second), sign(callbackSecret, at(301*time.Second), body), body, hiapi.ErrStaleTimestamp},
		{"no timestamp", "-", good, body, hiapi.ErrNoTimestamp},
		{"empty timestamp", "", good, body, hiapi.ErrNoTimestamp},
		{"timestamp in ms", strconv.FormatInt(now.UnixMilli(), 10), good, body, hiapi.ErrStaleTimestamp},
		{"timestamp not a number", "yesterday", good, body, hiapi.ErrBadTimestamp},
		{"negative timestamp", "-5", good, body, hiapi.ErrBadTimestamp},
		{"no signature", ts, "-", body, hiapi.ErrNoSignature},
		{"bad hex", ts, "zz" + good[2:], body, hiapi.ErrBadSignature},
		{"odd hex", ts, good[1:], body, hiapi.ErrBadSignature},
		{"truncated", ts, good[:32], body, hiapi.ErrBadSignature},
		{"wrong secret", ts, sign("another-secret-0123456789", ts, body), body, hiapi.ErrBadSignature},
		{"body changed", ts, good, append([]byte(nil), append(body[:len(body)-1], ' ', '}')...), hiapi.ErrBadSignature},
		{"timestamp changed", at(time.Second), good, body, hiapi.ErrBadSignature},
		// HiAPI documents bare hex: a GitHub-style prefix is not HiAPI's.
		{"sha256= prefix", ts, "sha256=" + good, body, hiapi.ErrBadSignature},
		{"signature of the body alone", ts, hmacHex(callbackSecret, body), body, hiapi.ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			if c.ts != "-" {
				h.Set("X-HiAPI-Timestamp", c.ts)
			}
			if c.sig != "-" {
				h.Set("X-HiAPI-Signature", c.sig)
			}
			err := hiapi.VerifyCallback([]byte(callbackSecret), h, c.body, now)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("VerifyCallback = %v, want %v", err, c.want)
			}
			if err != nil && (containsAny(err.Error(), callbackSecret, good)) {
				t.Fatalf("the error %q shows the secret or the signature", err)
			}
		})
	}
	if got := hiapi.SignCallback([]byte(callbackSecret), ts, body); got != good {
		t.Fatalf("SignCallback = %s, want %s", got, good)
	}
}

func hmacHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestCallbackTaskID(t *testing.T) {
	const id = "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"
	cases := []struct {
		name, body, want string
	}{
		{"envelope, taskId", `{"code":200,"data":{"taskId":"` + id + `","status":"success"}}`, id},
		{"envelope, task_id", `{"code":200,"data":{"task_id":"` + id + `","status":"fail"}}`, id},
		{"envelope, id", `{"data":{"id":"` + id + `"}}`, id},
		{"bare, taskId", `{"taskId":"` + id + `","status":"success","output":[{"url":"https://x/y.png","type":"image"}]}`, id},
		{"bare, task_id", `{"task_id":"` + id + `"}`, id},
		{"bare, id", `{"id":"` + id + `","status":"success"}`, id},
		{"numeric id", `{"data":{"taskId":12345,"status":"success"}}`, "12345"},
		{"no id", `{"data":{"status":"success"}}`, ""},
		{"empty id", `{"taskId":"","status":"success"}`, ""},
		{"id with a space", `{"taskId":"tk 1","status":"success"}`, ""},
		{"id too long", `{"taskId":"` + strings.Repeat("a", 200) + `"}`, ""},
		{"not JSON", `taskId=` + id, ""},
		{"array", `[{"taskId":"` + id + `"}]`, ""},
		{"empty", ``, ""},
		{"null data, no id", `{"data":null}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := hiapi.CallbackTaskID([]byte(c.body))
			if got != c.want || (c.want == "") != errors.Is(err, hiapi.ErrNoTaskID) {
				t.Fatalf("CallbackTaskID(%s) = %q, %v; want %q", c.body, got, err, c.want)
			}
		})
	}
}

// The callback goes in the create body only when the client has one, in
// the shape HiAPI documents.
func TestCreateTaskCallback(t *testing.T) {
	for _, cb := range []string{"", "https://keycheck.example.com/hooks/hiapi"} {
		t.Run("callback="+cb, func(t *testing.T) {
			var got map[string]json.RawMessage
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if err := json.Unmarshal(b, &got); err != nil {
					t.Errorf("create body %s: %v", b, err)
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"code":200,"message":"success","data":{"taskId":"tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"}}`)
			}))
			defer srv.Close()
			c := hiapi.New(srv.URL, hiapi.Options{CallbackURL: cb})
			if _, _, err := c.CreateTask(context.Background(), "sk-test-key-0123456789", model, prompt); err != nil {
				t.Fatal(err)
			}
			raw, has := got["callback"]
			if cb == "" {
				if has {
					t.Fatalf("a client without a callback sent callback %s", raw)
				}
				return
			}
			var want, have map[string]string
			want = map[string]string{"url": cb, "when": "final"}
			if err := json.Unmarshal(raw, &have); err != nil || len(have) != 2 || have["url"] != want["url"] || have["when"] != want["when"] {
				t.Fatalf("callback = %s, want %v", raw, want)
			}
		})
	}
}
