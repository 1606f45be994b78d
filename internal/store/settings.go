package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting returns the stored value of the named setting, and whether there
// is one.
func (db *DB) Setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := db.read.QueryRowContext(ctx, "SELECT value FROM settings WHERE name = ?", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fail("setting "+name, err)
	}
	return v, true, nil
}

// PutSettingIfAbsent stores value under name unless a value is already
// there, and returns the stored value. The first writer wins, even across
// servers starting at once on the same file, so they all end up with the
// same generated secret.
func (db *DB) PutSettingIfAbsent(ctx context.Context, name, value string) (string, error) {
	var stored string
	err := db.inWriteTx(ctx, func(tx *sql.Tx) (err error) {
		stored, err = putSettingIfAbsent(ctx, sqliteTx{tx}, name, value)
		return err
	})
	if err != nil {
		return "", fail("put setting "+name, err)
	}
	return stored, nil
}
