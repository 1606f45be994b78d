package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestCLIRefusesFlagsHoldingKey: a flag keycheck prints or sends to HiAPI
// that holds a piece of the key (in any case, or encoded) ends the command
// with exit 2 and a message naming the flag, never its value, before
// anything is checked or sent.
func TestCLIRefusesFlagsHoldingKey(t *testing.T) {
	t.Parallel()
	const key = "sk-Q7mZ2xV9pLr4Tk8WnB3hJ6cF1yD5gA0sE2uK7tP4wR9"
	var requests atomic.Int64
	hiapi := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer hiapi.Close()
	live := []string{"check", "--live", "--hiapi-url", hiapi.URL}
	tests := []struct {
		flag  string
		args  []string
		stdin bool
	}{
		{"--model", append(live, "--model", key), false},
		{"--model", append(live, "--model", strings.ToLower(key[4:16])), false},
		{"--prompt", append(live, "--prompt", "draw "+base64.StdEncoding.EncodeToString([]byte(key))), false},
		{"--var", []string{"check", "--stdin", "--var", strings.ToUpper(strings.ReplaceAll(key, "-", "_"))}, true},
		{"--expected-last4", []string{"check", "--expected-last4", key[len(key)-9:]}, false},
		{"--hiapi-url", []string{"check", "--live", "--hiapi-url", hiapi.URL + "/?key=" + key}, false},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		stdin, environ := "", []string{"HIAPI_API_KEY=" + key}
		if tt.stdin {
			stdin, environ = key, nil
		}
		code := realMain(context.Background(), tt.args, strings.NewReader(stdin), &out, &errOut, func(string) string { return "" }, environ)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", tt.flag, code, out.String(), errOut.String())
		}
		if !strings.Contains(errOut.String(), tt.flag+" holds part of the key") {
			t.Errorf("%s: stderr does not name the flag: %q", tt.flag, errOut.String())
		}
		if out.Len() != 0 {
			t.Errorf("%s: something was checked: %s", tt.flag, out.String())
		}
		all := strings.ToLower(out.String() + errOut.String())
		for i := 0; i+8 <= len(key); i++ {
			if strings.Contains(all, strings.ToLower(key[i:i+8])) {
				t.Errorf("%s: the output shows %q", tt.flag, key[i:i+8])
				break
			}
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("HiAPI was called %d times", n)
	}

	// The same flags without the key run as before.
	var out, errOut bytes.Buffer
	code := realMain(context.Background(), []string{"check", "--var", "MY_KEY", "--model", "gpt-image-2", "--prompt", "draw " + key[4:11], "--expected-last4", key[len(key)-4:]},
		strings.NewReader(""), &out, &errOut, func(string) string { return "" }, []string{"MY_KEY=" + key})
	if code != 0 {
		t.Errorf("ordinary flags: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}
