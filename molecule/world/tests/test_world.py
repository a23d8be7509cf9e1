"""The offline world, seen from a fresh test host (after converge.yml)."""

import json
import os
import pathlib
import socket
import sys

import pytest
import testinfra.utils.ansible_runner

# Shared helpers of the scenarios live in molecule/shared.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "shared"))
from apt_policy import installed_origins  # noqa: E402

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("all")

MIRROR = os.environ["DJD_DOCKER_CE_MIRROR"]
REGISTRY = os.environ["DJD_REGISTRY_MIRROR"]
TAG = os.environ["DJD_PYTHON_TAGS"].split()[-1]


def test_docker_ce_came_from_the_mirror(host):
    origins = installed_origins(host.check_output("apt-cache policy docker-ce"))
    assert any(o.startswith(f"{MIRROR}/linux/debian ") for o in origins), origins


def test_apt_rejects_the_repo_under_another_key(host):
    # The repository is really signed: trusting some other key must fail.
    release = host.ansible("setup", "filter=ansible_distribution_release")["ansible_facts"][
        "ansible_distribution_release"
    ]
    src = "/tmp/wrong-key.sources"
    host.run(
        f"printf 'Types: deb\\nURIs: {MIRROR}/linux/debian\\nSuites: {release}\\n"
        f"Components: stable\\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > {src}"
    )
    host.run("mkdir -p /tmp/wrong-key-lists/partial")
    cmd = host.run(
        f"apt-get update -o Dir::Etc::SourceList={src} -o Dir::Etc::SourceParts=- "
        "-o Dir::State::Lists=/tmp/wrong-key-lists -o APT::Get::List-Cleanup=0 "
        "-o Debug::NoLocking=1"
    )
    assert "NO_PUBKEY" in cmd.stdout + cmd.stderr or "not signed" in cmd.stdout + cmd.stderr


def test_engine_runs(host):
    assert host.service("docker").is_running
    version = json.loads(host.check_output("docker version --format '{{json .}}'"))
    assert version["Server"]["Version"]


def _set_mirrors(host, mirrors):
    wanted = json.dumps({"registry-mirrors": mirrors})
    daemon_json = host.file("/etc/docker/daemon.json")
    if daemon_json.exists and daemon_json.content_string.strip() == wanted:
        return  # in place: no restart (systemd allows only a few in a row)
    host.run("mkdir -p /etc/docker")
    host.check_output(f"echo '{wanted}' > /etc/docker/daemon.json")
    host.check_output("systemctl restart docker")
    # Bounded wait for the engine to answer again.
    host.check_output("timeout 60 sh -c 'until docker info >/dev/null 2>&1; do sleep 1; done'")


@pytest.mark.parametrize("with_mirror", [False, True])
def test_pull_works_only_through_the_registry_mirror(host, with_mirror):
    host.run(f"docker rmi -f python:{TAG}")
    _set_mirrors(host, [REGISTRY] if with_mirror else [])
    pull = host.run(f"timeout 120 docker pull python:{TAG}")
    assert (pull.rc == 0) is with_mirror, pull.stdout + pull.stderr
    if with_mirror:
        out = host.check_output(f"docker run --rm python:{TAG} python -c 'print(6 * 7)'")
        assert out.strip() == "42"


def test_the_nginx_standin_has_the_official_interface(host):
    """Pulled through the registry mirror: config layout, command, user, logs, default page."""
    tag = os.environ["DJD_NGINX_TAGS"].split()[0]
    _set_mirrors(host, [REGISTRY])
    host.check_output(f"timeout 120 docker pull nginx:{tag}")
    config = json.loads(host.check_output(f"docker image inspect nginx:{tag}"))[0]["Config"]
    assert config["Cmd"] == ["nginx", "-g", "daemon off;"]
    name = "djd-world-nginx"
    host.run(f"docker rm -f {name}")
    try:
        host.check_output(f"docker run -d --name {name} -p 127.0.0.1:18099:80 nginx:{tag}")
        # Bounded wait for the default site.
        page = host.check_output("timeout 30 sh -c 'until curl -fsS http://127.0.0.1:18099/; do sleep 1; done'")
        assert "Welcome to nginx!" in page
        dump = host.check_output(f"docker exec {name} nginx -T")
        assert "include /etc/nginx/conf.d/*.conf;" in dump and "user  nginx;" in dump
        # Workers run as uid 101 (the official image's nginx user).
        processes = host.check_output(f"docker top {name} -o pid,uid,args")
        assert any(line.split()[1] == "101" and "worker process" in line for line in processes.splitlines())
        logs = host.check_output(f"docker exec {name} readlink /var/log/nginx/access.log /var/log/nginx/error.log")
        assert logs.split() == ["/dev/stdout", "/dev/stderr"]
        assert "GET / HTTP/1.1" in host.check_output(f"docker logs {name} 2>&1")
    finally:
        host.run(f"docker rm -f {name}")


# A world where only the mirrors answer: what a build needs comes through them,
# proved by the network rather than assumed. Addresses are resolved here, on the
# controller (a test host's name lookups of blocked names only wait out their
# timeouts); 1.1.1.1 stands for anywhere else (Docker Hub, download.docker.com).
PROBE = ("python3 -c 'import socket, sys; s = socket.socket(); s.settimeout(5); "
         "print(s.connect_ex((sys.argv[1], int(sys.argv[2]))))' {} {}")


@pytest.mark.parametrize("name, port", [("deb.debian.org", 80), ("pypi.org", 443), ("1.1.1.1", 443)])
def test_the_host_has_no_route_out(host, name, port):
    address = socket.gethostbyname(name)
    result = host.run(PROBE.format(address, port))
    # Refused at once (111), not connected (0) and not left to time out (11).
    assert result.rc == 0 and result.stdout.strip() == "111", (name, address, result.stdout, result.stderr)


def test_apt_reaches_the_debian_archive_only_through_the_worlds_mirror(host):
    sources = host.file("/etc/apt/sources.list.d/debian.sources").content_string
    assert "URIs: %s\n" % os.environ["DJD_DEBIAN_WORLD"] in sources
    assert "deb.debian.org" not in sources
    origins = installed_origins(host.check_output("apt-cache policy python3-debian"))
    assert any(o.startswith(os.environ["DJD_DEBIAN_WORLD"] + " ") for o in origins), origins
