#!/usr/bin/env bash
# Prepare a fresh machine: Debian's chromium (when missing) and a .venv with Scoutly and its test tools.
# Idempotent: a second run only checks. Used by scripts/test.sh and scripts/try.sh.
#   scripts/bootstrap.sh
# When another apt/dpkg (unattended upgrades on a fresh VM or Pi) holds the package lock, it says which and waits
# up to APT_LOCK_TIMEOUT seconds (default 600; apt's own DPkg::Lock::Timeout), then goes on.
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done
cd "$(dirname "$0")/.."

APT_LOCK_TIMEOUT="${APT_LOCK_TIMEOUT:-600}"

# lock_holder: the apt/dpkg processes running now ("1234 apt-get update"), if any
lock_holder() {
  pgrep -a -x 'apt|apt-get|aptitude|dpkg|unattended-upgr|packagekitd' 2>/dev/null | head -n 3 | tr '\n' ';' \
    | sed 's/;$//; s/;/; /g' || true
}

# apt_get ARGS...: apt-get that waits for the package lock (apt's DPkg::Lock::Timeout, and a retry loop for apt
# versions whose `update` does not wait), saying what it waits for; other failures are reported at once.
apt_get() {
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) err holder
  holder="$(lock_holder)"
  [ -z "$holder" ] || echo "bootstrap: apt/dpkg is busy ($holder); waiting up to ${APT_LOCK_TIMEOUT}s for the lock" >&2
  err="$(mktemp)"
  while true; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@" 2>"$err"; then
      rm -f "$err"
      return 0
    fi
    if grep -qiE 'could not get lock|unable to acquire' "$err" && [ "$SECONDS" -lt "$deadline" ]; then
      echo "bootstrap: waiting for the apt lock: $(grep -m1 -iE 'could not get lock|unable to acquire' "$err")" >&2
      sleep 5
      continue
    fi
    cat "$err" >&2
    rm -f "$err"
    return 1
  done
}

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "bootstrap: installing Debian's chromium" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  apt_get update -qq
  apt_get install -y -qq chromium >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.scoutly-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing Python packages" >&2
  log=$(mktemp)
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[test]"; } >"$log" 2>&1; then
    grep -v "is ignored: it is neither a file nor a directory" "$log" >&2; rm -f "$log"; exit 1
  fi
  rm -f "$log"
  touch "$stamp"
fi
