"""The release pipeline: its steps in order, and at every failure point the serving release
untouched, nothing put back over live writes, and the deploy lock given back."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.plugin_utils import release_pipeline as pipeline

PLAN_PENDING = "Planned operations:\nnotes.0002_x\n%s 1\n" % pipeline.PENDING_MARKER
MIGRATED = "Operations to perform:\n  Applying notes.0002_x... OK\n  Applying notes.0003_y... OK\n"


class FakeHost:
    """Answers module calls like the host would; ANSWERS[(module, key)] overrides a result."""

    def __init__(self, plan="No planned migration operations.\n", migrate=MIGRATED, answers=None, before="old site"):
        self.calls, self.plan, self.migrate, self.before = [], plan, migrate, before
        self.answers = dict(answers or {})
        self.slept = 0
        self.alive = set()

    def key(self, module, args):
        short = module.rsplit(".", 1)[-1]
        if short == "docker_container" and args.get("detach") is False:
            return short, args["command"][-1] if isinstance(args["command"], list) else args["command"]
        if short == "docker_container" and args.get("state") == "absent":
            return short, "absent"
        if short == "docker_container":
            return short, args["name"]
        return short, args.get("state", "")

    def call(self, module, args, check_mode=False):
        self.calls.append((module, dict(args, _check_mode=True) if check_mode else args))
        key = self.key(module, args)
        if key in self.answers:
            answer = self.answers[key]
            return dict(answer(args) if callable(answer) else answer)
        short = key[0]
        if short == "docker_container" and args.get("detach") is False:
            output = self.plan if key[1] == "plan" else self.migrate
            return {"changed": True, "container": {"Output": output}}
        if short == "django_app_release" and args["state"] == "switch":
            return {"changed": True, "switched": True, "previous_image": "mysite:old",
                    "lock_released": "retire" in args and "release_lock" in args}
        if short == "django_app_release" and args["state"] == "retire":
            return {"changed": True, "lock_released": "release_lock" in args}
        if short == "django_app_release":
            return {"changed": True, "restored": args.get("switched", False)}
        if short == "nginx_site":
            return {"changed": True, "drained": True, "before": self.before}
        if short == "container_logs":
            return {"lines": ["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'nope'"]}
        if short == "docker_host_info":
            return {"containers": [{"Names": ["/mysite-worker-old"]}, {"Names": ["/mysite-beat"]},
                                   {"Names": ["/mysite-worker-new"]}]}
        if short == "docker_container_exec":
            return {"rc": 0}
        if short == "database_dump" or short == "django_app_sqlite_backup":
            return {"changed": True, "backup": "/srv/backups/db-1-pre-migrate.dump"}
        return {"changed": True}

    def send_context(self, args):
        self.calls.append(("context", args))
        answer = self.answers.get(("context", ""))
        if callable(answer):
            return dict(answer(args))
        return dict(answer) if answer else {"changed": True}

    def sleep(self, seconds):
        self.slept += seconds

    def process_alive(self, pid):
        return pid in self.alive

    def modules(self):
        return [(module.rsplit(".", 1)[-1], self.key(module, args)[1]) for module, args in self.calls]

    def called(self, short, key=None):
        return [args for module, args in self.calls
                if module.rsplit(".", 1)[-1] == short and (key is None or self.key(module, args)[1] == key)]


LOCK = {"path": "/srv/django/mysite/deploy.lock", "holder": "me run 1", "timeout": 600}


def spec(**changes):
    base = {
        "state": "released", "name": "mysite", "image": "mysite:new", "lock": dict(LOCK), "check_mode": False,
        "build": {"context": {"src": "/p", "files": {}, "dest": "/srv/build/new", "sha256": "x"},
                  "image": {"name": "mysite", "tag": "new", "source": "build"}},
        "migrate": {"plan_command": ["python", "-m", "release", "plan"],
                    "migrate_command": ["python", "-m", "release", "migrate"], "load_fixture": ""},
        "backup": {"module": "djangodocker.deploy.django_app_sqlite_backup", "args": {"label": "pre-migrate"}},
        "one_off": {"volumes": ["/data:/data"]}, "container": {"restart_policy": "unless-stopped"},
        "celery": None,
        "front": {"probe": {"socket": "/run/rabc.sock"},
                  "site": {"name": "mysite", "conf_dir": "/srv/nginx/conf.d", "container": "nginx",
                           "content": "new site", "drain_timeout": 30}},
        "port": None,
        "retire": {"prune": [], "keep": [], "keep_images": 3},
    }
    base.update(changes)
    return base


PORT = {"probe": {"url": "http://127.0.0.1:80", "path": "/healthz", "timeout": 15}}
CELERY = {"prefix": "mysite-worker-", "worker": {"command": ["celery"]}, "beat": {"command": ["beat"]},
          "ping": ["celery", "ping"], "ready_timeout": 8, "stop_timeout": 60}


def fails(msg, **extra):
    return dict(failed=True, msg=msg, **extra)


def lock_given_back(host):
    """The lock was given back: by the call that retired, or by the unlock that always runs."""
    retired = [args for args in host.called("django_app_release") if "release_lock" in args]
    return bool(retired) or bool(host.called("deploy_lock", "released"))


# The straight path

def test_an_nginx_release_runs_its_steps_in_order_and_retires_in_the_switch_call():
    host = FakeHost()
    result = pipeline.release(host, spec())
    assert host.modules() == [
        ("context", ""), ("docker_image", ""), ("docker_container", "plan"),
        ("docker_container", "mysite-next"), ("django_app_probe", ""), ("nginx_site", "present"),
        ("django_app_release", "switch")]
    switch = host.called("django_app_release", "switch")[0]
    assert switch["retire"]["protect_images"] == ["mysite:new"] and switch["release_lock"]["holder"] == "me run 1"
    # The lock went with the switch's retire: no unlock call of its own.
    assert not host.called("deploy_lock")
    assert result["previous_image"] == "mysite:old" and result["backup"] == "" and result["switched"]


def test_the_context_call_takes_the_lock_the_action_named():
    host = FakeHost()
    pipeline.release(host, spec())
    assert host.calls[0][1]["lock"] == LOCK


def test_migrations_pending_are_backed_up_first_then_applied():
    host = FakeHost(plan=PLAN_PENDING)
    result = pipeline.release(host, spec())
    order = host.modules()
    assert order.index(("django_app_sqlite_backup", "")) < order.index(("docker_container", "migrate"))
    assert result["backup"] == "/srv/backups/db-1-pre-migrate.dump"
    assert result["migrations_applied"] == ["notes.0002_x", "notes.0003_y"]


OFFSITE_UPLOAD = {"state": "queued", "app": "mysite", "offsite_dir": "/srv/django/mysite/offsite"}


def test_the_backup_before_migrations_is_queued_for_off_site_and_a_failure_to_queue_does_not_block():
    host = FakeHost(plan=PLAN_PENDING, answers={("offsite_backup", "queued"): {"changed": True, "unit": "u1"}})
    result = pipeline.release(host, spec(offsite_upload=OFFSITE_UPLOAD))
    order = host.modules()
    assert order.index(("django_app_sqlite_backup", "")) < order.index(("offsite_backup", "queued")) \
        < order.index(("docker_container", "migrate"))
    assert host.called("offsite_backup")[0]["file"] == "/srv/backups/db-1-pre-migrate.dump"
    assert result["offsite_upload"] == "u1"
    failing = FakeHost(plan=PLAN_PENDING, answers={("offsite_backup", "queued"): fails("systemd-run: not found")})
    result = pipeline.release(failing, spec(offsite_upload=OFFSITE_UPLOAD))
    assert result["migrations_applied"] and result["offsite_upload"] == "not queued: systemd-run: not found"
    # No migration pending: no backup, nothing to send.
    quiet = FakeHost()
    pipeline.release(quiet, spec(offsite_upload=OFFSITE_UPLOAD))
    assert not quiet.called("offsite_backup")


def test_no_migration_pending_makes_no_backup_and_no_second_one_off():
    host = FakeHost()
    pipeline.release(host, spec())
    assert not host.called("django_app_sqlite_backup")
    assert not host.called("docker_container", "migrate")


def test_one_offs_are_unique_per_run_and_removed():
    host = FakeHost(plan=PLAN_PENDING)
    pipeline.release(host, spec())
    one_offs = [args for args in host.called("docker_container") if args.get("detach") is False]
    assert len({args["name"] for args in one_offs}) == 2
    assert all(args["name"].startswith("mysite-migrate-") and args["cleanup"] for args in one_offs)
    assert all(args["volumes"] == ["/data:/data"] and args["image"] == "mysite:new" for args in one_offs)


def test_a_rollback_builds_nothing_migrates_nothing_and_takes_the_lock_itself():
    host = FakeHost()
    pipeline.release(host, spec(build=None, migrate=None))
    assert host.modules()[0] == ("deploy_lock", "acquired")
    assert not host.called("docker_image") and not [c for c in host.calls if c[0] == "context"]
    assert not [args for args in host.called("docker_container") if args.get("detach") is False]


def test_check_mode_asks_the_mirrors_and_the_build_and_stops():
    host = FakeHost()
    assert pipeline.release(host, spec(check_mode=True))["changed"]
    assert [m for m, dummy in host.modules()] == ["context", "docker_image", "deploy_lock"]


def test_single_mode_switches_then_asks_the_published_port_then_retires():
    host = FakeHost()
    pipeline.release(host, spec(front=None, port=PORT))
    assert host.modules()[3:] == [
        ("docker_container", "mysite-next"), ("django_app_release", "switch"), ("django_app_probe", ""),
        ("django_app_release", "retire")]
    assert host.called("docker_container", "mysite-next")[0]["state"] == "present"
    retire = host.called("django_app_release", "retire")[0]
    assert retire["retire"]["protect_images"] == ["mysite:new", "mysite:old"]
    assert not host.called("deploy_lock")


def test_celery_worker_starts_before_the_switch_and_others_go_after_it():
    host = FakeHost()
    pipeline.release(host, spec(celery=CELERY))
    order = host.modules()
    assert order.index(("docker_container", "mysite-worker-new")) < order.index(("django_app_release", "switch"))
    assert order.index(("docker_container_exec", "")) < order.index(("docker_container", "mysite-next"))
    # The switch does not retire: the workers settle first, then a retire call of its own.
    assert "retire" not in host.called("django_app_release", "switch")[0]
    removed = [args["name"] for args in host.called("docker_container", "absent")]
    assert removed == ["mysite-worker-old"]
    assert order.index(("docker_container", "mysite-beat")) > order.index(("django_app_release", "switch"))
    assert order[-1] == ("django_app_release", "retire")


# Every failure point

def test_a_dead_mirror_or_another_runs_lock_fails_before_anything_else_and_changes_nothing():
    host = FakeHost(answers={("context", ""): fails("Another deploy holds /srv/django/mysite/deploy.lock: x")})
    with pytest.raises(pipeline.ReleaseFailed, match="before anything changed on the host: Another deploy holds") as failed:
        pipeline.release(host, spec())
    assert failed.value.result["changed"] is False
    assert [m for m, dummy in host.modules()] == ["context", "deploy_lock"]
    assert host.called("deploy_lock", "released")[0]["holder"] == "me run 1"


def test_a_failed_build_gives_the_lock_back():
    host = FakeHost(answers={("docker_image", ""): fails("pip: no matching distribution")})
    with pytest.raises(pipeline.ReleaseFailed, match="at its build"):
        pipeline.release(host, spec())
    assert host.modules()[-1] == ("deploy_lock", "released")


def test_failed_checks_leave_the_serving_release_and_make_no_backup():
    host = FakeHost(answers={("docker_container", "plan"): fails("SystemCheckError: security.W004")})
    with pytest.raises(pipeline.ReleaseFailed, match="deployment checks .* keeps serving.*security.W004"):
        pipeline.release(host, spec())
    assert not host.called("django_app_sqlite_backup") and not host.called("django_app_release")
    assert lock_given_back(host)


def test_a_failed_migration_restores_nothing_and_names_what_applied_and_the_backup():
    host = FakeHost(plan=PLAN_PENDING, answers={("docker_container", "migrate"): fails(
        "  Applying notes.0002_x... OK\n  Applying notes.0003_y...Traceback\nValueError: on purpose")})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.release(host, spec())
    message = str(failed.value)
    assert "notes.0002_x" in message and "notes.0003_y" not in message.split("Output", maxsplit=1)[0]
    assert "/srv/backups/db-1-pre-migrate.dump" in message and "restore.yml" in message
    assert "on purpose" in message
    # Nothing put back: other writes made meanwhile stay.
    assert not [args for module, args in host.calls if args.get("state") == "restore"]
    assert not host.called("docker_container", "mysite-next")
    assert failed.value.result["migrations_applied"] == ["notes.0002_x"]
    assert lock_given_back(host)


def test_a_failed_backup_stops_before_any_migration():
    host = FakeHost(plan=PLAN_PENDING, answers={("django_app_sqlite_backup", ""): fails("disk full")})
    with pytest.raises(pipeline.ReleaseFailed, match="backup"):
        pipeline.release(host, spec())
    assert not host.called("docker_container", "migrate")


def test_a_worker_that_does_not_answer_is_removed_with_its_log_before_the_web_release_starts():
    host = FakeHost(answers={("docker_container_exec", ""): {"rc": 1}})
    with pytest.raises(pipeline.ReleaseFailed, match="did not answer a ping within 8 s.*ModuleNotFoundError"):
        pipeline.release(host, spec(celery=CELERY))
    assert host.called("container_logs")[0]["name"] == "mysite-worker-new"
    assert host.called("docker_container", "absent")[0]["name"] == "mysite-worker-new"
    assert not host.called("docker_container", "mysite-next") and not host.called("nginx_site")
    assert host.slept == 2 and lock_given_back(host)


def test_a_release_that_does_not_answer_is_removed_the_site_untouched_with_its_log():
    host = FakeHost(answers={("django_app_probe", ""): fails("/run/rabc.sock did not answer 200 within 30 s")})
    with pytest.raises(pipeline.ReleaseFailed, match="keeps serving, Nginx unchanged.*ModuleNotFoundError"):
        pipeline.release(host, spec())
    assert not host.called("nginx_site")
    assert host.called("container_logs")[0]["name"] == "mysite-next"
    assert host.called("django_app_release", "restore") == [{"name": "mysite", "state": "restore", "switched": False}]
    assert lock_given_back(host)


def test_a_site_nginx_rejects_is_not_put_back_twice():
    # nginx_site puts its own file back when nginx -t rejects it.
    host = FakeHost(answers={("nginx_site", "present"): fails("nginx -t rejected the configuration")})
    with pytest.raises(pipeline.ReleaseFailed, match="point the site failed"):
        pipeline.release(host, spec())
    assert len(host.called("nginx_site")) == 1
    assert host.called("django_app_release", "restore")


def test_a_failed_switch_points_the_site_back_at_the_serving_release():
    host = FakeHost(answers={("django_app_release", "switch"): fails("docker rename failed", switched=False)})
    with pytest.raises(pipeline.ReleaseFailed, match="keeps serving"):
        pipeline.release(host, spec())
    back = host.called("nginx_site")[-1]
    assert back["content"] == "old site" and back["state"] == "present"
    assert host.called("django_app_release", "restore")[0]["switched"] is False
    assert lock_given_back(host)


def test_a_first_release_that_fails_after_pointing_the_site_removes_the_site():
    host = FakeHost(before=None, answers={("django_app_release", "switch"): fails("no", switched=False)})
    with pytest.raises(pipeline.ReleaseFailed):
        pipeline.release(host, spec())
    assert host.called("nginx_site")[-1]["state"] == "absent"


def test_a_failure_after_the_switch_puts_nothing_back_and_says_the_new_release_serves():
    host = FakeHost(answers={("django_app_release", "switch"): fails(
        "letting the previous one go failed", switched=True, previous_image="mysite:old")})
    with pytest.raises(pipeline.ReleaseFailed, match="mysite serves release mysite:new"):
        pipeline.release(host, spec())
    assert len(host.called("nginx_site")) == 1 and not host.called("django_app_release", "restore")
    assert host.called("deploy_lock", "released")


def test_single_mode_puts_the_previous_release_back_when_the_new_one_is_unhealthy():
    host = FakeHost(answers={("django_app_probe", ""): fails(
        "http://127.0.0.1:80 (Host localhost) did not answer 200 within 15 s: the last answer was 500, the answer of "
        "/login/, where /healthz redirects")})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.release(host, spec(front=None, port=PORT))
    message = str(failed.value)
    assert ("did not become healthy at http://127.0.0.1:80/healthz within 15 s (the last answer was 500, the answer "
            "of /login/, where /healthz redirects)") in message
    assert "the previous release mysite:old is serving again" in message.lower()
    assert host.called("django_app_release", "restore")[0]["switched"] is True
    assert host.called("container_logs")[0]["name"] == "mysite"
    assert not host.called("django_app_release", "retire") and lock_given_back(host)


def test_single_mode_first_release_that_is_unhealthy_says_there_was_none_before():
    host = FakeHost(answers={("django_app_probe", ""): fails("no"),
                             ("django_app_release", "restore"): {"restored": False}})
    with pytest.raises(pipeline.ReleaseFailed, match="no previous release"):
        pipeline.release(host, spec(front=None, port=PORT))


# A run with nothing to release

def test_keep_workers_starts_a_missing_worker_and_settles_the_others():
    host = FakeHost()
    result = pipeline.keep_workers(host, spec(celery=CELERY))
    assert result["changed"]
    assert [args["name"] for args in host.called("docker_container", "absent")] == ["mysite-worker-old"]


def test_keep_workers_in_place_changes_nothing():
    host = FakeHost(answers={("docker_container", "mysite-worker-new"): {"changed": False},
                             ("docker_container", "mysite-beat"): {"changed": False},
                             ("docker_host_info", ""): {"containers": [{"Names": ["/mysite-worker-new"]}]}})
    assert not pipeline.keep_workers(host, spec(celery=CELERY))["changed"]


def test_keep_workers_in_check_mode_asks_no_ping():
    host = FakeHost()
    pipeline.keep_workers(host, spec(celery=CELERY, check_mode=True))
    assert not host.called("docker_container_exec")


STATIC = {"socket": "/run/rold.sock", "static": {"container": "mysite", "dest": "/static/old"}}


def test_keep_serving_copies_the_missing_static_files_then_keeps_the_workers():
    host = FakeHost()
    result = pipeline.keep_serving(host, spec(celery=CELERY, serving_static=STATIC))
    assert host.modules()[0] == ("django_app_probe", "") and host.called("django_app_probe")[0] == STATIC
    assert result["changed"] and host.called("docker_host_info")


def test_keep_serving_with_nothing_gone_and_no_celery_asks_the_host_nothing():
    host = FakeHost()
    assert not pipeline.keep_serving(host, spec(serving_static=None))["changed"] and host.calls == []


def test_keep_serving_fails_when_the_serving_release_does_not_answer_for_its_static_files():
    host = FakeHost(answers={("django_app_probe", ""): fails("no answer on /run/rold.sock")})
    with pytest.raises(pipeline.ReleaseFailed, match="no answer") as failed:
        pipeline.keep_serving(host, spec(celery=CELERY, serving_static=STATIC))
    assert failed.value.result["failed_step"] == "static files" and not host.called("docker_host_info")


# The release check

def serving_container(**state):
    return {"Id": "44edfbdb5ace0000", "Config": {"Hostname": "r0123456789a", "Image": "mysite:old"},
            "State": dict({"Running": True}, **state)}


def test_the_check_compares_in_check_mode_and_names_the_serving_release():
    host = FakeHost(answers={("docker_container", "mysite"): {"changed": False, "container": serving_container()}})
    checked = pipeline.check(host, spec(container={"labels": {"djangodocker.deploy.env": "e1"}}))
    assert host.calls[0][1]["_check_mode"] and host.calls[0][1]["state"] == "started"
    assert not checked["release_needed"] and not checked["changed"]
    assert checked["serving"] == {"id": "44edfbdb5ace0000", "hostname": "r0123456789a", "image": "mysite:old",
                                  "tag": "old", "unhealthy": False}


def test_a_changed_container_needs_a_release():
    host = FakeHost(answers={("docker_container", "mysite"): {"changed": True, "container": serving_container(
        Health={"Status": "unhealthy"})}})
    checked = pipeline.check(host, spec())
    assert checked["release_needed"] and not checked["serving"]["unhealthy"]


def test_an_unhealthy_or_restarting_wanted_release_needs_no_release_but_is_named_unhealthy():
    # The same image again would not fix it: the serving run restarts it once (keep_serving).
    for state in ({"Health": {"Status": "unhealthy"}}, {"Restarting": True}):
        host = FakeHost(answers={("docker_container", "mysite"): {"changed": False,
                                                                  "container": serving_container(**state)}})
        checked = pipeline.check(host, spec())
        assert not checked["release_needed"] and checked["serving"]["unhealthy"]
    host = FakeHost(answers={("docker_container", "mysite"): {"changed": False, "container": serving_container(
        Health={"Status": "healthy"})}})
    assert not pipeline.check(host, spec())["serving"]["unhealthy"]


SERVING_PROBE = {"socket": "/run/rold.sock", "static": None}


def test_an_unhealthy_serving_release_is_restarted_once_then_must_answer():
    host = FakeHost()
    result = pipeline.keep_serving(host, spec(restart=SERVING_PROBE, serving_static=None))
    assert host.modules() == [("docker_container", "mysite"), ("django_app_probe", "")]
    assert host.called("docker_container")[0] == {"name": "mysite", "state": "started", "restart": True}
    assert host.called("django_app_probe")[0] == SERVING_PROBE
    assert result["changed"] and result["restarted"] and result["steps"] == ["restart"]


def test_a_serving_release_still_unhealthy_after_its_restart_fails_the_run_naming_it_with_its_log():
    host = FakeHost(answers={("django_app_probe", ""): fails(
        "no healthy answer on /run/rold.sock within 90 s: the last answer was 500")})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.keep_serving(host, spec(restart=SERVING_PROBE, celery=CELERY, image="mysite:old"))
    message = str(failed.value)
    assert "mysite:old (container mysite) was unhealthy and still is after a restart" in message
    assert "the last answer was 500" in message and "rollback.yml" in message
    assert "Last log lines: Traceback (most recent call last): | ModuleNotFoundError" in message
    assert failed.value.result == {"changed": True, "failed_step": "restart"}
    # Nothing else of the run: its Celery is not settled over a broken release.
    assert len(host.called("docker_container")) == 1 and not host.called("docker_host_info")


def test_an_unhealthy_serving_release_in_check_mode_is_reported_restarted_and_not_asked():
    host = FakeHost()
    assert pipeline.keep_serving(host, spec(restart=SERVING_PROBE, check_mode=True))["changed"]
    assert not host.called("django_app_probe")


def test_the_next_socket_is_stable_for_a_release_and_never_the_serving_ones():
    one = spec(container={"labels": {"djangodocker.deploy.env": "e1"}})
    assert pipeline.next_socket(one, "rA") == pipeline.next_socket(one, "rA")
    assert pipeline.next_socket(one, "rA") != pipeline.next_socket(one, pipeline.next_socket(one, "rA"))
    other_env = spec(container={"labels": {"djangodocker.deploy.env": "e2"}})
    assert pipeline.next_socket(one, "rA") != pipeline.next_socket(other_env, "rA")
    assert len(pipeline.next_socket(one, "")) == 12


def test_the_log_lines_shown_start_at_the_last_traceback_not_at_a_restart_banner():
    restart = ["*** Starting uWSGI ***"] + ["banner %d" % i for i in range(40)]
    lines = ["old"] + ["Traceback (most recent call last):", "  File x", "ModuleNotFoundError: nope",
                       "*** no app loaded. GAME OVER ***"] + restart
    shown = pipeline.telling_lines(lines)
    assert shown[0].startswith("Traceback") and "ModuleNotFoundError: nope" in shown
    assert pipeline.telling_lines(["a", "b"]) == ["a", "b"]


def test_a_chained_traceback_is_shown_from_its_cause():
    lines = (["banner"] * 5 + ["Traceback (most recent call last):", '  File "/app/mysite/wsgi.py", line 1',
                               "ModuleNotFoundError: No module named 'x'", "",
                               "The above exception was the direct cause of the following exception:", "",
                               "Traceback (most recent call last):", '  File "wsgi.py", line 6',
                               "django.core.exceptions.ImproperlyConfigured: WSGI application could not be loaded",
                               "unable to load app 0", "*** no app loaded. GAME OVER ***"] + ["banner again"] * 50)
    shown = pipeline.telling_lines(lines)
    assert shown[0].startswith("Traceback") and "ModuleNotFoundError: No module named 'x'" in shown
    assert "banner again" not in shown


def test_a_long_traceback_keeps_its_exception_lines():
    lines = ["Traceback (most recent call last):"] + ["  File %d" % i for i in range(100)] + ["ValueError: why"]
    shown = pipeline.telling_lines(lines)
    assert len(shown) <= 40 and shown[-1] == "ValueError: why"


# A run killed anywhere: the next one takes its lock over

HELD = {"holder": "me run 0", "controller": "laptop", "pid": 4242}


def held_once(args):
    lock = args["lock"]
    if lock.get("take_over") or lock.get("controller") == "":
        return {"changed": True}
    return fails("held by me run 0", held_by=HELD)


def test_the_lock_of_a_killed_run_of_this_controller_is_taken_over():
    host = FakeHost(answers={("context", ""): held_once})
    pipeline.release(host, spec())
    contexts = [args for module, args in host.calls if module == "context"]
    assert len(contexts) == 2 and contexts[1]["lock"]["take_over"] == "me run 0"


def test_the_lock_of_a_run_of_this_controller_that_still_runs_is_waited_for():
    host = FakeHost(answers={("context", ""): held_once})
    host.alive.add(4242)
    pipeline.release(host, spec())
    contexts = [args for module, args in host.calls if module == "context"]
    assert contexts[1]["lock"]["controller"] == "" and "take_over" not in contexts[1]["lock"]


def test_a_rollback_takes_over_a_killed_runs_lock_too():
    answers = {("deploy_lock", "acquired"): lambda args: (
        {"changed": True} if args.get("take_over") else fails("held", held_by=HELD))}
    host = FakeHost(answers=answers)
    pipeline.release(host, spec(build=None, migrate=None))
    takes = host.called("deploy_lock", "acquired")
    assert len(takes) == 2 and takes[1]["take_over"] == "me run 0"


def test_a_traceback_read_half_written_gives_way_to_the_last_complete_one():
    lines = ["*** Starting uWSGI", "Traceback (most recent call last):", '  File "/app/wsgi.py", line 1',
             "    import missing", "ModuleNotFoundError: No module named 'missing'", "*** respawning",
             "Traceback (most recent call last):", '  File "/app/wsgi.py", line 1']
    shown = pipeline.telling_lines(lines)
    assert "ModuleNotFoundError: No module named 'missing'" in shown
    assert shown[0] == "Traceback (most recent call last):" and shown[1] == '  File "/app/wsgi.py", line 1'
    # A complete last traceback is still the one shown.
    assert pipeline.telling_lines(lines[:6] + ["Traceback (most recent call last):", "ValueError: later"])[-1] == \
        "ValueError: later"


# Swarm mode

SWARM = {"secret": {"name": "mysite-env-e1", "data_src": "/srv/django/mysite/env/release-1.env"},
         "services": [{"role": "web", "service": {"name": "mysite", "replicas": 2}, "timeout": 240}],
         "absent": ["mysite-worker"]}
CELERY_WORKER = {"role": "worker", "service": {"name": "mysite-worker", "replicas": 1}, "timeout": 180}
CELERY_BEAT = {"role": "beat", "service": {"name": "mysite-beat", "replicas": 1}, "timeout": 120}
CELERY_SWARM = dict(SWARM, services=[CELERY_WORKER] + SWARM["services"] + [CELERY_BEAT], absent=[])
RUNNING = {"service": {"ID": "s1", "Spec": {"TaskTemplate": {"ContainerSpec": {
    "Image": "10.0.0.2:5000/mysite:old@sha256:abc"}}}}}


def swarm_spec(**changes):
    return spec(**dict(dict(image="10.0.0.2:5000/mysite:new", front=None, swarm=SWARM), **changes))


def test_swarm_release_migrates_then_updates_the_service_and_waits_for_swarm():
    host = FakeHost(plan=PLAN_PENDING, answers={("docker_swarm_service_info", ""): RUNNING,
                                                ("swarm_rollout", ""): {"state": "done"}})
    result = pipeline.release(host, swarm_spec())
    assert [m for m, dummy in host.modules()] == [
        "context", "docker_image", "docker_container", "django_app_sqlite_backup", "docker_container",
        "docker_swarm_service_info", "docker_secret", "docker_swarm_service", "swarm_rollout",
        "docker_swarm_service", "django_app_release"]
    assert host.called("docker_swarm_service")[0]["image"] == "10.0.0.2:5000/mysite:new"
    # Celery's services, which the app does not have, go.
    assert host.called("docker_swarm_service", "absent") == [dict(name="mysite-worker", state="absent")]
    assert host.called("swarm_rollout")[0] == dict(name="mysite", image="10.0.0.2:5000/mysite:new", timeout=240)
    assert result["switched"] and result["previous_image"] == "10.0.0.2:5000/mysite:old"
    assert lock_given_back(host)


def test_swarm_rolled_back_says_the_old_replicas_served_and_puts_nothing_back_itself():
    host = FakeHost(answers={("docker_swarm_service_info", ""): RUNNING, ("swarm_rollout", ""): {
        "state": "rolled_back", "message": "rollback completed", "errors": ["failed: task: non-zero exit (1)"],
        "running": 0, "replicas": 2}})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.release(host, swarm_spec())
    message = str(failed.value)
    assert "Swarm rolled the service back to 10.0.0.2:5000/mysite:old" in message
    assert "non-zero exit (1)" in message
    assert failed.value.result["failed_step"] == "rollout"
    # Swarm's rollback is the undo: no container renamed, no site touched.
    assert not host.called("django_app_release", "restore") and not host.called("nginx_site")
    assert lock_given_back(host)


def test_swarm_rollout_that_times_out_names_the_replicas_running():
    host = FakeHost(answers={("swarm_rollout", ""): {"state": "waiting", "running": 1, "replicas": 2}})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.release(host, swarm_spec())
    assert "1 of 2 replicas run it (waiting)" in str(failed.value)


def test_swarm_check_needs_a_release_for_a_new_secret_or_a_changed_service():
    host = FakeHost(answers={("docker_swarm_service_info", ""): RUNNING, ("docker_secret", "present"): {"changed": True}})
    checked = pipeline.check(host, swarm_spec())
    assert checked["release_needed"] and checked["serving"]["tag"] == "old"
    assert host.called("docker_secret")[0]["_check_mode"] and not host.called("docker_swarm_service")
    host = FakeHost(answers={("docker_swarm_service_info", ""): by_name({"mysite": RUNNING}),
                             ("docker_secret", "present"): {"changed": False},
                             ("docker_swarm_service", ""): {"changed": False}})
    checked = pipeline.check(host, swarm_spec())
    assert not checked["release_needed"]
    assert host.called("docker_swarm_service")[0]["_check_mode"]


def test_swarm_check_needs_a_release_when_a_service_the_app_no_longer_has_is_there():
    host = FakeHost(answers={("docker_swarm_service_info", ""): RUNNING, ("docker_secret", "present"): {"changed": False},
                             ("docker_swarm_service", ""): {"changed": False}})
    assert pipeline.check(host, swarm_spec())["release_needed"]
    assert [args["name"] for args in host.called("docker_swarm_service_info")] == ["mysite", "mysite-worker"]
    host.answers[("docker_swarm_service_info", "")] = by_name({"mysite": RUNNING})
    assert not pipeline.check(host, swarm_spec())["release_needed"]


def test_swarm_check_compares_every_service_of_the_release():
    host = FakeHost(answers={("docker_swarm_service_info", ""): RUNNING, ("docker_secret", "present"): {"changed": False},
                             ("docker_swarm_service", ""): lambda args: {"changed": args["name"] == "mysite-beat"}})
    assert pipeline.check(host, swarm_spec(swarm=CELERY_SWARM))["release_needed"]
    assert [args["name"] for args in host.called("docker_swarm_service")] == ["mysite-worker", "mysite", "mysite-beat"]


def by_name(services):
    """A docker_swarm_service_info answer per service name (none for the others)."""
    return lambda args: dict(services.get(args["name"]) or {"exists": False})


def worker_running(image):
    return {"service": {"ID": "w1", "Spec": {"TaskTemplate": {"ContainerSpec": {"Image": image}}}}}


def test_swarm_release_with_celery_rolls_out_the_worker_then_the_web_service_then_beat():
    host = FakeHost(answers={("docker_swarm_service_info", ""): RUNNING, ("swarm_rollout", ""): {"state": "done"}})
    pipeline.release(host, swarm_spec(swarm=CELERY_SWARM))
    order = [(module, args.get("name")) for module, args in host.calls
             if module.rsplit(".", 1)[-1] in ("docker_swarm_service", "swarm_rollout")]
    assert [(m.rsplit(".", 1)[-1], n) for m, n in order] == [
        ("docker_swarm_service", "mysite-worker"), ("swarm_rollout", "mysite-worker"),
        ("docker_swarm_service", "mysite"), ("swarm_rollout", "mysite"),
        ("docker_swarm_service", "mysite-beat"), ("swarm_rollout", "mysite-beat")]
    assert [args["timeout"] for args in host.called("swarm_rollout")] == [180, 240, 120]


def test_swarm_worker_that_fails_leaves_the_web_service_untouched():
    host = FakeHost(answers={
        ("docker_swarm_service_info", ""): by_name({"mysite": RUNNING,
                                                    "mysite-worker": worker_running("10.0.0.2:5000/mysite:old")}),
        ("swarm_rollout", ""): lambda args: {"state": "rolled_back" if args["name"] == "mysite-worker" else "done"}})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.release(host, swarm_spec(swarm=CELERY_SWARM))
    message = str(failed.value)
    assert "The Celery worker service mysite-worker of release 10.0.0.2:5000/mysite:new did not become healthy" in message
    assert "web service was not updated" in message and "rolled the service back to 10.0.0.2:5000/mysite:old" in message
    assert [args["name"] for args in host.called("docker_swarm_service")] == ["mysite-worker"]
    assert lock_given_back(host)


def web_rolled_back(services):
    """A host whose SERVICES run, where Swarm rolls the web service's update back."""
    return FakeHost(answers={
        ("docker_swarm_service_info", ""): by_name(services),
        ("swarm_rollout", ""): lambda args: {"state": "rolled_back" if args["name"] == "mysite" else "done"}})


