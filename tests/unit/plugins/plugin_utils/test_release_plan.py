"""What the release pipeline is given, composed from the app's settings in one place."""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.djangodocker.deploy.plugins.module_utils.release_spec import ARGUMENT_SPEC
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.release_plan import compose, site_view

ROOT = "/srv/django/mysite"
DIRS = {"root": "/srv/nginx/sites/mysite", "run": "/srv/nginx/sites/mysite/run",
        "static": "/srv/nginx/sites/mysite/static"}
PLAN = {"name": "mysite", "conf_dir": "/srv/nginx/conf.d", "container": "nginx", "content": "site", "drain_timeout": 30}
DATABASE = {"network": "djangodocker-db", "env_file": "/srv/databases/db/apps/mysite/client.env",
            "dump": {"module": "djangodocker.deploy.database_dump", "args": {"container": "db"}}}
REDIS = {"network": "djangodocker-redis", "env_file": "/srv/redis/apps/mysite/client.env"}


def args(state="released", app=None, **changes):
    """The action's arguments as the django_app role passes them, checked by its argument spec."""
    settings = {
        "name": "mysite", "root": ROOT, "data_dir": ROOT + "/data", "lock_file": ROOT + "/deploy.lock",
        "backup_dir": ROOT + "/backups",
        "history_file": ROOT + "/releases", "mode": "nginx", "server_names": ["*.example.com", "www.example.com"],
        "health": {"path": "/healthz", "status": [200], "timeout": 90},
        "project": {"src": "/home/me/mysite"}, "pip_index_url": "https://mirrors.example/pypi/simple/",
    }
    settings.update(app or {})
    given = {"state": state, "app": settings, "release": {"tag": "new", "sha256": "abc", "files": 3},
             "host": {"env_file": ROOT + "/env/release-1.env", "env_sha256": "e1", "static_releases": ["old", "older"],
                      "built_assets": {"a.tar": "x"}, "engine": True, "requests": True},
             "site": {"dirs": DIRS, "plan": PLAN}, "next_socket": "rnext"}
    given.update(changes)
    checked = ArgumentSpecValidator(ARGUMENT_SPEC).validate(given)
    assert not checked.error_messages, checked.error_messages
    return checked.validated_parameters


def test_an_nginx_release_starts_beside_the_serving_one_on_its_own_socket_and_is_probed_there():
    spec = compose(args(), holder="me run 1")
    assert spec["image"] == "mysite:new" and spec["container"]["hostname"] == "rnext"
    assert spec["container"]["published_ports"] == []
    assert DIRS["run"] + ":/run/uwsgi" in spec["container"]["volumes"]
    probe = spec["front"]["probe"]
    # The probe asks as a name of the site, never a wildcard one.
    assert probe["socket"] == DIRS["run"] + "/rnext.sock" and probe["host"] == "www.example.com"
    assert probe["static"] == {"container": "mysite-next", "dest": DIRS["static"] + "/new", "subdir": "/static/"}
    assert spec["front"]["site"] == PLAN and spec["port"] is None
    assert spec["lock"] == {"path": ROOT + "/deploy.lock", "holder": "me run 1", "timeout": 600}
    assert probe["protocol"] == "uwsgi"


def test_gunicorn_and_granian_are_probed_in_http_on_their_socket():
    for server in ("gunicorn", "granian"):
        assert compose(args(app={"server": server}))["front"]["probe"]["protocol"] == "http"


def test_the_environment_file_is_a_read_only_mount_and_its_checksum_a_label_never_the_containers_env():
    spec = compose(args())
    container = spec["container"]
    assert ROOT + "/env/release-1.env:/run/djangodocker/app.env:ro" in container["volumes"]
    assert "env" not in container and container["labels"]["djangodocker.deploy.env"] == "e1"
    assert container["comparisons"] == {"env": "strict"}
    # Every container of the app is hardened alike, one-offs too.
    for options in (container, spec["one_off"]):
        assert options["security_opts"] == ["no-new-privileges:true"] and options["cap_drop"] == ["ALL"]
        assert options["tmpfs"] == ["/tmp"]


def test_single_mode_publishes_the_port_and_probes_it_at_the_bound_address():
    spec = compose(args(app={"mode": "single", "host_address": "::1", "host_port": 8080}))
    assert spec["container"]["published_ports"] == ["::1:8080:8000"] and "hostname" not in spec["container"]
    assert spec["port"]["probe"]["url"] == "http://[::1]:8080" and spec["port"]["probe"]["host"] == "localhost"
    assert spec["front"] is None
    assert all(":/run/uwsgi" not in volume for volume in spec["container"]["volumes"])
    # Bound to all addresses: asked on loopback.
    assert compose(args(app={"mode": "single"}))["port"]["probe"]["url"] == "http://127.0.0.1:80"


