#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_writers
short_description: Stop every container of a Django app that may write its data, and start them again
version_added: 0.9.0
description:
  - O(state=stopped) stops every running container the django_app role made for the app (the label
    C(djangodocker.deploy.app=<app>) - the web container, Celery's workers and beat, a next release - and
    returns their names and images, for a restore or a move of the database that no write may slip past.
  - O(state=started) starts the containers O(names) again (those a stop returned); with O(wait_healthy), then waits
    (bounded) until the app's web container answers its health check.
  - With O(services) (swarm mode, on a manager), the app's Swarm services too (the same label; the web service and
    Celery's). They are scaled to no task and waited for until none runs (bounded; when one still runs, every service
    is scaled back and the module fails), then scaled back to the replicas they had (O(replicas), from RV(replicas)).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  app:
    description: The app's name.
    type: str
    required: true
  state:
    description: Stop the app's running containers, or start the named ones.
    type: str
    choices: [stopped, started]
    default: stopped
  names:
    description: With O(state=started), the containers to start.
    type: list
    elements: str
    default: []
  wait_healthy:
    description:
      - With O(state=started), seconds to wait until the app's web container (named O(app)) is healthy, when it is one
        of O(names); 0 does not wait. Not healthy by then is no failure (RV(healthy) says so).
      - Healthy is the engine's verdict, or the container's own health check command answering when this module runs
        it (each second; the engine runs it only every interval).
    type: int
    default: 0
  stop_timeout:
    description: Seconds each container gets to stop (a worker finishes its task) before it is killed.
    type: int
    default: 60
  services:
    description: Also the app's Swarm services (the node must be a manager).
    type: bool
    default: false
  replicas:
    description: With O(state=started) and O(services), the services to scale back, with their replicas.
    type: dict
    default: {}
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Stop the app's writers
  djangodocker.deploy.django_app_writers:
    app: mysite
  register: writers

- name: Start them again
  djangodocker.deploy.django_app_writers:
    app: mysite
    state: started
    names: "{{ writers.names }}"
"""

RETURN = r"""
names:
  description: The containers stopped (or started), in the order they were.
  returned: success
  type: list
  elements: str
images:
  description: With O(state=stopped), the image of each container stopped, by its name.
  returned: success
  type: dict
replicas:
  description: With O(services), the services scaled to no task (or back), with the replicas they had.
  returned: success
  type: dict
healthy:
  description:
    - With O(wait_healthy), whether the web container answered its health check in time (true when it has none).
    - With O(services), whether the web service ran all its replicas (healthy, when its image has a health check) in
      time.
  returned: success
  type: bool
"""

import json
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils import swarm_rollout

APP_LABEL = "djangodocker.deploy.app"
# A task in one of these states runs nothing any more.
TASK_OVER = ("complete", "shutdown", "failed", "rejected", "orphaned", "remove")


def stop(docker, app, timeout, check_mode):
    """The app's running containers, stopped (the web container last: workers stop taking tasks first)."""
    names = docker.container_names("label=djangodocker.deploy.app=%s" % app, "status=running")
    names = sorted(names, key=lambda name: (name == app, name))
    if not check_mode:
        for name in names:
            docker.run("stop", "--time", str(timeout), name)
    return names


def start(docker, names, check_mode):
    if not check_mode:
        for name in names:
            docker.run("start", name)
    return list(names)


def images_of(docker, names):
    return {name: ((docker.inspect(name) or {}).get("Config") or {}).get("Image", "") for name in names}


def health_command(container):
    """The container's health check as an `exec` command; [] when it has none docker exec can run."""
    test = ((container.get("Config") or {}).get("Healthcheck") or {}).get("Test") or []
    if test[:1] == ["CMD"] and len(test) > 1:
        return list(test[1:])
    if test[:1] == ["CMD-SHELL"] and len(test) == 2:
        return ["/bin/sh", "-c", test[1]]
    return []


def wait_healthy(docker, app, timeout, sleep=time.sleep, clock=time.monotonic):
    """Whether APP's container is healthy (or has no health check) within TIMEOUT seconds.

    Besides the engine's verdict, the container's own health check command is run each second:
    the engine runs it only every interval (10 s for the app's image), so a restarted app that
    answers would otherwise wait up to that long to count as healthy."""
    deadline = clock() + timeout
    while True:
        container = docker.inspect(app) or {}
        state = container.get("State") or {}
        status = (state.get("Health") or {}).get("Status", "healthy" if state.get("Running") else "")
        if status == "healthy":
            return True
        command = health_command(container)
        if state.get("Running") and command and docker.attempt("exec", app, *command)[0] == 0:
            return True
        if clock() >= deadline:
            return False
        sleep(1)


