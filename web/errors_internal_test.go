package web

import "testing"

// TestWaitWords: a limit's wait as a person reads it, the same seconds as
// Retry-After.
func TestWaitWords(t *testing.T) {
	t.Parallel()
	for secs, want := range map[int]string{
		0:    "1 s",
		1:    "1 s",
		40:   "40 s",
		60:   "1 min",
		160:  "2 min 40 s",
		599:  "9 min 59 s",
		3600: "1 h",
		3900: "1 h 5 min",
		3930: "1 h 6 min",
		7199: "2 h",
	} {
		if got := waitWords(secs); got != want {
			t.Errorf("waitWords(%d) = %q, want %q", secs, got, want)
		}
	}
}
