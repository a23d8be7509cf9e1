# The offline test world ("mirror-in-a-box"): base images, a Docker network,
# a static mirror (docker-ce apt repo + PyPI simple index) and a registry
# mirror serving python, nginx, postgres, mariadb and redis under Docker Hub names. `world_up` builds what is missing and starts
# what is stopped; a second run only checks.
# shellcheck shell=bash

DJD_NETWORK="${DJD_NETWORK:-djd-world}"
# Fixed addresses, so URLs work from containers whose DNS cannot see Docker's
# embedded resolver (builds run by the engine inside a test host).
DJD_SUBNET="${DJD_SUBNET:-10.77.0.0/24}"
DJD_NET_PREFIX="${DJD_SUBNET%.*}"
DJD_MIRROR_IP="${DJD_MIRROR_IP:-$DJD_NET_PREFIX.10}"
DJD_REGISTRY_IP="${DJD_REGISTRY_IP:-$DJD_NET_PREFIX.11}"
# The ACME CA (Pebble), the DNS it asks (challtestsrv) and the DNS-01 record API.
DJD_PEBBLE_IP="${DJD_PEBBLE_IP:-$DJD_NET_PREFIX.12}"
DJD_ACME_EAB_KID=djd-world
DJD_CHALLTESTSRV_IP="${DJD_CHALLTESTSRV_IP:-$DJD_NET_PREFIX.13}"
DJD_ACME_DNS_API_IP="${DJD_ACME_DNS_API_IP:-$DJD_NET_PREFIX.14}"
# S3-compatible object storage (moto) for off-site backups.
DJD_S3_IP="${DJD_S3_IP:-$DJD_NET_PREFIX.15}"
# The Debian archive as the world serves it to test hosts (a pass-through
# mirror: test hosts have no route out, testworld/lib/isolation.sh).
DJD_DEBIAN_IP="${DJD_DEBIAN_IP:-$DJD_NET_PREFIX.16}"
# The air-gapped test host's fixed address (outside the range Docker gives
# out): it reaches nothing, not even the world's mirrors (isolation.sh).
DJD_AIRGAP_IP="${DJD_AIRGAP_IP:-$DJD_NET_PREFIX.100}"
DJD_MIRROR_PORT="${DJD_MIRROR_PORT:-18080}"     # on 127.0.0.1, for host-side checks
DJD_REGISTRY_PORT="${DJD_REGISTRY_PORT:-15000}" # on 127.0.0.1, for pushes
WORLD_IMAGES=(vm-debian12 vm-debian13 world python-3.11-slim python-3.13-slim nginx postgres mariadb redis
              lego pebble restic s3 registry)
PYTHON_TAGS=(3.11-slim 3.13-slim)
# The nginx stand-in under the current stable branch's tag and `stable`.
NGINX_TAGS=(1.30 stable)
# The database and cache stand-ins under their major (or major.minor) tags.
POSTGRES_TAGS=(17)
MARIADB_TAGS=(11.8)
REDIS_TAGS=(8.0)
# The registry a swarm's nodes pull the app's image from (registry:2).
REGISTRY_TAGS=(2)
# The ACME client stand-in (goacme/lego), the version of its recipe.
LEGO_TAGS=("v$(sed -n 's/^LEGO_VERSION=//p' "$DJD_ROOT/testworld/images/lego.recipe")")
# The backup tool's stand-in (restic/restic), the version of its recipe.
RESTIC_TAGS=("$(sed -n 's/^RESTIC_VERSION=//p' "$DJD_ROOT/testworld/images/restic.recipe")")

