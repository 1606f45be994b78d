package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/internal/store"
	"github.com/keycheck/keycheck/web"
)

// BenchmarkServeCheckLimited is BenchmarkServeCheck's "session" case with
// the check limit on (a limit no request reaches), as it counts, in the
// instance's memory, and with one store.Take on SQLite beside each check:
// what counting the as-you-type check in the database would add (see
// limiters).
func BenchmarkServeCheckLimited(b *testing.B) {
	for _, bc := range []struct {
		name string
		take bool
	}{{"memory", false}, {"memory+take", true}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			log := slog.New(slog.DiscardHandler)
			runner := run.NewRunner(db, benchProvider{}, nil, run.LiveConfig{BaseURL: benchHiAPI}, log, nil)
			b.Cleanup(func() { runner.Shutdown(context.Background()) })
			srv, err := web.New(web.Config{
				HiAPIURL: benchHiAPI, KeyTTL: 15 * time.Minute, DefaultModel: benchModel,
				SessionKeys:     [][]byte{[]byte("bench session key, 32 bytes long")},
				ChecksPerMinute: 1 << 30,
			}, log, db, runner, run.NewKeys(15*time.Minute, nil), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(srv.Close)
			cookies := benchServe(b, srv, benchCheckRequest(nil), http.StatusOK).Result().Cookies()
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				benchServe(b, srv, benchCheckRequest(cookies), http.StatusOK)
				if bc.take {
					if _, _, err := db.Take(ctx, "check-ip:bench", 1<<29, 30*time.Second, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
