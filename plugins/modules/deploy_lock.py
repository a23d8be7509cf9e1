#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: deploy_lock
short_description: One deploy at a time on a host, with a bounded wait and the holder named
version_added: 0.2.0
description:
  - O(state=acquired) creates the lock file exclusively, holding O(holder). When another
    run holds it, waits up to O(timeout) seconds, then fails naming the holder and since
    when. A lock older than O(stale_after) seconds (a run that was killed) is taken over,
    with a warning; so is the lock of O(take_over). A lock that another process of the same O(controller)
    holds fails at once with RV(held_by), for the controller to judge whether that run still lives.
  - O(state=released) removes the lock, but only when this O(holder) holds it.
author: djangodocker.deploy developers (!UNKNOWN)
extends_documentation_fragment:
  - djangodocker.deploy.attributes
  - djangodocker.deploy.deploy_lock
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  state:
    description: Take or give back the lock.
    type: str
    choices: [acquired, released]
    default: acquired
  unique:
    description:
      - Make O(holder) this run's own by adding a random word to it (returned as RV(holder), to give the lock back
        with). Without it, two runs that name the same holder would both hold the lock.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Take the app's deploy lock
  djangodocker.deploy.deploy_lock:
    path: /srv/django/mysite/deploy.lock
    holder: "deploy@laptop 2026-11-25T10:00:00 run 8f3a"
"""

RETURN = r"""
waited:
  description: Seconds spent waiting for another run's lock.
  returned: state=acquired
  type: float
held_by:
  description: When the call failed because another process of this O(controller) holds the lock, what the lock says.
  returned: failure
  type: dict
holder:
  description: The holder the lock names (with O(unique), the one to give it back with).
  returned: state=acquired
  type: str
taken_over:
  description: The holder of a lock that was taken over.
  returned: when a stale lock was taken over
  type: str
"""

import secrets

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.deploy_lock import LOCK_OPTIONS, release, take


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", choices=["acquired", "released"], default="acquired"),
            unique=dict(type="bool", default=False),
            **LOCK_OPTIONS
        ),
        supports_check_mode=True,
    )
    p = module.params
    holder = "%s (run %s)" % (p["holder"], secrets.token_hex(4)) if p["unique"] and p["state"] == "acquired" \
        else p["holder"]
    if module.check_mode:
        module.exit_json(changed=False, waited=0.0, holder=holder)
    if p["state"] == "released":
        module.exit_json(changed=release(p["path"], holder))
    waited, taken_over = take(module, p["path"], holder, p["timeout"], p["stale_after"], p["controller"], p["pid"],
                              p["take_over"])
    result = dict(changed=True, waited=round(waited, 1), holder=holder)
    if taken_over:
        result["taken_over"] = taken_over
    module.exit_json(**result)


if __name__ == "__main__":
    main()
