package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keycheck/keycheck/checks"
	"github.com/keycheck/keycheck/internal/hiapi/fake"
)

// TestBrowserKeyHistory: ana's live test of a key passes; HiAPI then
// revokes it, and ben's fails with 401. From ben's run page, on a phone
// and by the keyboard alone, the link to the key's history leads to a
// page whose first screen says what happened: passed then, fails since,
// revoked or rotated in between. Its screenshots (history-*.png) are for
// a human to look at.
func TestBrowserKeyHistory(t *testing.T) {
	f := fake.New(fake.Options{Step: 300 * time.Millisecond})
	var revoked atomic.Bool
	hiapi := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if revoked.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"permission_denied","type":"hiapi_error","message":"Invalid API key.","request_id":"req_revoked_1"}}`)
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(hiapi.Close)
	env := startEnv(t, "", func(c *serveConfig) {
		c.HiAPIURL = hiapi.URL
		c.TrustedProxies = []*net.IPNet{{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(32, 32)}}
		c.UserHeader = "X-Forwarded-User"
	})
	runAs := func(who string, body map[string]any) string {
		t.Helper()
		req := jsonReq(t, http.MethodPost, env.URL+"/api/v1/runs", body)
		req.Header.Set("X-Forwarded-User", who)
		resp, b := (&recorder{}).do(t, newClient(t), req)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /api/v1/runs as %s: %d %s", who, resp.StatusCode, b)
		}
		var r apiRun
		if err := json.Unmarshal([]byte(b), &r); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	runAs("cy", map[string]any{"key": goodKey})
	first := runAs("ana", map[string]any{"key": goodKey, "live": true})
	waitLiveDone(t, env, first)
	revoked.Store(true)
	second := runAs("ben", map[string]any{"key": goodKey, "live": true})
	waitLiveDone(t, env, second)
	hash := checks.FingerprintOf(goodKey).Hash()

	for _, s := range []screen{phone, phoneDark, desktop} {
		t.Run(s.name, func(t *testing.T) {
			ctx := on(t, s)
			within(t, ctx, 15*time.Second, "open ben's run",
				chromedp.Navigate(env.URL+"/runs/"+second),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="key-history"]`)),
			)
			inFirstScreen(t, ctx, `[data-testid="key-history"]`, "the link to the key's history")
			if s.w < 600 {
				shot(t, ctx, "history-link-"+s.name)
			}
			within(t, ctx, 15*time.Second, "follow the link by the keyboard",
				chromedp.Focus(chromedp.CSS(`[data-testid="key-history"]`)),
				chromedp.KeyEvent("\r"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="turning-point"]`)),
			)
			if path := eval[string](t, ctx, `location.pathname`); path != "/keys/"+hash {
				t.Errorf("the link led to %s, want /keys/%s", path, hash)
			}
			got := text(t, ctx, `[data-testid="turning-point"]`)
			if !strings.HasPrefix(got, "Auth passed on ") || !strings.Contains(got, "(ana), fails with 401 since ") ||
				!strings.HasSuffix(got, "(ben): the key was revoked or rotated in between.") {
				t.Errorf("turning point %q", got)
			}
			if tally := text(t, ctx, `[data-testid="tally"]`); !strings.HasPrefix(tally, "3 runs by 3 people") {
				t.Errorf("tally %q", tally)
			}
			inFirstScreen(t, ctx, `[data-testid="turning-point"]`, "the turning point")
			if s.w < 600 {
				shot(t, ctx, "history-"+s.name)
			}
			screenshot(t, ctx, "history-full-"+s.name)
			noCSPViolations(t, ctx)
		})
	}
}
