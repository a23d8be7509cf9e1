#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_logs
short_description: The last lines a container wrote
version_added: 0.5.0
description:
  - Reads the last O(tail) lines of a container's log (its output and error streams), for a
    failure message that says why a release or a worker did not start.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  name:
    description: The container's name.
    type: str
    required: true
  tail:
    description: How many lines.
    type: int
    default: 30
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Read why the new release did not start
  djangodocker.deploy.container_logs:
    name: mysite-next
"""

RETURN = r"""
lines:
  description: The lines, oldest first; empty when the container does not exist.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker


def main():
    module = AnsibleModule(
        argument_spec=dict(name=dict(type="str", required=True), tail=dict(type="int", default=30)),
        supports_check_mode=True,
    )
    module.exit_json(changed=False, lines=Docker(module).logs(module.params["name"], module.params["tail"]))


if __name__ == "__main__":
    main()
