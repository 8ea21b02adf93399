#!/usr/bin/env bash
# Laptop / not-always-on run: queue the companies that fell due, work through the queue, stop.
# Used by the @reboot and anacron lines of crontab.example. Extra arguments go to `scoutly process`.
# SCOUTLY_MAX_RUNTIME (default 2h) bounds the run; a second copy started meanwhile exits at once.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p logs
exec 9>logs/.catchup.lock
if ! flock -n 9; then
  echo "catchup: another run is still working; nothing to do" >&2
  exit 0
fi
.venv/bin/scoutly enqueue
.venv/bin/scoutly process --drain --max-runtime "${SCOUTLY_MAX_RUNTIME:-2h}" "$@"
