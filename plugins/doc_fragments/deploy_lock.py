# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The deploy lock's options (module_utils/deploy_lock.py's LOCK_OPTIONS), documented once."""

    # deploy_lock's own options.
    DOCUMENTATION = r"""
options:
  path:
    description: The lock file.
    type: path
    required: true
  holder:
    description: Who takes the lock (shown to whoever waits for it); unique per run.
    type: str
    required: true
  timeout:
    description: Seconds to wait for another run's lock.
    type: int
    default: 600
  stale_after:
    description: Seconds after which a lock is taken to be left by a run that died.
    type: int
    default: 3600
  controller:
    description:
      - The controller's name. A lock that another process of the same controller holds fails the call at once,
        with RV(held_by), so that the controller - which can see whether that process still runs - waits for it
        (C(controller) empty) or takes over the lock of a run that died (C(take_over)).
    type: str
    default: ""
  pid:
    description: The controller's process (ansible-playbook) that takes the lock.
    type: int
    default: 0
  take_over:
    description:
      - The holder whose lock to take over (its run died). Taken only when the file still names it (moved aside
        atomically, then checked); another run's lock is left alone.
    type: str
    default: ""
"""

    # The option of the modules that take the lock in a call of theirs.
    LOCK = r"""
options:
  lock:
    description: The deploy lock to take before anything changes; not taken in check mode.
    type: dict
    suboptions:
      path:
        description: The lock file.
        type: path
        required: true
      holder:
        description: Who takes the lock (shown to whoever waits for it); unique per run.
        type: str
        required: true
      timeout:
        description: Seconds to wait for another run's lock.
        type: int
        default: 600
      stale_after:
        description: Seconds after which a lock is taken to be left by a run that died.
        type: int
        default: 3600
      controller:
        description:
          - The controller's name. A lock that another process of the same controller holds fails the call at once,
            with RV(held_by), so that the controller - which can see whether that process still runs - waits for it
            (C(controller) empty) or takes over the lock of a run that died (C(take_over)).
        type: str
        default: ""
      pid:
        description: The controller's process (ansible-playbook) that takes the lock.
        type: int
        default: 0
      take_over:
        description:
          - The holder whose lock to take over (its run died). Taken only when the file still names it (moved aside
            atomically, then checked); another run's lock is left alone.
        type: str
        default: ""
"""
