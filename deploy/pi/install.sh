#!/usr/bin/env bash
# Install Scoutly from this checkout on Raspberry Pi OS 64-bit (bookworm) — or any Debian/Ubuntu machine.
# Steps (each backed by a file in this directory or the repository; deploy/pi/GUIDE.md explains them):
#   0. the board: CPU (which MongoDB it can run), memory and swap, SD card or SSD (check-pi.sh)
#   1. Debian packages: chromium, python3-venv, fonts, logrotate (and cron for --cron)
#   2. .venv with Scoutly installed
#   3. .env from .env.example, created private (umask 077), with generated MongoDB passwords (root, and
#      Scoutly's own readWrite user) and the MongoDB image this CPU runs (kept as it is if .env exists)
#   4. MongoDB with docker compose (docker-compose.yml), unless --mongodb none
#   5. scheduling: systemd units (Restart=on-failure; private addresses denied but MongoDB's, DNS and
#      SCOUTLY_ALLOW_NETWORKS: egress-allow.sh) or the user's crontab (crontab.example)
#   6. logrotate for the cron logs (logrotate.conf)
#   7. `scoutly debug doctor` to check the result
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: deploy/pi/install.sh [--systemd | --cron] [--mongodb docker|none] [--mailto ADDRESS] [--user USER] [--dry-run]

  --systemd         processor + hourly enqueue as systemd units with Restart=on-failure (default)
  --cron            the user's crontab instead (hourly enqueue, @reboot processor, daily status)
  --mongodb docker  start MongoDB 8 (Pi 4: set MONGO_IMAGE=mongo:4.4 in .env) with docker compose (default)
  --mongodb none    MongoDB runs elsewhere; point MONGODB_URI in .env at it
  --mailto ADDRESS  mail the daily status report there (cron MAILTO; needs an MTA such as msmtp-mta)
  --user USER       the account Scoutly runs as (default: the user who ran sudo, else the current user)
  --dry-run         print every command and file instead of running/writing it
USAGE
}

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PI_DIR="$APP_DIR/deploy/pi"
SCHEDULER=systemd
MONGODB=docker
MAILTO=""
RUN_USER="${SUDO_USER:-$(id -un)}"
DRY_RUN=no


LOG_DIR="$APP_DIR/logs"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

say() { printf '\n==> %s\n' "$*"; }
warn() { printf 'install: warning: %s\n' "$*" >&2; }

# run CMD...: run it, or print it under --dry-run
run() {
  if [ "$DRY_RUN" = yes ]; then
    printf '+ %s\n' "$*"
  else
    "$@"
  fi
}

# as_user CMD...: run as the Scoutly user (no-op wrapper when we already are that user)
as_user() {
  if [ "$(id -un)" = "$RUN_USER" ]; then
    run "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    run runuser -u "$RUN_USER" -- "$@"
  else
    run sudo -u "$RUN_USER" -H "$@"
  fi
}

# render FILE: the template with @USER@, @APP_DIR@, @LOG_DIR@ and @IP_ALLOW@ filled in
render() {
  sed -e "s|@USER@|$RUN_USER|g" -e "s|@APP_DIR@|$APP_DIR|g" -e "s|@LOG_DIR@|$LOG_DIR|g" \
    -e "s|@IP_ALLOW@|${IP_ALLOW:-}|g" "$1"
}

# install_file DEST MODE: write stdin to DEST (as root), or show it under --dry-run
install_file() {
  local dest="$1" mode="$2" tmp
  if [ "$DRY_RUN" = yes ]; then
    printf '+ write %s (mode %s):\n' "$dest" "$mode"
    sed 's/^/    /'
    return
  fi
  tmp="$(mktemp)"
  cat > "$tmp"
  $SUDO install -m "$mode" "$tmp" "$dest"
  rm -f "$tmp"
}

# crontab_block: the active (uncommented) lines of crontab.example, with this checkout's paths and MAILTO
crontab_block() {
  grep -Ev '^[[:space:]]*(#|$)' "$APP_DIR/crontab.example" \
    | sed -e "s|^SCOUTLY=.*|SCOUTLY=$APP_DIR|" -e "s|^MAILTO=.*|MAILTO=\"$MAILTO\"|"
}

# status_block: only the mail settings and the daily status line (systemd does the rest)
status_block() {
  crontab_block | grep -E '^(SHELL|PATH|MAILTO|SCOUTLY)=|scoutly status'
}

