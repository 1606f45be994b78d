-- Shared rate limits: one row per bucket (a session, an address), holding
-- the GCRA's theoretical arrival time in Unix nanoseconds. With several
-- keycheck on one PostgreSQL every instance counts against the same rows;
-- with SQLite there is one instance, and the table works the same way.

CREATE TABLE limits (
    bucket TEXT    NOT NULL PRIMARY KEY,
    tat    INTEGER NOT NULL
) STRICT;
