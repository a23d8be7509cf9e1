"""A database server beside the app (PostgreSQL + Redis on Debian 13, MariaDB on Debian 12), after converge."""

import json
import socket

import pytest
from app import django, hosts

testinfra_hosts = hosts()

ENGINES = {"debian13": "postgresql", "debian12": "mariadb"}
PORTS = {"postgresql": 5432, "mariadb": 3306}


def engine(host):
    return ENGINES[host.check_output("hostname")]


def test_the_app_uses_the_database_server(host):
    vendor = django(host, "from django.db import connection; print(connection.vendor, connection.settings_dict['HOST'])")
    assert vendor == {"postgresql": "postgresql postgresql", "mariadb": "mysql mariadb"}[engine(host)]


def test_the_database_is_healthy_on_the_private_network_only(host):
    name = engine(host)
    state = json.loads(host.check_output(f"docker inspect {name}"))[0]
    assert state["State"]["Health"]["Status"] == "healthy"
    assert list(state["NetworkSettings"]["Networks"]) == ["djangodocker"]
    assert not state["HostConfig"]["PortBindings"]
    assert state["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    assert "no-new-privileges:true" in state["HostConfig"]["SecurityOpt"]
    assert any(m["Type"] == "volume" and m["Name"] == f"{name}-data" for m in state["Mounts"])
    listening = host.check_output("ss -Hltn")
    assert f":{PORTS[name]} " not in listening and ":6379 " not in listening


def test_the_database_port_is_not_reachable_from_outside_the_host(host):
    address = host.check_output("hostname -i").split()[0]
    with pytest.raises(OSError):
        socket.create_connection((address, PORTS[engine(host)]), timeout=3).close()


def test_no_secret_is_in_any_container_configuration_or_image(host):
    name = engine(host)
    password = host.check_output(f"cat /srv/databases/{name}/apps/bookshelf/password")
    assert len(password) == 32
    # The app reads DATABASE_URL from its environment file, on the host.
    assert "DATABASE_URL=" in host.check_output("cat /srv/django/bookshelf/env/*.env")
    inspected = host.check_output("docker inspect bookshelf %s %s", name,
                                  "redis" if name == "postgresql" else name)
    history = host.check_output("docker history --no-trunc $(docker inspect -f '{{.Config.Image}}' bookshelf)")
    assert password not in inspected and password not in history
    assert oct(host.file(f"/srv/databases/{name}/secrets").mode) == "0o700"
    assert oct(host.file(f"/srv/databases/{name}/apps/bookshelf").mode) == "0o700"


def test_the_first_release_dumped_before_migrating(host):
    name = engine(host)
    dumps = host.check_output(f"ls /srv/databases/{name}/backups/bookshelf").split()
    assert any(d.endswith("-pre-migrate." + ("dump" if name == "postgresql" else "sql")) for d in dumps), dumps


def test_scheduled_backups_run_by_the_timer_and_keep_two(host):
    name = engine(host)
    unit = f"djangodocker-backup-{name}"
    assert host.service(f"{unit}.timer").is_enabled and host.service(f"{unit}.timer").is_running
    for dummy in range(3):
        host.check_output(f"systemctl start {unit}.service")
    folder = f"/srv/databases/{name}/backups/bookshelf"
    scheduled = sorted(f for f in host.check_output(f"ls {folder}").split() if "-scheduled." in f)
    assert len(scheduled) == 2, scheduled
    newest = f"{folder}/{scheduled[-1]}"
    assert host.file(newest).mode == 0o600
    if name == "postgresql":
        listing = host.check_output(f"docker exec -i postgresql pg_restore -l < {newest}")
    else:
        listing = host.check_output(f"cat {newest}")
    assert "shelf_upload" in listing
