# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The django_app_preflight action's arguments: checked by the action, declared by its module's stub."""

from __future__ import annotations

ARGUMENT_SPEC = dict(
    # The role's variables the rules read, unprefixed (plugin_utils/app_checks.py names them).
    settings=dict(type="dict", required=True),
    project=dict(type="path", required=True),
    requirements_file=dict(type="str", default=""),
    settings_module=dict(type="str", default=""),
    tls=dict(type="dict", default={}, options=dict(
        certificate=dict(type="str", default=""),
        key=dict(type="str", default="", no_log=False),
        names=dict(type="list", elements="str", default=[]),
        warning_days=dict(type="int", default=30),
    )),
)
