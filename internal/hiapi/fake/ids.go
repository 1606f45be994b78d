package fake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// crockford is Crockford's base32 alphabet, the one ULIDs (and HiAPI's task
// ids) use: no I, L, O or U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// TaskIDPrefix starts every task id; a task id is 35 characters in all.
const TaskIDPrefix = "tk-hiapi-"

// newTaskID returns "tk-hiapi-" and a ULID: 48 bits of milliseconds, then
// 80 random bits, as 26 Crockford base32 characters.
func newTaskID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	rand.Read(b[6:])
	return TaskIDPrefix + encode128(b)
}

// encode128 writes 128 bits as 26 base32 characters (the first holds the
// top 3 bits).
func encode128(b [16]byte) string {
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	out := make([]byte, 26)
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out)
}

// newRequestID returns an id shaped like the ones HiAPI quotes ("2026…Y7"):
// a UTC timestamp, then 10 random base32 characters.
func newRequestID(now time.Time) string {
	var r [10]byte
	rand.Read(r[:])
	out := []byte(now.UTC().Format("20060102150405"))
	for _, c := range r {
		out = append(out, crockford[c&31])
	}
	return string(out)
}

// KeyID names a key in the fake's records without holding it: "sha256:"
// and 12 hex digits, as keycheck's fingerprint shows. "" for no key.
func KeyID(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])[:12]
}