def test_swarm_web_service_rolled_back_puts_the_updated_worker_back():
    host = web_rolled_back({"mysite": RUNNING, "mysite-worker": worker_running("10.0.0.2:5000/mysite:old@sha256:1")})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.release(host, swarm_spec(swarm=CELERY_SWARM))
    assert "Swarm rolled the service back to 10.0.0.2:5000/mysite:old" in str(failed.value)
    updates = [(args["name"], args.get("image")) for args in host.called("docker_swarm_service")]
    assert updates == [("mysite-worker", "10.0.0.2:5000/mysite:new"), ("mysite", "10.0.0.2:5000/mysite:new"),
                       ("mysite-worker", "10.0.0.2:5000/mysite:old")]
    # Beat never saw the new release.
    assert "mysite-beat" not in [args["name"] for args in host.called("swarm_rollout")]


def test_swarm_web_service_rolled_back_removes_a_worker_that_was_new():
    host = web_rolled_back({"mysite": RUNNING})
    with pytest.raises(pipeline.ReleaseFailed):
        pipeline.release(host, swarm_spec(swarm=CELERY_SWARM))
    assert host.called("docker_swarm_service", "absent") == [dict(name="mysite-worker", state="absent")]


def test_swarm_check_without_a_service_needs_a_release():
    host = FakeHost(answers={("docker_swarm_service_info", ""): {"exists": False}, ("docker_secret", "present"): {}})
    checked = pipeline.check(host, swarm_spec())
    assert checked["release_needed"] and checked["serving"] == {}


def test_swarm_wait_that_failed_says_so_with_the_engine_s_words():
    host = FakeHost(answers={("swarm_rollout", ""): fails("docker inspect failed: No such task: t0")})
    with pytest.raises(pipeline.ReleaseFailed) as failed:
        pipeline.release(host, swarm_spec())
    assert "Waiting for Swarm failed (docker inspect failed: No such task: t0)" in str(failed.value)
