#!/usr/bin/env bash
# Give an existing docker compose install its own MongoDB user, so Scoutly stops logging in as root.
# (A new install gets it on MongoDB's first start: deploy/mongo-init/10-scoutly-app-user.sh.)
#   scripts/mongo-app-user.sh [--dry-run]
# 1. .env: adds MONGO_APP_USERNAME/MONGO_APP_PASSWORD (a generated password) unless set, and points MONGODB_URI
#    at that user (same host and database, authSource = the database). The new .env is written private
#    (umask 077) and replaces the old one in one rename; the old one is kept as .env.before-app-user.
# 2. recreates the mongodb container so it sees the new variables, and runs the init script in it, which
#    creates the user (readWrite on the scoutly database only) or resets its password.
# 3. says how to restart the processor. Docker commands run through sudo unless you are root or can use
#    docker directly. See deploy/pi/GUIDE.md, "Least privilege".
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
DRY_RUN=no
case "${1:-}" in
  --dry-run) DRY_RUN=yes ;;
  "") ;;
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "mongo-app-user: unknown option $1" >&2; exit 2 ;;
esac
[ -f .env ] || { echo "mongo-app-user: no .env here (run deploy/pi/install.sh first)" >&2; exit 2; }

# docker, or sudo docker when this user cannot reach the Docker daemon (not in the docker group: by design)
DOCKER=(docker)
if [ "$(id -u)" -ne 0 ] && ! docker version >/dev/null 2>&1; then DOCKER=(sudo docker); fi

run() {
  if [ "$DRY_RUN" = yes ]; then printf '+ %s\n' "$*"; else "$@"; fi
}

# value NAME: the last NAME=... line of .env
value() { grep -E "^$1=" .env | tail -n1 | cut -d= -f2- || true; }

user="$(value MONGO_APP_USERNAME)"
user="${user:-scoutly}"
password="$(value MONGO_APP_PASSWORD)"
case "$password" in ""|change-me*) password="$(python3 -c 'import secrets; print(secrets.token_hex(24))')" ;; esac
uri="$(value MONGODB_URI)"
# mongodb://[user:pw@]HOST/DB[?options]  ->  mongodb://USER:PASSWORD@HOST/DB?authSource=DB
rest="${uri#mongodb://}"
[ "$rest" != "$uri" ] || { echo "mongo-app-user: MONGODB_URI in .env is not a mongodb:// URI; edit it by hand" >&2; exit 2; }
rest="${rest#*@}"
hosts="${rest%%/*}"
database="${rest#"$hosts"}"; database="${database#/}"; database="${database%%\?*}"
database="${database:-scoutly}"
new_uri="mongodb://$user:$password@$hosts/$database?authSource=$database"

if [ "$DRY_RUN" = yes ]; then
  echo "+ write .env (umask 077): MONGO_APP_USERNAME=$user, MONGO_APP_PASSWORD=<generated or kept>, MONGODB_URI=mongodb://$user:***@$hosts/$database?authSource=$database"
else
  # shell built-ins only: the password never appears on a command line
  tmp=".env.app-user.$$"
  trap 'rm -f "$tmp"' EXIT
  seen_user=no seen_password=no
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      MONGO_APP_USERNAME=*) line="MONGO_APP_USERNAME=$user"; seen_user=yes ;;
      MONGO_APP_PASSWORD=*) line="MONGO_APP_PASSWORD=$password"; seen_password=yes ;;
      MONGODB_URI=*) line="MONGODB_URI=$new_uri" ;;
    esac
    printf '%s\n' "$line"
  done < .env > "$tmp"
  [ "$seen_user" = yes ] || printf 'MONGO_APP_USERNAME=%s\n' "$user" >> "$tmp"
  [ "$seen_password" = yes ] || printf 'MONGO_APP_PASSWORD=%s\n' "$password" >> "$tmp"
  cp -p .env .env.before-app-user
  mv "$tmp" .env
  chown --reference=.env.before-app-user .env  # still the Scoutly user's when this ran through sudo
  trap - EXIT
  echo "mongo-app-user: .env now logs in as $user (readWrite on $database); the old one is .env.before-app-user"
fi

run "${DOCKER[@]}" compose up -d mongodb
if [ "$DRY_RUN" = no ]; then
  printf 'waiting for MongoDB to answer'
  for _ in $(seq 1 60); do
    health="$("${DOCKER[@]}" inspect --format '{{.State.Health.Status}}' "$("${DOCKER[@]}" compose ps -q mongodb)" 2>/dev/null || true)"
    [ "$health" = healthy ] && break
    printf '.'; sleep 3
  done
  echo " ${health:-unknown}"
fi
run "${DOCKER[@]}" compose exec -T -e MONGO_APP_DATABASE="$database" mongodb bash /docker-entrypoint-initdb.d/10-scoutly-app-user.sh
cat <<DONE
Now restart the processor so it logs in as $user:
  sudo systemctl restart scoutly-processor        # systemd install
  sudo docker compose up -d scoutly               # or: the processor in docker compose
Check with: .venv/bin/scoutly debug doctor
DONE
