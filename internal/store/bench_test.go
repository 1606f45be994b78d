package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

func BenchmarkCreateRun(b *testing.B) {
	ctx := context.Background()
	db, _ := openTest(b)
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
}

func BenchmarkGetRun(b *testing.B) {
	ctx := context.Background()
	db, _ := openTest(b)
	// A table of some size, so the lookups are not all in one page.
	for i := range 2000 {
		if err := db.CreateRun(ctx, fullRun(fmt.Sprintf("r%05d", i), t0.Add(time.Duration(i)*time.Second))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := db.GetRun(ctx, fmt.Sprintf("r%05d", i%2000)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkUpdateRun(b *testing.B) {
	ctx := context.Background()
	db, _ := openTest(b)
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
}

func BenchmarkListRuns(b *testing.B) {
	ctx := context.Background()
	db, _ := openTest(b)
	for i := range 2000 {
		if err := db.CreateRun(ctx, fullRun(fmt.Sprintf("r%05d", i), t0.Add(time.Duration(i)*time.Second))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		runs, err := db.ListRuns(ctx, run.ListFilter{Limit: DefaultLimit})
		if err != nil || len(runs) != DefaultLimit {
			b.Fatal(len(runs), err)
		}
	}
}
