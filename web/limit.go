package web

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters bound what one person or one address can make keycheck do: the
// live test spends the key owner's credits and counts against HiAPI's rate
// limit, and the check API costs CPU.
type limiters struct {
	liveSession *keyed
	liveIP      *keyed
	checkIP     *keyed
}

func newLimiters(cfg Config, now func() time.Time) *limiters {
	perHour := func(n int) rate.Limit { return rate.Limit(float64(n) / 3600) }
	perMinute := func(n int) rate.Limit { return rate.Limit(float64(n) / 60) }
	return &limiters{
		liveSession: newKeyed(perHour(cfg.LivePerHour), max(1, cfg.LivePerHour/4), cfg.LivePerHour, now),
		liveIP:      newKeyed(perHour(3*cfg.LivePerHour), max(1, 3*cfg.LivePerHour/4), cfg.LivePerHour, now),
		checkIP:     newKeyed(perMinute(cfg.ChecksPerMinute), max(1, cfg.ChecksPerMinute/2), cfg.ChecksPerMinute, now),
	}
}

// allowLive limits live tests per session and per client IP. A script
// without a session is limited by its IP alone.
func (l *limiters) allowLive(session, ip string) error {
	if session == "" {
		session = "ip:" + ip
	}
	if wait, ok := l.liveSession.allow(session); !ok {
		return tooMany(wait, "You have run many live tests in a short time, and each one spends credits.")
	}
	if wait, ok := l.liveIP.allow(ip); !ok {
		return tooMany(wait, "Many live tests came from your address in a short time.")
	}
	return nil
}

func (l *limiters) allowCheck(ip string) error {
	if wait, ok := l.checkIP.allow(ip); !ok {
		return tooMany(wait, "Too many checks from your address in a short time.")
	}
	return nil
}

// tooMany is a limit's refusal; the error handler adds how long to wait,
// in words, from RetryAfter.
func tooMany(wait time.Duration, msg string) error {
	secs := int(wait.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: msg, RetryAfter: secs}
}

// streamRetryAfter is the Retry-After of a stream refused at a cap, in
// seconds: a slot frees when a watched test ends or a page closes, so
// there is no exact time to give.
const streamRetryAfter = 10

// streamSlots caps the open event streams per client IP and per run. A
// stream holds a connection and a goroutine for as long as the run's live
// test lasts, so without a cap a few thousand connections to one run would
// take the server's memory. A cap of 0 is no cap. It is a count of what is
// open, not a rate: that is why its refusal is too_many_streams, not
// rate_limited; closing a stream is what frees a slot, not waiting.
type streamSlots struct {
	perIP, perRun int

	mu    sync.Mutex
	byIP  map[string]int
	byRun map[string]int
}

func newStreamSlots(perIP, perRun int) *streamSlots {
	return &streamSlots{perIP: perIP, perRun: perRun, byIP: map[string]int{}, byRun: map[string]int{}}
}

// take reserves a stream for ip on the run, or refuses it past a cap;
// release gives the slot back (once, however often it is called). A count
// that falls to zero leaves its map, so memory follows what is open.
func (s *streamSlots) take(ip, runID string) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perIP > 0 && s.byIP[ip] >= s.perIP {
		return nil, tooManyStreams(fmt.Sprintf("%d live views of keycheck are already open from your address, the most it allows. Close some of its tabs, then reload this page.", s.perIP))
	}
	if s.perRun > 0 && s.byRun[runID] >= s.perRun {
		return nil, tooManyStreams(fmt.Sprintf("%d pages are already watching this run's live test, the most keycheck allows. The result stays on this run's page: reload it.", s.perRun))
	}
	countIn(s.byIP, ip, s.perIP, 1)
	countIn(s.byRun, runID, s.perRun, 1)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			countIn(s.byIP, ip, s.perIP, -1)
			countIn(s.byRun, runID, s.perRun, -1)
		})
	}, nil
}

// countIn adds delta to m[key] when the cap is on; a count of zero leaves
// the map.
func countIn(m map[string]int, key string, limit, delta int) {
	if limit <= 0 {
		return
	}
	if n := m[key] + delta; n > 0 {
		m[key] = n
	} else {
		delete(m, key)
	}
}

func tooManyStreams(msg string) error {
	return &Error{Status: http.StatusTooManyRequests, Code: "too_many_streams", Message: msg, RetryAfter: streamRetryAfter}
}

// keyed is a token bucket per key (session or IP), forgetting keys idle
// for an hour so memory stays bounded.
type keyed struct {
	limit rate.Limit
	burst int
	// off is true when the flag set the limit to 0: no limit.
	off bool
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyed(limit rate.Limit, burst, flag int, now func() time.Time) *keyed {
	return &keyed{limit: limit, burst: burst, off: flag <= 0, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for key, or says how long until one is free.
func (k *keyed) allow(key string) (time.Duration, bool) {
	if k.off {
		return 0, true
	}
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	if now.Sub(k.swept) > time.Minute {
		for id, b := range k.buckets {
			if now.Sub(b.seen) > time.Hour {
				delete(k.buckets, id)
			}
		}
		k.swept = now
	}
	b, ok := k.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(k.limit, k.burst)}
		k.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return time.Hour, false
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}
