# Shared helpers for the project's scripts. Sourced, never run.
# shellcheck shell=bash

DJD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Everything generated (virtualenv, keys, mirror content, state) lives in
# ignored folders so a clean clone rebuilds it and `git status` stays clean.
DJD_STATE="${DJD_STATE:-$DJD_ROOT/.world}"
DJD_VENV="${DJD_VENV:-$DJD_ROOT/.venv}"
export DJD_ROOT DJD_STATE DJD_VENV

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Wait for a command to succeed, polling every second, at most $1 seconds.
wait_for() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 1
  done
}

need_root() {
  [ "$(id -u)" = 0 ] || die "$1 needs root. Run as root, or prepare by hand: $2"
}
