#!/usr/bin/env bash
# Update Scoutly in place (deploy/pi/GUIDE.md, "Update"):
#   1. back up the database (scripts/backup-mongo.sh; skip with --no-backup)
#   2. git pull --ff-only, reinstall the package into .venv (once: Scoutly's own MongoDB user, mongo-app-user.sh)
#   3. restart the processor: systemd unit if installed (SIGTERM: in-flight companies finish, the rest go back to
#      the queue), else the cron-started one (stopped with SIGTERM, started again in the background)
#   4. with --mongodb: pull the MongoDB image of the same tag (patch releases) and recreate the container
#   deploy/pi/update.sh [--no-backup] [--mongodb] [--dry-run]
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BACKUP=yes
MONGODB=no
DRY_RUN=no
for arg in "$@"; do
  case "$arg" in
    --no-backup) BACKUP=no ;;
    --mongodb) MONGODB=yes ;;
    --dry-run) DRY_RUN=yes ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "update: unknown option $arg" >&2; exit 2 ;;
  esac
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

run() {
  if [ "$DRY_RUN" = yes ]; then printf '+ %s\n' "$*"; else "$@"; fi
}
say() { printf '\n==> %s\n' "$*"; }

cd "$APP_DIR"
# docker, or sudo docker when this user cannot reach the Docker daemon (not in the docker group: by design)
DOCKER=(docker)
if [ "$(id -u)" -ne 0 ] && ! docker version >/dev/null 2>&1; then DOCKER=(sudo docker); fi
has_compose_mongodb() { "${DOCKER[@]}" compose ps -q mongodb 2>/dev/null | grep -q .; }

if [ "$BACKUP" = yes ]; then
  say "1. Backup"
  if [ "$DRY_RUN" = yes ] || has_compose_mongodb; then
    run scripts/backup-mongo.sh
  else
    echo "no docker compose MongoDB running here: back it up yourself (scripts/backup-mongo.sh --local) or pass --no-backup" >&2
    exit 1
  fi
fi

say "2. Code and package"
run git -C "$APP_DIR" pull --ff-only
run "$APP_DIR/.venv/bin/python" -m pip install -q "$APP_DIR"

if [ -f .env ] && ! grep -qE '^MONGO_APP_PASSWORD=.' .env && { [ "$DRY_RUN" = yes ] || has_compose_mongodb; }; then
  say "2b. Scoutly's own MongoDB user (it logged in as root until now)"
  run scripts/mongo-app-user.sh
fi

say "3. Processor"
if [ -f /etc/systemd/system/scoutly-processor.service ]; then
  run $SUDO systemctl daemon-reload
  run $SUDO systemctl restart scoutly-processor.service
else
  pids="$(pgrep -f "$APP_DIR/.venv/bin/scoutly process" || true)"
  if [ -n "$pids" ] || [ "$DRY_RUN" = yes ]; then
    # shellcheck disable=SC2086  # one pid per word
    run kill -TERM ${pids:-PID}
    if [ "$DRY_RUN" = no ]; then
      for _ in $(seq 1 120); do
        pgrep -f "$APP_DIR/.venv/bin/scoutly process" >/dev/null || break
        sleep 1
      done
    fi
  fi
  if [ "$DRY_RUN" = yes ]; then
    echo "+ nohup $APP_DIR/.venv/bin/scoutly process >> $APP_DIR/logs/cron-process.log 2>&1 &"
  else
    mkdir -p "$APP_DIR/logs"
    nohup "$APP_DIR/.venv/bin/scoutly" process >> "$APP_DIR/logs/cron-process.log" 2>&1 &
    echo "processor started again (pid $!)"
  fi
fi

if [ "$MONGODB" = yes ]; then
  say "4. MongoDB image (same tag, newer patch release)"
  run "${DOCKER[@]}" compose pull mongodb
  run "${DOCKER[@]}" compose up -d mongodb
fi

if [ "$DRY_RUN" = yes ]; then
  echo; echo "(dry run: nothing was changed)"
else
  echo; echo "updated; check with: $APP_DIR/.venv/bin/scoutly debug doctor && $APP_DIR/.venv/bin/scoutly status"
fi