# set_user_crontab LINES: replace the "# BEGIN scoutly … # END scoutly" block of the user's crontab
set_user_crontab() {
  local block="$1" current
  if [ "$DRY_RUN" = yes ]; then
    printf '+ crontab -u %s (block between "# BEGIN scoutly" and "# END scoutly"):\n' "$RUN_USER"
    printf '%s\n' "$block" | sed 's/^/    /'
    return
  fi
  current="$($SUDO crontab -u "$RUN_USER" -l 2>/dev/null || true)"
  {
    printf '%s\n' "$current" | sed '/^# BEGIN scoutly/,/^# END scoutly/d' | sed '/^$/N;/^\n$/D'
    echo "# BEGIN scoutly (deploy/pi/install.sh; edit crontab.example and re-run to change)"
    printf '%s\n' "$block"
    echo "# END scoutly"
  } | $SUDO crontab -u "$RUN_USER" -
}

# new_password: 48 hex digits (URL-safe, so it can sit in MONGODB_URI as it is)
new_password() {
  python3 -c 'import secrets; print(secrets.token_hex(24))'
}

# write_env: .env from .env.example with generated passwords, created private (umask 077: never readable by
# others, not even for a moment) and owned by the Scoutly user
write_env() {
  local root_password app_password
  root_password="$(new_password)"
  app_password="$(new_password)"
  (
    umask 077
    # shell built-ins only, so the passwords never appear on a command line (ps)
    while IFS= read -r line || [ -n "$line" ]; do
      line="${line//change-me-root-password/$root_password}"
      line="${line//change-me-app-password/$app_password}"
      case "$line" in
        MONGO_IMAGE=*) line="MONGO_IMAGE=$MONGO_IMAGE" ;;
        "# SCOUTLY_LOG_DIR="*) line="SCOUTLY_LOG_DIR=$LOG_DIR" ;;
      esac
      printf '%s\n' "$line"
    done < "$APP_DIR/.env.example" > "$APP_DIR/.env"
  )
  $SUDO chown "$RUN_USER" "$APP_DIR/.env"
}

# parse_args ARGS...: the options into the globals above
parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --systemd) SCHEDULER=systemd ;;
      --cron) SCHEDULER=cron ;;
      --mongodb)
        [ $# -ge 2 ] || { usage >&2; exit 2; }
        MONGODB="$2"; shift ;;
      --mailto)
        [ $# -ge 2 ] || { usage >&2; exit 2; }
        MAILTO="$2"; shift ;;
      --user)
        [ $# -ge 2 ] || { usage >&2; exit 2; }
        RUN_USER="$2"; shift ;;
      --dry-run) DRY_RUN=yes ;;
      -h|--help) usage; exit 0 ;;
      *) echo "install: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  case "$MONGODB" in docker|none) ;; *) echo "install: --mongodb must be docker or none" >&2; exit 2 ;; esac
}

