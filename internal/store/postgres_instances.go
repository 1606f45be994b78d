package store

import (
	"context"
	"time"

	"github.com/keycheck/keycheck/internal/run"
)

// dbNow is the database's clock in Unix nanoseconds. Leases are taken and
// judged by it alone, so instances whose hosts' clocks disagree still agree
// on which lease holds.
const dbNow = "(extract(epoch FROM clock_timestamp()) * 1000000000)::bigint"

// Lease takes or renews instance's lease until ttl from now, by the
// database's clock. A ttl of zero or less leaves it already lapsed.
func (p *PG) Lease(ctx context.Context, instance string, ttl time.Duration) error {
	_, err := p.pool.Exec(ctx, "INSERT INTO instances (instance, expires) VALUES ($1, "+dbNow+" + $2) "+
		"ON CONFLICT (instance) DO UPDATE SET expires = excluded.expires", instance, ttl.Nanoseconds())
	if err != nil {
		return p.fail("lease "+instance, err)
	}
	return nil
}

// Release gives up instance's lease, at a clean stop: its running runs
// (there should be none left) are orphaned from now on.
func (p *PG) Release(ctx context.Context, instance string) error {
	if _, err := p.pool.Exec(ctx, "DELETE FROM instances WHERE instance = $1", instance); err != nil {
		return p.fail("release "+instance, err)
	}
	return nil
}

// UpdateOrphaned applies change to every run whose live test is running
// under an instance other than self (any instance when self is "") that
// holds no unexpired lease, and stores them, in one transaction that locks
// them (FOR UPDATE: a write under way to one of them finishes first) and
// announces each. A run from before runs recorded their instance ("") has
// no lease, so it is orphaned. Lapsed leases are dropped on the way: a
// lapsed lease and none mean the same.
func (p *PG) UpdateOrphaned(ctx context.Context, self string, change func(*run.Run)) (int64, error) {
	var ids []string
	err := p.inTx(ctx, func(tx pgTx) error {
		rows, err := tx.tx.Query(ctx, "SELECT "+runColumns+` FROM runs r
			WHERE r.live = $1 AND (r.instance <> $2 OR $2 = '')
			AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.instance = r.instance AND i.expires > `+dbNow+`)
			ORDER BY r.id FOR UPDATE OF r`, string(run.LiveRunning), self)
		if err != nil {
			return err
		}
		runs, err := scanRuns(rows)
		rows.Close()
		if err != nil {
			return err
		}
		if ids, err = changeRuns(ctx, tx, runs, change); err != nil {
			return err
		}
		for _, id := range ids {
			if err := notify(ctx, tx, run.Event{Kind: run.EventRun, ID: id}); err != nil {
				return err
			}
		}
		_, err = tx.exec(ctx, "DELETE FROM instances WHERE expires <= "+dbNow)
		return err
	})
	if err != nil {
		return 0, p.fail("update orphaned runs", err)
	}
	return int64(len(ids)), nil
}
