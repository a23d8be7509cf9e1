# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The mirror check's options, one vocabulary for every module and role that asks mirrors.

    The roles' variables have the same names: <role>_mirror_check and <role>_mirror_timeout.
    The specs are module_utils/mirror_probe.py's MIRROR_CHECK_OPTIONS and MIRRORS_OPTIONS.
    """

    # Every module that asks mirrors before it changes anything.
    DOCUMENTATION = r"""
options:
  mirror_check:
    description:
      - What a mirror that does not answer within O(mirror_timeout) does - V(fail) before anything changes
        (a clear error naming it, not a download that hangs), V(warn) only, or V(skip) asks none.
    type: str
    choices: [fail, warn, skip]
    default: fail
  mirror_timeout:
    description: Seconds each mirror has to answer.
    type: int
    default: 10
"""

    # The modules that are given the mirrors to ask.
    MIRRORS = r"""
options:
  mirrors:
    description: URLs to ask, each with a C(name) for the message and the HTTP statuses that mean it answers.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: What the URL is (C(PyPI index)), for the message.
        type: str
        required: true
      url:
        description: The URL asked for.
        type: str
        required: true
      alive:
        description: HTTP statuses that mean the mirror answers.
        type: list
        elements: int
        default: [200]
  engine_registry_mirrors:
    description: Also ask the registry mirrors the host's Docker engine is configured with (C(docker info)), for C(/v2/).
    type: bool
    default: false
"""
