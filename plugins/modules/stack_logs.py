#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_logs
short_description: The last lines the apps, their workers, Nginx, the database and Redis wrote, labelled
version_added: 0.11.0
description:
  - Finds the collection's containers on the host by their labels (each app's web container, Celery workers and
    beat, the Nginx front, the database server, Redis) and reads the last O(tail) lines of each (or those since
    O(since)), each line labelled with its service and container. Adds nothing to what the containers printed.
  - Changes nothing; runs in check mode.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  apps:
    description: Only these apps' containers (and the shared ones, unless O(services) leaves them out); empty is all.
    type: list
    elements: str
    default: []
  services:
    description: Only these services (C(web), C(worker), C(beat), C(nginx), C(database), C(redis)); empty is all.
    type: list
    elements: str
    default: []
  tail:
    description: How many lines of each container.
    type: int
    default: 50
  since:
    description: Only lines since this time (docker's C(--since) - C(2026-12-03T10:00:00), C(30m)); empty for none.
    type: str
    default: ""
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Read the last lines of mysite and its workers
  djangodocker.deploy.stack_logs:
    apps: [mysite]
    services: [web, worker]
    tail: 100
"""

RETURN = r"""
containers:
  description: Each container read - C(name), C(service), C(app), C(lines) (oldest first).
  returned: success
  type: list
  elements: dict
lines:
  description: Every line, each as C(<service> <container> | <line>), container by container.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.stack import SERVICES, containers, selected


def main():
    module = AnsibleModule(
        argument_spec=dict(
            apps=dict(type="list", elements="str", default=[]),
            services=dict(type="list", elements="str", default=[]),
            tail=dict(type="int", default=50),
            since=dict(type="str", default=""),
        ),
        supports_check_mode=True,
    )
    params = module.params
    unknown = [service for service in params["services"] if service not in SERVICES]
    if unknown:
        module.fail_json(msg="Unknown services %s (known: %s)." % (", ".join(unknown), ", ".join(SERVICES)))
    docker = Docker(module)
    if not docker.available:
        module.exit_json(changed=False, containers=[], lines=["(no Docker on this host yet)"])
    try:
        found = selected(containers(docker), params["apps"], params["services"])
    except DockerError as error:
        module.fail_json(msg=str(error))
    missing = [app for app in params["apps"] if not any(c["app"] == app for c in found)]
    if missing and not params["services"]:
        module.fail_json(msg="No app %s on this host." % ", ".join(missing))
    read_back = []
    for container in found:
        read_back.append(dict(container, lines=docker.logs(container["name"], params["tail"], params["since"])))
    lines = ["%s %s | %s" % (c["service"], c["name"], line) for c in read_back for line in c["lines"]]
    module.exit_json(changed=False, containers=read_back, lines=lines)


if __name__ == "__main__":
    main()
