package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
)

// pgMigrationFS holds PostgreSQL's schema, postgres/migrations/0001_name.sql
// upward: SQLite's migrations in PostgreSQL's words, number for number and
// name for name, so schema_migrations reads alike on both engines.
//
//go:embed postgres/migrations/*.sql
var pgMigrationFS embed.FS

// pgMigrations is pgMigrationFS as migrations reads it (migrations/*.sql).
func pgMigrations() fs.FS {
	sub, err := fs.Sub(pgMigrationFS, "postgres")
	if err != nil {
		panic(err) // a fixed, valid path
	}
	return sub
}

// migrateLock is the advisory lock key under which instances migrate:
// "keycheck" in ASCII.
const migrateLock = 0x6b6579636865636b

// migrate applies the migrations the database lacks, all in one
// transaction: a failure leaves the schema as it was. Instances starting at
// once on one database take turns under a transaction-scoped advisory
// lock, so the first applies them and the others find them applied.
func (p *PG) migrate(ctx context.Context, fsys fs.FS) error {
	ms, err := migrations(fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	err = p.inTx(ctx, func(tx pgTx) error {
		if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(migrateLock)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER NOT NULL PRIMARY KEY,
			name    TEXT    NOT NULL,
			applied BIGINT  NOT NULL
		)`); err != nil {
			return err
		}
		return applyMigrations(ctx, tx, ms)
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
