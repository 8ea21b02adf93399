#!/usr/bin/env bash
# Undo deploy/pi/install.sh's scheduling: stop and remove the systemd units, remove the "# BEGIN scoutly …
# # END scoutly" block from the user's crontab, remove /etc/logrotate.d/scoutly. Data is kept: the MongoDB
# volume, .env, backups/ and logs/ stay (`docker compose down -v` would delete the database — back it up first).
#   deploy/pi/uninstall.sh [--user USER] [--dry-run]
set -euo pipefail

RUN_USER="${SUDO_USER:-$(id -un)}"
DRY_RUN=no
while [ $# -gt 0 ]; do
  case "$1" in
    --user) [ $# -ge 2 ] || { echo "uninstall: --user needs a name" >&2; exit 2; }; RUN_USER="$2"; shift ;;
    --dry-run) DRY_RUN=yes ;;
    -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "uninstall: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
run() {
  if [ "$DRY_RUN" = yes ]; then printf '+ %s\n' "$*"; else "$@"; fi
}

units=(scoutly-processor.service scoutly-enqueue.service scoutly-enqueue.timer)
if [ "$DRY_RUN" = yes ] || [ -f /etc/systemd/system/scoutly-processor.service ]; then
  run $SUDO systemctl disable --now scoutly-processor.service scoutly-enqueue.timer
  for unit in "${units[@]}"; do
    run $SUDO rm -f "/etc/systemd/system/$unit"
  done
  run $SUDO systemctl daemon-reload
fi

if [ "$DRY_RUN" = yes ]; then
  echo "+ crontab -u $RUN_USER: remove the lines between '# BEGIN scoutly' and '# END scoutly'"
elif current="$($SUDO crontab -u "$RUN_USER" -l 2>/dev/null)" && grep -q '^# BEGIN scoutly' <<<"$current"; then
  sed '/^# BEGIN scoutly/,/^# END scoutly/d' <<<"$current" | $SUDO crontab -u "$RUN_USER" -
fi

run $SUDO rm -f /etc/logrotate.d/scoutly
echo "Scoutly's scheduling is removed; the database, .env, backups/ and logs/ are untouched."
