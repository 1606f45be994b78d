#!/usr/bin/env bash
# make demo: keycheck with the fake HiAPI running inside it (serve --demo),
# so every path (a good key, a revoked one, no model, rate limits, HiAPI
# down...) can be tried offline; the home page offers the scenario keys.
# Its runs are kept in .demo/keycheck.db from one demo to the next; FRESH=1
# starts over. Every KEYCHECK_* setting in the environment still applies
# (KEYCHECK_ADDR=127.0.0.1:8081 make demo). Ctrl-C stops it.
set -euo pipefail
bin=${1:-bin/keycheck}
own_db=.demo/keycheck.db

if [ -n "${FRESH:-}" ]; then
  if [ -n "${KEYCHECK_DB:-}" ] && [ "$KEYCHECK_DB" != "$own_db" ]; then
    echo "demo: FRESH=1 deletes only the demo's own $own_db, not KEYCHECK_DB=$KEYCHECK_DB" >&2
    exit 2
  fi
  # keycheck holds an flock on <db>.lock while it runs.
  if command -v flock >/dev/null 2>&1 && [ -e "$own_db.lock" ] && ! flock -n "$own_db.lock" true; then
    echo "demo: a keycheck is still running on $own_db: stop it before FRESH=1" >&2
    exit 1
  fi
  rm -f "$own_db" "$own_db-wal" "$own_db-shm"
  echo "demo: starting over with an empty $own_db"
fi

export KEYCHECK_DB=${KEYCHECK_DB:-$own_db}
export KEYCHECK_POLL_EVERY=${KEYCHECK_POLL_EVERY:-1s}
mkdir -p "$(dirname "$KEYCHECK_DB")"
exec "$bin" serve --demo
