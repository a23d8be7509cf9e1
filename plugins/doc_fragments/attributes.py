# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """What check mode, diff mode and action plugins mean for this collection's modules."""

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and say what would change without changing the host.
  diff_mode:
    description: Returns what changed (or would change in check mode) in diff mode.
"""

    ACTION = r"""
options: {}
attributes:
  action:
    description: Runs as an action plugin on the controller, which then calls a module on the host.
"""
