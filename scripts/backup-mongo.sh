#!/usr/bin/env bash
# Back up Scoutly's database to backups/scoutly-YYYYmmdd-HHMMSS.archive.gz (mongodump --archive --gzip) and
# keep the newest KEEP (default 14). Works with the docker compose MongoDB (the dump runs inside the
# container, with the credentials it already has) or, with --local, with mongodump on this machine and
# MONGODB_URI from .env. Restore with scripts/restore-mongo.sh. See deploy/pi/GUIDE.md, "Back up and restore".
#   scripts/backup-mongo.sh [--local]
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
mode=docker
[ "${1:-}" = "--local" ] && mode=local
keep="${KEEP:-14}"
mkdir -p backups
out="backups/scoutly-$(date +%Y%m%d-%H%M%S).archive.gz"
tmp="$out.part"
trap 'rm -f "$tmp"' EXIT
if [ "$mode" = docker ]; then
  # single quotes: the variables are expanded inside the container, so the password never reaches this shell.
  docker compose exec -T mongodb sh -c \
    'mongodump --quiet --uri "mongodb://$MONGO_INITDB_ROOT_USERNAME:$MONGO_INITDB_ROOT_PASSWORD@localhost:27017/?authSource=admin" --db scoutly --archive --gzip' \
    > "$tmp"
else
  uri=$(grep -E '^MONGODB_URI=' .env | tail -n1 | cut -d= -f2-)
  [ -n "$uri" ] || { echo "backup: MONGODB_URI not found in .env" >&2; exit 2; }
  mongodump --quiet --uri "$uri" --archive --gzip > "$tmp"
fi
[ -s "$tmp" ] || { echo "backup: the dump is empty; nothing kept" >&2; exit 1; }
mv "$tmp" "$out"
chmod 600 "$out"
echo "backup: wrote $out ($(du -h "$out" | cut -f1))"
# keep the newest $keep backups
shopt -s nullglob
backups=(backups/scoutly-*.archive.gz)  # names sort by time
if [ "${#backups[@]}" -gt "$keep" ]; then
  rm -f -- "${backups[@]:0:${#backups[@]}-keep}"
fi
