package main

import (
	"slices"
	"testing"
	"time"
)

// at makes a sample of ok requests per second for 1 s, every one taking p99.
func at(name string, clients int, pace time.Duration, ok int, p99 time.Duration) sample {
	return sample{Name: name, Clients: clients, Pace: pace, Duration: time.Second, OK: ok, lat: []time.Duration{p99}}
}

func TestTargetsJudgeRequests(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		judge    func(*results) (string, bool)
		requests []sample
		want     bool
		measured string
	}{
		{"run page at 0.75x of the baseline", ratioAtLeast("GET /runs/{id}", 0.75),
			[]sample{at(baseline, 1, 0, 1000, ms), at("GET /runs/{id}", 1, 0, 750, ms)}, true, "0.75× at 1"},
		{"run page under 0.75x at one concurrency of two", ratioAtLeast("GET /runs/{id}", 0.75),
			[]sample{at(baseline, 1, 0, 1000, ms), at("GET /runs/{id}", 1, 0, 900, ms), at(baseline, 50, 0, 1000, ms), at("GET /runs/{id}", 50, 0, 740, ms)},
			false, "0.90× at 1, 0.74× at 50"},
		{"paced rows are not ratios", ratioAtLeast("POST /check", 0.5),
			[]sample{at(baseline, 50, 0, 1000, ms), at("POST /check", 50, 0, 600, ms), at("POST /check", 50, personPace, 200, ms)}, true, "0.60× at 50"},
		{"p99 under 10 ms closed and paced", p99Below("POST /check", 50, 10*ms),
			[]sample{at(baseline, 50, 0, 1000, 8*ms), at("POST /check", 50, 0, 600, 9*ms), at("POST /check", 50, personPace, 200, 2*ms)},
			true, "closed loop 9.00 ms; 1 per 250ms 2.00 ms; the baseline's 8.00 ms"},
		{"p99 at a person's pace over 10 ms misses", p99Below("POST /check", 50, 10*ms),
			[]sample{at(baseline, 50, 0, 1000, 8*ms), at("POST /check", 50, 0, 600, 9*ms), at("POST /check", 50, personPace, 200, 11*ms)}, false,
			"closed loop 9.00 ms; 1 per 250ms 11.0 ms; the baseline's 8.00 ms"},
		{"p99 at other concurrencies does not count", p99Below("POST /check", 50, 10*ms),
			[]sample{at(baseline, 10, 0, 1000, 8*ms), at("POST /check", 10, 0, 600, 30*ms)}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			measured, met := tt.judge(&results{requests: tt.requests})
			if met != tt.want || measured != tt.measured {
				t.Errorf("judged %q, %v; want %q, %v", measured, met, tt.measured, tt.want)
			}
		})
	}
}

func TestPctIsNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 200; i++ {
		lat = append(lat, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 100, 99: 198, 100: 200, 0: 1} {
		if got := pct(lat, p); got != want {
			t.Errorf("pct(1..200, %v) = %v, want %v", p, got, want)
		}
	}
	if got := pct(nil, 99); got != 0 {
		t.Errorf("pct(nil) = %v, want 0", got)
	}
}

func TestSpreadOfUpdates(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(sum uint64, ms int) arrival {
		return arrival{sum: sum, at: t0.Add(time.Duration(ms) * time.Millisecond)}
	}
	ms := time.Millisecond
	done := t0.Add(2900 * ms) // the fake answered the poll that saw the result
	tests := []struct {
		name            string
		got             [][]arrival
		updates         int
		spread, result  []time.Duration
		skipped, missed int
	}{
		{"every stream gets every update; state 1 came before the last joined",
			[][]arrival{{at(1, 0), at(2, 1000), at(3, 3000)}, {at(1, 500), at(2, 1200), at(3, 3100)}},
			2, []time.Duration{0, 0, 100 * ms, 200 * ms}, []time.Duration{100 * ms, 200 * ms}, 0, 0},
		{"a stream still reading state 1 skips 2 and is counted at 3",
			[][]arrival{{at(1, 0), at(2, 1000), at(3, 3000)}, {at(1, 500), at(3, 3100)}},
			2, []time.Duration{0, 0, 100 * ms, 2100 * ms}, []time.Duration{100 * ms, 200 * ms}, 1, 0},
		{"a stream that never got the last state misses it",
			[][]arrival{{at(1, 0), at(2, 1000), at(3, 3000)}, {at(1, 500), at(2, 1300)}},
			2, []time.Duration{0, 0, 300 * ms}, []time.Duration{100 * ms}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := spreadOf(tt.got, done, 10e6, 20e6)
			if f.Streams != len(tt.got) || f.Updates != tt.updates || f.Skipped != tt.skipped || f.Missed != tt.missed ||
				!slices.Equal(f.Spread, tt.spread) || !slices.Equal(f.Result, tt.result) {
				t.Errorf("got %+v", f)
			}
		})
	}
}

func TestJudgeWatchers(t *testing.T) {
	ms := time.Millisecond
	all := func(d time.Duration) []time.Duration {
		out := make([]time.Duration, watchers)
		for i := range out {
			out[i] = d
		}
		return out
	}
	good := watchFigures{Streams: watchers, Updates: 3, Spread: all(300 * ms), Result: all(400 * ms), IdleRSS: 14e6, PeakRSS: 100e6}
	tests := []struct {
		name string
		edit func(*watchFigures)
		want bool
	}{
		{"within every goal", func(*watchFigures) {}, true},
		{"150 MB above idle", func(f *watchFigures) { f.PeakRSS = f.IdleRSS + 150e6 }, false},
		{"p99 over 1 s", func(f *watchFigures) {
			f.Spread = append(all(300 * ms)[:watchers*98/100], all(2 * time.Second)[:watchers*2/100]...)
		}, false},
		{"the result late", func(f *watchFigures) { f.Result = all(1100 * ms) }, false},
		{"an update never came", func(f *watchFigures) { f.Missed = 1 }, false},
		{"no update after the streams joined", func(f *watchFigures) { f.Updates, f.Spread = 0, nil }, false},
		{"fewer streams", func(f *watchFigures) { f.Streams = watchers - 1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := good
			tt.edit(&f)
			if measured, met := judgeWatchers(&results{watch: f}); met != tt.want || measured == "" {
				t.Errorf("judged %q, %v; want %v", measured, met, tt.want)
			}
		})
	}
	if measured, _ := judgeWatchers(&results{}); measured != "" {
		t.Errorf("not measured, judged %q", measured)
	}
}
