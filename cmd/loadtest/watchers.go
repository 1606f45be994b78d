package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/keycheck/keycheck/internal/hiapi/fake"
	"github.com/keycheck/keycheck/internal/wait"
)

// watchFigures is what manyWatchers measured.
type watchFigures struct {
	Streams int // that followed the test to its end
	Updates int // states pushed after the last stream had joined
	// Spread is each such update's arrival at each stream, after its
	// first arrival at any; Result is the result's arrival at each
	// stream, after the fake answered the poll that saw it. Both sorted.
	Spread, Result []time.Duration
	// Skipped arrivals were counted at a newer state (the stream was still
	// reading an older one, and skipped to the latest); Missed never came.
	Skipped, Missed  int
	IdleRSS, PeakRSS int64
}

// arrival is one "run" event at one stream: a hash of its bytes (every
// stream gets the same bytes for one state) and when it came.
type arrival struct {
	sum uint64
	at  time.Time
}

// manyWatchers watches one live test with watchers event streams, on a
// keycheck of its own started with the stream caps off (so its idle memory
// is its own, and the other figures hold none of its heap), and reads its
// RSS every 100 ms meanwhile. The test is the fake's slow scenario: its
// updates come 5 s apart, after the streams have joined.
func (lt *loadTest) manyWatchers(ctx context.Context) error {
	lt.progress("watching one live test with %d event streams, on a keycheck of its own", watchers)
	dir := filepath.Join(lt.dir, "watchers")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	// --live-timeout: the slow test takes about 16 s.
	srv, err := lt.startKeycheck(ctx, dir, "--live-timeout", "2m", "--streams-per-ip", "0", "--streams-per-run", "0")
	if err != nil {
		return err
	}
	lt.watchSrv = srv
	defer lt.keepLog("the watchers' keycheck", srv)
	defer srv.stop()
	f := &lt.res.watch
	err = wait.For(ctx, time.Second)
	f.IdleRSS = srv.rss()
	if err != nil {
		return err
	}

	peak := sampleRSS(ctx, srv)
	key := fmt.Sprintf(testKey, fake.Slow, 0)
	lt.res.liveKeys = append(lt.res.liveKeys, key)
	got, passed, err := lt.follow(ctx, srv, key)
	f.PeakRSS = peak()
	if err != nil {
		return err
	}
	if !passed {
		return errors.New("the watched live test did not end with its result passed")
	}
	tasks := lt.tasksByKey()[fake.KeyID(key)]
	if len(tasks) != 1 || tasks[0].FirstSeenDone.IsZero() {
		return errors.New("the watched live test's task never finished at the fake")
	}
	*f = spreadOf(got, tasks[0].FirstSeenDone, f.IdleRSS, f.PeakRSS)
	return nil
}

// follow starts the live test of key on srv and opens watchers streams on
// it, at most 100 opening at once, following each to the test's end. It
// returns each stream's arrivals, and whether the last state showed the
// result passed.
func (lt *loadTest) follow(ctx context.Context, srv *server, key string) (got [][]arrival, passed bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	id, err := lt.createRun(ctx, srv, key)
	if err != nil {
		return nil, false, err
	}
	got, errs := make([][]arrival, watchers), make([]error, watchers)
	opening := make(chan struct{}, 100)
	var wg sync.WaitGroup
	for i := range watchers {
		wg.Go(func() {
			opening <- struct{}{}
			joined := false
			errs[i] = lt.watch(ctx, srv, id, func(html []byte) {
				h := fnv.New64a()
				h.Write(html)
				got[i] = append(got[i], arrival{sum: h.Sum64(), at: time.Now()})
				if i == 0 {
					passed = resultPassed.Match(html)
				}
				if !joined {
					joined = true
					<-opening
				}
			})
			if !joined {
				<-opening
			}
		})
	}
	wg.Wait()
	return got, passed, errors.Join(errs...)
}

// spreadOf measures the updates every stream got after the last one
// joined (its first event): each one's arrival at each stream after its
// first arrival at any, a stream that skipped it counted at the newer
// state it got instead; and the final state's arrival after done, when the
// fake answered the poll that saw the result.
func spreadOf(got [][]arrival, done time.Time, idle, peak int64) watchFigures {
	f := watchFigures{Streams: len(got), IdleRSS: idle, PeakRSS: peak}
	var joined time.Time
	first := map[uint64]time.Time{}
	for _, stream := range got {
		if len(stream) > 0 && stream[0].at.After(joined) {
			joined = stream[0].at
		}
		for _, a := range stream {
			if t, ok := first[a.sum]; !ok || a.at.Before(t) {
				first[a.sum] = a.at
			}
		}
	}
	var order []uint64 // the updates after joined, oldest first
	for sum, t := range first {
		if t.After(joined) {
			order = append(order, sum)
		}
	}
	slices.SortFunc(order, func(a, b uint64) int { return first[a].Compare(first[b]) })
	f.Updates = len(order)
	for _, stream := range got {
		at := map[uint64]time.Time{}
		for _, a := range stream {
			at[a.sum] = a.at
		}
		for k, sum := range order {
			i := slices.IndexFunc(order[k:], func(s uint64) bool { _, ok := at[s]; return ok })
			switch {
			case i < 0:
				f.Missed++
				continue
			case i > 0:
				f.Skipped++
			}
			f.Spread = append(f.Spread, at[order[k+i]].Sub(first[sum]))
		}
		if len(order) > 0 {
			if t, ok := at[order[len(order)-1]]; ok {
				f.Result = append(f.Result, t.Sub(done))
			}
		}
	}
	slices.Sort(f.Spread)
	slices.Sort(f.Result)
	return f
}

// sampleRSS reads srv's RSS every 100 ms until peak is called, which
// returns the most it read.
func sampleRSS(ctx context.Context, srv *server) (peak func() int64) {
	sampling, stop := context.WithCancel(ctx)
	most := make(chan int64)
	go func() {
		var m int64
		for wait.For(sampling, 100*time.Millisecond) == nil {
			m = max(m, srv.rss())
		}
		most <- m
	}()
	return func() int64 { stop(); return <-most }
}
