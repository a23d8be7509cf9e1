#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mirror_check
short_description: Check from the host, with a short timeout, that the mirrors a step will use answer
version_added: 0.2.0
description:
  - Asks each URL, from the host and with a bounded timeout, whether it answers, and fails
    (or only warns) naming every one that does not, with the reason, before anything is
    changed. A registry mirror is asked for C(/v2/), which every registry answers.
  - With O(engine_registry_mirrors), the registry mirrors the running Docker engine uses
    are read with C(docker info) and checked too.
  - dockerd silently skips a registry mirror that does not answer and falls back to Docker
    Hub, which hangs where it is blocked; this turns that into a clear error.
author: djangodocker.deploy developers (!UNKNOWN)
extends_documentation_fragment:
  - djangodocker.deploy.attributes
  - djangodocker.deploy.mirrors
  - djangodocker.deploy.mirrors.MIRRORS
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - Read-only; it never reports C(changed).
"""

EXAMPLES = r"""
- name: Check the PyPI index and the engine's registry mirrors before a build
  djangodocker.deploy.mirror_check:
    mirrors:
      - name: PyPI index
        url: https://mirrors.aliyun.com/pypi/simple/pip/
    engine_registry_mirrors: true
"""

RETURN = r"""
checked:
  description: The URLs that were asked.
  returned: always
  type: list
  elements: str
failures:
  description: Each URL that did not answer, with C(name), C(url) and C(reason).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.mirror_probe import (
    MIRROR_CHECK_OPTIONS, MIRRORS_OPTIONS, asks_mirrors, check_mirrors)
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import hide_url_passwords


def main():
    module = AnsibleModule(argument_spec=dict(MIRRORS_OPTIONS, **MIRROR_CHECK_OPTIONS), supports_check_mode=True)
    # A mirror's login in its URL is in no output.
    hide_url_passwords(module)
    params = module.params
    if not asks_mirrors(params):
        module.exit_json(changed=False, checked=[], failures=[])
    targets, failures = check_mirrors(module, params["mirrors"], params["engine_registry_mirrors"],
                                      params["mirror_timeout"], params["mirror_check"])
    module.exit_json(changed=False, checked=[t["url"] for t in targets], failures=failures)


if __name__ == "__main__":
    main()
