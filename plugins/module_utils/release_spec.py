# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The django_app_deploy action's arguments: checked by the action, declared by its module's stub."""

from __future__ import annotations

from ansible_collections.djangodocker.deploy.plugins.module_utils.mirror_probe import MIRROR_CHECK_OPTIONS

# The pipeline's spec (plugin_utils/release_pipeline.py) is composed from these by
# plugin_utils/release_plan.py; documented in plugins/modules/django_app_deploy.py.
APP_OPTIONS = dict(
    name=dict(type="str", required=True),
    root=dict(type="path", required=True),
    data_dir=dict(type="path", required=True),
    lock_file=dict(type="path", required=True),
    backup_dir=dict(type="path", required=True),
    history_file=dict(type="path", required=True),
    mode=dict(type="str", choices=["nginx", "single", "swarm"], required=True),
    # Swarm mode: the registry the image is pushed to and every node pulls from, and the replicas.
    registry=dict(type="str", default=""),
    replicas=dict(type="int", default=2),
    constraints=dict(type="list", elements="str", default=[]),
    drain_timeout=dict(type="int", default=30),
    server_names=dict(type="list", elements="str", default=[]),
    host_address=dict(type="str", default=""),
    host_port=dict(type="int", default=80),
    container_port=dict(type="int", default=8000),
    server=dict(type="str", choices=["uwsgi", "gunicorn", "granian"], default="uwsgi"),
    interface=dict(type="str", choices=["wsgi", "asgi"], default="wsgi"),
    health=dict(type="dict", required=True, options=dict(
        path=dict(type="str", required=True),
        status=dict(type="list", elements="int", required=True),
        timeout=dict(type="int", required=True),
    )),
    tls=dict(type="bool", default=False),
    static_url=dict(type="str", default="/static/"),
    read_only=dict(type="bool", default=False),
    pids_limit=dict(type="int", default=512),
    memory=dict(type="str", default=""),
    networks=dict(type="list", elements="str", default=[]),
    database=dict(type="str", default="sqlite"),
    celery=dict(type="dict", default={}, options=dict(
        app=dict(type="str", default=""),
        beat=dict(type="bool", default=False),
        worker_options=dict(type="list", elements="str", default=[]),
        ready_timeout=dict(type="int", default=60),
        stop_timeout=dict(type="int", default=60),
        replicas=dict(type="int", default=1),
    )),
    keep_images=dict(type="int", default=3),
    backup_keep=dict(type="int", default=5),
    # The app's off-site folder when off-site backups are on (the backup before migrations goes there too).
    offsite_dir=dict(type="str", default=""),
    lock_timeout=dict(type="int", default=600),
    check_deploy=dict(type="bool", default=True),
    check_fail_level=dict(type="str", default="ERROR"),
    project=dict(type="dict", required=True, options=dict(
        src=dict(type="path", required=True),
        exclude=dict(type="list", elements="str", default=[]),
        code=dict(type="list", elements="str", default=[]),
    )),
    pip_index_url=dict(type="str", required=True),
    apt_mirror_url=dict(type="str", default=""),
    os_packages=dict(type="bool", default=False),
    offline_dir=dict(type="str", default=""),
    # The one vocabulary of the mirror check (doc fragment djangodocker.deploy.mirrors).
    **MIRROR_CHECK_OPTIONS
)
ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["released", "check", "serving"], default="released"),
    app=dict(type="dict", required=True, options=APP_OPTIONS),
    # A tag lookup's or a rollback target's result: its `tag` (and `sha256`) are read.
    release=dict(type="dict", required=True),
    rolling_back=dict(type="bool", default=False),
    host=dict(type="dict", required=True),
    services=dict(type="dict", default={}, options=dict(
        database=dict(type="dict"),
        redis=dict(type="dict"),
    )),
    site=dict(type="dict", default={}, options=dict(
        dirs=dict(type="dict", default={}),
        plan=dict(type="dict", default={}),
    )),
    next_socket=dict(type="str", default=""),
    serving=dict(type="dict", default={}),
    context_files=dict(type="dict", default={}),
    load_fixture=dict(type="str", default=""),
)
