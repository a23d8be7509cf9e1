# The docker-ce apt repository of the offline world, in the layout of
# download.docker.com and its Aliyun mirror:
#   <base>/docker-ce/linux/debian/{gpg,dists/<codename>/stable/binary-amd64/...}
# Its packages (docker-ce, docker-ce-cli, containerd.io, and the buildx and
# compose plugins) are repackaged from Debian's own docker.io, containerd and
# runc, so installing docker-ce gives a real, working engine. Indexed with apt-ftparchive and signed with a
# key generated for this world only (never committed).
# shellcheck shell=bash

APT_SUITES=(bookworm trixie)
declare -A APT_SUITE_NUMBER=([bookworm]=12 [trixie]=13)
# Ubuntu's suites under linux/ubuntu, for the Ubuntu-shaped test hosts
# (ubuntu_hosts.sh): the same stand-in packages as the Debian suite whose
# userland the hosts have (Ubuntu's own packages cannot be reached here).
declare -A APT_UBUNTU_SUITES=([jammy]=bookworm [noble]=trixie [resolute]=trixie)

world_gpg() { GNUPGHOME="$DJD_STATE/gnupg" gpg --batch --quiet "$@"; }

ensure_signing_key() {
  if [ ! -s "$DJD_STATE/gnupg/fingerprint" ]; then
    log "Generating the world's apt signing key"
    rm -rf "$DJD_STATE/gnupg"; mkdir -p "$DJD_STATE/gnupg"; chmod 700 "$DJD_STATE/gnupg"
    world_gpg --passphrase '' --quick-gen-key \
      "djangodocker offline test world <world@djangodocker.invalid>" rsa3072 sign never
    world_gpg --with-colons --list-keys | awk -F: '/^fpr:/ {print $10; exit}' \
      > "$DJD_STATE/gnupg/fingerprint"
  fi
  cat "$DJD_STATE/gnupg/fingerprint"
}

# A second key, that nobody should trust: the "mirror's own key" of the
# pinned-key test (a mirror serving Docker's key plus its own).
ensure_rogue_key() {
  if [ ! -s "$DJD_STATE/gnupg/rogue-fingerprint" ]; then
    world_gpg --passphrase '' --quick-gen-key "rogue mirror key <rogue@djangodocker.invalid>" rsa3072 sign never
    world_gpg --with-colons --list-keys rogue@djangodocker.invalid | awk -F: '/^fpr:/ {print $10; exit}' \
      > "$DJD_STATE/gnupg/rogue-fingerprint"
  fi
  cat "$DJD_STATE/gnupg/rogue-fingerprint"
}

# Fetch Debian's docker.io, containerd and runc for SUITE, using the VM image
# of that release (its apt knows the suite).
download_debian_docker() {
  local suite=$1 image=$2
  local dir="$DJD_STATE/debs/$suite"
  if compgen -G "$dir/docker.io_*.deb" >/dev/null; then return 0; fi
  log "Downloading Debian's docker.io, containerd and runc for $suite"
  mkdir -p "$dir"
  docker run --rm -v "$dir:/out" "$image" sh -ec \
    'apt-get update -qq && cd /out && apt-get download -qq docker.io containerd runc
     # Debian 13 ships the docker command in its own package.
     if apt-cache show docker-cli >/dev/null 2>&1; then apt-get download -qq docker-cli; fi' \
    || die "could not download docker.io for $suite"
}

# Replace or add a field in a deb control file.
control_set() {
  local file=$1 field=$2 value=$3
  if grep -q "^$field:" "$file"; then
    FIELD="$field" VALUE="$value" perl -0pi -e \
      's/^\Q$ENV{FIELD}\E:.*(\n[ \t].*)*/$ENV{FIELD}: $ENV{VALUE}/m' "$file"
  else
    printf '%s: %s\n' "$field" "$value" >> "$file"
  fi
}
control_drop() { perl -0pi -e "s/^$2:.*(\\n[ \\t].*)*\\n//m" "$1"; }

