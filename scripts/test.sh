#!/usr/bin/env bash
# The test command: bootstrap a fresh machine (venv, packages, chromium) then lint and run the suite.
# Extra arguments go to pytest (e.g. scripts/test.sh -k queue).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