# build_world_images [NAME...]: those of WORLD_IMAGES (default all) not built yet.
build_world_images() {
  local -a pids=(); local name
  # Two builds at a time: debootstrap is mostly download and dpkg.
  for name in "${@:-${WORLD_IMAGES[@]}}"; do
    docker image inspect "$(image_ref "$name")" >/dev/null 2>&1 && continue
    build_image "$name" >/dev/null & pids+=($!)
    if ((${#pids[@]} == 2)); then wait "${pids[0]}" || die "image build failed"; pids=("${pids[@]:1}"); fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "image build failed"; done
}

ensure_network() {
  docker network inspect "$DJD_NETWORK" >/dev/null 2>&1 && return 0
  log "Creating network $DJD_NETWORK ($DJD_SUBNET)"
  docker network create --subnet "$DJD_SUBNET" --ip-range "$DJD_NET_PREFIX.128/25" \
    --label djangodocker.world=1 "$DJD_NETWORK" >/dev/null
}

content_hash() { cat "$@" | sha256sum | cut -c1-16; }

# The signed docker-ce apt repository (its packages come from the VM images'
# suites, so it follows build_world_images).
build_apt_mirror() {
  local out="$DJD_STATE/mirror" want stamp
  mkdir -p "$out"
  want=$(content_hash "$DJD_ROOT/testworld/lib/aptrepo.sh")
  stamp="$out/docker-ce/.built"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    local suite
    for suite in "${APT_SUITES[@]}"; do
      download_debian_docker "$suite" "$(image_ref "vm-debian${APT_SUITE_NUMBER[$suite]}")"
    done
    log "Building the signed docker-ce apt repository"
    build_apt_repo "$out"
    echo "$want" > "$stamp"
  fi
}

# The PyPI index: wheels downloaded from PyPI (needs no image, so it runs
# while the images build).
build_pypi_mirror() {
  local out="$DJD_STATE/mirror" want stamp
  mkdir -p "$out"
  local reqs=("$DJD_ROOT"/testworld/pypi-*.txt "$DJD_ROOT"/roles/django_app/files/tools/*.txt
              "$DJD_ROOT"/examples/*/requirements*.txt
              "$DJD_ROOT"/examples/*/requirements/*.txt "$DJD_ROOT"/examples/*/constraints.txt)
  want=$(content_hash "${reqs[@]}" "$DJD_ROOT/testworld/make_simple_index.py")
  stamp="$out/pypi/.built"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "Downloading wheels for the PyPI mirror"
    rm -rf "$out/pypi"; mkdir -p "$out/pypi/packages"
    local tag py
    for tag in "${PYTHON_TAGS[@]}"; do
      py=${tag%-slim}
      (cd "$DJD_ROOT/testworld" && pip download -q --disable-pip-version-check \
        -d "$out/pypi/packages" --only-binary=:all: --implementation cp \
        --python-version "$py" --platform manylinux_2_28_x86_64 \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -r pypi-requirements.txt 2> >(grep -v "^WARNING: Location" >&2)) \
        || die "pip download for Python $py failed"
      # The role's own tools, as it installs them: pinned, every file hashed
      # (one run each: hash checking covers a whole run).
      local tools
      for tools in "$DJD_ROOT"/roles/django_app/files/tools/*.txt; do
        pip download -q --disable-pip-version-check --require-hashes -d "$out/pypi/packages" --only-binary=:all: \
          --implementation cp --python-version "$py" --platform manylinux_2_28_x86_64 \
          --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
          -r "$tools" 2> >(grep -v "^WARNING: Location" >&2) \
          || die "pip download of $(basename "$tools") for Python $py failed"
      done
    done
    python3 "$DJD_ROOT/testworld/make_simple_index.py" "$out/pypi"
    echo "$want" > "$stamp"
  fi
}

# Start (or keep) a world container; recreate it when its spec changed.
run_world_container() {
  local name=$1 spec_hash; shift
  spec_hash=$(printf '%s\n' "$@" | sha256sum | cut -c1-16)
  if [ "$(docker inspect -f '{{index .Config.Labels "djangodocker.spec"}} {{.State.Running}}' "$name" 2>/dev/null)" = "$spec_hash true" ]; then
    return 0
  fi
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run -d --name "$name" --restart unless-stopped --network "$DJD_NETWORK" \
    --label djangodocker.world=1 --label "djangodocker.spec=$spec_hash" "$@" >/dev/null
}

start_world_services() {
  local world; world=$(image_ref world)
  run_world_container djd-mirror --ip "$DJD_MIRROR_IP" -p "127.0.0.1:$DJD_MIRROR_PORT:80" \
    -v "$DJD_STATE/mirror:/srv/mirror:ro" "$world" \
    python3 -m http.server 80 --directory /srv/mirror
  run_world_container djd-registry --ip "$DJD_REGISTRY_IP" -p "127.0.0.1:$DJD_REGISTRY_PORT:5000" \
    -v djd-registry-data:/var/lib/docker-registry \
    -v "$DJD_ROOT/testworld/registry.yml:/etc/djd/registry.yml:ro" "$world" \
    docker-registry serve /etc/djd/registry.yml
  start_acme_services
  start_s3_service
  start_debian_mirror
  wait_for 30 curl -fsS "http://127.0.0.1:$DJD_MIRROR_PORT/docker-ce/linux/debian/gpg" \
    || die "the mirror did not answer within 30 s (docker logs djd-mirror)"
  wait_for 30 curl -fsS "http://127.0.0.1:$DJD_REGISTRY_PORT/v2/" \
    || die "the registry did not answer within 30 s (docker logs djd-registry)"
}

# The TLS certificate of Pebble's own API, from a CA of the world's: the
# tests give the CA's file to the role as a user of a private ACME CA would.
ensure_acme_tls() {
  local dir="$DJD_STATE/acme"
  [ -s "$dir/pebble.pem" ] && return 0
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=djd world ACME API CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null || die "could not make the ACME API CA"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=pebble" \
    -keyout "$dir/pebble.key" -out "$dir/pebble.csr" 2>/dev/null || die "could not make Pebble's key"
  openssl x509 -req -in "$dir/pebble.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 3650 \
    -extfile <(printf 'subjectAltName=DNS:pebble,IP:%s\n' "$DJD_PEBBLE_IP") -out "$dir/pebble.pem" 2>/dev/null \
    || die "could not sign Pebble's certificate"
  chmod 0644 "$dir"/*.key
}

# The world's CA wants External Account Binding, as ZeroSSL and commercial CAs
# do: every account the tests open proves the binding (its MAC key, base64url).
ensure_acme_eab() {
  local file="$DJD_STATE/acme/eab-hmac"
  [ -s "$file" ] && return 0
  openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n' > "$file" || die "could not make the EAB key"
}

# Pebble validates for real (HTTP-01 on port 80, DNS-01 through challtestsrv);
# certificates last 30 days. challtestsrv answers only the records a test
# adds (its defaults, 127.0.0.1 and ::1, would send Pebble to itself).
start_acme_services() {
  docker image inspect "$(image_ref pebble)" >/dev/null 2>&1 || return 0
  local pebble; pebble=$(image_ref pebble)
  ensure_acme_tls
  ensure_acme_eab
  cat > "$DJD_STATE/acme/pebble-config.json" <<JSON
{"pebble": {"listenAddress": "0.0.0.0:14000", "managementListenAddress": "0.0.0.0:15000",
  "certificate": "/etc/pebble/pebble.pem", "privateKey": "/etc/pebble/pebble.key",
  "httpPort": 80, "tlsPort": 443, "ocspResponderURL": "", "externalAccountBindingRequired": true,
  "externalAccountMACKeys": {"$DJD_ACME_EAB_KID": "$(cat "$DJD_STATE/acme/eab-hmac")"},
  "retryAfter": {"authz": 1, "order": 1}, "certificateValidityPeriod": 2592000}}
JSON
  run_world_container djd-challtestsrv --ip "$DJD_CHALLTESTSRV_IP" "$pebble" \
    pebble-challtestsrv -dns01 :8053 -management :8055 -http01 "" -https01 "" -tlsalpn01 "" -doh "" \
    -defaultIPv4 "" -defaultIPv6 ""
  # The configuration's hash in the spec: a changed file restarts Pebble.
  run_world_container djd-pebble --ip "$DJD_PEBBLE_IP" \
    --label "djangodocker.config=$(sha256sum < "$DJD_STATE/acme/pebble-config.json" | cut -c1-16)" \
    -e PEBBLE_VA_NOSLEEP=1 -e PEBBLE_WFE_NONCEREJECT=0 \
    -v "$DJD_STATE/acme:/etc/pebble:ro" "$pebble" \
    pebble -config /etc/pebble/pebble-config.json -dnsserver "$DJD_CHALLTESTSRV_IP:8053"
  run_world_container djd-acme-dns-api --ip "$DJD_ACME_DNS_API_IP" \
    -v "$DJD_ROOT/testworld/acme_dns_api.py:/srv/acme_dns_api.py:ro" "$pebble" \
    python3 /srv/acme_dns_api.py 80 "http://$DJD_CHALLTESTSRV_IP:8055"
}

# The object storage off-site backups go to (in memory: a restart empties it).
start_s3_service() {
  docker image inspect "$(image_ref s3)" >/dev/null 2>&1 || return 0
  run_world_container djd-s3 --ip "$DJD_S3_IP" "$(image_ref s3)"
}

# Push the stand-in images under Docker Hub names (library/<repo>:<tag>),
# unless the registry already holds this exact image.
push_standin() {
  local name=$1 repo=$2 tag=$3 src dst want have
  src=$(image_ref "$name")
  # Docker Hub's official images are library/<name>; others keep their owner.
  [[ "$repo" == */* ]] || repo="library/$repo"
  dst="127.0.0.1:$DJD_REGISTRY_PORT/$repo:$tag"
  want=$(docker image inspect -f '{{.Id}}' "$src")
  have=$(docker image inspect -f '{{.Id}}' "$dst" 2>/dev/null || true)
  if [ "$want" = "$have" ] && curl -fsS "http://127.0.0.1:$DJD_REGISTRY_PORT/v2/$repo/manifests/$tag" \
      -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null 2>&1; then
    return 0
  fi
  log "Pushing $src as $repo:$tag"
  docker tag "$src" "$dst"
  docker push -q "$dst" >/dev/null || die "docker push $dst failed"
}

# A push compresses its image's one layer on one core: two repositories at a
# time (the tags of one repository one after the other, so that the second
# finds the blob the first sent).
push_standin_images() {
  local -a pids=(); local repo
  for repo in python nginx postgres mariadb redis lego restic registry; do
    push_standin_repo "$repo" & pids+=($!)
    if ((${#pids[@]} == 2)); then wait "${pids[0]}" || die "pushing a stand-in image failed"; pids=("${pids[@]:1}"); fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "pushing a stand-in image failed"; done
}

# The stand-ins built (a world for the demo builds only those it needs).
push_standin_repo() {
  local repo=$1 tag tags name hub=$1
  tags="${repo^^}_TAGS[@]"
  [ "$repo" = lego ] && hub=goacme/lego
  [ "$repo" = restic ] && hub=restic/restic
  for tag in "${!tags}"; do
    name=$repo; [ "$repo" = python ] && name="python-$tag"
    docker image inspect "$(image_ref "$name")" >/dev/null 2>&1 || continue
    push_standin "$name" "$hub" "$tag"
  done
}

write_world_env() {
  local fpr; fpr=$(cat "$DJD_STATE/gnupg/fingerprint")
  cat > "$DJD_STATE/world.env" <<ENV
# Generated by scripts/world; what tests and the demo need to use the world.
export DJD_NETWORK=$DJD_NETWORK
export DJD_IMAGE_DEBIAN12=$(image_ref vm-debian12)
export DJD_IMAGE_DEBIAN13=$(image_ref vm-debian13)
export DJD_IMAGE_UBUNTU2204=$(ubuntu_host_ref vm-ubuntu2204)
export DJD_IMAGE_UBUNTU2604=$(ubuntu_host_ref vm-ubuntu2604)
# As seen from test hosts on the network:
export DJD_DOCKER_CE_MIRROR=http://$DJD_MIRROR_IP/docker-ce
export DJD_DOCKER_CE_FINGERPRINT=$fpr
export DJD_PYPI_INDEX=http://$DJD_MIRROR_IP/pypi/simple/
export DJD_REGISTRY_MIRROR=http://$DJD_REGISTRY_IP:5000
export DJD_PYTHON_TAGS="${PYTHON_TAGS[*]}"
export DJD_NGINX_TAGS="${NGINX_TAGS[*]}"
export DJD_POSTGRES_TAGS="${POSTGRES_TAGS[*]}"
export DJD_MARIADB_TAGS="${MARIADB_TAGS[*]}"
export DJD_REDIS_TAGS="${REDIS_TAGS[*]}"
export DJD_REGISTRY_TAGS="${REGISTRY_TAGS[*]}"
export DJD_LEGO_TAGS="${LEGO_TAGS[*]}"
export DJD_RESTIC_TAGS="${RESTIC_TAGS[*]}"
# The Debian archive (and its security archive) as test hosts reach it: they
# have no route out.
export DJD_DEBIAN_WORLD=http://$DJD_DEBIAN_IP/debian
export DJD_DEBIAN_SECURITY_WORLD=http://$DJD_DEBIAN_IP/debian-security
# S3-compatible object storage (any key and secret work), as test hosts reach it.
export DJD_S3_ENDPOINT=http://$DJD_S3_IP
# The address of the test host that reaches nothing at all (air-gap bundle).
export DJD_AIRGAP_IP=$DJD_AIRGAP_IP
# The ACME CA: its directory, the CA file that makes its API trusted (a
# controller path), its issuing roots, the DNS records it sees (challtestsrv's
# management API) and the DNS-01 record API for lego's httpreq provider.
export DJD_ACME_DIRECTORY=https://$DJD_PEBBLE_IP:14000/dir
export DJD_ACME_API_CA=$DJD_STATE/acme/ca.pem
export DJD_ACME_ROOTS=https://$DJD_PEBBLE_IP:15000/roots
export DJD_ACME_DNS_RECORDS=http://$DJD_CHALLTESTSRV_IP:8055
export DJD_ACME_DNS_API=http://$DJD_ACME_DNS_API_IP
# External Account Binding, which the CA requires (the key is a secret: the
# tests check no output shows it).
export DJD_ACME_EAB_KID=$DJD_ACME_EAB_KID
export DJD_ACME_EAB_HMAC=$(cat "$DJD_STATE/acme/eab-hmac" 2>/dev/null)
# As seen from this machine (loopback):
export DJD_MIRROR_LOCAL=http://127.0.0.1:$DJD_MIRROR_PORT
export DJD_REGISTRY_LOCAL=http://127.0.0.1:$DJD_REGISTRY_PORT
ENV
}

# timed_step NAME COMMAND...: run one step and add "NAME SECONDS" to
# $DJD_STATE/steps.log (this run's; scripts/demo shows where a cold start's
# minutes went) and to steps-history.log (every run's, dated).
timed_step() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "$name $((SECONDS - start))" | tee -a "$DJD_STATE/steps-history.log" >> "$DJD_STATE/steps.log"
}

# world_up [IMAGE...]: the world with those of WORLD_IMAGES (default all; the
# demo needs five of the nine, so a fresh machine builds no others for it).
world_up() {
  mkdir -p "$DJD_STATE"
  : > "$DJD_STATE/steps.log"
  echo "# world up $(date -u +%FT%TZ)" >> "$DJD_STATE/steps-history.log"
  timed_step "engine" ensure_engine
  timed_step "host-tools" ensure_host_tools
  timed_step "python-venv" ensure_venv
  # Downloads from PyPI while debootstrap works (neither needs the other).
  local pypi_pid
  timed_step "pypi-mirror" build_pypi_mirror & pypi_pid=$!
  timed_step "world-images" build_world_images "$@"
  build_ubuntu_hosts
  wait "$pypi_pid" || die "building the PyPI mirror failed"
  ensure_network
  timed_step "docker-ce-mirror" build_apt_mirror
  timed_step "world-services" start_world_services
  timed_step "stand-in-images" push_standin_images
  isolate_test_hosts
  write_world_env
  log "World is up: $DJD_STATE/world.env"
}

world_down() {
  open_test_hosts
  docker ps -aq --filter label=djangodocker.world=1 | xargs -r docker rm -f -v >/dev/null
  docker network rm "$DJD_NETWORK" >/dev/null 2>&1 || true
  docker volume rm djd-registry-data >/dev/null 2>&1 || true
}
