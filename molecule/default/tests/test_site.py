"""The whole stack, end to end, after a data write and a code redeploy."""

import json
import os
import re

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("all")


def curl(host, args):
    return host.check_output(f"curl -sS --max-time 10 {args}")


def test_site_answers_on_port_80(host):
    assert curl(host, "-o /dev/null -w '%{http_code}' http://127.0.0.1/") == "200"


def test_static_file_served_by_nginx(host):
    headers = curl(host, "-D - -o /dev/null http://127.0.0.1/static/notes/style.css")
    assert re.search(r"^Content-Type: text/css", headers, re.M | re.I)
    assert re.search(r"^Server: nginx", headers, re.M | re.I)
    # Not a hashed name: cached for an hour, not for a year.
    assert re.search(r"^Cache-Control: public, max-age=3600", headers, re.M | re.I)


def test_pages_come_through_nginx_from_uwsgi_socket(host):
    headers = curl(host, "-D - -o /dev/null http://127.0.0.1/")
    assert re.search(r"^Server: nginx", headers, re.M | re.I)
    # The app publishes no port: Nginx reaches it on its socket only.
    assert host.check_output("docker port mysite") == ""


def test_an_unknown_host_name_gets_no_answer(host):
    # The default server closes the connection unanswered (444): curl's
    # "empty reply from server" is its exit code 52.
    result = host.run("curl -sS --max-time 10 -H 'Host: unknown.example' http://127.0.0.1/")
    assert result.rc == 52, result.stderr


def test_write_survived_the_redeploy(host):
    notes = json.loads(curl(host, "http://127.0.0.1/api/notes/"))
    assert notes["version"] == "2"
    assert "written-before-redeploy" in notes["notes"]


def test_stack_pieces(host):
    assert host.service("docker").is_running
    # daemon.json's mirrors: the next test (host A has none).
    assert host.check_output("docker inspect -f '{{.State.Running}}' mysite") == "true"


def test_host_a_got_its_images_from_the_controller_host_b_through_the_mirror(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    if "debian12" in host.backend.get_hostname():
        # Host A reaches no registry: no mirror, every image sent from the controller.
        assert "registry-mirrors" not in config
        for image in ("python:3.13-slim", "nginx:1.30", "restic/restic:0.18.0"):
            assert host.run("docker image inspect %s" % image).rc == 0, image
    else:
        assert config["registry-mirrors"] == [os.environ["DJD_REGISTRY_MIRROR"]]
