#!/usr/bin/env bash
# Laptop / not-always-on run: queue the companies that fell due, work through the queue, stop.
# Used by the @reboot and anacron lines of crontab.example. Extra arguments go to `scoutly process`.
# SCOUTLY_MAX_RUNTIME (default 2h) bounds the run; a second copy started meanwhile exits at once.
#   scripts/catchup.sh [SCOUTLY PROCESS OPTIONS]
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
mkdir -p logs
exec 9>logs/.catchup.lock
if ! flock -n 9; then
  echo "catchup: another run is still working; nothing to do" >&2
  exit 0
fi
.venv/bin/scoutly enqueue
.venv/bin/scoutly process --drain --max-runtime "${SCOUTLY_MAX_RUNTIME:-2h}" "$@"
