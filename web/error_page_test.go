package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestErrorPagesNeverRepeatTheAddress: a key pasted into the address bar
// (/runs/<key>, /runs/<key>/steps/x, a route that does not exist) gets an
// error page that holds no part of what was typed: not in the name form's
// way back, not in og:url. The name form returns home, or to the run.
func TestErrorPagesNeverRepeatTheAddress(t *testing.T) {
	e := newEnv(t, func(su *setup) { su.cfg.PublicURL = "https://keycheck.example.com" })
	const canary = "sk-CANARYpastedINTOtheADDRESSbar0123456789"
	b := e.browser()
	for _, path := range []string{
		"/runs/" + canary,
		"/runs/" + canary + "/steps/auth",
		"/" + canary,
		"/keys/" + canary,
		"/api/v1/runs/" + canary,
	} {
		r := b.get(path)
		if r.Status < 400 {
			t.Errorf("GET %s = %d, want an error", path, r.Status)
		}
		if strings.Contains(r.Body, "CANARY") || strings.Contains(r.Body, url.PathEscape(canary)) {
			t.Errorf("GET %s: the error page holds what was typed:\n%s", path, r.Body)
		}
	}
	// A run that exists but whose step does not: the way back is the run.
	id := b.createRun(url.Values{"key": {"sk-" + strings.Repeat("a", 40)}})
	r := b.get("/runs/" + id + "/steps/" + canary)
	if r.Status != http.StatusNotFound {
		t.Fatalf("unknown step = %d", r.Status)
	}
	if back, _ := r.doc().Find(`input[name="back"]`).Attr("value"); back != "/runs/"+id {
		t.Errorf("the name form returns to %q, want the run", back)
	}
}
