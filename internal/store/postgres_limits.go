package store

import (
	"context"
	"time"
)

// Take counts one use of bucket at now (see Store.Take), shared by every
// instance on the database. The bucket's row is made if missing and locked
// for the rest of the transaction in one statement (an upsert that changes
// nothing), so concurrent uses from any instance take turns and each sees
// the other's, and a prune deleting the row in between cannot leave it
// missing; the GCRA is the one SQLite uses (gcra).
func (p *PG) Take(ctx context.Context, bucket string, limit int, window time.Duration, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	if limit <= 0 || window <= 0 {
		return true, 0, nil
	}
	err = p.inTx(ctx, func(tx pgTx) error {
		// tat 0 (1970) is a bucket never used: full.
		var stored int64
		if err := tx.queryRow(ctx, "INSERT INTO limits (bucket, tat) VALUES (?, 0) "+
			"ON CONFLICT (bucket) DO UPDATE SET tat = limits.tat RETURNING tat", bucket).Scan(&stored); err != nil {
			return err
		}
		var tat time.Time
		tat, ok, retryAfter = gcra(time.Unix(0, stored), now, limit, window)
		if !ok {
			return nil
		}
		_, err := tx.exec(ctx, "UPDATE limits SET tat = ? WHERE bucket = ?", tat.UnixNano(), bucket)
		return err
	})
	if err != nil {
		return false, 0, p.fail("take "+bucket, err)
	}
	return ok, retryAfter, nil
}
