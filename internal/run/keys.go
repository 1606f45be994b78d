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
// Go strings cannot be zeroed, so "wiped" means the last reference is
// dropped: the key becomes unreachable and is reclaimed by the garbage
// collector.
type Keys struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]keyEntry // by run id
}

type keyEntry struct {
	session string
	key     string
	expires time.Time
}

// NewKeys returns a holder whose keys expire after ttl.
func NewKeys(ttl time.Duration, now func() time.Time) *Keys {
	if now == nil {
		now = time.Now
	}
	return &Keys{ttl: ttl, now: now, entries: map[string]keyEntry{}}
}

// Put binds key to the session and run, replacing any key the run held.
func (k *Keys) Put(session, runID, key string) {
	if session == "" || runID == "" || key == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[runID] = keyEntry{session: session, key: key, expires: k.now().Add(k.ttl)}
}

// Get returns the key of the run if the same session put it and it has
// not expired.
func (k *Keys) Get(session, runID string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[runID]
	if !ok {
		return "", false
	}
	if !k.now().Before(e.expires) {
		delete(k.entries, runID)
		return "", false
	}
	if session == "" || subtle.ConstantTimeCompare([]byte(e.session), []byte(session)) != 1 {
		return "", false
	}
	return e.key, true
}

// Has reports whether Get would find a key.
func (k *Keys) Has(session, runID string) bool {
	_, ok := k.Get(session, runID)
	return ok
}

// Forget wipes the run's key, whoever put it.
func (k *Keys) Forget(runID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.entries, runID)
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
			delete(k.entries, id)
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
