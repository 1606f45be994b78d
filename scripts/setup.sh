#!/usr/bin/env bash
# Installs what keycheck's tests need and a fresh Debian machine lacks:
# Chromium for the browser tests (with fonts that have ✓ ✗ ⏎), and checks
# that Go is there. Safe to run again: it installs only what is missing.
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

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v chromium >/dev/null 2>&1 || { echo "setup: chromium is still missing after apt-get install" >&2; exit 1; }
echo "setup: $(go version | cut -d' ' -f3), $(chromium --version 2>/dev/null | head -1)"
go mod download
