-- The instances' leases: an instance that holds an unexpired lease is
-- alive, and its running live tests are its own; a starting instance
-- interrupts only the running runs of an instance with none. expires is
-- Unix nanoseconds by the database's clock, so instances on hosts whose
-- clocks disagree still agree on who is alive. (SQLite has no such table:
-- its file lock is the lease.)

CREATE TABLE instances (
    instance TEXT   NOT NULL PRIMARY KEY,
    expires  BIGINT NOT NULL
);

-- Shared rate limits: one row per bucket (a session, an address), holding
-- the GCRA's theoretical arrival time in Unix nanoseconds. Every instance
-- counts against the same rows.

CREATE TABLE limits (
    bucket TEXT   NOT NULL PRIMARY KEY,
    tat    BIGINT NOT NULL
);
