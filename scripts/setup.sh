#!/usr/bin/env bash
# Installs what keycheck's tests need and a fresh Debian machine lacks:
# Chromium for the browser tests (with fonts that have ✓ ✗ ⏎), PostgreSQL's
# server binaries for the store's tests (they start a throwaway cluster of
# their own: no system cluster is created or started), and checks that Go
# is there. Safe to run again: it installs only what is missing.
set -euo pipefail

need_go="1.26"
if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go is not installed; keycheck needs Go $need_go or newer (https://go.dev/dl/)" >&2
  exit 1
fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
installed fonts-dejavu-core || missing+=(fonts-dejavu-core)
# Debian keeps initdb off PATH, under /usr/lib/postgresql/<version>/bin.
initdb_path() { command -v initdb 2>/dev/null || ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1; }
[ -n "$(initdb_path)" ] || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    # The tests need only the binaries: tell postgresql-common, before it
    # is installed, not to create (and start) a main cluster. Its postinst
    # merges its own copy of this file with ucf, which UCF_FORCE_CONFFOLD
    # below tells to keep this one (dpkg's confold does not reach ucf).
    conf=/etc/postgresql-common/createcluster.conf
    $sudo mkdir -p "$(dirname "$conf")"
    if [ -f "$conf" ] && grep -Eq '^[[:space:]]*#?[[:space:]]*create_main_cluster' "$conf"; then
      $sudo sed -i -E 's/^[[:space:]]*#?[[:space:]]*create_main_cluster.*/create_main_cluster = false/' "$conf"
    else
      echo "create_main_cluster = false" | $sudo tee -a "$conf" >/dev/null
    fi
  fi
  $sudo apt-get update -qq
  # env, not a plain assignment: sudo would drop the variables.
  $sudo env DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
fi

command -v chromium >/dev/null 2>&1 || { echo "setup: chromium is still missing after apt-get install" >&2; exit 1; }
initdb=$(initdb_path || true)
[ -n "$initdb" ] || { echo "setup: PostgreSQL's initdb is still missing after apt-get install postgresql (looked on PATH and under /usr/lib/postgresql/*/bin)" >&2; exit 1; }
echo "setup: $(go version | cut -d' ' -f3), $(chromium --version 2>/dev/null | head -1), $("$initdb" --version)"
go mod download
