"""docker_daemon after converge and idempotence."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("ubuntu_shaped")

REGISTRY = os.environ["DJD_REGISTRY_MIRROR"]
TAG = os.environ["DJD_PYTHON_TAGS"].split()[-1]


def daemon_json(host):
    return json.loads(host.file("/etc/docker/daemon.json").content_string)


def test_mirrors_and_log_rotation_written(host):
    config = daemon_json(host)
    assert config["registry-mirrors"] == [REGISTRY]
    assert config["log-driver"] == "json-file"
    assert config["log-opts"] == {"max-size": "10m", "max-file": "3"}


def test_unmanaged_key_kept(host):
    assert daemon_json(host)["max-concurrent-downloads"] == 4
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["LoggingDriver"] == "json-file"


def test_engine_reports_the_mirror(host):
    mirrors = json.loads(host.check_output("docker info --format '{{json .RegistryConfig.Mirrors}}'"))
    assert [m.rstrip("/") for m in mirrors] == [REGISTRY]


def test_pull_through_the_mirror(host):
    host.run(f"docker rmi -f python:{TAG}")
    pull = host.run(f"timeout 120 docker pull python:{TAG}")
    assert pull.rc == 0, pull.stderr


def test_no_restart_on_second_run(host):
    # The idempotence run came after this was recorded.
    recorded = host.file("/root/docker-pid-after-converge").content_string.strip()
    assert recorded not in ("", "0")
    assert host.check_output("systemctl show docker -p MainPID --value") == recorded


def test_container_with_restart_policy_came_back(host):
    state = host.check_output("docker inspect -f '{{.State.Running}}' keepalive")
    assert state == "true"


def test_the_hosts_are_ubuntu_shaped_and_docker_ce_comes_from_the_ubuntu_repository(host):
    os_release = dict(line.split("=", 1) for line in host.file("/etc/os-release").content_string.split("\n") if "=" in line)
    assert os_release["ID"] == "ubuntu"
    codename = os_release["VERSION_CODENAME"]
    assert codename in ("jammy", "resolute")
    source = host.file("/etc/apt/sources.list.d/docker.sources").content_string
    assert "URIs: %s/linux/ubuntu" % os.environ["DJD_DOCKER_CE_MIRROR"] in source
    assert "Suites: %s" % codename in source
    assert host.package("docker-ce").is_installed
    # jammy started with the distribution's docker.io: converted.
    assert not host.package("docker.io").is_installed
