# Customisation shared by the "fresh VM" images: what a Debian cloud image has
# that a debootstrap minbase lacks. Sourced by the vm-*.recipe files.
# shellcheck shell=bash
vm_customize() {
  local rootfs=$1
  # A cloud VM boots with an empty machine-id; systemd fills it on first boot.
  : > "$rootfs/etc/machine-id"
  # Units that make no sense in a container and slow down or break boot.
  for unit in getty.target systemd-firstboot.service systemd-udevd.service \
      systemd-udev-trigger.service systemd-modules-load.service \
      sys-kernel-config.mount sys-kernel-debug.mount; do
    ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
  done
  # Like a cloud image: root logs in with keys only (the demo adds one).
  mkdir -p "$rootfs/root/.ssh" && chmod 700 "$rootfs/root/.ssh"
  rm -f "$rootfs"/etc/ssh/ssh_host_*
  # Host keys are made on first boot, so two hosts of one image differ.
  cat > "$rootfs/etc/systemd/system/ssh-keygen-once.service" <<'UNIT'
[Unit]
Description=Generate SSH host keys on first boot
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key
[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A
[Install]
WantedBy=multi-user.target
UNIT
  ln -sf /etc/systemd/system/ssh-keygen-once.service \
    "$rootfs/etc/systemd/system/multi-user.target.wants/ssh-keygen-once.service"
  debian_sources "$rootfs" "$SUITE"
}
