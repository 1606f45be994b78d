-- Runs, their steps, and the server's settings: SQLite's 0001_init.sql in
-- PostgreSQL's words. Each migration here has the number, name and meaning
-- of SQLite's, so schema_migrations reads alike on both engines.
--
-- Times are Unix nanoseconds, UTC, as BIGINT: exact round trips and integer
-- ordering, and the same encoding as SQLite's. Only what run.Run holds is
-- stored; the key never is.

CREATE TABLE runs (
    id        TEXT    NOT NULL PRIMARY KEY,
    created   BIGINT  NOT NULL,
    updated   BIGINT,               -- NULL while the run was never updated
    run_by    TEXT    NOT NULL,
    fp_prefix TEXT    NOT NULL,
    fp_suffix TEXT    NOT NULL,
    fp_length INTEGER NOT NULL,
    fp_sha256 TEXT    NOT NULL,
    model     TEXT    NOT NULL,
    prompt    TEXT    NOT NULL,
    live      TEXT    NOT NULL,
    task_id   TEXT    NOT NULL
);

-- The team's list: newest first, keyset pagination on (created, id).
CREATE INDEX runs_created ON runs (created DESC, id DESC);

-- Startup finds the runs a stop cut short without scanning the table.
CREATE INDEX runs_running ON runs (id) WHERE live = 'running';

-- One row per step of a run. created is the run's, copied (it never
-- changes) so that the failed-step filter walks one index in list order.
CREATE TABLE steps (
    run_id  TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    step_id TEXT    NOT NULL,
    status  TEXT    NOT NULL,
    created BIGINT  NOT NULL,
    result  TEXT    NOT NULL,       -- checks.Result as JSON, redacted
    PRIMARY KEY (run_id, idx),
    UNIQUE (run_id, step_id)
);

-- "Runs where step X failed", newest first.
CREATE INDEX steps_failed ON steps (step_id, created DESC, run_id DESC) WHERE status = 'fail';

-- Values the server generates once and keeps across restarts (session keys).
CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
