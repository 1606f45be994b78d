package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	if v, ok, err := db.Setting(ctx, "session_key"); v != "" || ok || err != nil {
		t.Fatalf("Setting before any put = %q, %v, %v", v, ok, err)
	}
	if v, err := db.PutSettingIfAbsent(ctx, "session_key", "first"); v != "first" || err != nil {
		t.Fatalf("first put = %q, %v", v, err)
	}
	if v, err := db.PutSettingIfAbsent(ctx, "session_key", "second"); v != "first" || err != nil {
		t.Fatalf("second put = %q, %v; want the first value kept", v, err)
	}
	if v, ok, err := db.Setting(ctx, "session_key"); v != "first" || !ok || err != nil {
		t.Fatalf("Setting = %q, %v, %v", v, ok, err)
	}
}

// TestSettingsFirstWriterWins: requests racing to generate a secret all
// end up using the one stored first, and a restart keeps it. (Servers
// starting at once on one file cannot race: Open is exclusive.)
func TestSettingsFirstWriterWins(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	const n = 40
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got[i], errs[i] = db.PutSettingIfAbsent(ctx, "session_key", fmt.Sprintf("secret-%d", i))
		})
	}
	wg.Wait()
	stored, _, err := db.Setting(ctx, "session_key")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if errs[i] != nil || got[i] != stored {
			t.Errorf("writer %d got %q, %v; the stored value is %q", i, got[i], errs[i], stored)
		}
	}
	db.Close()
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if v, err := again.PutSettingIfAbsent(ctx, "session_key", "after a restart"); v != stored || err != nil {
		t.Errorf("after a restart = %q, %v; want %q kept", v, err, stored)
	}
}
