#!/usr/bin/env bash
# Restore a backup made by scripts/backup-mongo.sh, replacing the current scoutly database.
#   scripts/restore-mongo.sh backups/scoutly-20261123-030000.archive.gz --yes [--local]
# Stop the processor first (systemctl stop scoutly-processor, or docker compose stop scoutly).
# Credentials reach mongorestore through a private --config file, never its command line (see backup-mongo.sh).
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."
file="${1:-}"
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "usage: $0 BACKUP.archive.gz --yes [--local]" >&2
  exit 2
fi
shift
yes=no mode=docker
for arg in "$@"; do
  case "$arg" in
    --yes) yes=yes ;;
    --local) mode=local ;;
    *) echo "restore: unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ "$yes" != yes ]; then
  echo "restore: this replaces every collection of the scoutly database with $file; add --yes to go ahead" >&2
  exit 2
fi
config=""
trap 'rm -f ${config:+"$config"}' EXIT
if [ "$mode" = docker ]; then
  DOCKER=(docker)
  if [ "$(id -u)" -ne 0 ] && ! docker version >/dev/null 2>&1; then DOCKER=(sudo docker); fi
  # As in backup-mongo.sh: credentials from inside the container, through a private --config file.
  "${DOCKER[@]}" compose exec -T mongodb sh -c '
    umask 077
    config=$(mktemp)
    trap "rm -f \"$config\"" EXIT
    printf "password: \"%s\"\n" "$(printf "%s" "$MONGO_INITDB_ROOT_PASSWORD" | sed -e "s/[\\\\\"]/\\\\&/g")" > "$config"
    mongorestore --quiet --config "$config" --host localhost --port 27017 --username "$MONGO_INITDB_ROOT_USERNAME" \
      --authenticationDatabase admin --nsInclude "scoutly.*" --drop --archive --gzip
  ' < "$file"
else
  uri=$(grep -E '^MONGODB_URI=' .env | tail -n1 | cut -d= -f2-)
  [ -n "$uri" ] || { echo "restore: MONGODB_URI not found in .env" >&2; exit 2; }
  config="$(umask 077; mktemp)"
  uri="${uri//\\/\\\\}"
  printf 'uri: "%s"\n' "${uri//\"/\\\"}" > "$config"
  mongorestore --quiet --config "$config" --nsInclude "scoutly.*" --drop --archive --gzip < "$file"
fi
echo "restore: done; start the processor again"
