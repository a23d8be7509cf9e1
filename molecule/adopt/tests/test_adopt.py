"""A tutorial-made host after one run of site.yml."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("all")

FINGERPRINT = os.environ["DJD_DOCKER_CE_FINGERPRINT"]


def test_apt_works_without_conflicting_signed_by(host):
    update = host.run("apt-get update")
    assert update.rc == 0, update.stderr
    assert "Conflicting values" not in update.stdout + update.stderr


def test_the_legacy_source_line_is_gone(host):
    listing = host.run("grep -rhs '^deb .*docker-ce' /etc/apt/sources.list /etc/apt/sources.list.d/*.list")
    assert listing.stdout.strip() == ""
    assert host.file("/etc/apt/sources.list.d/docker.sources").exists


def test_the_globally_trusted_key_is_gone(host):
    for keyring in ["/etc/apt/trusted.gpg"] + host.check_output(
            "ls /etc/apt/trusted.gpg.d/ 2>/dev/null | sed 's|^|/etc/apt/trusted.gpg.d/|'").split():
        if host.file(keyring).exists:
            keys = host.run(f"gpg --batch --with-colons --show-keys {keyring}").stdout
            assert FINGERPRINT not in keys, keyring


def test_docker_and_its_images_were_kept(host):
    assert host.service("docker").is_running
    assert host.run("docker image inspect python:3.13-slim").rc == 0


def test_the_users_daemon_json_keys_are_kept(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert config["max-concurrent-downloads"] == 3
    assert config["registry-mirrors"]


def test_the_hand_made_container_is_kept_stopped_and_renamed(host):
    names = host.check_output("docker ps -a --filter name=^mysite2-replaced- --format '{{.Names}} {{.State}}'")
    assert len(names.splitlines()) == 1 and names.endswith(" exited")


def test_its_rows_are_in_the_roles_database_and_the_site_serves(host):
    rows = host.check_output("python3 -c \"import sqlite3; print(sqlite3.connect("
                             "'/srv/django/mysite2/data/db.sqlite3').execute('select x from tutorial_rows')"
                             ".fetchall())\"")
    assert "written-by-hand" in rows
    login = host.check_output("curl -sS --max-time 10 http://127.0.0.1/admin/login/")
    assert "Django administration" in login
