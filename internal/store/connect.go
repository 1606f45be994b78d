package store

import (
	"context"
	"strings"
)

// Connect opens the Store that dsn names: a postgres:// or postgresql://
// URL is PostgreSQL (OpenPostgres), for a team's several instances;
// anything else is the path of a SQLite file (Open), the default for one
// machine.
func Connect(ctx context.Context, dsn string) (Store, error) {
	// Each error returns a nil Store, not a nil *PG or *DB in one.
	if IsPostgres(dsn) {
		// A URL's scheme is case-insensitive; pgx reads only lowercase.
		scheme, rest, _ := strings.Cut(dsn, "://")
		pg, err := OpenPostgres(ctx, strings.ToLower(scheme)+"://"+rest)
		if err != nil {
			return nil, err
		}
		return pg, nil
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	lower := strings.ToLower(dsn)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}
