package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestSettings(t *testing.T) {
	forEachEngine(t, testSettings)
}

func testSettings(t *testing.T, db Store) {
	ctx := context.Background()
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
// end up using the one stored first, and a restart keeps it. With
// PostgreSQL they race from two instances at once; with SQLite, servers
// starting at once on one file cannot race (Open is exclusive).
func TestSettingsFirstWriterWins(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, d testDB) {
		ctx := context.Background()
		instances := []Store{d.open(t)}
		if d.engine == "postgres" {
			instances = append(instances, d.open(t))
		}
		const n = 40
		got := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got[i], errs[i] = instances[i%len(instances)].PutSettingIfAbsent(ctx, "session_key", fmt.Sprintf("secret-%d", i))
			})
		}
		wg.Wait()
		stored, _, err := instances[0].Setting(ctx, "session_key")
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if errs[i] != nil || got[i] != stored {
				t.Errorf("writer %d got %q, %v; the stored value is %q", i, got[i], errs[i], stored)
			}
		}
		for _, s := range instances {
			s.Close()
		}
		again := d.open(t)
		if v, err := again.PutSettingIfAbsent(ctx, "session_key", "after a restart"); v != stored || err != nil {
			t.Errorf("after a restart = %q, %v; want %q kept", v, err, stored)
		}
	})
}
