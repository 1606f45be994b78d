package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// forEachEngineB runs bench once per engine, on a fresh database each:
// BenchmarkGetRun/sqlite/..., BenchmarkGetRun/postgres/... PostgreSQL's
// rows cross a loopback TCP connection, as a team's keycheck's do.
func forEachEngineB(b *testing.B, bench func(b *testing.B, s Store)) {
	for _, e := range engineNames {
		b.Run(e, func(b *testing.B) { bench(b, newTestDB(b, e).open(b)) })
	}
}

// seedBench fills s with n runs, r00000 onwards, so lookups are not all in
// one page.
func seedBench(b *testing.B, s Store, n int) {
	b.Helper()
	for i := range n {
		if err := s.CreateRun(context.Background(), fullRun(fmt.Sprintf("r%05d", i), t0.Add(time.Duration(i)*time.Second))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateRun(b *testing.B) {
	forEachEngineB(b, func(b *testing.B, db Store) {
		ctx := context.Background()
		r := fullRun("", t0)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			r.ID = fmt.Sprintf("bench-%09d", i)
			i++
			if err := db.CreateRun(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetRun reads runs in turn from a table of 2000, and one run
// again and again, as a run page shared with a team is.
func BenchmarkGetRun(b *testing.B) {
	forEachEngineB(b, func(b *testing.B, db Store) {
		ctx := context.Background()
		seedBench(b, db, 2000)
		for _, bb := range []struct {
			name string
			id   func(i int) string
		}{
			{"many", func(i int) string { return fmt.Sprintf("r%05d", i%2000) }},
			{"one", func(int) string { return "r01000" }},
		} {
			b.Run(bb.name, func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := db.GetRun(ctx, bb.id(i)); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	})
}

func BenchmarkUpdateRun(b *testing.B) {
	forEachEngineB(b, func(b *testing.B, db Store) {
		ctx := context.Background()
		r := fullRun("r", t0)
		if err := db.CreateRun(ctx, r); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r.Updated = r.Updated.Add(time.Second)
			if err := db.UpdateRun(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListRuns(b *testing.B) {
	forEachEngineB(b, func(b *testing.B, db Store) {
		ctx := context.Background()
		seedBench(b, db, 2000)
		b.ReportAllocs()
		for b.Loop() {
			runs, err := db.ListRuns(ctx, run.ListFilter{Limit: DefaultLimit})
			if err != nil || len(runs) != DefaultLimit {
				b.Fatal(len(runs), err)
			}
		}
	})
}
