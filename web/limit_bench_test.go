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
// the check limit on (a limit no request reaches), counted in the database
// (store.Take on SQLite: a write transaction per check), as keycheck would
// if SQLite were shared, and in memory, as it does: what counting the
// as-you-type check across instances would cost on SQLite.
func BenchmarkServeCheckLimited(b *testing.B) {
	for _, bc := range []struct {
		name   string
		shared bool
	}{{"db", true}, {"memory", false}} {
		b.Run(bc.name, func(b *testing.B) {
			db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			log := slog.New(slog.DiscardHandler)
			runner := run.NewRunner(db, benchProvider{}, nil, run.LiveConfig{BaseURL: benchHiAPI}, log, nil)
			b.Cleanup(func() { runner.Shutdown(context.Background()) })
			var st web.RunStore = db
			if bc.shared {
				st = sharedSQLite{db}
			}
			srv, err := web.New(web.Config{
				HiAPIURL: benchHiAPI, KeyTTL: 15 * time.Minute, DefaultModel: benchModel,
				SessionKeys:     [][]byte{[]byte("bench session key, 32 bytes long")},
				ChecksPerMinute: 1 << 30,
			}, log, st, runner, run.NewKeys(15*time.Minute, nil), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(srv.Close)
			cookies := benchServe(b, srv, benchCheckRequest(nil), http.StatusOK).Result().Cookies()
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				benchServe(b, srv, benchCheckRequest(cookies), http.StatusOK)
			}
		})
	}
}

// sharedSQLite is the SQLite store as a shared database: the web server
// then treats it as PostgreSQL's, where other instances may read and write
// (runs tested elsewhere, limits counted in the database). SQLite's events
// reach only this process, so several servers on one sharedSQLite in one
// test process are several instances on one database.
type sharedSQLite struct{ web.RunStore }

func (sharedSQLite) Engine() string { return "postgres" }
