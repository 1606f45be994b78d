-- A key's history (GET /keys/{sha}): the runs of one fingerprint, newest
-- first, walk this index. And the instance that runs a live test, so that
-- with several keycheck on one database a starting one interrupts only the
-- runs of instances that are gone.

CREATE INDEX runs_fingerprint ON runs (fp_sha256, created DESC, id DESC);

ALTER TABLE runs ADD COLUMN instance TEXT NOT NULL DEFAULT '';
