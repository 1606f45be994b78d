package main

import (
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
