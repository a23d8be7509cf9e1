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

# vm_start NAME IMAGE SSH_PORT WEB_PORT PUBKEY LABEL [DOCKER_RUN_ARG...]:
# start (or keep) a host with sshd on 127.0.0.1:SSH_PORT and its port 80 on
# 127.0.0.1:WEB_PORT.
vm_start() {
  local name=$1 image=$2 ssh_port=$3 web_port=$4 pubkey=$5 label=$6 cap args=("${@:7}")
  if [ "$(docker inspect -f '{{.State.Running}} {{.Config.Image}}' "$name" 2>/dev/null)" != "true $image" ]; then
    docker rm -f -v "$name" >/dev/null 2>&1 || true
    for cap in "${VM_CAPS[@]}"; do args+=(--cap-add "$cap"); done
    docker run -d --name "$name" --hostname "$name" --label "$label" \
      "${args[@]}" --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
      --security-opt systempaths=unconfined --cgroupns=host \
      -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v /var/lib/docker --tmpfs /run --tmpfs /run/lock \
      --network "$DJD_NETWORK" -p "127.0.0.1:$ssh_port:22" -p "127.0.0.1:$web_port:80" \
      "$image" /lib/systemd/systemd >/dev/null
  fi
  # What cloud-init does on a real VM: install the user's key (again on a
  # kept host: the key may be new, e.g. from another checkout).
  docker exec -i "$name" sh -c 'mkdir -p /root/.ssh && cat > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys' < "$pubkey"
  # The host has no route out (isolation.sh): apt uses the world's Debian
  # mirror, as a user's VM uses mirrors.aliyun.com.
  docker exec "$name" sed -i -E -e "s|^URIs: \S*/debian$|URIs: $DJD_DEBIAN_WORLD|" \
    -e "s|^URIs: \S*/debian-security$|URIs: $DJD_DEBIAN_SECURITY_WORLD|" /etc/apt/sources.list.d/debian.sources
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

# write_inventory FILE KEY "NAME SSH_PORT WEB_PORT"...: an inventory of such
# hosts (group django_servers) pointing the roles at the world's mirrors.
write_inventory() {
  local out=$1 key=$2 spec name ssh_port web_port; shift 2
  {
    echo "# Written by scripts/: test hosts reached as cloud VMs over SSH."
    echo "all:"
    echo "  children:"
    echo "    django_servers:"
    echo "      hosts:"
    for spec in "$@"; do
      read -r name ssh_port web_port <<<"$spec"
      echo "        $name:"
      echo "          ansible_port: $ssh_port"
      echo "          django_app_csrf_trusted_origins: [\"http://127.0.0.1:$web_port\"]"
    done
    cat <<VARS
      vars:
        ansible_host: 127.0.0.1
        ansible_user: root
        ansible_ssh_private_key_file: $key
        ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
        # The offline world's mirrors stand in for Aliyun's.
        docker_ce_mirror_url: $DJD_DOCKER_CE_MIRROR
        docker_ce_gpg_fingerprint: $DJD_DOCKER_CE_FINGERPRINT
        docker_daemon_registry_mirrors: [$DJD_REGISTRY_MIRROR]
        django_app_pip_index_url: $DJD_PYPI_INDEX
        django_app_project_src: ${DJD_PROJECT_SRC:-$DJD_ROOT/examples/mysite}
        django_app_health_path: /healthz
        django_app_health_status: [200]
VARS
  } > "$out"
}
