package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keycheck/keycheck/internal/run"
)

// PG is keycheck's database on PostgreSQL, for a team's several instances
// sharing their runs. Its methods are safe for concurrent use, and mean what
// DB's mean: the statements, the encoding and the tests are shared.
//
// Reads and writes go through one pgx pool (its size is pool_max_conns in
// the URL, by default the larger of 4 and the number of CPUs); PostgreSQL
// lets writers work side by side, locking rows, not the file. One more
// connection, outside the pool, LISTENs for what every instance announces
// (see Events).
type PG struct {
	pool *pgxpool.Pool
	// where names the database in errors: host, port and name, never the
	// password.
	where string
	// secrets are the passwords an error must never show.
	secrets []string
	// events hands what the listener hears to Events' subscribers.
	events   broadcaster
	listener *listener
}

var _ Store = (*PG)(nil)

// OpenPostgres connects to the PostgreSQL database at dsn (a postgres:// or
// postgresql:// URL; its parameters are libpq's, pool_max_conns among
// them), brings its schema up to date and starts listening for the other
// instances' announcements. Several keycheck may open one database at
// once: the schema is migrated once, under a lock. No error holds the
// URL's password.
func OpenPostgres(ctx context.Context, dsn string) (*PG, error) {
	secrets := dsnSecrets(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// Only pgx's own message, without the URL it may quote.
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) && pe.Unwrap() != nil {
			err = pe.Unwrap()
		}
		return nil, fmt.Errorf("store: the PostgreSQL URL does not parse: %w", redact(err, secrets))
	}
	secrets = append(secrets, cfg.ConnConfig.Password) // from the URL, PGPASSWORD or ~/.pgpass
	p := &PG{where: where(cfg.ConnConfig), secrets: secrets}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		// So a DBA sees who holds a connection (pg_stat_activity).
		cfg.ConnConfig.RuntimeParams["application_name"] = "keycheck"
	}
	if err := p.open(ctx, cfg); err != nil {
		p.Close()
		return nil, p.fail("open postgres "+p.where, err)
	}
	return p, nil
}

// open connects the pool, migrates and starts the listener, in order; on an
// error, Close undoes what it did.
func (p *PG) open(ctx context.Context, cfg *pgxpool.Config) error {
	listen := cfg.ConnConfig.Copy()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	p.pool = pool
	if err := pool.Ping(ctx); err != nil {
		return err
	}
	if err := p.migrate(ctx, pgMigrations()); err != nil {
		return err
	}
	p.listener, err = startListener(ctx, listen, &p.events)
	return err
}

// Close stops listening, ends every Events subscription and closes the
// pool, once the queries under way are done.
func (p *PG) Close() error {
	if p.listener != nil {
		p.listener.stop()
	}
	p.events.closeAll()
	if p.pool != nil {
		p.pool.Close()
	}
	return nil
}

// Engine is "postgres".
func (p *PG) Engine() string { return "postgres" }

// Ping reports whether the database answers a query, for /healthz.
func (p *PG) Ping(ctx context.Context) error {
	if err := p.pool.Ping(ctx); err != nil {
		return p.fail("ping "+p.where, err)
	}
	return nil
}

// Ready reports whether the database answers and its schema is the one
// this keycheck knows: the readiness of /readyz, where Ping is liveness.
func (p *PG) Ready(ctx context.Context) error {
	var have int
	if err := p.pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return p.fail("ready "+p.where, err)
	}
	// PostgreSQL's migrations are SQLite's, number for number
	// (TestPostgresMigrationsMirrorSQLite), so one count serves both.
	return schemaReady(have)
}

// inTx runs f in a transaction, committed if f returns nil and rolled back
// otherwise, so that a run is stored whole or not at all. PostgreSQL's
// default isolation, read committed, is enough: every write names its rows
// and locks them.
func (p *PG) inTx(ctx context.Context, f func(tx pgTx) error) error {
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error { return f(pgTx{tx}) })
}

