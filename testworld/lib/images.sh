# Build the world's base images with debootstrap (no image can be pulled
# here), tagged by a hash of their recipe so they are rebuilt only when the
# recipe changes.
# shellcheck shell=bash

DJD_DEBIAN_MIRROR="${DJD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
RECIPE_DIR="$DJD_ROOT/testworld/images"

# Write the Debian archive source (deb822) for SUITE into a rootfs.
debian_sources() {
  local rootfs=$1 suite=$2
  rm -f "$rootfs/etc/apt/sources.list"
  cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $DJD_DEBIAN_MIRROR
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DJD_DEBIAN_MIRROR%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}

# debian_package_deb SUITE PACKAGE VERSION: download that exact package's .deb
# from the Debian archive (checked against the suite's index) and print its
# path. For a version no debootstrap suite offers (backports).
debian_package_deb() {
  local suite=$1 package=$2 version=$3 dir="$DJD_STATE/debcache/extra" entry file sha
  mkdir -p "$dir"
  entry=$(curl -fsS --retry 2 "$DJD_DEBIAN_MIRROR/dists/$suite/main/binary-amd64/Packages.xz" | xz -d \
    | awk -v p="$package" -v v="$version" 'BEGIN { RS = "" } index("\n" $0 "\n", "\nPackage: " p "\n") && index($0 "\n", "\nVersion: " v "\n")') \
    || { echo "could not read $suite's package index" >&2; return 1; }
  file=$(sed -n 's/^Filename: //p' <<<"$entry"); sha=$(sed -n 's/^SHA256: //p' <<<"$entry")
  [ -n "$file" ] && [ -n "$sha" ] || { echo "$suite has no $package $version" >&2; return 1; }
  if ! echo "$sha  $dir/${file##*/}" | sha256sum -c --status 2>/dev/null; then
    curl -fsS --retry 2 -o "$dir/${file##*/}" "$DJD_DEBIAN_MIRROR/$file" || return 1
    echo "$sha  $dir/${file##*/}" | sha256sum -c --status || { echo "$file: checksum mismatch" >&2; return 1; }
  fi
  echo "$dir/${file##*/}"
}

image_ref() {
  local name=$1 hash
  # The recipe and its files (<name>.*: entrypoint scripts).
  hash=$(cat "$RECIPE_DIR/$name".* "$RECIPE_DIR"/*common.sh \
    "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)
  echo "djd/$name:$hash"
}

build_image() {
  local name=$1 ref rootfs
  ref=$(image_ref "$name")
  if docker image inspect "$ref" >/dev/null 2>&1; then
    echo "$ref"; return 0
  fi
  need_root "Building image $name (debootstrap)" "build it on a root machine"
  log "Building $ref with debootstrap (about a minute)"
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/djd-rootfs.XXXXXX")
  (
    set -e
    # shellcheck source=/dev/null
    source "$RECIPE_DIR/$name.recipe"
    mkdir -p "$DJD_STATE/debcache/$SUITE"
    # Twice at most: a download from the archive fails now and then ("Couldn't
    # download packages"); the second try reuses what the first one fetched.
    local attempt
    for attempt in 1 2; do
      debootstrap --variant=minbase --include="$INCLUDE" \
        --cache-dir="$DJD_STATE/debcache/$SUITE" \
        "$SUITE" "$rootfs" "$DJD_DEBIAN_MIRROR" > "$DJD_STATE/debootstrap-$name.log" 2>&1 && break
      tail -20 "$DJD_STATE/debootstrap-$name.log" >&2
      ((attempt == 1)) || exit 1
      log "debootstrap of $name failed; trying once more"
      rm -rf "$rootfs"; mkdir -p "$rootfs"
    done
    customize "$rootfs"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/tmp/*
    # IMPORT_CHANGES: one Dockerfile instruction, or an array of them.
    local -a changes=()
    local change
    for change in "${IMPORT_CHANGES[@]}"; do changes+=(-c "$change"); done
    tar -C "$rootfs" -c . | docker import "${changes[@]}" - "$ref" >/dev/null
  )
  local rc=$?
  rm -rf "$rootfs"
  ((rc == 0)) || die "building $name failed"
  echo "$ref"
}