def test_the_database_and_redis_networks_come_first_then_the_users_once_each():
    spec = compose(args(app={"networks": ["djangodocker-redis", "extra"], "database": "postgresql"},
                        services={"database": DATABASE, "redis": REDIS}))
    assert [n["name"] for n in spec["container"]["networks"]] == ["djangodocker-db", "djangodocker-redis", "extra"]
    assert spec["container"]["network_mode"] == "djangodocker-db"
    assert spec["one_off"]["networks"] == spec["container"]["networks"]
    # No network named: Docker's default bridge (nothing set).
    assert "networks" not in compose(args())["container"]


def test_the_backup_before_migrations_is_the_database_roles_dump_or_the_sqlite_copy():
    server = compose(args(app={"database": "postgresql"}, services={"database": DATABASE}))
    assert server["backup"] == DATABASE["dump"]
    sqlite = compose(args(app={"backup_keep": 2}))["backup"]
    assert sqlite["module"] == "djangodocker.deploy.django_app_sqlite_backup"
    assert sqlite["args"] == {"database": ROOT + "/data/db.sqlite3", "backup_dir": ROOT + "/backups",
                              "label": "pre-migrate", "keep": 2, "uid": 10001}


def test_check_mode_makes_no_backup_and_does_not_point_the_site():
    spec = compose(args(), check_mode=True)
    assert spec["backup"] is None and spec["front"] is None and spec["build"] is not None and spec["check_mode"]


def test_a_rollback_builds_nothing_and_never_touches_the_database():
    spec = compose(args(rolling_back=True))
    assert spec["build"] is None and spec["migrate"] is None and spec["backup"] is None
    assert spec["front"]["probe"]["socket"].endswith("/rnext.sock")


def test_the_build_asks_the_mirrors_it_needs_and_sends_only_what_the_host_lacks():
    spec = compose(args(app={"os_packages": True, "apt_mirror_url": "https://mirrors.example/debian//",
                             "mirror_check": "warn"}, context_files={"Dockerfile": "FROM x"}))
    context = spec["build"]["context"]
    assert context["mirrors"] == [{"name": "PyPI index", "url": "https://mirrors.example/pypi/simple/django/"},
                                  {"name": "Debian mirror", "url": "https://mirrors.example/debian/"}]
    assert context["dest"] == ROOT + "/build/new" and context["on_host"] == {"a.tar": "x"}
    assert context["files"] == {"Dockerfile": "FROM x"} and context["mirror_check"] == "warn"
    assert spec["build"]["image"]["build"] == {"path": ROOT + "/build/new", "pull": False, "rm": True}
    # Without OS packages the Debian mirror is not asked.
    assert len(compose(args(app={"apt_mirror_url": "https://m/debian"}))["build"]["context"]["mirrors"]) == 1


def test_with_the_air_gap_bundle_the_build_asks_no_mirror_and_gets_the_bundle_folder():
    context = compose(args(app={"os_packages": True, "apt_mirror_url": "https://m/debian",
                                "offline_dir": "/var/lib/djangodocker/air-gap/abc"}))["build"]["context"]
    assert context["mirrors"] == [] and context["offline_dir"] == "/var/lib/djangodocker/air-gap/abc"


def test_the_pypi_index_is_asked_for_the_application_server_before_the_build():
    asked = compose(args(app={"server": "gunicorn", "interface": "asgi"}))["build"]["context"]["mirrors"]
    assert asked[1] == {"name": "PyPI index's uvicorn-worker",
                        "url": "https://mirrors.example/pypi/simple/uvicorn-worker/"}
    assert compose(args(app={"server": "granian"}))["build"]["context"]["mirrors"][1]["url"].endswith("/granian/")


def test_the_checks_run_with_the_chosen_level_and_a_move_loads_its_fixture():
    migrate = compose(args(app={"check_fail_level": "WARNING"}, load_fixture="/data/x.json"))["migrate"]
    assert migrate["plan_command"][-2:] == ["--deploy", "WARNING"] and migrate["load_fixture"] == "/data/x.json"
    assert "--deploy" not in compose(args(app={"check_deploy": False}))["migrate"]["plan_command"]