# ---------------------------------------------------------------------------------------------------------
main() {
  parse_args "$@"
  say "Checking the machine"
  arch="$(uname -m)"
  if [ "$arch" != aarch64 ]; then
    warn "this is $arch, not a 64-bit Raspberry Pi OS (aarch64); continuing, everything here also works on Debian"
  fi
  if ! grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu|raspbian)' /etc/os-release 2>/dev/null; then
    echo "install: needs Debian, Raspberry Pi OS or Ubuntu (apt)" >&2
    exit 1
  fi
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "install: needs Python >= 3.11 (Raspberry Pi OS bookworm has 3.11)" >&2
    exit 1
  fi
  if ! id "$RUN_USER" >/dev/null 2>&1; then
    echo "install: no such user $RUN_USER (--user)" >&2
    exit 1
  fi
  if [ "$RUN_USER" = root ]; then warn "Scoutly will run as root; pass --user YOU to run it as a normal account"; fi
  "$PI_DIR/check-pi.sh" || warn "deploy/pi/check-pi.sh could not check everything"
  MONGO_IMAGE="$("$PI_DIR/check-pi.sh" --mongo-image)"
  echo "checkout: $APP_DIR   user: $RUN_USER   scheduler: $SCHEDULER   mongodb: $MONGODB ($MONGO_IMAGE)"

  say "1. Debian packages (chromium from Debian: no browser download)"
  packages=(chromium python3-venv python3-pip fonts-liberation logrotate)
  if [ "$SCHEDULER" = cron ]; then packages+=(cron); fi
  run $SUDO apt-get update -qq
  run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"

  say "2. Python environment ($APP_DIR/.venv)"
  as_user python3 -m venv "$APP_DIR/.venv"
  as_user "$APP_DIR/.venv/bin/python" -m pip install -q --upgrade pip
  as_user "$APP_DIR/.venv/bin/python" -m pip install -q "$APP_DIR"
  as_user mkdir -p "$LOG_DIR"

  say "3. Settings ($APP_DIR/.env)"
  if [ -f "$APP_DIR/.env" ]; then
    echo ".env exists; left as it is"
  elif [ "$DRY_RUN" = yes ]; then
    echo "+ write $APP_DIR/.env from .env.example (created private under umask 077, new MongoDB root and app passwords, MONGO_IMAGE=$MONGO_IMAGE, SCOUTLY_LOG_DIR=$LOG_DIR)"
  else
    write_env
  fi
  if [ "$MONGODB" = none ]; then warn "edit MONGODB_URI in $APP_DIR/.env to point at your MongoDB"; fi

  if [ "$MONGODB" = docker ]; then
    say "4. MongoDB (docker compose, data in the named volume scoutly_mongodb-data)"
    # Docker through sudo: the docker group would make $RUN_USER root-equivalent (deploy/pi/GUIDE.md).
    if [ "$DRY_RUN" = no ] && ! $SUDO docker compose version >/dev/null 2>&1; then
      echo "install: docker compose is missing. Install Docker Engine (https://docs.docker.com/engine/install/debian/)," >&2
      echo "         then run this again — or use --mongodb none." >&2
      exit 1
    fi
    if [ -f "$APP_DIR/.env" ] && ! grep -qE '^MONGO_APP_PASSWORD=.' "$APP_DIR/.env"; then
      # an .env from before Scoutly had its own MongoDB user: add it (this also starts MongoDB)
      run "$APP_DIR/scripts/mongo-app-user.sh"
    fi
    run $SUDO docker compose --project-directory "$APP_DIR" up -d mongodb
    if [ "$DRY_RUN" = no ]; then
      printf 'waiting for MongoDB to answer'
      for _ in $(seq 1 60); do
        health="$($SUDO docker inspect --format '{{.State.Health.Status}}' "$($SUDO docker compose --project-directory "$APP_DIR" ps -q mongodb)" 2>/dev/null || true)"
        [ "$health" = healthy ] && break
        printf '.'; sleep 3
      done
      echo " ${health:-unknown}"
      [ "$health" = healthy ] || warn "MongoDB is not healthy yet: sudo docker compose logs mongodb"
    fi
  else
    say "4. MongoDB: not managed here (--mongodb none)"
  fi

  if [ "$SCHEDULER" = systemd ]; then
    say "5. systemd units (processor with Restart=on-failure, hourly enqueue timer)"
    # the kernel-level egress backstop lets through only MongoDB, DNS and SCOUTLY_ALLOW_NETWORKS (egress-allow.sh)
    IP_ALLOW="$("$PI_DIR/egress-allow.sh" "$APP_DIR/.env")"
    echo "private addresses the units may reach: ${IP_ALLOW:-none}"
    for unit in scoutly-processor.service scoutly-enqueue.service scoutly-enqueue.timer; do
      render "$PI_DIR/$unit" | install_file "/etc/systemd/system/$unit" 644
    done
    run $SUDO systemctl daemon-reload
    run $SUDO systemctl enable --now scoutly-processor.service scoutly-enqueue.timer
    if [ -n "$MAILTO" ]; then
      set_user_crontab "$(status_block)"
    fi
  else
    say "5. crontab of $RUN_USER (from crontab.example)"
    set_user_crontab "$(crontab_block)"
    if [ "$DRY_RUN" = no ]; then
      echo "the processor starts at the next boot; to start it now:"
      echo "  cd $APP_DIR && nohup .venv/bin/scoutly process >> logs/cron-process.log 2>&1 &"
    fi
  fi

  say "6. logrotate (/etc/logrotate.d/scoutly)"
  render "$PI_DIR/logrotate.conf" | install_file /etc/logrotate.d/scoutly 644
  if [ "$DRY_RUN" = no ] && ! $SUDO logrotate --debug /etc/logrotate.d/scoutly >/dev/null 2>&1; then
    warn "logrotate rejected /etc/logrotate.d/scoutly: logrotate --debug /etc/logrotate.d/scoutly"
  fi

  say "7. Check"
  as_user "$APP_DIR/.venv/bin/scoutly" --env-file "$APP_DIR/.env" debug doctor || warn "scoutly debug doctor reported a problem (see above)"

  if [ "$DRY_RUN" = yes ]; then
    echo; echo "(dry run: nothing was installed or changed)"
    exit 0
  fi
  cat <<EOF

Scoutly is installed. Next (deploy/pi/GUIDE.md has the details):
  cd $APP_DIR
  .venv/bin/scoutly seed companies examples/companies.csv   # your companies (or: seed --sample)
  .venv/bin/scoutly seed users examples/users.json          # you, your profile and your ranks
  .venv/bin/scoutly enqueue && .venv/bin/scoutly status
EOF
}

# Sourcing this file (tests) defines the functions without running anything.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
