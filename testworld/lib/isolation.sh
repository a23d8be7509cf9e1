# A world where only the mirrors answer: test hosts (addresses from the upper
# half of the world's network, the ip-range Docker gives containers there)
# reach the world's services (the lower half, fixed addresses) and nothing
# else - no Debian archive, PyPI or Docker Hub behind the mirrors' back. The
# network stays an ordinary bridge so published ports (the demo's SSH and
# sites on 127.0.0.1) keep working: a firewall rule in Docker's DOCKER-USER
# chain refuses what test hosts (and the containers inside them) send
# anywhere else, at once (refused, not dropped: nothing waits on a timeout).
# The world's own services may go out: the Debian mirror passes requests on.
# shellcheck shell=bash

# iptables_isolation -C|-I|-D: check, insert or delete the rule.
iptables_isolation() {
  iptables "$1" DOCKER-USER -s "$DJD_NET_PREFIX.128/25" ! -d "$DJD_SUBNET" \
    -j REJECT --reject-with icmp-port-unreachable
}

# iptables_air_gap -C|-I|-D: the air-gapped host ($DJD_AIRGAP_IP) opens no
# connection at all, not even to the world's mirrors; connections made to it
# (the tests asking its site) are answered.
iptables_air_gap() {
  iptables "$1" DOCKER-USER -s "$DJD_AIRGAP_IP" -m conntrack --ctstate NEW \
    -j REJECT --reject-with icmp-port-unreachable
}

isolate_test_hosts() {
  local rule
  for rule in iptables_isolation iptables_air_gap; do
    "$rule" -C 2>/dev/null && continue
    "$rule" -I || die "could not isolate the test hosts (iptables DOCKER-USER, $rule)"
  done
}

open_test_hosts() {
  local rule
  for rule in iptables_isolation iptables_air_gap; do
    while "$rule" -C 2>/dev/null; do "$rule" -D; done
  done
}

# The Debian archive for test hosts: the nginx stand-in passing requests on to
# $DJD_DEBIAN_MIRROR (and its security archive), directory listings included,
# so a Debian mirror URL behaves as a real one. Test hosts' apt and the apps'
# image builds use it like a user's mirrors.aliyun.com/debian.
start_debian_mirror() {
  local upstream=${DJD_DEBIAN_MIRROR%/debian} conf="$DJD_STATE/debian-mirror.conf"
  docker image inspect "$(image_ref nginx)" >/dev/null 2>&1 || return 0
  cat > "$conf" <<CONF
server {
    listen 80;
    # HTTP/1.1 upstream: some archive front ends refuse 1.0 (426).
    proxy_http_version 1.1;
    location /debian/ { proxy_pass $upstream/debian/; proxy_set_header Host ${upstream#http://}; }
    location /debian-security/ { proxy_pass $upstream/debian-security/; proxy_set_header Host ${upstream#http://}; }
}
CONF
  run_world_container djd-debian --ip "$DJD_DEBIAN_IP" \
    --label "djangodocker.config=$(sha256sum < "$conf" | cut -c1-16)" \
    -v "$conf:/etc/nginx/conf.d/default.conf:ro" "$(image_ref nginx)" nginx -g 'daemon off;'
  wait_for 30 curl -fsS -o /dev/null "http://$DJD_DEBIAN_IP/debian/dists/stable/Release" \
    || die "the world's Debian mirror did not pass a request on within 30 s (docker logs djd-debian)"
}
