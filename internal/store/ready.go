package store

import (
	"context"
	"fmt"

	"github.com/keycheck/keycheck/internal/run"
)

// Engine is "sqlite".
func (db *DB) Engine() string { return "sqlite" }

// Ready reports whether the database answers and its schema is the one
// this keycheck knows: the readiness of /readyz, where Ping is liveness.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return err
	}
	var have int
	if err := db.read.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return fail("ready", err)
	}
	return schemaReady(have)
}

// schemaReady says whether a database at schema version have is the one
// this keycheck's migrations make.
func schemaReady(have int) error {
	ms, err := migrations(migrationFS)
	if err != nil {
		return fmt.Errorf("store: ready: %w", err)
	}
	if have != len(ms) {
		return fmt.Errorf("store: ready: %w: it is at version %d, this keycheck's is %d", run.ErrSchema, have, len(ms))
	}
	return nil
}
