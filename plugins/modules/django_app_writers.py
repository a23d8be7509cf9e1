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
healthy:
  description: With O(wait_healthy), whether the web container answered its health check in time (true when it has none).
  returned: success
  type: bool
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError


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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            app=dict(type="str", required=True),
            state=dict(type="str", choices=["stopped", "started"], default="stopped"),
            names=dict(type="list", elements="str", default=[]),
            wait_healthy=dict(type="int", default=0),
            stop_timeout=dict(type="int", default=60),
        ),
        supports_check_mode=True,
    )
    p, docker = module.params, Docker(module)
    result = {}
    try:
        if p["state"] == "stopped":
            images = images_of(docker, docker.container_names(
                "label=djangodocker.deploy.app=%s" % p["app"], "status=running"))
            names = stop(docker, p["app"], p["stop_timeout"], module.check_mode)
            result["images"] = {name: images.get(name, "") for name in names}
        else:
            names = start(docker, p["names"], module.check_mode)
            if p["wait_healthy"] > 0 and p["app"] in names and not module.check_mode:
                result["healthy"] = wait_healthy(docker, p["app"], p["wait_healthy"])
    except DockerError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(names), names=names, **result)


if __name__ == "__main__":
    main()
