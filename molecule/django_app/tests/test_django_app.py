"""django_app after converge and idempotence: the example project is served."""

import json
import os
import re

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("all")

SITE = "http://127.0.0.1:80"


def curl(host, args):
    return host.check_output(f"curl -sS --max-time 10 {args}")


def test_site_answers_on_port_80(host):
    assert curl(host, f"-o /dev/null -w '%{{http_code}}' {SITE}/") == "200"
    assert curl(host, f"{SITE}/healthz") == "ok"


def test_static_file_served_with_its_type(host):
    headers = curl(host, f"-D - -o /dev/null {SITE}/static/notes/style.css")
    assert re.search(r"^HTTP/1\.[01] 200", headers)
    assert re.search(r"^Content-Type: text/css", headers, re.M | re.I)


def test_write_through_the_app(host):
    jar = "/tmp/djd-cookies"
    page = curl(host, f"-c {jar} {SITE}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    code = curl(host, f"-b {jar} -o /dev/null -w '%{{http_code}}' -d text=written-in-verify "
                      f"-d csrfmiddlewaretoken={token} {SITE}/")
    assert code == "302"
    notes = json.loads(curl(host, f"{SITE}/api/notes/"))
    assert "written-in-verify" in notes["notes"]


def test_debug_is_off(host):
    page = host.run(f"curl -sS --max-time 10 {SITE}/no-such-page")
    assert "Page not found" not in page.stdout or "DEBUG = True" not in page.stdout
    assert "DEBUG = True" not in page.stdout


def test_container_runs_uwsgi_as_non_root_with_restart_policy(host):
    info = json.loads(host.check_output("docker inspect mysite"))[0]
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    assert info["Config"]["User"] in ("app", "10001")
    # uWSGI is the container's main process, not a daemonized child.
    assert "uwsgi" in " ".join(info["Config"]["Cmd"])
    assert info["State"]["Running"]
    top = host.check_output("docker top mysite -o pid,user,args")
    assert "uwsgi" in top and "root" not in top.split("\n", 1)[1]


def test_container_becomes_healthy(host):
    status = host.check_output(
        "timeout 60 sh -c 'until [ \"$(docker inspect -f {{.State.Health.Status}} mysite)\" = healthy ]; "
        "do sleep 1; done; docker inspect -f {{.State.Health.Status}} mysite'"
    )
    assert status == "healthy"


def test_database_on_the_data_volume(host):
    assert host.file("/srv/django/mysite/data/db.sqlite3").exists
    mounts = json.loads(host.check_output("docker inspect -f '{{json .Mounts}}' mysite"))
    assert any(m["Source"] == "/srv/django/mysite/data" and m["Destination"] == "/data" for m in mounts)


def test_secret_kept_on_host_and_out_of_the_image(host):
    secret_file = host.file("/srv/django/mysite/secret_key")
    assert secret_file.mode == 0o600 and secret_file.user == "root"
    secret = secret_file.content_string.strip()
    assert len(secret) >= 50
    image = host.check_output("docker inspect -f '{{.Config.Image}}' mysite")
    history = host.check_output(f"docker history --no-trunc --format '{{{{.CreatedBy}}}}' {image}")
    assert secret not in history
    image_env = host.check_output(f"docker image inspect -f '{{{{json .Config.Env}}}}' {image}")
    assert secret not in image_env


def test_the_index_configuration_and_build_files_never_reach_the_image(host):
    """pip.conf (it may carry the index's credentials), the dependency files and the tools' pins stay in the
    build's dependencies stage: the image has the virtualenv it made, not them, not even in a lower layer."""
    image = host.check_output("docker inspect -f '{{.Config.Image}}' mysite")
    history = host.check_output(f"docker history --no-trunc --format '{{{{.CreatedBy}}}}' {image}")
    assert "/etc/pip.conf" not in history and "/tmp/deps" not in history and "/tmp/tools" not in history, history
    assert "COPY --from=dependencies" in history or "/opt/venv" in history, history
    found = host.run(f"docker run --rm --entrypoint ls {image} /etc/pip.conf /tmp/deps /tmp/tools")
    assert found.rc != 0 and "No such file" in found.stderr, found.stdout
    # The role's tools came from the hash-pinned files (files/tools/uwsgi.txt).
    pins = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "roles/django_app/files/tools/uwsgi.txt")
    with open(pins) as handle:
        version = re.search(r"^pyuwsgi==(\S+)", handle.read(), re.M).group(1)
    shown = host.check_output(f"docker run --rm --entrypoint python {image} -m pip show pyuwsgi")
    assert f"Version: {version}" in shown, shown


