package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// gcra is the generic cell rate algorithm over one stored time: the
// bucket's theoretical arrival time (tat), when it would be empty again.
// A use at now is allowed while tat is no further ahead than the burst
// allows (window minus one use's interval); each use moves tat on by one
// interval. stored is zero for a bucket never used. It returns the new tat
// (unchanged when refused) and, when refused, the wait until a use frees.
func gcra(stored, now time.Time, limit int, window time.Duration) (tat time.Time, ok bool, retryAfter time.Duration) {
	interval := window / time.Duration(limit)
	tat = stored
	if tat.Before(now) {
		tat = now
	}
	if ahead := tat.Sub(now); ahead > window-interval {
		return stored, false, ahead - (window - interval)
	}
	return tat.Add(interval), true, 0
}

// Take counts one use of bucket (see Store.Take) in a write transaction,
// so that concurrent uses each see the other's.
func (db *DB) Take(ctx context.Context, bucket string, limit int, window time.Duration, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	if limit <= 0 || window <= 0 {
		return true, 0, nil
	}
	err = db.inWriteTx(ctx, func(tx *sql.Tx) error {
		var stored sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT tat FROM limits WHERE bucket = ?", bucket).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var tat time.Time
		tat, ok, retryAfter = gcra(fromNanos(stored), now, limit, window)
		if !ok {
			return nil
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO limits (bucket, tat) VALUES (?, ?) ON CONFLICT (bucket) DO UPDATE SET tat = excluded.tat",
			bucket, tat.UnixNano())
		return err
	})
	if err != nil {
		return false, 0, fail("take "+bucket, err)
	}
	return ok, retryAfter, nil
}
