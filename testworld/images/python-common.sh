# Make a Debian rootfs behave like the official python:*-slim images.
# shellcheck shell=bash
python_customize() {
  local rootfs=$1
  ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
  ln -sf /usr/bin/pip3 "$rootfs/usr/local/bin/pip"
  # The official images let pip install system-wide; Debian's marker forbids it.
  rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
  # Keep the image small, like the official slim images.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  debian_sources "$rootfs" "$SUITE"
}