# Print a Depends list without the named packages.
deps_without() {
  local deps=$1; shift
  DROP="$*" perl -e 'my %d = map { $_ => 1 } split / /, $ENV{DROP};
    print join(", ", grep { my ($n) = /^([^\s(:]+)/; !$d{$n} } split /,\s*/, $ARGV[0])' "$deps"
}

upstream_version() { dpkg-deb -f "$1" Version | sed -E 's/^[0-9]+://; s/[~+-].*$//'; }

# Build the repackaged debs for one suite into OUT. Fast compression (-z1):
# the debs only travel over the local network, and a cold build is faster.
build_docker_ce_debs() {
  local suite=$1 out=$2 n=${APT_SUITE_NUMBER[$1]}
  local src="$DJD_STATE/debs/$suite" work
  work=$(mktemp -d); mkdir -p "$out"
  local dio ctd rnc
  dio=$(ls "$src"/docker.io_*.deb); ctd=$(ls "$src"/containerd_*.deb); rnc=$(ls "$src"/runc_*.deb)

  # containerd.io = containerd + runc, as Docker ships them.
  local cv; cv="$(upstream_version "$ctd")-1"
  dpkg-deb -R "$ctd" "$work/ctd"; dpkg-deb -x "$rnc" "$work/ctd"
  local c="$work/ctd/DEBIAN/control" rdeps
  rdeps=$(dpkg-deb -f "$rnc" Depends)
  control_set "$c" Package containerd.io
  control_set "$c" Version "$cv"
  control_set "$c" Depends "$(deps_without "$(dpkg-deb -f "$ctd" Depends)" runc), $rdeps"
  control_set "$c" Provides "containerd, runc"
  control_set "$c" Conflicts "containerd, runc"
  control_set "$c" Replaces "containerd, runc"
  control_drop "$c" Breaks; control_drop "$c" Built-Using; control_drop "$c" Recommends
  control_drop "$c" Suggests; rm -f "$work/ctd/DEBIAN/md5sums"
  dpkg-deb -Zgzip -z1 -b "$work/ctd" "$out/containerd.io_${cv}_amd64.deb" >/dev/null

  # docker-ce (engine) and docker-ce-cli (the docker command), from docker.io.
  # Two releases of each, so a version pin can be tested.
  local up; up=$(upstream_version "$dio")
  dpkg-deb -R "$dio" "$work/dio"
  if compgen -G "$src/docker-cli_*.deb" >/dev/null; then
    dpkg-deb -x "$src"/docker-cli_*.deb "$work/cli"
  else
    mkdir -p "$work/cli/usr/bin"
    mv "$work/dio/usr/bin/docker" "$work/cli/usr/bin/docker"
    for d in usr/share/bash-completion usr/share/zsh usr/share/fish; do
      if [ -d "$work/dio/$d" ]; then
        mkdir -p "$work/cli/$(dirname "$d")"; mv "$work/dio/$d" "$work/cli/$d"
      fi
    done
  fi
  mkdir -p "$work/cli/DEBIAN"
  rm -f "$work/dio/DEBIAN/md5sums"
  c="$work/dio/DEBIAN/control"
  control_set "$c" Package docker-ce
  control_set "$c" Depends "$(deps_without "$(dpkg-deb -f "$dio" Depends)" containerd runc), containerd.io (>= 1.6), docker-ce-cli"
  control_set "$c" Conflicts "docker-engine, docker.io, docker-engine-cs, docker-ce-cli (<< 5:0)"
  control_set "$c" Replaces "docker-engine, docker.io, docker-engine-cs"
  control_drop "$c" Breaks; control_drop "$c" Built-Using; control_drop "$c" Recommends
  control_drop "$c" Suggests; control_drop "$c" Provides
  local release
  for release in 1 2; do
    local v="5:${up}-${release}~debian.${n}~${suite}"
    control_set "$c" Version "$v"
    dpkg-deb -Zgzip -z1 -b "$work/dio" "$out/docker-ce_${v#5:}_amd64.deb" >/dev/null
    cat > "$work/cli/DEBIAN/control" <<CTL
Package: docker-ce-cli
Version: $v
Architecture: amd64
Maintainer: djangodocker offline test world <world@djangodocker.invalid>
Depends: libc6
Conflicts: docker (<< 1.5~), docker-engine, docker.io
Replaces: docker-ce (<< 5:0), docker-engine, docker.io
Section: admin
Priority: optional
Description: Docker CLI (test world: repackaged from Debian's docker.io)
CTL
    dpkg-deb -Zgzip -z1 -b "$work/cli" "$out/docker-ce-cli_${v#5:}_amd64.deb" >/dev/null
  done

  # CLI plugins: stand-ins that answer the plugin protocol, since Debian 12
  # ships no buildx or compose v2 to repackage.
  local plugin
  for plugin in buildx compose; do
    local p="$work/$plugin" pv="0.0.1-1~debian.${n}~${suite}"
    mkdir -p "$p/DEBIAN" "$p/usr/libexec/docker/cli-plugins"
    cat > "$p/usr/libexec/docker/cli-plugins/docker-$plugin" <<PLUGIN
#!/bin/sh
# Stand-in docker-$plugin plugin of the djangodocker offline test world.
if [ "\$1" = docker-cli-plugin-metadata ]; then
  echo '{"SchemaVersion":"0.1.0","Vendor":"djangodocker test world","Version":"v0.0.1","ShortDescription":"$plugin stand-in"}'
  exit 0
fi
echo "docker $plugin stand-in (offline test world)"
PLUGIN
    chmod 755 "$p/usr/libexec/docker/cli-plugins/docker-$plugin"
    cat > "$p/DEBIAN/control" <<CTL
Package: docker-$plugin-plugin
Version: $pv
Architecture: amd64
Maintainer: djangodocker offline test world <world@djangodocker.invalid>
Depends: docker-ce-cli
Section: admin
Priority: optional
Description: Docker $plugin CLI plugin (test world stand-in)
CTL
    dpkg-deb -Zgzip -z1 -b "$p" "$out/docker-$plugin-plugin_${pv}_amd64.deb" >/dev/null
  done
  rm -rf "$work"
}

# Index and sign one suite of one distro folder with apt-ftparchive, in the
# layout of download.docker.com (pool under dists/<codename>/pool/stable).
index_suite() {
  local dist_root=$1 suite=$2 fpr=$3 arch
  (
    cd "$dist_root" || exit 1
    mkdir -p "dists/$suite/pool/stable/amd64"
    for arch in amd64 arm64; do
      mkdir -p "dists/$suite/stable/binary-$arch"
      apt-ftparchive --arch "$arch" packages "dists/$suite/pool/stable" \
        > "dists/$suite/stable/binary-$arch/Packages"
      gzip -9nkf "dists/$suite/stable/binary-$arch/Packages"
    done
    apt-ftparchive -o APT::FTPArchive::Release::Origin=Docker \
      -o APT::FTPArchive::Release::Label=Docker \
      -o "APT::FTPArchive::Release::Suite=$suite" \
      -o "APT::FTPArchive::Release::Codename=$suite" \
      -o "APT::FTPArchive::Release::Architectures=amd64 arm64" \
      -o APT::FTPArchive::Release::Components=stable \
      release "dists/$suite" > "dists/$suite/Release.tmp"
    mv "dists/$suite/Release.tmp" "dists/$suite/Release"
    world_gpg --yes -u "$fpr" --clearsign -o "dists/$suite/InRelease" "dists/$suite/Release"
    world_gpg --yes -u "$fpr" -abs -o "dists/$suite/Release.gpg" "dists/$suite/Release"
  ) || die "indexing $dist_root $suite failed"
}

build_apt_repo() {
  local out=$1 fpr suite
  fpr=$(ensure_signing_key)
  local base="$out/docker-ce/linux"
  rm -rf "$base"; mkdir -p "$base/debian" "$base/ubuntu"
  for suite in "${APT_SUITES[@]}"; do
    build_docker_ce_debs "$suite" "$base/debian/dists/$suite/pool/stable/amd64"
    index_suite "$base/debian" "$suite" "$fpr"
  done
  for suite in "${!APT_UBUNTU_SUITES[@]}"; do
    mkdir -p "$base/ubuntu/dists/$suite/pool/stable"
    cp -al "$base/debian/dists/${APT_UBUNTU_SUITES[$suite]}/pool/stable/amd64" "$base/ubuntu/dists/$suite/pool/stable/amd64"
    index_suite "$base/ubuntu" "$suite" "$fpr"
  done
  world_gpg --armor --export "$fpr" > "$base/debian/gpg"
  cp "$base/debian/gpg" "$base/ubuntu/gpg"
  build_rogue_repo "$out" "$fpr"
}

# <out>/docker-ce-rogue: the same packages, its gpg file holding the world's
# key AND a rogue key, its Release signed by the rogue key only. A client
# that trusts only the pinned (world) key must refuse it.
build_rogue_repo() {
  local out=$1 fpr=$2 rogue suite
  local rbase="$out/docker-ce-rogue/linux/debian"
  rogue=$(ensure_rogue_key)
  rm -rf "$out/docker-ce-rogue"; mkdir -p "$rbase/dists"
  for suite in "${APT_SUITES[@]}"; do
    mkdir -p "$rbase/dists/$suite"
    cp -al "$out/docker-ce/linux/debian/dists/$suite/pool" "$rbase/dists/$suite/pool"
    index_suite "$rbase" "$suite" "$rogue"
  done
  { world_gpg --armor --export "$fpr"; world_gpg --armor --export "$rogue"; } > "$rbase/gpg"
}
