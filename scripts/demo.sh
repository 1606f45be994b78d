#!/usr/bin/env bash
# make demo: a fake HiAPI and the dashboard pointed at it, so every path
# (good key, revoked, no model, rate limits, HiAPI down...) can be tried
# offline. Ctrl-C stops both.
set -euo pipefail
bin=${1:-bin/keycheck}
addr=${2:-127.0.0.1:8080}
fake=${3:-127.0.0.1:8089}
db=${KEYCHECK_DEMO_DB:-$(mktemp -d)/keycheck-demo.db}

"$bin" fake-hiapi --addr "$fake" &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null; wait $fake_pid 2>/dev/null || true' EXIT

echo
echo "Try these keys (keycheck fake-hiapi -h lists them all):"
echo "  sk-fake-good-7Qm2Xv9LpR4tK8wN3bZ6hJ1c      works, returns an image"
echo "  sk-fake-revoked-7Qm2Xv9LpR4tK8wN3bZ6hJ1c   HiAPI says 401"
echo "  sk-fake-no-model-7Qm2Xv9LpR4tK8wN3bZ6hJ1c  the key may not use the model"
echo
"$bin" serve --addr "$addr" --hiapi-url "http://$fake" --db "$db" --poll-every 1s
