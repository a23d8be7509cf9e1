#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_rollout
short_description: Wait until Swarm has rolled a service out to an image, or back
version_added: 0.12.0
description:
  - Run on a manager after C(community.docker.docker_swarm_service) changed a service, which returns
    at once while Swarm replaces the tasks. Reads the service and its tasks until every replica of
    O(image) runs (healthy, when the image has a health check), or Swarm rolled the update back or
    paused it, or the tasks of a new service (nothing to roll back to) failed three times per replica,
    or O(timeout) seconds went by.
  - Never changes anything.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  name:
    description: The service's name.
    type: str
    required: true
  image:
    description: The image the service was updated to (without a digest).
    type: str
    required: true
  timeout:
    description: Seconds to wait at most.
    type: int
    default: 300
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Wait until the new release runs on every replica
  djangodocker.deploy.swarm_rollout:
    name: mysite
    image: 10.0.0.2:5000/mysite:3f2a9c1e7b4d
    timeout: 300
"""

RETURN = r"""
state:
  description: >-
    done (every replica runs the image), rolled_back (Swarm went back to the previous spec), failed
    (the update paused, the service runs another image, or a new service's tasks keep failing), or
    waiting (the timeout came first).
  returned: success
  type: str
message:
  description: Swarm's word on the update, when it has one.
  returned: success
  type: str
errors:
  description: What the image's failed tasks said, newest first.
  returned: success
  type: list
  elements: str
running:
  description: Replicas of the image that run.
  returned: success
  type: int
replicas:
  description: Replicas the service asks for.
  returned: success
  type: int
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.swarm_rollout import wait


def main():
    module = AnsibleModule(
        argument_spec=dict(name=dict(type="str", required=True), image=dict(type="str", required=True),
                           timeout=dict(type="int", default=300)),
        supports_check_mode=True,
    )
    params = module.params
    try:
        result = wait(Docker(module), params["name"], params["image"], params["timeout"])
    except DockerError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
