#!/usr/bin/env bash
# Back up Scoutly's database to backups/scoutly-YYYYmmdd-HHMMSS.archive.gz (mongodump --archive --gzip) and
# keep the newest KEEP (default 14). Works with the docker compose MongoDB (the dump runs inside the
# container, with the credentials it already has) or, with --local, with mongodump on this machine and
# MONGODB_URI from .env. Restore with scripts/restore-mongo.sh. See deploy/pi/GUIDE.md, "Back up and restore".
#   scripts/backup-mongo.sh [--local]
# Private by construction: everything is created under umask 077 (backups/ 0700, archives 0600), and mongodump
# reads its credentials from a --config file (0600, removed afterwards), never from its command line, where
# any local user could read them in `ps`. Docker commands go through sudo unless this user may use docker.
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
umask 077
mode=docker
[ "${1:-}" = "--local" ] && mode=local
keep="${KEEP:-14}"
mkdir -p backups
out="backups/scoutly-$(date +%Y%m%d-%H%M%S).archive.gz"
tmp="$out.part"
config=""
trap 'rm -f "$tmp" ${config:+"$config"}' EXIT
if [ "$mode" = docker ]; then
  DOCKER=(docker)
  if [ "$(id -u)" -ne 0 ] && ! docker version >/dev/null 2>&1; then DOCKER=(sudo docker); fi
  # Single quotes: the script runs inside the container, where the root credentials already are. It writes
  # them with printf (a shell built-in) into a private file for --config and removes it afterwards.
  "${DOCKER[@]}" compose exec -T mongodb sh -c '
    umask 077
    config=$(mktemp)
    trap "rm -f \"$config\"" EXIT
    printf "password: \"%s\"\n" "$(printf "%s" "$MONGO_INITDB_ROOT_PASSWORD" | sed -e "s/[\\\\\"]/\\\\&/g")" > "$config"
    mongodump --quiet --config "$config" --host localhost --port 27017 --username "$MONGO_INITDB_ROOT_USERNAME" \
      --authenticationDatabase admin --db scoutly --archive --gzip
  ' > "$tmp"
else
  uri=$(grep -E '^MONGODB_URI=' .env | tail -n1 | cut -d= -f2-)
  [ -n "$uri" ] || { echo "backup: MONGODB_URI not found in .env" >&2; exit 2; }
  config="$(mktemp)"
  uri="${uri//\\/\\\\}"
  printf 'uri: "%s"\n' "${uri//\"/\\\"}" > "$config"
  mongodump --quiet --config "$config" --archive --gzip > "$tmp"
fi
[ -s "$tmp" ] || { echo "backup: the dump is empty; nothing kept" >&2; exit 1; }
mv "$tmp" "$out"
echo "backup: wrote $out ($(du -h "$out" | cut -f1))"
# keep the newest $keep backups
shopt -s nullglob
backups=(backups/scoutly-*.archive.gz)  # names sort by time
if [ "${#backups[@]}" -gt "$keep" ]; then
  rm -f -- "${backups[@]:0:${#backups[@]}-keep}"
fi