def test_celery_workers_are_the_apps_container_with_their_own_command_label_and_health_check():
    spec = compose(args(app={"celery": {"app": "proj", "beat": True, "worker_options": ["-c", "2"]}}))
    celery = spec["celery"]
    worker, beat = celery["worker"], celery["beat"]
    assert worker["command"][:4] == ["celery", "-A", "proj", "worker"] and worker["command"][-2:] == ["-c", "2"]
    assert worker["labels"] == {"djangodocker.deploy.app": "mysite", "djangodocker.deploy.env": "e1",
                                "djangodocker.deploy.celery": "worker"}
    assert worker["published_ports"] == [] and "proj inspect ping" in worker["healthcheck"]["test"][1]
    assert beat["labels"]["djangodocker.deploy.celery"] == "beat" and beat["healthcheck"] == {"test": ["NONE"]}
    assert celery["prefix"] == "mysite-worker-" and celery["ping"][-1] == "proj"
    # The app's own container keeps its labels (the worker's are a copy).
    assert "djangodocker.deploy.celery" not in spec["container"]["labels"]
    assert compose(args(app={"celery": {"app": "proj"}}))["celery"]["beat"] is None
    assert compose(args())["celery"] is None and compose(args())["retire"]["celery_leftovers"]


def test_a_release_retires_what_the_site_no_longer_serves():
    retire = compose(args(app={"keep_images": 4}))["retire"]
    assert retire["prune"] == [ROOT + "/env/*.env", ROOT + "/app.env", ROOT + "/build/*", DIRS["static"] + "/*"]
    assert retire["keep"] == [ROOT + "/build/new", DIRS["static"] + "/new", DIRS["static"] + "/old"]
    assert retire["history"] == ROOT + "/releases" and retire["keep_images"] == 4


def test_a_run_with_nothing_to_release_copies_the_serving_static_files_only_when_they_went():
    serving = {"tag": "old", "hostname": "rold"}
    assert compose(args("serving", serving=serving))["serving_static"] is None
    gone = compose(args("serving", serving={"tag": "gone", "hostname": "rgone"}))["serving_static"]
    assert gone["socket"] == DIRS["run"] + "/rgone.sock" and gone["static"]["container"] == "mysite"
    assert gone["static"]["dest"] == DIRS["static"] + "/gone"
    assert compose(args("serving", app={"mode": "single"}, serving=serving))["serving_static"] is None


def test_an_unhealthy_serving_release_is_restarted_and_asked_like_a_new_one_on_its_own_socket_or_port():
    assert compose(args("serving", serving={"tag": "old", "hostname": "rold"}))["restart"] is None
    unhealthy = {"tag": "old", "hostname": "rold", "unhealthy": True}
    probe = compose(args("serving", serving=unhealthy))["restart"]
    assert probe["socket"] == DIRS["run"] + "/rold.sock" and probe["static"] is None
    assert probe["path"] == "/healthz" and probe["timeout"] == 90 and probe["host"] == "www.example.com"
    single = compose(args("serving", app={"mode": "single", "host_port": 8000}, serving=unhealthy))["restart"]
    assert single["url"] == "http://127.0.0.1:8000" and single["host"] == "localhost"


def test_the_site_points_at_the_next_release_when_one_is_needed_else_at_the_serving_one():
    spec = compose(args("check"))
    serving = {"tag": "old", "hostname": "rold"}
    needed = site_view(spec, {"release_needed": True, "next_socket": "rnext", "serving": serving})
    assert needed == {"socket": "rnext", "release": "new", "static_releases": ["new", "old"]}
    kept = site_view(spec, {"release_needed": False, "next_socket": "rnext", "serving": serving})
    assert kept == {"socket": "rold", "release": "old", "static_releases": ["old", "older"]}
    # Nothing serves yet (a first release in check mode): nothing to point at.
    assert site_view(spec, {"release_needed": False, "serving": {}})["socket"] == ""


def test_with_off_site_backups_a_release_queues_its_backup_before_migrations_for_upload():
    upload = compose(args(app={"offsite_dir": ROOT + "/offsite"}))["offsite_upload"]
    assert upload == {"state": "queued", "app": "mysite", "offsite_dir": ROOT + "/offsite"}
    assert compose(args())["offsite_upload"] is None
    assert compose(args(app={"offsite_dir": ROOT + "/offsite"}), check_mode=True)["offsite_upload"] is None


SWARM = {"mode": "swarm", "registry": "10.0.0.2:5000/", "replicas": 3, "drain_timeout": 20}


def web_service(spec):
    services = spec["swarm"]["services"]
    assert [s["role"] for s in services if s["role"] == "web"] == ["web"]
    return next(s["service"] for s in services if s["role"] == "web")


