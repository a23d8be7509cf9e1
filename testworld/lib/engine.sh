# Make sure a Docker engine answers; start Debian's docker.io when none does.
# shellcheck shell=bash

ensure_engine() {
  if docker info >/dev/null 2>&1; then return 0; fi
  need_root "Starting a Docker engine" \
    "install Docker, start it, and add your user to the docker group"
  if ! command -v dockerd >/dev/null 2>&1; then
    log "Installing Debian's docker.io (no Docker engine on this machine)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  if ! docker info >/dev/null 2>&1; then
    log "Starting dockerd in the background (log: /var/log/djd-dockerd.log)"
    # After a restart a pid file may name a process that is gone or another
    # one: dockerd then waits for a containerd that never answers.
    local pidfile
    for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
      if [ -f "$pidfile" ] && ! grep -qs -e dockerd -e containerd "/proc/$(cat "$pidfile")/comm"; then
        rm -f "$pidfile"
      fi
    done
    # setsid: the engine must outlive the script that started it.
    setsid dockerd >/var/log/djd-dockerd.log 2>&1 < /dev/null &
    wait_for 60 docker info || die "dockerd did not answer within 60 s; see /var/log/djd-dockerd.log"
  fi
}

# Debian packages the world's builders use on the host.
ensure_host_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v apt-ftparchive >/dev/null || missing+=(apt-utils)
  command -v gpg >/dev/null || missing+=(gnupg)
  command -v dpkg-deb >/dev/null || missing+=(dpkg)
  if ((${#missing[@]})); then
    need_root "Installing ${missing[*]}" "apt-get install ${missing[*]}"
    log "Installing host tools: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