def services_of(docker, app):
    """{name: replicas} of the app's services that have tasks to run, the web service (named APP) last."""
    names = [line for line in docker.run("service", "ls", "--filter", "label=%s=%s" % (APP_LABEL, app),
                                         "--format", "{{.Name}}").splitlines() if line]
    found = {}
    for name in sorted(names, key=lambda name: (name == app, name)):
        wanted = swarm_rollout.replicas(json.loads(docker.run("service", "inspect", name))[0])
        if wanted > 0:
            found[name] = wanted
    return found


def scale(docker, replicas):
    for name, wanted in replicas.items():
        docker.run("service", "scale", "--detach", "%s=%d" % (name, wanted))


def still_running(docker, names):
    """The services of NAMES with a task that has not stopped yet."""
    busy = []
    for name in names:
        dummy, tasks = swarm_rollout.read(docker, name)
        if any((task.get("Status") or {}).get("State") not in TASK_OVER for task in tasks):
            busy.append(name)
    return busy


def scale_down(docker, replicas, timeout, sleep=None, clock=None):
    """The services of REPLICAS scaled to no task, waited for until none runs (TIMEOUT seconds); when one
    still runs then, all are scaled back and DockerError says which."""
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    scale(docker, dict.fromkeys(replicas, 0))
    deadline = clock() + timeout
    while True:
        try:
            busy = still_running(docker, replicas)
        except DockerError:
            # A task went between the listing and the reading.
            busy = list(replicas)
        if not busy:
            return
        if clock() >= deadline:
            scale(docker, replicas)
            raise DockerError("The tasks of %s did not stop within %d s; the services are scaled back to their "
                              "replicas and nothing was restored" % (" and ".join(busy), timeout))
        sleep(1)


def web_service_ready(docker, app, timeout, sleep=None, clock=None):
    """Whether the service APP runs all its replicas of its image (healthy, with a health check) within TIMEOUT."""
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    deadline = clock() + timeout
    while True:
        try:
            service, tasks = swarm_rollout.read(docker, app)
            image = swarm_rollout.spec_image(service)
            if len(swarm_rollout.running(tasks, image)) >= swarm_rollout.replicas(service):
                return True
        except DockerError:
            pass
        if clock() >= deadline:
            return False
        sleep(1)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            app=dict(type="str", required=True),
            state=dict(type="str", choices=["stopped", "started"], default="stopped"),
            names=dict(type="list", elements="str", default=[]),
            wait_healthy=dict(type="int", default=0),
            stop_timeout=dict(type="int", default=60),
            services=dict(type="bool", default=False),
            replicas=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    p, docker = module.params, Docker(module)
    result = {}
    try:
        if p["state"] == "stopped":
            # The services first: their tasks' containers carry the app's label too, and one stopped by hand
            # would be replaced by Swarm.
            if p["services"]:
                result["replicas"] = services_of(docker, p["app"])
                if result["replicas"] and not module.check_mode:
                    scale_down(docker, result["replicas"], p["stop_timeout"] + 30)
            images = images_of(docker, docker.container_names(
                "label=djangodocker.deploy.app=%s" % p["app"], "status=running"))
            names = stop(docker, p["app"], p["stop_timeout"], module.check_mode)
            result["images"] = {name: images.get(name, "") for name in names}
        else:
            names = start(docker, p["names"], module.check_mode)
            if p["wait_healthy"] > 0 and p["app"] in names and not module.check_mode:
                result["healthy"] = wait_healthy(docker, p["app"], p["wait_healthy"])
            if p["services"]:
                result["replicas"] = {name: int(wanted) for name, wanted in p["replicas"].items()}
                if result["replicas"] and not module.check_mode:
                    scale(docker, result["replicas"])
                    if p["wait_healthy"] > 0 and p["app"] in result["replicas"]:
                        result["healthy"] = web_service_ready(docker, p["app"], p["wait_healthy"])
    except DockerError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(names or result.get("replicas")), names=names, **result)


if __name__ == "__main__":
    main()
