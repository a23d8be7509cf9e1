"""The air-gapped host, deployed by site.yml from the air-gap bundle alone."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("air_gapped")


def test_the_host_reaches_no_mirror(host):
    # What makes the rest of this file mean something: every mirror of the
    # world refuses this host (testworld/lib/isolation.sh).
    for url in (os.environ["DJD_PYPI_INDEX"], os.environ["DJD_DOCKER_CE_MIRROR"] + "/",
                os.environ["DJD_REGISTRY_MIRROR"] + "/v2/", os.environ["DJD_DEBIAN_WORLD"] + "/"):
        result = host.run(f"curl -sS --max-time 10 -o /dev/null {url}")
        assert result.rc == 7, (url, result.rc, result.stderr)


def test_docker_ce_came_from_the_bundle_with_no_repository(host):
    for name in ("docker-ce", "docker-ce-cli", "containerd.io", "python3-requests"):
        assert host.package(name).is_installed, name
    assert not host.file("/etc/apt/sources.list.d/docker.sources").exists
    assert not host.file("/etc/apt/keyrings/docker.asc").exists
    assert host.service("docker").is_running


def test_the_engine_has_no_registry_mirror_and_the_stack_images(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert "registry-mirrors" not in config
    for image in ("python:3.13-slim", "nginx:1.30"):
        assert host.run(f"docker image inspect {image}").rc == 0, image


def test_the_site_serves_an_image_built_from_the_bundle(host):
    assert host.check_output("curl -sS --max-time 10 -o /dev/null -w '%{http_code}' http://127.0.0.1/healthz") == "200"
    assert host.check_output("docker inspect -f '{{.State.Health.Status}}' mysite") == "healthy"
    # Django and the server are the bundle's wheels, installed in the image.
    versions = host.check_output("docker exec mysite python -c 'import django, pyuwsgi; print(django.__version__)'")
    assert versions.startswith("5.2")
    # django_app_os_packages, from the bundle's Debian packages.
    assert host.run("docker exec mysite dpkg-query -W libmagic1").rc == 0
