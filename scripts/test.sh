#!/usr/bin/env bash
# The test command: bootstrap a fresh machine (venv, packages, chromium), then lint, type-check and run the suite.
# Extra arguments go to pytest (e.g. scripts/test.sh -k queue).
#   scripts/test.sh [PYTEST ARGUMENTS]
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
