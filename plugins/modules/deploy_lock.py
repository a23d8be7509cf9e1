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
    with a warning.
  - O(state=released) removes the lock, but only when this O(holder) holds it.
author: djangodocker.deploy developers (!UNKNOWN)
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  path:
    description: The lock file.
    type: path
    required: true
  holder:
    description: Who takes the lock (shown to whoever waits for it); unique per run.
    type: str
    required: true
  state:
    description: Take or give back the lock.
    type: str
    choices: [acquired, released]
    default: acquired
  timeout:
    description: Seconds to wait for another run's lock.
    type: int
    default: 600
  stale_after:
    description: Seconds after which a lock is taken to be left by a run that died.
    type: int
    default: 3600
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
taken_over:
  description: The holder of a stale lock that was taken over.
  returned: when a stale lock was taken over
  type: str
"""

import json
import os
import time

from ansible.module_utils.basic import AnsibleModule


def read_lock(path):
    """{"holder", "since"} of the lock at PATH, or None when there is none."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError:
        # Half written by a run that died: treat it as stale.
        return {"holder": "(unreadable lock)", "since": 0}


def try_create(path, holder, now):
    """Whether the lock was created for HOLDER (False when it already exists)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w") as out:
        json.dump({"holder": holder, "since": now}, out)
    return True


def acquire(path, holder, timeout, stale_after, clock=time.time, sleep=time.sleep):
    """(waited seconds, taken-over holder or None); RuntimeError naming the holder on timeout."""
    start = clock()
    while True:
        now = clock()
        if try_create(path, holder, now):
            return now - start, None
        current = read_lock(path)
        if current is None:
            continue
        if current.get("holder") == holder:
            return now - start, None
        if now - float(current.get("since", 0)) > stale_after:
            os.unlink(path)
            if try_create(path, holder, now):
                return now - start, current.get("holder")
            continue
        if now - start >= timeout:
            raise RuntimeError(
                "Another deploy holds %s: %s, since %s. Waited %d s. If no deploy runs, remove the file."
                % (path, current.get("holder"), time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(current["since"])),
                   now - start))
        sleep(min(2.0, max(0.1, timeout - (now - start))))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            holder=dict(type="str", required=True),
            state=dict(type="str", choices=["acquired", "released"], default="acquired"),
            timeout=dict(type="int", default=600),
            stale_after=dict(type="int", default=3600),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if module.check_mode:
        module.exit_json(changed=False, waited=0.0)
    if p["state"] == "released":
        current = read_lock(p["path"])
        mine = current is not None and current.get("holder") == p["holder"]
        if mine:
            os.unlink(p["path"])
        module.exit_json(changed=mine)
    if not os.path.isdir(os.path.dirname(p["path"])):
        module.fail_json(msg="%s: its folder does not exist" % p["path"])
    try:
        waited, taken_over = acquire(p["path"], p["holder"], p["timeout"], p["stale_after"])
    except RuntimeError as error:
        module.fail_json(msg=str(error))
    result = dict(changed=True, waited=round(waited, 1))
    if taken_over:
        result["taken_over"] = taken_over
        module.warn("Took over a stale deploy lock %s held by %s" % (p["path"], taken_over))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
