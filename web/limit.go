package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Limiter counts uses of a named bucket, shared by every keycheck on the
// database (store.Take): a token bucket of limit uses that refills one use
// every window/limit.
type Limiter interface {
	Take(ctx context.Context, bucket string, limit int, window time.Duration, now time.Time) (ok bool, retryAfter time.Duration, err error)
}

// limiters bound what one person or one address can make keycheck do. Each
// limit counts where what it protects lives. The live test spends the key
// owner's credits and counts against HiAPI's rate limit, which every
// instance shares: the live limits count in the database, so they hold
// across a team's instances. The check costs the instance's CPU and
// nothing else: its limit counts in each instance's memory. A check comes
// with every keystroke, and a database write per check would cost far more
// than the check (BenchmarkServeCheckLimited: about a third more on
// SQLite, behind its one writer; about nine times as much on PostgreSQL,
// a commit per keystroke).
type limiters struct {
	liveSession *shared
	liveIP      *shared
	checkIP     *shared
}

// liveCounter is where the live limits count: in the database when it is
// shared with other instances, else in memory. SQLite's lock lets one
// keycheck in, so its memory is already every instance's; a database write
// per live start there only queued behind the one writer (200 people
// starting tests at once waited past the first save's deadline).
func liveCounter(store RunStore, shared bool) Limiter {
	if !shared || store == nil {
		return nil
	}
	return store
}

// newLimiters counts the live limits in db (nil: in memory too).
func newLimiters(cfg Config, db Limiter, log *slog.Logger, now func() time.Time) *limiters {
	perHour := func(n int) rate.Limit { return rate.Limit(float64(n) / 3600) }
	perMinute := func(n int) rate.Limit { return rate.Limit(float64(n) / 60) }
	failed := &limitFailures{log: log}
	return &limiters{
		liveSession: newShared("live-session", db, failed, perHour(cfg.LivePerHour), max(1, cfg.LivePerHour/4), cfg.LivePerHour, now),
		liveIP:      newShared("live-ip", db, failed, perHour(3*cfg.LivePerHour), max(1, 3*cfg.LivePerHour/4), cfg.LivePerHour, now),
		checkIP:     newShared("check-ip", nil, failed, perMinute(cfg.ChecksPerMinute), max(1, cfg.ChecksPerMinute/2), cfg.ChecksPerMinute, now),
	}
}

// limitTimeout bounds one count in the database: past it the limit is
// counted in memory (shared.allow), so a slow database slows no request by
// more than this.
const limitTimeout = time.Second

// shared is one limit, counted in the database for every instance, with
// the same rate and burst kept in this instance's memory as its stand-in:
// when the database cannot count (down, busy past limitTimeout), the limit
// holds per instance rather than opening the gates or answering 500.
type shared struct {
	name string
	// db counts; nil counts in memory only.
	db     Limiter
	burst  int
	window time.Duration
	local  *keyed
	failed *limitFailures
	now    func() time.Time
}

// newShared is a limit of burst uses refilling at limit per second, as a
// token bucket: in the database, Take(burst, window) with window the time
// the bucket takes to refill whole. flag 0 (or less) is no limit.
func newShared(name string, db Limiter, failed *limitFailures, limit rate.Limit, burst, flag int, now func() time.Time) *shared {
	s := &shared{name: name, db: db, burst: burst, local: newKeyed(limit, burst, flag, now), failed: failed, now: now}
	if limit > 0 {
		s.window = time.Duration(float64(burst) / float64(limit) * float64(time.Second))
	}
	return s
}

// allow takes a use for key (a session or an address), or says how long
// until one is free.
func (s *shared) allow(key string) (time.Duration, bool) {
	if s.local.off {
		return 0, true
	}
	if s.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), limitTimeout)
		defer cancel()
		ok, wait, err := s.db.Take(ctx, s.bucket(key), s.burst, s.window, s.now())
		if err == nil {
			return wait, ok
		}
		s.failed.report(s.name, err)
	}
	return s.local.allow(key)
}

// bucket names key's bucket in the database: a hash, since neither a
// session id nor an address needs to be readable there.
func (s *shared) bucket(key string) string {
	sum := sha256.Sum256([]byte(key))
	return s.name + ":" + hex.EncodeToString(sum[:12])
}

// limitFailures logs that the database could not count a limit, at most
// once a minute: during an outage every request would say it again.
type limitFailures struct {
	log  *slog.Logger
	last atomic.Int64
}

func (f *limitFailures) report(limit string, err error) {
	now := time.Now().UnixNano()
	last := f.last.Load()
	if now-last < int64(time.Minute) || !f.last.CompareAndSwap(last, now) {
		return
	}
	f.log.Warn("rate limits: the database could not count, so each instance counts in its own memory until it can", "limit", limit, "err", err)
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
// rate_limited; closing a stream is what frees a slot, not waiting. The
// caps count this instance's streams only: what a stream costs (its
// connection, its goroutine) is this instance's, so with several
// instances behind a balancer an address may hold the cap on each.
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

// keyed is a token bucket per key (session or IP) in this instance's
// memory, forgetting keys idle for an hour so memory stays bounded: the
// stand-in for a limit the database cannot count.
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
