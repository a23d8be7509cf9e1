# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

from ansible_collections.djangodocker.deploy.plugins.module_utils import swarm_rollout as rollout

NEW = "10.0.0.2:5000/mysite:new"
OLD = "10.0.0.2:5000/mysite:old"


def service(image=NEW, replicas=2, update=None):
    found = {"Spec": {"Mode": {"Replicated": {"Replicas": replicas}},
                      "TaskTemplate": {"ContainerSpec": {"Image": image + "@sha256:abc"}}}}
    if update:
        found["UpdateStatus"] = update
    return found


def task(image=NEW, state="running", desired="running", err="", stamp="2026-12-04T00:00:00Z"):
    return {"DesiredState": desired, "Spec": {"ContainerSpec": {"Image": image}},
            "Status": {"State": state, "Err": err, "Timestamp": stamp}}


def test_the_spec_image_without_its_digest():
    assert rollout.spec_image(service()) == NEW
    assert rollout.spec_image({}) == ""


def test_done_when_every_replica_runs_the_image():
    assert rollout.state(service(update={"State": "completed"}), [task(), task()], NEW)[0] == rollout.DONE


def test_a_new_service_is_done_once_its_replicas_run():
    assert rollout.state(service(), [task(), task()], NEW)[0] == rollout.DONE
    # One still starting (its health check not passed yet): not done.
    assert rollout.state(service(), [task(), task(state="starting")], NEW)[0] == rollout.WAITING


def test_old_tasks_do_not_count():
    tasks = [task(), task(image=OLD)]
    assert rollout.state(service(update={"State": "completed"}), tasks, NEW)[0] == rollout.WAITING


def test_swarm_rolled_back():
    found = rollout.state(service(image=OLD, update={"State": "rollback_completed", "Message": "rollback completed"}),
                          [task(image=OLD), task(image=OLD)], NEW)
    assert found == (rollout.ROLLED_BACK, "rollback completed")


def test_updating_and_paused():
    assert rollout.state(service(update={"State": "updating"}), [], NEW)[0] == rollout.WAITING
    assert rollout.state(service(update={"State": "rollback_started"}), [], NEW)[0] == rollout.WAITING
    assert rollout.state(service(update={"State": "paused", "Message": "update paused"}), [], NEW) == (
        rollout.FAILED, "update paused")


def test_a_new_service_whose_tasks_keep_failing_is_a_failure():
    broken = [task(state="failed", desired="shutdown", err="unhealthy container")] * 5
    assert rollout.state(service(), broken, NEW)[0] == rollout.WAITING
    found = rollout.state(service(), broken + [task(state="rejected", desired="shutdown")], NEW)
    assert found == (rollout.FAILED, "the new service's tasks failed 6 times")
    # An update: Swarm's own failure action (rollback) decides, however many tasks failed.
    assert rollout.state(service(update={"State": "completed"}), broken * 2, NEW)[0] == rollout.WAITING


def test_another_image_is_a_failure():
    assert rollout.state(service(image=OLD), [task(image=OLD)] * 2, NEW)[0] == rollout.FAILED


def test_task_errors_newest_first_once_each():
    tasks = [task(state="failed", desired="shutdown", err="task: non-zero exit (1)", stamp="1"),
             task(state="failed", desired="shutdown", err="task: non-zero exit (1)", stamp="2"),
             task(state="rejected", desired="shutdown", err="no such image", stamp="3"),
             task(image=OLD, state="failed", desired="shutdown", err="old", stamp="4")]
    assert rollout.task_errors(tasks, NEW) == ["rejected: no such image", "failed: task: non-zero exit (1)"]


class FakeDocker:
    """Serves the service's states in turn; records the calls."""

    def __init__(self, states):
        self.states, self.calls = list(states), []

    def run(self, *args):
        self.calls.append(args)
        current = self.states[0]
        if args[:2] == ("service", "inspect"):
            return json.dumps([current[0]])
        if args[:2] == ("service", "ps"):
            if len(self.states) > 1:
                self.states.pop(0)
            return "\n".join("t%d" % i for i in range(len(current[1])))
        return json.dumps(current[1])


def test_wait_reads_until_done():
    docker = FakeDocker([(service(update={"State": "updating"}), [task(image=OLD)]),
                         (service(update={"State": "completed"}), [task(), task()])])
    slept = []
    found = rollout.wait(docker, "mysite", NEW, 60, clock=lambda: 0, sleep=slept.append)
    assert found["state"] == rollout.DONE and found["running"] == 2 and slept == [1]


def test_wait_is_bounded():
    times = iter([0, 5, 11])
    docker = FakeDocker([(service(update={"State": "updating"}), [task(image=OLD)])])
    found = rollout.wait(docker, "mysite", NEW, 10, clock=lambda: next(times), sleep=lambda s: None)
    assert found["state"] == rollout.WAITING and found["running"] == 0 and found["replicas"] == 2


def test_wait_without_tasks_asks_no_inspect():
    docker = FakeDocker([(service(image=OLD, update={"State": "rollback_completed"}), [])])
    assert rollout.wait(docker, "mysite", NEW, 10, clock=lambda: 0)["state"] == rollout.ROLLED_BACK
    assert ("inspect", "--type", "task") not in [call[:3] for call in docker.calls]


class VanishingTask(FakeDocker):
    """The first read of the tasks fails: one went between `service ps` and `inspect`."""

    def __init__(self, states):
        super().__init__(states)
        self.vanished = False

    def run(self, *args):
        if args[:1] == ("inspect",) and not self.vanished:
            self.vanished = True
            raise rollout.DockerError("docker inspect failed: Error: No such task: t0")
        return super().run(*args)


def test_a_task_that_went_while_it_was_read_is_read_again():
    docker = VanishingTask([(service(update={"State": "completed"}), [task(), task()])])
    slept = []
    found = rollout.wait(docker, "mysite", NEW, 60, clock=lambda: 0, sleep=slept.append)
    assert found["state"] == rollout.DONE and slept == [1]


def test_an_engine_that_keeps_failing_fails_at_the_bound():
    class Broken(FakeDocker):
        def run(self, *args):
            raise rollout.DockerError("docker service inspect failed: connection refused")
    times = iter([0, 5, 11])
    try:
        rollout.wait(Broken([]), "mysite", NEW, 10, clock=lambda: next(times), sleep=lambda s: None)
    except rollout.DockerError as error:
        assert "connection refused" in str(error)
    else:
        raise AssertionError("no error at the bound")
