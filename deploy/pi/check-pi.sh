#!/usr/bin/env bash
# Check a Raspberry Pi (or any Linux box) for running Scoutly + MongoDB, per deploy/pi/GUIDE.md section 1:
# board and CPU (which MongoDB image it can run), memory and swap, and whether MongoDB's data would live on an
# SD card, and whether Chromium can keep its sandbox. Prints one "ok:" / "warn:" line per check and never changes
# anything.
#   deploy/pi/check-pi.sh                 # the report
#   deploy/pi/check-pi.sh --mongo-image   # only the MongoDB image this CPU can run (used by install.sh)
# CHECK_PI_ROOT=DIR reads DIR/proc/... instead of /proc/... (tests).
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done

ROOT="${CHECK_PI_ROOT:-}"
MODE=report
[ "${1:-}" = "--mongo-image" ] && MODE=image

cpu_features() { grep -m1 -iE '^(Features|flags)[[:space:]]*:' "$ROOT/proc/cpuinfo" 2>/dev/null | cut -d: -f2- || true; }
arch() { if [ -n "$ROOT" ]; then cat "$ROOT/arch" 2>/dev/null || echo aarch64; else uname -m; fi; }

# MongoDB >= 5.0 on ARM needs ARMv8.2-A; its large-system-extension atomics ("atomics" in the Features line) are
# the telltale: present on the Pi 5 (Cortex-A76), absent on the Pi 4 (Cortex-A72).
mongo_image() {
  if [ "$(arch)" = aarch64 ] && ! cpu_features | grep -qw atomics; then
    echo "mongo:4.4"
  else
    echo "mongo:8.0"
  fi
}

if [ "$MODE" = image ]; then
  mongo_image
  exit 0
fi

ok() { printf 'ok:   %s\n' "$*"; }
warn() { printf 'warn: %s\n' "$*"; }

model=""
if [ -r "$ROOT/proc/device-tree/model" ]; then model="$(tr -d '\0' < "$ROOT/proc/device-tree/model")"; fi
echo "board: ${model:-unknown (not a Raspberry Pi?)}, $(arch)"

image="$(mongo_image)"
if [ "$image" = "mongo:4.4" ]; then
  warn "this CPU lacks ARMv8.2 atomics (a Pi 4?): MongoDB 5+ will not start; set MONGO_IMAGE=mongo:4.4 in .env"
else
  ok "MongoDB image: $image"
fi

mem_kb="$(awk '/^MemTotal:/ {print $2}' "$ROOT/proc/meminfo" 2>/dev/null || echo 0)"
swap_kb="$(awk '/^SwapTotal:/ {print $2}' "$ROOT/proc/meminfo" 2>/dev/null || echo 0)"
mem_gb=$(( (mem_kb + 524288) / 1048576 ))
if [ "$mem_kb" -ge 7000000 ]; then
  ok "memory: ${mem_gb} GB (room for MongoDB's 1 GB cache and 5 companies at once)"
elif [ "$mem_kb" -ge 3500000 ]; then
  warn "memory: ${mem_gb} GB: use SCOUTLY_CONCURRENCY=2 and MONGO_CACHE_GB=0.5 in .env (GUIDE.md, Memory and swap)"
else
  warn "memory: ${mem_gb} GB is too little for MongoDB plus Chromium; use a 4 GB or 8 GB board"
fi
if [ "$swap_kb" -eq 0 ]; then
  warn "no swap: add a small safety net (1 GB swap file on the SSD, or zram-tools)"
else
  ok "swap: $(( swap_kb / 1024 )) MB"
fi

# Where MongoDB's data would live: Docker's data directory if Docker is there, else the root file system.
data_dir=/
if [ -z "$ROOT" ] && command -v docker >/dev/null 2>&1; then
  # (sudo -n: Docker through sudo, not the docker group; never asks for a password here)
  if root_dir="$(docker info --format '{{.DockerRootDir}}' 2>/dev/null || sudo -n docker info --format '{{.DockerRootDir}}' 2>/dev/null)" \
     && [ -n "$root_dir" ]; then
    data_dir="$root_dir"
  fi
fi
if [ -n "$ROOT" ]; then
  device="$(cat "$ROOT/rootdev" 2>/dev/null || echo unknown)"
else
  device="$(findmnt -no SOURCE --target "$data_dir" 2>/dev/null || echo unknown)"
fi
case "$device" in
  *mmcblk*) warn "MongoDB's data ($data_dir) is on the SD card ($device): move it to an SSD (GUIDE.md, The board)" ;;
  *nvme*|/dev/sd*) ok "MongoDB's data ($data_dir) is on $device (SSD/USB disk)" ;;
  *) ok "MongoDB's data ($data_dir) is on $device" ;;
esac

# Chromium's sandbox (Debian's build has no setuid helper) needs unprivileged user namespaces.
userns_max="$(cat "$ROOT/proc/sys/user/max_user_namespaces" 2>/dev/null || echo unknown)"
userns_clone="$(cat "$ROOT/proc/sys/kernel/unprivileged_userns_clone" 2>/dev/null || echo 1)"
if [ "$userns_max" = 0 ] || [ "$userns_clone" = 0 ]; then
  warn "user namespaces are off: Chromium will run without its sandbox (sysctl user.max_user_namespaces / kernel.unprivileged_userns_clone; GUIDE.md, Least privilege)"
elif [ "$userns_max" = unknown ]; then
  ok "user namespaces: not found in /proc (Chromium's sandbox is probed when Scoutly starts)"
else
  ok "user namespaces: on (Chromium keeps its sandbox when Scoutly runs as a normal user)"
fi
