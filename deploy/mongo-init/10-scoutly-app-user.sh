#!/usr/bin/env bash
# Scoutly's own MongoDB user: readWrite on the `scoutly` database and nothing else, so the processor never logs
# in as root. Mounted at /docker-entrypoint-initdb.d by docker-compose.yml: the mongo image's entrypoint sources
# it once, on the first start of an empty volume, after creating the root user (the temporary mongod listens on
# 127.0.0.1 only). For an existing volume scripts/mongo-app-user.sh runs this same file in the container.
# Idempotent: an existing user gets the password and role again.
#
# Reads MONGO_INITDB_ROOT_USERNAME/PASSWORD (to log in) and MONGO_APP_USERNAME/PASSWORD (the user to create),
# all from the container's environment (docker-compose.yml, from .env). The passwords go to the mongo shell on
# its standard input, never on a command line.

# scoutly_js STRING: STRING as a JavaScript string literal
scoutly_js() {
  local value="${1//\\/\\\\}"
  value="${value//\"/\\\"}"
  printf '"%s"' "$value"
}

scoutly_app_user() {
  local user="${MONGO_APP_USERNAME:-scoutly}" password="${MONGO_APP_PASSWORD:-}" database="${MONGO_APP_DATABASE:-scoutly}"
  local shell
  if [ -z "$password" ] || [ -z "${MONGO_INITDB_ROOT_USERNAME:-}" ] || [ -z "${MONGO_INITDB_ROOT_PASSWORD:-}" ]; then
    echo "10-scoutly-app-user: MONGO_APP_PASSWORD and the root user must be set (.env); no app user created" >&2
    return 1
  fi
  case "$password" in
    change-me*) echo "10-scoutly-app-user: MONGO_APP_PASSWORD is still the placeholder from .env.example" >&2; return 1 ;;
  esac
  shell="$(command -v mongosh || command -v mongo || true)"  # mongosh from MongoDB 6, the legacy shell in 4.4
  if [ -z "$shell" ]; then
    echo "10-scoutly-app-user: neither mongosh nor mongo found" >&2
    return 1
  fi
  # quit(1) on any error: a shell reading its script from stdin would otherwise carry on and exit 0
  "$shell" --host 127.0.0.1 --port 27017 --quiet <<EOJS
try {
  const admin = db.getSiblingDB("admin");
  if (!admin.auth($(scoutly_js "$MONGO_INITDB_ROOT_USERNAME"), $(scoutly_js "$MONGO_INITDB_ROOT_PASSWORD"))) {
    throw new Error("root login failed");
  }
  const target = db.getSiblingDB($(scoutly_js "$database"));
  const name = $(scoutly_js "$user");
  const roles = [{ role: "readWrite", db: $(scoutly_js "$database") }];
  if (target.getUser(name)) {
    target.updateUser(name, { pwd: $(scoutly_js "$password"), roles: roles });
    print("scoutly: updated user " + name + " (readWrite on " + target.getName() + ")");
  } else {
    target.createUser({ user: name, pwd: $(scoutly_js "$password"), roles: roles });
    print("scoutly: created user " + name + " (readWrite on " + target.getName() + ")");
  }
} catch (error) {
  print("scoutly: no app user: " + error);
  quit(1);
}
EOJS
}

scoutly_app_user
