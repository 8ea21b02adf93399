#!/usr/bin/env bash
# The main job on a fresh machine: bootstrap (venv, Python packages, Debian's chromium when missing), then a
# whole trial run — sample career sites on 127.0.0.1, an in-memory database, seed → enqueue → process →
# status → matches. Nothing to set up and nothing persisted. Extra arguments go to `scoutly try`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/scoutly try "$@"
