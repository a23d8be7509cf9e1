"""deploy_lock: one deploy at a time, a bounded wait naming the holder, stale locks taken over."""

import json
import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import deploy_lock as lock
from ansible_collections.djangodocker.deploy.plugins.modules import deploy_lock as module


class Clock:
    """A clock that moves only when the code sleeps."""

    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_a_free_lock_is_taken_at_once(tmp_path):
    path = str(tmp_path / "deploy.lock")
    assert lock.acquire(path, "run-a", 60, 3600) == (pytest.approx(0, abs=1), None)
    assert json.load(open(path))["holder"] == "run-a"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_a_held_lock_makes_the_second_run_wait_then_fail_naming_the_holder(tmp_path):
    path = str(tmp_path / "deploy.lock")
    clock = Clock()
    lock.acquire(path, "deploy@laptop run-a", 60, 3600, clock=clock, sleep=clock.sleep)
    with pytest.raises(RuntimeError) as error:
        lock.acquire(path, "run-b", 30, 3600, clock=clock, sleep=clock.sleep)
    assert "Another deploy holds %s: deploy@laptop run-a" % path in str(error.value)
    assert 30 <= clock.now - 1000.0 <= 33


def test_the_lock_is_taken_as_soon_as_it_is_released(tmp_path):
    path = str(tmp_path / "deploy.lock")
    clock = Clock()
    lock.acquire(path, "run-a", 60, 3600, clock=clock, sleep=clock.sleep)

    def sleep_then_release(seconds):
        clock.sleep(seconds)
        if clock.now > 1010 and os.path.exists(path):
            os.unlink(path)

    waited, taken_over = lock.acquire(path, "run-b", 60, 3600, clock=clock, sleep=sleep_then_release)
    assert 10 <= waited < 13 and taken_over is None


def test_a_stale_lock_of_a_dead_run_is_taken_over(tmp_path):
    path = tmp_path / "deploy.lock"
    path.write_text(json.dumps({"holder": "killed run", "since": 1.0}))
    clock = Clock(now=1.0 + 3601)
    waited, taken_over = lock.acquire(str(path), "run-b", 60, 3600, clock=clock, sleep=clock.sleep)
    assert taken_over == "killed run" and json.load(open(path))["holder"] == "run-b"


def test_a_lock_caught_between_create_and_write_is_waited_for_not_taken(tmp_path):
    path = tmp_path / "deploy.lock"
    path.write_text("")
    clock = Clock(now=os.stat(path).st_mtime + 5)
    with pytest.raises(RuntimeError, match="unreadable lock"):
        lock.acquire(str(path), "run-b", 10, 3600, clock=clock, sleep=clock.sleep)
    assert path.read_text() == ""


def test_an_old_half_written_lock_is_stale(tmp_path):
    path = tmp_path / "deploy.lock"
    path.write_text("{")
    os.utime(path, (1000.0, 1000.0))
    clock = Clock(now=1000.0 + 3601)
    assert lock.acquire(str(path), "run-b", 60, 3600, clock=clock, sleep=clock.sleep)[1] == "(unreadable lock)"


def test_a_lock_of_another_process_of_this_controller_is_reported_at_once(tmp_path):
    path = tmp_path / "deploy.lock"
    lock.acquire(str(path), "run-a", 60, 3600, controller="laptop", pid=111)
    clock = Clock(now=2000.0)
    with pytest.raises(lock.HeldByThisController) as held:
        lock.acquire(str(path), "run-b", 600, 3600, clock=clock, sleep=clock.sleep, controller="laptop", pid=222)
    assert held.value.lock["holder"] == "run-a" and held.value.lock["pid"] == 111
    assert clock.now == 2000.0  # no wait
    # Another controller's run waits as before.
    with pytest.raises(RuntimeError, match="Another deploy holds"):
        lock.acquire(str(path), "run-c", 5, 3600, clock=clock, sleep=clock.sleep, controller="desktop", pid=111)


def test_the_lock_of_a_run_that_died_is_taken_over_only_from_that_run(tmp_path):
    path = tmp_path / "deploy.lock"
    lock.acquire(str(path), "run-a", 60, 3600, controller="laptop", pid=111)
    waited, taken_over = lock.acquire(str(path), "run-b", 60, 3600, controller="laptop", pid=222, take_over="run-a")
    assert taken_over == "run-a" and json.load(open(path))["holder"] == "run-b"
    assert os.listdir(tmp_path) == ["deploy.lock"]
    # Meant for run-a, but run-b holds it now: left alone.
    clock = Clock(now=3000.0)
    with pytest.raises(RuntimeError, match="run-b"):
        lock.acquire(str(path), "run-c", 5, 3600, clock=clock, sleep=clock.sleep, take_over="run-a")
    assert json.load(open(path))["holder"] == "run-b"


def test_a_take_over_that_finds_another_lock_puts_it_back(tmp_path):
    path = tmp_path / "deploy.lock"
    path.write_text(json.dumps({"holder": "run-new", "since": 1.0}))
    assert lock.take_over_from(str(path), "run-dead", "run-b", 2.0) is False
    assert json.load(open(path))["holder"] == "run-new" and os.listdir(tmp_path) == ["deploy.lock"]


def test_only_the_holder_releases(tmp_path, run_module, capsys):
    path = str(tmp_path / "deploy.lock")
    run_module(module.main, {"path": path, "holder": "run-a"}, capsys)
    other = run_module(module.main, {"path": path, "holder": "run-b", "state": "released"}, capsys)
    assert other["changed"] is False and os.path.exists(path)
    mine = run_module(module.main, {"path": path, "holder": "run-a", "state": "released"}, capsys)
    assert mine["changed"] is True and not os.path.exists(path)


def test_two_runs_naming_the_same_holder_do_not_both_hold_a_unique_lock(tmp_path, run_module, capsys):
    path = str(tmp_path / "front.lock")
    args = {"path": path, "holder": "nginx_front on web1", "unique": True, "timeout": 0}
    first = run_module(module.main, args, capsys)
    assert first["changed"] and first["holder"].startswith("nginx_front on web1 (run ")
    second = run_module(module.main, args, capsys)
    assert second["failed"] and first["holder"] in second["msg"]
    released = run_module(module.main, {"path": path, "holder": first["holder"], "state": "released"}, capsys)
    assert released["changed"] and not os.path.exists(path)
