package run

import (
	"testing"
	"time"
)

func TestKeysBoundToSessionAndRun(t *testing.T) {
	now := time.Unix(1000, 0)
	k := NewKeys(15*time.Minute, func() time.Time { return now })
	k.Put("sess-a", "run-1", "sk-secret")

	if got, ok := k.Get("sess-a", "run-1"); !ok || got != "sk-secret" {
		t.Fatalf("same session: got %q, %v", got, ok)
	}
	if _, ok := k.Get("sess-b", "run-1"); ok {
		t.Fatal("another session must not get the key")
	}
	if _, ok := k.Get("", "run-1"); ok {
		t.Fatal("no session must not get the key")
	}
	if _, ok := k.Get("sess-a", "run-2"); ok {
		t.Fatal("another run must not get the key")
	}
}

func TestKeysExpireAndForget(t *testing.T) {
	now := time.Unix(1000, 0)
	k := NewKeys(time.Minute, func() time.Time { return now })
	k.Put("s", "r1", "k1")
	k.Put("s", "r2", "k2")

	k.Forget("r1")
	if k.Has("s", "r1") {
		t.Fatal("forgotten key still held")
	}
	now = now.Add(time.Minute)
	if k.Has("s", "r2") {
		t.Fatal("expired key still served")
	}
	k.Put("s", "r3", "k3")
	now = now.Add(2 * time.Minute)
	if n := k.Sweep(); n != 1 {
		t.Fatalf("Sweep wiped %d, want 1", n)
	}
	if k.Len() != 0 {
		t.Fatalf("Len = %d after sweep", k.Len())
	}
}

func TestKeysIgnoresEmpty(t *testing.T) {
	k := NewKeys(time.Minute, nil)
	k.Put("", "r", "k")
	k.Put("s", "", "k")
	k.Put("s", "r", "")
	if k.Len() != 0 {
		t.Fatalf("empty parts stored: %d", k.Len())
	}
}

// TestKeysWipeTheirBytes: the holder's copy of a key is zeroed, not just
// dropped, when the key is forgotten, replaced, swept, or found expired.
func TestKeysWipeTheirBytes(t *testing.T) {
	now := time.Unix(1000, 0)
	k := NewKeys(time.Minute, func() time.Time { return now })
	held := func(runID string) []byte {
		t.Helper()
		k.mu.Lock()
		defer k.mu.Unlock()
		e, ok := k.entries[runID]
		if !ok || len(e.key) == 0 {
			t.Fatalf("run %s holds no key", runID)
		}
		return e.key
	}
	wiped := func(what string, b []byte) {
		t.Helper()
		for i, c := range b {
			if c != 0 {
				t.Fatalf("%s: byte %d of the key's copy is still %q", what, i, c)
			}
		}
	}
	const key = "sk-Q7mZ2xV9pLr4Tk8WnB3hJ6cF1yD5gA0sE2uK7tP4wR9"

	k.Put("s", "forgotten", key)
	b := held("forgotten")
	k.Forget("forgotten")
	wiped("Forget", b)

	k.Put("s", "replaced", key)
	b = held("replaced")
	k.Put("s", "replaced", "sk-another-key-0123456789")
	wiped("Put over it", b)
	if got, _ := k.Get("s", "replaced"); got != "sk-another-key-0123456789" {
		t.Fatalf("the new key reads %q", got)
	}

	k.Put("s", "swept", key)
	b = held("swept")
	got, ok := k.Get("s", "swept")
	if !ok || got != key {
		t.Fatalf("Get = %q, %v", got, ok)
	}
	now = now.Add(time.Minute)
	if n := k.Sweep(); n != 2 {
		t.Fatalf("Sweep wiped %d keys, want 2", n)
	}
	wiped("Sweep", b)
	if got != key {
		t.Fatal("wiping changed a string Get returned") // Get hands out a copy
	}

	k.Put("s", "expired", key)
	b = held("expired")
	now = now.Add(time.Minute)
	if k.Has("s", "expired") {
		t.Fatal("an expired key is held")
	}
	wiped("expiry seen by Has", b)
	if k.Len() != 0 {
		t.Fatalf("Len = %d", k.Len())
	}
}
