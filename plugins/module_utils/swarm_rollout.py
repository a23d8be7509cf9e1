# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a swarm service's rollout of an image is over, and how it ended.

community.docker's docker_swarm_service asks Swarm for the update and returns: Swarm replaces the
tasks one by one (start-first: a new task must be running, which with a health check means
healthy, before an old one stops) and rolls the service back itself when a new task fails within
the update's monitor window. `wait` reads the service and its tasks until Swarm is done.
"""

from __future__ import annotations

import json
import time

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import DockerError

DONE = "done"
ROLLED_BACK = "rolled_back"
FAILED = "failed"
WAITING = "waiting"
# A service the rollout creates has nothing Swarm could roll back to: once its
# tasks failed this many times per replica, waiting longer is only waiting.
# (Swarm keeps 5 tasks per slot by default, so the count can reach it.)
GIVE_UP_AFTER = 3


def image_name(reference):
    """The image a task runs, without the digest Swarm may pin it to."""
    return (reference or "").split("@", 1)[0]


def replicas(service):
    mode = (service.get("Spec") or {}).get("Mode") or {}
    return int((mode.get("Replicated") or {}).get("Replicas", 1))


def spec_image(service):
    """The image the service's spec names (its tasks are meant to run it)."""
    return image_name(((service.get("Spec") or {}).get("TaskTemplate") or {}).get("ContainerSpec", {}).get("Image"))


def task_image(task):
    return image_name((((task.get("Spec") or {}).get("ContainerSpec") or {}).get("Image")))


def running(tasks, image):
    """The tasks of IMAGE that run (healthy, when the image has a health check) and are meant to."""
    return [task for task in tasks if task.get("DesiredState") == "running"
            and (task.get("Status") or {}).get("State") == "running" and task_image(task) == image]


def state(service, tasks, image):
    """(state, message) of the rollout of IMAGE from the service's and its tasks' descriptions."""
    update = service.get("UpdateStatus") or {}
    status, message = update.get("State", ""), update.get("Message", "")
    if status == "rollback_completed":
        return ROLLED_BACK, message
    if status in ("paused", "rollback_paused"):
        return FAILED, message
    if status in ("updating", "rollback_started"):
        return WAITING, message
    if spec_image(service) != image:
        # Another run changed the service meanwhile, or Swarm rolled back before this read.
        return FAILED, "the service runs another image"
    if len(running(tasks, image)) >= replicas(service):
        return DONE, message
    if not update and len(failed(tasks, image)) >= GIVE_UP_AFTER * replicas(service):
        # A new service: Swarm has nothing to roll back to and restarts its tasks for ever.
        return FAILED, "the new service's tasks failed %d times" % len(failed(tasks, image))
    return WAITING, message


def failed(tasks, image):
    """The tasks of IMAGE that failed or were rejected (Swarm keeps a few per slot)."""
    return [task for task in tasks if task_image(task) == image
            and (task.get("Status") or {}).get("State") in ("failed", "rejected")]


def task_errors(tasks, image, count=5):
    """What failed tasks of IMAGE said (newest first), for the failure message."""
    failed = [task for task in tasks if task_image(task) == image
              and (task.get("Status") or {}).get("State") in ("failed", "rejected", "shutdown")
              and ((task.get("Status") or {}).get("Err") or (task.get("Status") or {}).get("Message"))]
    failed.sort(key=lambda task: (task.get("Status") or {}).get("Timestamp", ""), reverse=True)
    found = []
    for task in failed:
        status = task["Status"]
        said = "%s: %s" % (status.get("State"), status.get("Err") or status.get("Message"))
        if said not in found:
            found.append(said)
    return found[:count]


def read(docker, name):
    """The service NAME and all its tasks, as the engine describes them. DockerError when a task listed went
    before it was read (Swarm keeps a few old tasks per slot and removes the oldest as new ones start)."""
    service = json.loads(docker.run("service", "inspect", name))[0]
    ids = [line for line in docker.run("service", "ps", "--quiet", "--no-trunc", name).splitlines() if line]
    tasks = json.loads(docker.run("inspect", "--type", "task", *ids)) if ids else []
    return service, tasks


def wait(docker, name, image, timeout, clock=time.monotonic, sleep=time.sleep):
    """Read the service until the rollout of IMAGE is over or TIMEOUT seconds went by; a dict with its
    state (done, rolled_back, failed; waiting at the timeout), Swarm's message, the failed tasks' errors."""
    deadline = clock() + timeout
    while True:
        try:
            service, tasks = read(docker, name)
        except DockerError:
            # A task went between the listing and the reading: read again, within the bound.
            if clock() >= deadline:
                raise
            sleep(1)
            continue
        found, message = state(service, tasks, image)
        if found != WAITING or clock() >= deadline:
            return dict(state=found, message=message, errors=task_errors(tasks, image),
                        running=len(running(tasks, image)), replicas=replicas(service))
        sleep(1)
