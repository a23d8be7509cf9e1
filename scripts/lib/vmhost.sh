# Start project test hosts as systemd "VMs" reachable over SSH, as the demo
# and the benchmarks use them. Same run options as the Molecule platforms
# (.config/molecule/config.yml), plus a writable /proc/sys like a real VM.
# shellcheck shell=bash

VM_CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
  LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
  SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
  SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_ADMIN
  SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ)

ensure_ssh_key() {
  local key=$1
  [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C djangodocker-test -f "$key"
}

# vm_start NAME IMAGE SSH_PORT WEB_PORT PUBKEY LABEL: start (or keep) a host
# with sshd on 127.0.0.1:SSH_PORT and its port 80 on 127.0.0.1:WEB_PORT.
vm_start() {
  local name=$1 image=$2 ssh_port=$3 web_port=$4 pubkey=$5 label=$6 cap args=()
  if [ "$(docker inspect -f '{{.State.Running}} {{.Config.Image}}' "$name" 2>/dev/null)" = "true $image" ]; then
    return 0
  fi
  docker rm -f -v "$name" >/dev/null 2>&1 || true
  for cap in "${VM_CAPS[@]}"; do args+=(--cap-add "$cap"); done
  docker run -d --name "$name" --hostname "$name" --label "$label" \
    "${args[@]}" --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined --cgroupns=host \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v /var/lib/docker --tmpfs /run --tmpfs /run/lock \
    --network "$DJD_NETWORK" -p "127.0.0.1:$ssh_port:22" -p "127.0.0.1:$web_port:80" \
    "$image" /lib/systemd/systemd >/dev/null
  # What cloud-init does on a real VM: install the user's key.
  docker exec -i "$name" sh -c 'mkdir -p /root/.ssh && cat > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys' < "$pubkey"
}

vm_wait_ssh() {
  local port=$1 key=$2
  wait_for 120 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=5 -o LogLevel=ERROR -i "$key" -p "$port" root@127.0.0.1 \
    'systemctl is-system-running --wait >/dev/null 2>&1; true'
}

vm_remove_labelled() {
  docker ps -aq --filter "label=$1" | xargs -r docker rm -f -v >/dev/null
}
