package store

import (
	"io/fs"
	"slices"
	"testing"
)

// TestContractPostgres runs the contract's engine-neutral tests against
// PostgreSQL, as TestContractSQLite does against SQLite.
func TestContractPostgres(t *testing.T) {
	for name, test := range map[string]func(*testing.T, Store){
		"take": testTake, "events": testEvents, "ready": testReady,
	} {
		t.Run(name, func(t *testing.T) { test(t, newTestDB(t, "postgres").open(t)) })
	}
}

// TestPostgresMigrationsMirrorSQLite: PostgreSQL's migrations are SQLite's,
// number for number and name for name, so schema_migrations reads alike
// and Ready's one count serves both.
func TestPostgresMigrationsMirrorSQLite(t *testing.T) {
	lite, err := migrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations(pgMigrations())
	if err != nil {
		t.Fatal(err)
	}
	name := func(m migration) string { return m.name }
	var ln, pn []string
	for _, m := range lite {
		ln = append(ln, name(m))
	}
	for _, m := range pg {
		pn = append(pn, name(m))
	}
	if !slices.Equal(ln, pn) {
		t.Errorf("PostgreSQL's migrations %v, SQLite's %v: add the twin of each", pn, ln)
	}
	if _, err := fs.Stat(pgMigrations(), "migrations/0001_init.sql"); err != nil {
		t.Error(err)
	}
}
