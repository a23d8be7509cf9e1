"""django_app_writers: every running container of the app stopped (web last), the same ones started again."""

import itertools
import json

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


class Swarm:
    """The app's services on a manager: `service ls/inspect/ps/scale` and `inspect --type task` answered from a
    table of services whose tasks stop after STOP_AFTER looks (never: None)."""

    def __init__(self, replicas, stop_after=1):
        self.replicas, self.stop_after, self.looks, self.calls = dict(replicas), stop_after, 0, []

    def run(self, *args, **kwargs):
        self.calls.append(args)
        if args[:2] == ("service", "ls"):
            assert args[2:5] == ("--filter", "label=djangodocker.deploy.app=mysite", "--format")
            return "\n".join(self.replicas) + "\n"
        if args[:2] == ("service", "inspect"):
            name = args[2]
            return json.dumps([{"Spec": {"Mode": {"Replicated": {"Replicas": self.replicas[name]}},
                                         "TaskTemplate": {"ContainerSpec": {"Image": "reg/mysite:r1@sha256:x"}}}}])
        if args[:2] == ("service", "ps"):
            return "%s.1\n" % args[-1]
        if args[:3] == ("inspect", "--type", "task"):
            self.looks += 1
            over = self.stop_after is not None and self.looks > self.stop_after
            state = "shutdown" if over else "running"
            return json.dumps([{"DesiredState": "shutdown" if over else "running", "Status": {"State": state},
                                "Spec": {"ContainerSpec": {"Image": "reg/mysite:r1@sha256:x"}}}])
        if args[:2] == ("service", "scale"):
            name, wanted = args[-1].split("=")
            self.replicas[name] = int(wanted)
            return ""
        raise AssertionError(args)


def swarm_engine(monkeypatch, swarm):
    monkeypatch.setattr(module.Docker, "container_names", lambda self, *filters: [])
    monkeypatch.setattr(module.Docker, "run", lambda self, *args, **kwargs: swarm.run(*args))
    monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
    clock = itertools.count()
    monkeypatch.setattr(module.time, "monotonic", lambda: next(clock))


def scales(swarm):
    return [args[-1] for args in swarm.calls if args[:2] == ("service", "scale")]


def test_swarm_services_scale_to_nothing_web_last_and_back_to_their_replicas(monkeypatch, run_module, capsys):
    swarm = Swarm({"mysite": 2, "mysite-worker": 1, "mysite-beat": 1, "mysite-old": 0})
    swarm_engine(monkeypatch, swarm)
    stopped = run_module(module.main, {"app": "mysite", "services": True}, capsys)
    # A service with no task wanted (scaled to nothing before) is left as it is.
    assert stopped["changed"] and stopped["replicas"] == {"mysite-beat": 1, "mysite-worker": 1, "mysite": 2}
    assert list(stopped["replicas"]) == ["mysite-beat", "mysite-worker", "mysite"]
    assert scales(swarm) == ["mysite-beat=0", "mysite-worker=0", "mysite=0"]
    # It returned only once no task ran any more.
    assert swarm.looks > 3
    del swarm.calls[:]
    swarm.stop_after = None
    started = run_module(module.main, {"app": "mysite", "state": "started", "services": True, "wait_healthy": 30,
                                       "replicas": stopped["replicas"]}, capsys)
    assert scales(swarm) == ["mysite-beat=1", "mysite-worker=1", "mysite=2"]
    assert started["healthy"] is False  # one running task of two replicas, however long it waits


def test_swarm_tasks_that_do_not_stop_scale_everything_back_and_fail(monkeypatch, run_module, capsys):
    swarm = Swarm({"mysite": 2, "mysite-worker": 1}, stop_after=None)
    swarm_engine(monkeypatch, swarm)
    clock = iter(range(0, 1000, 10))
    monkeypatch.setattr(module.time, "monotonic", lambda: next(clock))
    failed = run_module(module.main, {"app": "mysite", "services": True, "stop_timeout": 10}, capsys)
    assert failed["failed"] and "did not stop within 40 s" in failed["msg"] and "nothing was restored" in failed["msg"]
    assert scales(swarm) == ["mysite-worker=0", "mysite=0", "mysite-worker=1", "mysite=2"]


def test_a_service_running_all_its_replicas_is_ready():
    swarm = Swarm({"mysite": 1}, stop_after=None)
    assert module.web_service_ready(swarm, "mysite", 5, sleep=lambda s: None, clock=itertools.count().__next__)
    # Without services (single-host mode) no service is asked about.
    assert module.services_of(Swarm({}), "mysite") == {}
