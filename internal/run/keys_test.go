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