def test_swarm_mode_builds_once_pushes_to_the_registry_and_probes_nothing_on_the_host():
    spec = compose(args(app=SWARM))
    assert spec["image"] == "10.0.0.2:5000/mysite:new"
    assert spec["build"]["image"]["name"] == "10.0.0.2:5000/mysite" and spec["build"]["image"]["push"] is True
    assert spec["front"] is None and spec["port"] is None and spec["restart"] is None
    # Single-host modes push nowhere.
    assert compose(args())["build"]["image"]["push"] is False


def test_swarm_mode_environment_is_a_secret_named_by_its_content_mounted_where_the_file_was():
    one = compose(args(app=SWARM))["swarm"]
    other = compose(args(app=SWARM, host={"env_file": ROOT + "/env/release-2.env", "env_sha256": "e2"}))["swarm"]
    assert one["secret"]["name"] != other["secret"]["name"]
    assert one["secret"]["data_src"] == ROOT + "/env/release-1.env"
    mounted = one["services"][0]["service"]["secrets"]
    assert mounted == [dict(secret_name=one["secret"]["name"], filename="/run/djangodocker/app.env", uid="10001",
                            gid="10001", mode=0o400)]
    assert "env" not in one["services"][0]["service"] and "env_files" not in one["services"][0]["service"]


def test_swarm_mode_service_updates_start_first_gated_by_health_and_rolls_back_itself():
    service = web_service(compose(args(app=SWARM)))
    assert service["replicas"] == 3 and service["endpoint_mode"] == "dnsrr"
    assert service["update_config"]["order"] == "start-first"
    assert service["update_config"]["failure_action"] == "rollback"
    assert service["update_config"]["monitor"] == "5s"
    assert service["stop_grace_period"] == "20s"
    assert service["read_only"] is False and service["cap_drop"] == ["ALL"]
    # Any node unless constrained.
    assert "placement" not in service


def test_swarm_mode_places_the_tasks_where_the_user_constrains_them():
    app = dict(SWARM, constraints=["node.role == worker", "node.labels.zone != east"])
    service = web_service(compose(args(app=app)))
    assert service["placement"] == {"constraints": ["node.role == worker", "node.labels.zone != east"]}


def test_swarm_mode_keeps_its_environment_file_which_no_container_mounts():
    assert ROOT + "/env/release-1.env" in compose(args(app=SWARM))["retire"]["keep"]
    assert ROOT + "/env/release-1.env" not in compose(args())["retire"]["keep"]


def test_swarm_mode_celery_worker_rolls_out_before_the_web_service_and_beat_after_it_stop_first():
    app = dict(SWARM, celery={"app": "proj", "beat": True, "worker_options": ["-c", "2"], "replicas": 2,
                              "ready_timeout": 40, "stop_timeout": 50})
    spec = compose(args(app=app))
    assert spec["celery"] is None  # no per-release worker containers on a swarm
    services = spec["swarm"]["services"]
    assert [(s["role"], s["service"]["name"]) for s in services] == [
        ("worker", "mysite-worker"), ("web", "mysite"), ("beat", "mysite-beat")]
    worker, web, beat = (s["service"] for s in services)
    assert worker["args"][:4] == ["celery", "-A", "proj", "worker"] and worker["args"][-2:] == ["-c", "2"]
    assert worker["replicas"] == 2 and worker["update_config"]["order"] == "start-first"
    assert "inspect ping" in worker["healthcheck"]["test"][1] and worker["healthcheck"]["start_period"] == "40s"
    assert worker["stop_grace_period"] == "50s" and worker["labels"]["djangodocker.deploy.celery"] == "worker"
    # The same secret, networks and hardening as the web service.
    for key in ("secrets", "networks", "cap_drop", "read_only", "mounts"):
        assert worker[key] == web[key] == beat[key]
    assert beat["replicas"] == 1 and beat["update_config"]["order"] == "stop-first"
    assert beat["rollback_config"]["order"] == "stop-first" and beat["healthcheck"] == {"test": ["NONE"]}
    assert "--schedule=/tmp/celerybeat-schedule" in beat["args"]
    assert "args" not in web and spec["swarm"]["absent"] == []


def test_swarm_mode_without_celery_has_its_services_go():
    spec = compose(args(app=SWARM))
    assert [s["role"] for s in spec["swarm"]["services"]] == ["web"]
    assert spec["swarm"]["absent"] == ["mysite-worker", "mysite-beat"]
    beatless = compose(args(app=dict(SWARM, celery={"app": "proj"})))["swarm"]
    assert [s["role"] for s in beatless["services"]] == ["worker", "web"] and beatless["absent"] == ["mysite-beat"]
