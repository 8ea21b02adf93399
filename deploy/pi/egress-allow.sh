#!/usr/bin/env bash
# Print what the systemd units' IPAddressAllow= must hold so the IPAddressDeny= backstop (loopback, private,
# link-local, CGNAT and multicast ranges) leaves Scoutly what it needs: MongoDB's address (from MONGODB_URI),
# the DNS servers of /etc/resolv.conf, and the networks of SCOUTLY_ALLOW_NETWORKS. install.sh uses it.
#   deploy/pi/egress-allow.sh [ENV_FILE]   # default: .env beside deploy/, else .env.example
# EGRESS_RESOLV_CONF=FILE reads FILE instead of /etc/resolv.conf (tests).
set -euo pipefail
for arg in "$@"; do  # -h/--help: print the comment above, do nothing else
  case "$arg" in -h|--help) sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
done

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ENV_FILE="${1:-$APP_DIR/.env}"
[ -f "$ENV_FILE" ] || ENV_FILE="$APP_DIR/.env.example"
RESOLV_CONF="${EGRESS_RESOLV_CONF:-/etc/resolv.conf}"

# env_value NAME: the last NAME=... of the env file, without quotes
env_value() {
  sed -n "s/^[[:space:]]*$1=//p" "$ENV_FILE" 2>/dev/null | tail -n 1 | sed -e "s/^[\"']//" -e "s/[\"'][[:space:]]*$//"
}

# mongo_hosts URI: the host names/addresses of a mongodb:// URI (credentials, ports and path removed)
mongo_hosts() {
  local rest="${1#*://}"
  rest="${rest%%/*}"; rest="${rest%%\?*}"; rest="${rest##*@}"
  printf '%s\n' "$rest" | tr ',' '\n' | sed -e 's/^\[\(.*\)\]\(:[0-9]*\)\{0,1\}$/\1/' -e '/^[^:]*:[0-9]*$/s/:[0-9]*$//'
}

# addresses_of HOST: HOST itself when it is an address or loopback, else what it resolves to (or nothing)
addresses_of() {
  case "$1" in
    localhost|127.*|::1) echo localhost ;;
    *:*) echo "$1" ;;
    *[!0-9.]*)
      local found
      found="$({ getent ahosts "$1" 2>/dev/null || true; } | awk '{print $1}')"
      if [ -n "$found" ]; then echo "$found"; else
        echo "egress-allow: cannot resolve MongoDB's host $1 here; add its address to IPAddressAllow= by hand" >&2
      fi ;;
    *) echo "$1" ;;
  esac
}

{
  uri="$(env_value MONGODB_URI)"
  case "$uri" in
    mongodb+srv://*) echo "egress-allow: MONGODB_URI is mongodb+srv://: allow the cluster's addresses by hand" >&2 ;;
    mongodb://*) while read -r host; do [ -n "$host" ] && addresses_of "$host"; done < <(mongo_hosts "$uri") ;;
    *) echo localhost ;;  # the default, mongodb://localhost:27017/scoutly
  esac
  awk '$1 == "nameserver" {sub(/%.*/, "", $2); print $2}' "$RESOLV_CONF" 2>/dev/null || true
  env_value SCOUTLY_ALLOW_NETWORKS | tr ',' '\n' | sed -e 's/[[:space:]]//g' -e '/^$/d'
} | awk 'NF { if ($0 ~ /^127\./ || $0 == "::1") $0 = "localhost" } NF && !seen[$0]++' | paste -sd ' ' -
