package hiapi

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/keycheck/keycheck/checks"
)

func TestParseErrorShapes(t *testing.T) {
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   *Error // nil: a success
	}{
		{
			name:   "hiapi nested permission_denied (the guide's live answer)",
			status: 401,
			body:   `{"error":{"code":"permission_denied","type":"hiapi_error","message":"This API key cannot use the selected model. Please check permissions or use another key. If the issue persists, contact support with request ID: 2026...Y7","request_id":"2026...Y7"}}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 401, Code: "permission_denied", Type: "hiapi_error", Message: "This API key cannot use the selected model. Please check permissions or use another key. If the issue persists, contact support with request ID: 2026...Y7", RequestID: "2026...Y7"},
		},
		{
			name:   "hiapi flat documented",
			status: 400,
			body:   `{"code": 400, "message": "invalid request", "data": null, "error_code": "INVALID_REQUEST"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 400, Code: "INVALID_REQUEST", Message: "invalid request"},
		},
		{
			name:   "flat with the code as a string and a request id header",
			status: 402,
			header: hdr("X-Request-Id", "req-123"),
			body:   `{"code":"402","message":"insufficient balance","data":null,"error_code":"INSUFFICIENT_BALANCE"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 402, Code: "INSUFFICIENT_BALANCE", Message: "insufficient balance", RequestID: "req-123"},
		},
		{
			name:   "body request id wins over the header",
			status: 400,
			header: hdr("X-Request-Id", "from-header"),
			body:   `{"code":400,"message":"x","error_code":"INVALID_REQUEST","request_id":"from-body"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 400, Code: "INVALID_REQUEST", Message: "x", RequestID: "from-body"},
		},
		{
			name:   "429 nested with no message, Retry-After seconds",
			status: 429,
			header: hdr("Retry-After", "7", "Request-Id", "r9"),
			body:   `{"error":{"code":"rate_limit_exceeded","type":"hiapi_error"}}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 429, Code: "rate_limit_exceeded", Type: "hiapi_error", RequestID: "r9", RetryAfter: 7 * time.Second},
		},
		{
			name:   "openai invalid_api_key",
			status: 401,
			header: hdr("X-Request-Id", "req_abc"),
			body:   `{"error":{"message":"Incorrect API key provided: sk-abc***wxyz.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 401, Code: "invalid_api_key", Type: "invalid_request_error", Message: "Incorrect API key provided: sk-abc***wxyz.", RequestID: "req_abc"},
		},
		{
			name:   "anthropic authentication_error",
			status: 401,
			body:   `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 401, Type: "authentication_error", Message: "invalid x-api-key", RequestID: "req_011"},
		},
		{
			name:   "google API_KEY_INVALID",
			status: 400,
			body:   `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 400, Code: "API_KEY_INVALID", Type: "INVALID_ARGUMENT", Message: "API key not valid. Please pass a valid API key."},
		},
		{
			name:   "google RequestInfo request id in details",
			status: 429,
			body:   `{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RequestInfo","requestId":"g-req-1"}]}}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 429, Type: "RESOURCE_EXHAUSTED", Message: "Resource has been exhausted", RequestID: "g-req-1"},
		},
		{
			name:   "openrouter numeric nested code",
			status: 401,
			body:   `{"error":{"code":401,"message":"No auth credentials found"}}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 401, Message: "No auth credentials found"},
		},
		{
			name:   "mistral flat with a named code",
			status: 400,
			header: hdr("Mistral-Correlation-Id", "not-read-by-default", "X-Request-Id", "m-1"),
			body:   `{"object":"error","message":"Invalid model: nope","type":"invalid_model","param":null,"code":"1500"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 400, Type: "invalid_model", Message: "Invalid model: nope", RequestID: "m-1"},
		},
		{
			name:   "flat string code that names the error",
			status: 401,
			body:   `{"message":"Unauthorized","type":"authentication_error","code":"invalid_api_key"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 401, Code: "invalid_api_key", Type: "authentication_error", Message: "Unauthorized"},
		},
		{
			name:   "detail as a string",
			status: 401,
			body:   `{"detail":"Unauthorized"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 401, Message: "Unauthorized"},
		},
		{
			name:   "detail as FastAPI's list",
			status: 422,
			body:   `{"detail":[{"type":"missing","loc":["query","x"],"msg":"Field required","input":null}]}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 422, Message: "Field required"},
		},
		{
			name:   "bare string error",
			status: 401,
			body:   `{"error":"Unauthorized"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 401, Message: "Unauthorized"},
		},
		{
			name:   "200 whose flat code is an error",
			status: 200,
			body:   `{"code":401,"message":"invalid api key","data":null,"error_code":"UNAUTHORIZED"}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 200, BodyCode: 401, Code: "UNAUTHORIZED", Message: "invalid api key"},
		},
		{
			name:   "200 with a nested error",
			status: 200,
			body:   `{"error":{"code":"model_not_found","type":"invalid_request_error","message":"no such model"}}`,
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 200, Code: "model_not_found", Type: "invalid_request_error", Message: "no such model"},
		},
		{
			name:   "html 502 from a proxy",
			status: 502,
			header: hdr("Content-Type", "text/html"),
			body:   "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body></html>",
			want:   &Error{Kind: checks.AnswerNotJSON, HTTPStatus: 502, Message: "502 Bad Gateway"},
		},
		{
			name:   "html 200 from a captive portal",
			status: 200,
			body:   "<!DOCTYPE html><html><head><title>Sign in to Hotel &amp; Spa Wi-Fi</title>",
			want:   &Error{Kind: checks.AnswerNotJSON, HTTPStatus: 200, Message: "Sign in to Hotel & Spa Wi-Fi"},
		},
		{
			name:   "plain text error",
			status: 401,
			body:   "Unauthorized\n",
			want:   &Error{Kind: checks.AnswerNotJSON, HTTPStatus: 401, Message: "Unauthorized"},
		},
		{
			name:   "broken JSON on an error",
			status: 500,
			body:   `{"code":500,"message":`,
			want:   &Error{Kind: checks.AnswerNotJSON, HTTPStatus: 500, Message: `{"code":500,"message":`},
		},
		{
			name:   "broken JSON on a success",
			status: 200,
			body:   `{"code":200,"data":{"taskId":`,
			want:   &Error{Kind: checks.AnswerGarbled, HTTPStatus: 200, Message: "the body is not a JSON object"},
		},
		{
			name:   "empty body on an error",
			status: 503,
			header: hdr("Retry-After", "2"),
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 503, RetryAfter: 2 * time.Second},
		},
		{
			name:   "redirect",
			status: 301,
			header: hdr("Location", "https://api.hiapi.ai/v1/tasks"),
			want:   &Error{Kind: checks.AnswerHTTP, HTTPStatus: 301, Message: "redirected to https://api.hiapi.ai/v1/tasks"},
		},
		{
			name:   "success, flat",
			status: 200,
			body:   `{"code":200,"message":"success","data":{"taskId":"tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"}}`,
		},
		{
			name:   "success with error null",
			status: 200,
			body:   `{"data":{"list":[]},"error":null}`,
		},
		{
			name:   "success with an empty error object",
			status: 200,
			body:   `{"code":200,"data":{},"error":{}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			got := ParseError(tt.status, h, []byte(tt.body))
			if tt.want == nil {
				if got != nil {
					t.Fatalf("ParseError = %#v, want nil (a success)", got)
				}
				return
			}
			if got == nil {
				t.Fatalf("ParseError = nil, want %#v", tt.want)
			}
			got.err = nil
			if *got != *tt.want {
				t.Errorf("ParseError =\n%#v\nwant\n%#v", *got, *tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"1", time.Second, true},
		{" 30 ", 30 * time.Second, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{"999999999999", 24 * time.Hour, true},
		{now.Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Wed, 26 Nov 2026 10:02:00 GMT", 2 * time.Minute, true},
		{"Wednesday, 26-Nov-26 10:00:10 GMT", 10 * time.Second, true}, // RFC 850, still legal
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseTaskVariants(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Task
		err  bool
	}{
		{
			name: "documented success with two outputs and extra fields",
			body: `{"code":200,"message":"success","data":{"taskId":"tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR","model":"gpt-image-2","status":"success","created":1764100000,"completed":1764100012,
				"output":[{"url":"https://cdn.example/t.png","type":"thumbnail","expireAt":1764704812},{"url":"https://cdn.example/i.png","type":"image","expireAt":1764704812}],
				"storage":{"provider":"r2"},"route":"default"}}`,
			want: Task{TaskID: "tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR", Model: "gpt-image-2", Status: "success", Created: 1764100000, Completed: 1764100012,
				Output: []Output{{URL: "https://cdn.example/t.png", Type: "thumbnail", ExpireAt: 1764704812}, {URL: "https://cdn.example/i.png", Type: "image", ExpireAt: 1764704812}}},
		},
		{
			name: "documented failure",
			body: `{"code":200,"data":{"taskId":"tk-1","status":"fail","created":1,"completed":2,"error":{"code":"TASK_FAILED","message":"upstream rejected the prompt"}}}`,
			want: Task{TaskID: "tk-1", Status: "fail", Created: 1, Completed: 2, Error: &TaskError{Code: "TASK_FAILED", Message: "upstream rejected the prompt"}},
		},
		{
			name: "numbers as strings and floats, status upper case, snake case",
			body: `{"data":{"task_id":"tk-2","status":"SUCCESS","created":"1764100000","completed":1764100012.0,"output":[{"url":"u","type":"IMAGE","expire_at":"1764704812"}]}}`,
			want: Task{TaskID: "tk-2", Status: "success", Created: 1764100000, Completed: 1764100012, Output: []Output{{URL: "u", Type: "image", ExpireAt: 1764704812}}},
		},
		{
			name: "milliseconds and an RFC 3339 expiry",
			body: `{"data":{"taskId":"tk-3","status":"handling","created":1764100000123,"output":[{"url":"u","expireAt":"2026-12-03T10:00:00Z"}]}}`,
			want: Task{TaskID: "tk-3", Status: "handling", Created: 1764100000, Output: []Output{{URL: "u", ExpireAt: 1796292000}}},
		},
		{
			name: "no envelope, output as bare strings, error as a string",
			body: `{"taskId":"tk-4","status":"fail","output":["https://a/1.png"],"error":"boom"}`,
			want: Task{TaskID: "tk-4", Status: "fail", Output: []Output{{URL: "https://a/1.png"}}, Error: &TaskError{Message: "boom"}},
		},
		{
			name: "output as one object; wrong types ignored",
			body: `{"data":{"taskId":"tk-5","status":"success","created":true,"completed":{},"output":{"url":"https://a/x.png","type":"image","expireAt":null}}}`,
			want: Task{TaskID: "tk-5", Status: "success", Output: []Output{{URL: "https://a/x.png", Type: "image"}}},
		},
		{
			name: "unknown status kept",
			body: `{"data":{"taskId":"tk-6","status":"rendering"}}`,
			want: Task{TaskID: "tk-6", Status: "rendering"},
		},
		{name: "data null and nothing else", body: `{"code":200,"message":"success","data":null}`, err: true},
		{name: "data is a list", body: `{"code":200,"data":[1,2]}`, err: true},
		{name: "not JSON", body: `<html>`, err: true},
		{name: "empty object", body: `{}`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTask([]byte(tt.body))
			if tt.err {
				if err == nil {
					t.Fatalf("ParseTask = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTask: %v", err)
			}
			if !equalTask(got, tt.want) {
				t.Errorf("ParseTask =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func equalTask(a, b Task) bool {
	if a.TaskID != b.TaskID || a.Model != b.Model || a.Status != b.Status || a.Created != b.Created || a.Completed != b.Completed || len(a.Output) != len(b.Output) {
		return false
	}
	for i := range a.Output {
		if a.Output[i] != b.Output[i] {
			return false
		}
	}
	if (a.Error == nil) != (b.Error == nil) {
		return false
	}
	return a.Error == nil || *a.Error == *b.Error
}

func TestCleanAndSnippet(t *testing.T) {
	if got := clean(nil, "a\x00b\u200b\n\n  c\td", 100); got != "ab c d" {
		t.Errorf("clean = %q", got)
	}
	if got := clean(nil, strings.Repeat("é", 50), 10); got != strings.Repeat("é", 10)+"…" {
		t.Errorf("clean cut = %q", got)
	}
	if got := snippet([]byte("<html><body><script>x()</script><p>Access   denied</p>"), nil); got != "x() Access denied" {
		t.Errorf("snippet without title = %q", got)
	}
	if got := snippet([]byte("<title>\xff\xfeBad</title>"), nil); !utf8.ValidString(got) || got != "Bad" {
		t.Errorf("snippet of invalid UTF-8 = %q", got)
	}
}

// seeds are bodies every fuzzer starts from.
var seeds = []string{
	`{"error":{"code":"permission_denied","type":"hiapi_error","message":"m","request_id":"r"}}`,
	`{"code":400,"message":"invalid request","data":null,"error_code":"INVALID_REQUEST"}`,
	`{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`,
	`{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}`,
	`{"code":200,"message":"success","data":{"taskId":"tk-hiapi-01HZTQ8BX2N3GM3YFK4Z9D7VQR"}}`,
	`{"code":200,"data":{"taskId":"t","status":"success","created":"1","output":[{"url":"u","type":"image","expireAt":1e30}]}}`,
	`{"data":{"status":"fail","error":{"code":1,"message":[]}},"code":"x"}`,
	`<html><title>502</title></html>`,
	`{"error":"x","code":1e400}`,
	``,
}

func FuzzParseError(f *testing.F) {
	for _, s := range seeds {
		f.Add(200, s)
		f.Add(401, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		h := http.Header{}
		h.Set("Retry-After", body[:min(len(body), 30)])
		e := ParseError(status, h, []byte(body))
		if e == nil {
			if status < 200 || status >= 300 {
				t.Fatalf("status %d parsed as a success", status)
			}
			return
		}
		s := e.Error()
		if !utf8.ValidString(s) || !utf8.ValidString(e.Message) {
			t.Fatalf("invalid UTF-8 in %q", s)
		}
		if strings.ContainsAny(e.Message+e.Code+e.Type+e.RequestID, "\n\r\x00") {
			t.Fatalf("control characters kept: %q", s)
		}
		_ = e.Answer()
	})
}

func FuzzParseTask(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		task, err := ParseTask([]byte(body))
		if err != nil {
			return
		}
		v := task.View()
		if !utf8.ValidString(v.TaskID) || !utf8.ValidString(v.Status) {
			t.Fatalf("invalid UTF-8 in %+v", v)
		}
		if _, ok := parseTaskID([]byte(body)); ok {
			return
		}
	})
}