// pgTx is a PostgreSQL transaction as the engine-neutral writes need it
// (txn): their ? placeholders become $1, $2...
type pgTx struct{ tx pgx.Tx }

func (t pgTx) exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := t.tx.Exec(ctx, rebind(q, len(args)), args...)
	return tag.RowsAffected(), err
}

func (t pgTx) queryRow(ctx context.Context, q string, args ...any) interface{ Scan(dest ...any) error } {
	return t.tx.QueryRow(ctx, rebind(q, len(args)), args...)
}

// rebind numbers the ? placeholders of q for PostgreSQL. The shared
// statements hold no ? in a literal; a statement without arguments (a
// migration) is left as written.
func rebind(q string, nargs int) string {
	if nargs == 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + nargs)
	n := 0
	for {
		i := strings.IndexByte(q, '?')
		if i < 0 {
			b.WriteString(q)
			return b.String()
		}
		n++
		fmt.Fprintf(&b, "%s$%d", q[:i], n)
		q = q[i+1:]
	}
}

// fail wraps a failed operation's error as DB's fail does: with the
// domain's error (pgDomainError) where a person can act on the cause, and
// without the URL's password.
func (p *PG) fail(op string, err error) error {
	err = redact(err, p.secrets)
	if d := pgDomainError(err); d != nil {
		return fmt.Errorf("store: %s: %w: %w", op, d, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// pgDomainError is the one reading of PostgreSQL's failures as the
// domain's: run.ErrBusy when trying again soon may work (a lock or a
// statement that waited too long, a serialization failure or deadlock,
// the server short of connections or memory, starting, restarting or out
// of reach, the pool empty until the caller's deadline), run.ErrFull when
// the disk is full;
// nil otherwise. A caller that gave up (context.Canceled) is neither.
// (program_limit_exceeded, 54000, is neither too: a statement too large
// for PostgreSQL stays too large, and no space freed changes that.)
func pgDomainError(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "53100": // disk_full
			return run.ErrFull
		case "55P03", // lock_not_available: lock_timeout, NOWAIT
			"57014", // query_canceled: statement_timeout
			"40001", // serialization_failure
			"40P01", // deadlock_detected
			"53200", // out_of_memory
			"53300", // too_many_connections
			"57P01", // admin_shutdown: the server is stopping or restarting
			"57P02", // crash_shutdown
			"57P03": // cannot_connect_now: starting up or shutting down
			return run.ErrBusy
		}
		if strings.HasPrefix(pe.Code, "08") { // connection_exception
			return run.ErrBusy
		}
		return nil
	}
	// No answer from the server at all: it is restarting, failing over or
	// out of reach. The person can only try again, as for a lock.
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) {
		return run.ErrBusy
	}
	return nil
}

// where names the database of cfg for a person: host:port/name.
func where(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}

// dsnSecrets returns the password a postgres:// URL holds, in its user
// info or its password parameter.
func dsnSecrets(dsn string) []string {
	u, err := url.Parse(dsn)
	if err != nil {
		// An URL that does not parse may still hold a password: keep
		// what follows the scheme's user and colon, up to the host.
		if _, rest, ok := strings.Cut(dsn, "://"); ok {
			if userinfo, _, ok := strings.Cut(rest, "@"); ok {
				if _, pw, ok := strings.Cut(userinfo, ":"); ok {
					plain, _ := url.PathUnescape(pw)
					return []string{pw, plain}
				}
			}
		}
		return nil
	}
	var s []string
	if pw, ok := u.User.Password(); ok {
		s = append(s, pw)
	}
	return append(s, u.Query().Get("password"))
}

// quoted returns the non-empty secrets with the forms a URL or a message
// may hold them in.
func quoted(secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
	}
	return out
}

// redact returns err with every secret in its message replaced, keeping
// err for errors.Is and errors.As.
func redact(err error, secrets []string) error {
	msg := err.Error()
	clean := msg
	for _, s := range quoted(secrets) {
		clean = strings.ReplaceAll(clean, s, "xxxxx")
	}
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// redactedError is an error whose message lost a secret.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
