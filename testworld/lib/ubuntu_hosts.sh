# Ubuntu-shaped test hosts: a Debian VM image of the world with the
# /etc/os-release (and lsb-release) of an Ubuntu release, Debian's userland
# underneath. They run the roles' Ubuntu decisions (repository path
# linux/ubuntu, the codename, Ubuntu's package names, the support list), not
# Ubuntu's own packages, which this machine cannot reach. A docker build on
# the Debian image: seconds, not a debootstrap.
# shellcheck shell=bash

# name -> "base image, VERSION_ID, codename, version as os-release says it"
declare -A UBUNTU_HOSTS=(
  [vm-ubuntu2204]="vm-debian12 22.04 jammy 22.04.5 LTS"
  [vm-ubuntu2604]="vm-debian13 26.04 resolute 26.04 LTS"
)

ubuntu_host_dockerfile() {
  local base_ref=$1 version=$2 codename=$3 pretty=$4
  cat <<DOCKERFILE
FROM $base_ref
RUN rm -f /etc/os-release \\
 && printf '%s\\n' 'PRETTY_NAME="Ubuntu $pretty"' 'NAME="Ubuntu"' 'VERSION_ID="$version"' 'VERSION="$pretty"' \\
      'VERSION_CODENAME=$codename' 'ID=ubuntu' 'ID_LIKE=debian' 'UBUNTU_CODENAME=$codename' > /etc/os-release \\
 && printf '%s\\n' 'DISTRIB_ID=Ubuntu' 'DISTRIB_RELEASE=$version' 'DISTRIB_CODENAME=$codename' \\
      'DISTRIB_DESCRIPTION="Ubuntu $pretty"' > /etc/lsb-release
DOCKERFILE
}

ubuntu_host_ref() {
  local name=$1 base version codename pretty
  read -r base version codename pretty <<<"${UBUNTU_HOSTS[$name]}"
  echo "djd/$name:$(ubuntu_host_dockerfile "$(image_ref "$base")" "$version" "$codename" "$pretty" \
    | sha256sum | cut -c1-12)"
}

# Build the Ubuntu-shaped hosts whose Debian image is built.
build_ubuntu_hosts() {
  local name base version codename pretty ref
  for name in "${!UBUNTU_HOSTS[@]}"; do
    read -r base version codename pretty <<<"${UBUNTU_HOSTS[$name]}"
    ref=$(ubuntu_host_ref "$name")
    docker image inspect "$ref" >/dev/null 2>&1 && continue
    docker image inspect "$(image_ref "$base")" >/dev/null 2>&1 || continue
    log "Building $ref (Ubuntu $version-shaped, on $base)"
    ubuntu_host_dockerfile "$(image_ref "$base")" "$version" "$codename" "$pretty" \
      | docker build -q -t "$ref" - >/dev/null || die "building $name failed"
  done
}
