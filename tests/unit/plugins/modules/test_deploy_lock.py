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


def test_a_half_written_lock_counts_as_stale(tmp_path):
    path = tmp_path / "deploy.lock"
    path.write_text("{")
    assert lock.acquire(str(path), "run-b", 60, 3600)[1] == "(unreadable lock)"


def test_only_the_holder_releases(tmp_path, run_module, capsys):
    path = str(tmp_path / "deploy.lock")
    run_module(module.main, {"path": path, "holder": "run-a"}, capsys)
    other = run_module(module.main, {"path": path, "holder": "run-b", "state": "released"}, capsys)
    assert other["changed"] is False and os.path.exists(path)
    mine = run_module(module.main, {"path": path, "holder": "run-a", "state": "released"}, capsys)
    assert mine["changed"] is True and not os.path.exists(path)
