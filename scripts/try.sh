#!/usr/bin/env bash
# The main job on a fresh machine: bootstrap (venv, Python packages, Debian's chromium when missing), then a
# whole trial run — sample career sites on 127.0.0.1, an in-memory database, seed → enqueue → process →
# status → matches. Nothing to set up and nothing persisted. Extra arguments go to `scoutly try`.
#   scripts/try.sh [--once] [--no-gemini] [--verbose]
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/scoutly try "$@"
