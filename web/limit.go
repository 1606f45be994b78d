package web

import (
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
		return tooMany(wait, "You have run many live tests in a short time; each one spends credits. Wait a little and try again.")
	}
	if wait, ok := l.liveIP.allow(ip); !ok {
		return tooMany(wait, "Many live tests came from your address in a short time. Wait a little and try again.")
	}
	return nil
}

func (l *limiters) allowCheck(ip string) error {
	if wait, ok := l.checkIP.allow(ip); !ok {
		return tooMany(wait, "Too many checks from your address in a short time. Wait a moment and try again.")
	}
	return nil
}

func tooMany(wait time.Duration, msg string) error {
	secs := int(wait.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: msg, RetryAfter: secs}
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
