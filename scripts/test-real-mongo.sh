#!/usr/bin/env bash
# Run the test suite against a real MongoDB: the `mongodb` service of docker-compose.yml (needs Docker).
# Extra arguments go to pytest, as with scripts/test.sh (e.g. scripts/test-real-mongo.sh -k queue).
#   scripts/test-real-mongo.sh [PYTEST ARGUMENTS]
# Starts the service (`docker compose up -d mongodb`; a no-op when it already runs), waits until it answers a
# ping from this machine, then runs scripts/test.sh with SCOUTLY_TEST_MONGODB_URI pointing at it as the root user
# (MONGO_ROOT_USERNAME/MONGO_ROOT_PASSWORD from .env or the environment). The tests only touch databases named
# scoutly_test_*, which they create and drop (tests/conftest.py refuses any other name), never `scoutly`.
# Without a .env (a development checkout) it makes up throwaway passwords for a fresh volume. Afterwards it says
# how to stop the service (it leaves it running). Docker commands run through sudo unless you are root or can
# use docker directly.
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."

# docker, or sudo docker when this user cannot reach the Docker daemon (not in the docker group: by design)
DOCKER=(docker)
if [ "$(id -u)" -ne 0 ] && ! docker version >/dev/null 2>&1; then DOCKER=(sudo docker); fi

# value NAME: the environment's NAME, else the last NAME=... line of .env
value() {
  if [ -n "${!1:-}" ]; then printf '%s' "${!1}"; return; fi
  [ -f .env ] && grep -E "^$1=" .env | tail -n1 | cut -d= -f2- || true
}

user="$(value MONGO_ROOT_USERNAME)"
password="$(value MONGO_ROOT_PASSWORD)"
if [ ! -f .env ]; then
  # docker compose requires these; a development checkout has no .env, so a fresh volume gets throwaway ones
  user="${user:-root}"
  password="${password:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
  export MONGO_ROOT_USERNAME="$user" MONGO_ROOT_PASSWORD="$password"
  export MONGO_APP_PASSWORD="${MONGO_APP_PASSWORD:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
fi
[ -n "$user" ] && [ -n "$password" ] || {
  echo "test-real-mongo: set MONGO_ROOT_USERNAME and MONGO_ROOT_PASSWORD (in .env or the environment)" >&2
  exit 2
}

was_running="$("${DOCKER[@]}" compose ps --status running --quiet mongodb 2>/dev/null || true)"
echo "test-real-mongo: starting the mongodb service (docker compose up -d mongodb)"
"${DOCKER[@]}" compose up -d mongodb

scripts/bootstrap.sh  # the venv, for the ping below (scripts/test.sh runs it again: a quick check by then)

# The URI: root logs in against `admin`; the database part only has to be a scoutly_test_* name (each test makes
# its own). The password is percent-encoded and travels in the environment, never on a command line.
export SCOUTLY_TEST_USER="$user" SCOUTLY_TEST_PASSWORD="$password"
SCOUTLY_TEST_MONGODB_URI="$(.venv/bin/python -c 'import os; from urllib.parse import quote
user, password = (quote(os.environ[k], safe="") for k in ("SCOUTLY_TEST_USER", "SCOUTLY_TEST_PASSWORD"))
print(f"mongodb://{user}:{password}@127.0.0.1:27017/scoutly_test?authSource=admin")')"
unset SCOUTLY_TEST_USER SCOUTLY_TEST_PASSWORD
export SCOUTLY_TEST_MONGODB_URI

# Wait (up to 120 s: a first start initialises the volume, then restarts mongod) until the server answers an
# authenticated command from this machine.
echo "test-real-mongo: waiting for MongoDB on 127.0.0.1:27017"
deadline=$((SECONDS + 120))
until .venv/bin/python -c 'import os, pymongo
client = pymongo.MongoClient(os.environ["SCOUTLY_TEST_MONGODB_URI"], serverSelectionTimeoutMS=2000)
client.admin.command("ping"); client.list_database_names()' >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "test-real-mongo: MongoDB did not answer (or refused the root login) within 120 s; see" \
      "'${DOCKER[*]} compose logs mongodb'" >&2
    exit 1
  fi
  sleep 2
done

status=0
scripts/test.sh "$@" || status=$?

if [ -z "$was_running" ]; then
  echo "test-real-mongo: MongoDB is still running; stop it with: ${DOCKER[*]} compose stop mongodb"
else
  echo "test-real-mongo: MongoDB was already running before (the processor needs it); left running"
fi
exit "$status"
