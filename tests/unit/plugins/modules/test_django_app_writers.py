"""django_app_writers: every running container of the app stopped (web last), the same ones started again."""

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_writers as module


def engine(monkeypatch, running):
    calls = []
    wanted = ("label=djangodocker.deploy.app=mysite", "status=running")
    monkeypatch.setattr(module.Docker, "container_names",
                        lambda self, *filters: list(running) if filters == wanted else [])
    monkeypatch.setattr(module.Docker, "run", lambda self, *args, **kwargs: calls.append(args) or "")
    monkeypatch.setattr(module.Docker, "inspect",
                        lambda self, name: {"Config": {"Image": name + ":r1"}, "State": {"Running": True}})
    return calls


def test_the_web_container_stops_last_and_the_same_ones_start_again(monkeypatch, run_module, capsys):
    calls = engine(monkeypatch, ["mysite", "mysite-worker-abc", "mysite-beat"])
    stopped = run_module(module.main, {"app": "mysite", "stop_timeout": 30}, capsys)
    assert stopped["changed"] and stopped["names"] == ["mysite-beat", "mysite-worker-abc", "mysite"]
    assert calls == [("stop", "--time", "30", name) for name in stopped["names"]]
    # A move of the database exports with the stopped web container's image.
    assert stopped["images"]["mysite"] == "mysite:r1"
    del calls[:]
    started = run_module(module.main, {"app": "mysite", "state": "started", "names": stopped["names"]}, capsys)
    assert started["names"] == stopped["names"] and calls == [("start", name) for name in stopped["names"]]


def test_nothing_running_changes_nothing_and_check_mode_stops_nothing(monkeypatch, run_module, capsys):
    calls = engine(monkeypatch, [])
    assert not run_module(module.main, {"app": "mysite"}, capsys)["changed"]
    engine(monkeypatch, ["mysite"])
    checked = run_module(module.main, {"app": "mysite", "_ansible_check_mode": True}, capsys)
    assert checked["names"] == ["mysite"] and calls == []


class Health:
    """The web container's health as the engine reports it, one answer per look."""

    def __init__(self, *statuses, checks=()):
        self.statuses, self.slept = list(statuses), 0
        # The health check command's exit codes, one per run (none: the container has no command).
        self.checks, self.ran = list(checks), []

    def inspect(self, name):
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        config = {"Healthcheck": {"Test": ["CMD", "python", "/app/healthcheck.py"]}} if self.checks else {}
        return {"Config": config, "State": {"Running": True, "Health": {"Status": status}}}

    def attempt(self, *args):
        self.ran.append(args)
        return (self.checks.pop(0) if len(self.checks) > 1 else self.checks[0]), "", ""

    def sleep(self, seconds):
        self.slept += seconds


def test_starting_again_waits_until_the_web_container_is_healthy_bounded():
    engine = Health("starting", "starting", "healthy")
    assert module.wait_healthy(engine, "mysite", 30, sleep=engine.sleep, clock=lambda: engine.slept)
    assert engine.slept == 2
    never = Health("unhealthy")
    assert not module.wait_healthy(never, "mysite", 5, sleep=never.sleep, clock=lambda: never.slept)
    assert never.slept == 5


def test_the_health_check_command_answers_before_the_engine_runs_it():
    engine = Health("starting", checks=(1, 0))
    assert module.wait_healthy(engine, "mysite", 30, sleep=engine.sleep, clock=lambda: engine.slept)
    assert engine.slept == 1 and engine.ran[-1] == ("exec", "mysite", "python", "/app/healthcheck.py")
    failing = Health("starting", checks=(1,))
    assert not module.wait_healthy(failing, "mysite", 3, sleep=failing.sleep, clock=lambda: failing.slept)
    assert module.health_command({"Config": {"Healthcheck": {"Test": ["CMD-SHELL", "curl -f localhost"]}}}) == [
        "/bin/sh", "-c", "curl -f localhost"]
    assert module.health_command({"Config": {"Healthcheck": {"Test": ["NONE"]}}}) == []
