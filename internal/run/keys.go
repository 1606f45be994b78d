package run

import (
	"crypto/subtle"
	"sync"
	"time"
)

// Keys holds API keys in the server's memory only, each bound to the
// browser session and the run that submitted it, so the live test can use
// the key without asking again. A key is never written anywhere: it leaves
// this struct only to be sent to HiAPI.
//
// The holder keeps its own copy of each key as bytes, and zeroes them when
// the key is forgotten, expires, is swept or is replaced. That wipes this
// copy only. Go strings cannot be zeroed, so these copies live until the
// garbage collector reuses their memory: the string Put was given (the
// request's form value or JSON field, and the body it came from, in
// net/http's buffers), each string Get returns (handed to the live test),
// the live test's own, the Authorization header the HiAPI client builds
// for each request, and net/http's and TLS's write buffers.
type Keys struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]*keyEntry // by run id
}

type keyEntry struct {
	session string
	key     []byte
	expires time.Time
}

// wipe zeroes the entry's copy of the key.
func (e *keyEntry) wipe() {
	clear(e.key)
	e.key = nil
}

// NewKeys returns a holder whose keys expire after ttl.
func NewKeys(ttl time.Duration, now func() time.Time) *Keys {
	if now == nil {
		now = time.Now
	}
	return &Keys{ttl: ttl, now: now, entries: map[string]*keyEntry{}}
}

// Put binds a copy of key to the session and run, wiping any key the run
// held.
func (k *Keys) Put(session, runID, key string) {
	if session == "" || runID == "" || key == "" {
		return
	}
	e := &keyEntry{session: session, key: []byte(key)}
	k.mu.Lock()
	defer k.mu.Unlock()
	e.expires = k.now().Add(k.ttl)
	k.drop(runID)
	k.entries[runID] = e
}

// Get returns the key of the run if the same session put it and it has
// not expired. The string is a new copy, which cannot be wiped: call it
// only to use the key.
func (k *Keys) Get(session, runID string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.find(session, runID)
	if e == nil {
		return "", false
	}
	return string(e.key), true
}

// Has reports whether Get would find a key, without copying it.
func (k *Keys) Has(session, runID string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.find(session, runID) != nil
}

// find returns the run's entry if session put it and it has not expired;
// an expired one is wiped. k.mu is held.
func (k *Keys) find(session, runID string) *keyEntry {
	e, ok := k.entries[runID]
	if !ok {
		return nil
	}
	if !k.now().Before(e.expires) {
		k.drop(runID)
		return nil
	}
	if session == "" || subtle.ConstantTimeCompare([]byte(e.session), []byte(session)) != 1 {
		return nil
	}
	return e
}

// Forget wipes the run's key, whoever put it.
func (k *Keys) Forget(runID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.drop(runID)
}

// drop wipes and removes the run's entry, if any. k.mu is held.
func (k *Keys) drop(runID string) {
	if e, ok := k.entries[runID]; ok {
		e.wipe()
		delete(k.entries, runID)
	}
}

// Sweep wipes every expired key and returns how many it wiped. The server
// calls it on a ticker, so an unused key does not outlive its TTL by long.
func (k *Keys) Sweep() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	n := 0
	for id, e := range k.entries {
		if !now.Before(e.expires) {
			k.drop(id)
			n++
		}
	}
	return n
}

// Len is the number of keys held.
func (k *Keys) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.entries)
}
