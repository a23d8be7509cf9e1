# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The django_app_deploy action's arguments: checked by the action, declared by its module's stub."""

from __future__ import annotations

# The action's arguments (documented in plugins/modules/django_app_deploy.py). The nested
# dicts are module arguments the role composes; their modules check them.
ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["released", "check", "serving"], default="released"),
    name=dict(type="str", required=True),
    image=dict(type="str", required=True),
    lock=dict(type="dict", options=dict(
        path=dict(type="path", required=True),
        holder=dict(type="str"),
        timeout=dict(type="int", default=600),
    )),
    build=dict(type="dict", options=dict(
        context=dict(type="dict", required=True),
        image=dict(type="dict", required=True),
    )),
    migrate=dict(type="dict", options=dict(
        plan_command=dict(type="list", elements="str", required=True),
        migrate_command=dict(type="list", elements="str", required=True),
        load_fixture=dict(type="str", default=""),
    )),
    backup=dict(type="dict", options=dict(
        module=dict(type="str", required=True),
        args=dict(type="dict", required=True),
    )),
    one_off=dict(type="dict", default={}),
    container=dict(type="dict", default={}),
    celery=dict(type="dict", options=dict(
        prefix=dict(type="str", required=True),
        worker=dict(type="dict", required=True),
        beat=dict(type="dict"),
        ping=dict(type="list", elements="str", required=True),
        ready_timeout=dict(type="int", default=60),
        stop_timeout=dict(type="int", default=60),
    )),
    front=dict(type="dict", options=dict(
        probe=dict(type="dict", required=True),
        site=dict(type="dict", required=True),
    )),
    port=dict(type="dict", options=dict(
        probe=dict(type="dict", required=True),
    )),
    retire=dict(type="dict", default={}),
)
# A release needs its lock; the check and a run with nothing to release take none.
REQUIRED_IF = [("state", "released", ["lock"]), ("state", "serving", ["celery"])]
