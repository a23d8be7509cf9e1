"""docker_ce after converge (and after the bad-input side effect)."""

import json
import os
import pathlib
import re
import sys

import testinfra.utils.ansible_runner

# Shared helpers of the scenarios live in molecule/shared.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "shared"))
from apt_policy import installed_origins  # noqa: E402

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("docker_hosts")

MIRROR = os.environ["DJD_DOCKER_CE_MIRROR"]
FINGERPRINT = os.environ["DJD_DOCKER_CE_FINGERPRINT"]
PACKAGES = ["docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin"]


def codename(host):
    return host.check_output(". /etc/os-release && echo $VERSION_CODENAME")


def test_packages_come_from_the_mirror(host):
    for name in PACKAGES:
        assert host.package(name).is_installed, name
        origins = installed_origins(host.check_output(f"apt-cache policy {name}"))
        assert any(o.startswith(f"{MIRROR}/linux/debian ") for o in origins), (name, origins)


def test_conflicting_packages_are_gone(host):
    for name in ["docker.io", "containerd", "runc", "podman-docker"]:
        assert not host.package(name).is_installed, name


def test_key_file_has_the_expected_fingerprint(host):
    key = host.file("/etc/apt/keyrings/docker.asc")
    assert key.exists and key.user == "root" and key.mode == 0o644
    out = host.check_output("gpg --batch --with-colons --show-keys /etc/apt/keyrings/docker.asc")
    assert FINGERPRINT in re.findall(r"^fpr:+([0-9A-F]+):", out, re.M)


def test_source_is_deb822_signed_by_the_key(host):
    source = host.file("/etc/apt/sources.list.d/docker.sources")
    assert source.exists
    fields = dict(re.findall(r"^(\S+): (.*)$", source.content_string, re.M))
    assert fields["Types"] == "deb"
    assert fields["URIs"] == f"{MIRROR}/linux/debian"
    assert fields["Suites"] == codename(host)
    assert fields["Components"] == "stable"
    assert fields["Architectures"] == "amd64"
    assert fields["Signed-By"] == "/etc/apt/keyrings/docker.asc"
    assert not host.file("/etc/apt/trusted.gpg").exists


def test_service_enabled_and_answering(host):
    service = host.service("docker")
    assert service.is_enabled and service.is_running
    version = json.loads(host.check_output("docker version --format '{{json .}}'"))
    assert version["Server"]["Version"]


def test_a_container_runs(host):
    # No image can be pulled without a registry mirror (that is docker_daemon's
    # job), so import a minimal one from the host's own files.
    host.check_output(
        "tar -C / -c bin lib lib64 usr/bin/echo usr/lib64 usr/lib/x86_64-linux-gnu/libc.so.6"
        " usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 | docker import - djd-test/mini:1"
    )
    out = host.check_output("docker run --rm djd-test/mini:1 /bin/echo hello-from-container")
    assert out.strip() == "hello-from-container"


def test_user_in_docker_group(host):
    assert "docker" in host.user("deploy").groups


def test_converted_host_kept_its_volume(host):
    if "debian13" not in host.backend.get_hostname():
        return
    assert "survives-conversion" in host.check_output("docker volume ls --format '{{.Name}}'").split()