def test_the_base_images_id_is_recorded_in_the_release(host):
    image = host.check_output("docker inspect -f '{{.Config.Image}}' mysite")
    defaults = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "roles/django_app/defaults/main.yml")
    with open(defaults) as handle:
        base = re.search(r"^django_app_base_image: (\S+)", handle.read(), re.M).group(1)
    base_id = host.check_output(f"docker image inspect -f '{{{{.Id}}}}' {base}")
    recorded = host.check_output(f"docker run --rm --entrypoint cat {image} /app/djangodocker_deploy/base-image")
    assert recorded == base_id and base_id.startswith("sha256:")


def test_image_tagged_by_content_and_built_once(host):
    image = host.check_output("docker inspect -f '{{.Config.Image}}' mysite")
    assert re.fullmatch(r"mysite:[0-9a-f]{12}", image)
    tags = host.check_output("docker images mysite --format '{{.Tag}}'").split()
    assert tags == [image.split(":")[1]]


def test_no_secret_in_the_container_configuration(host):
    secret = host.file("/srv/django/mysite/secret_key").content_string.strip()
    inspect = host.check_output("docker container inspect mysite")
    assert secret not in inspect
    config = json.loads(inspect)[0]["Config"]
    assert not [e for e in config["Env"] if e.startswith("DJANGO_SECRET_KEY=")]
    assert config["Labels"]["djangodocker.deploy.app"] == "mysite"
    # The app reads its environment file from a read-only mount; the file is
    # this release's own (named by its content), root's, readable by the app's group.
    mount = [m for m in json.loads(inspect)[0]["Mounts"] if m["Destination"] == "/run/djangodocker/app.env"]
    assert mount and mount[0]["RW"] is False
    assert mount[0]["Source"].startswith("/srv/django/mysite/env/release-")
    env_file = host.file(mount[0]["Source"])
    assert env_file.mode == 0o640 and env_file.user == "root" and env_file.gid == 10001


def test_container_is_hardened(host):
    config = json.loads(host.check_output("docker container inspect mysite"))[0]["HostConfig"]
    assert config["CapDrop"] == ["ALL"]
    assert "no-new-privileges:true" in config["SecurityOpt"]
    assert config["ReadonlyRootfs"] is True
    assert config["PidsLimit"] == 512
    assert "/tmp" in config["Tmpfs"]


def test_django_errors_reach_docker_logs(host):
    # A Host header outside ALLOWED_HOSTS: Django logs it at ERROR, which its own
    # default (DEBUG off) would only mail to the admins.
    code = curl(host, f"-o /dev/null -w '%{{http_code}}' -H 'Host: not-allowed.invalid' {SITE}/healthz")
    assert code == "400"
    logs = host.run("docker logs --since 5m mysite")
    assert "Invalid HTTP_HOST header: 'not-allowed.invalid'" in logs.stdout + logs.stderr


def test_the_sqlite_backup_timer_makes_checked_root_only_backups(host):
    unit = "djangodocker-backup-mysite"
    assert host.service(f"{unit}.timer").is_enabled and host.service(f"{unit}.timer").is_running
    host.check_output(f"systemctl start {unit}.service")
    folder = host.file("/srv/django/mysite/backups")
    assert folder.mode == 0o700 and folder.user == "root"
    scheduled = sorted(n for n in host.check_output("ls /srv/django/mysite/backups").split() if "-scheduled." in n)
    assert scheduled, host.check_output(f"journalctl -u {unit}.service --no-pager | tail -5")
    newest = f"/srv/django/mysite/backups/{scheduled[-1]}"
    assert host.file(newest).mode == 0o600
    check = f"import sqlite3; print(sqlite3.connect('file:{newest}?mode=ro', uri=True).execute('PRAGMA integrity_check').fetchone()[0])"
    assert host.check_output(f'python3 -c "{check}"') == "ok"
