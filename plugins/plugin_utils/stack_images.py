# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Docker Hub images a site.yml run pulls on a host, so registry mirrors can be asked for them.

Which roles run follows site.yml's own conditions (the app's mode, database and
Redis); which image each role pulls is that role's variable, the user's value
or the role's default.
"""

from __future__ import annotations

import os

import yaml

ROLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")


def role_file(role, kind):
    """A role's defaults/main.yml or vars/main.yml as a dict (empty when it has none)."""
    path = os.path.join(ROLES_DIR, role, kind, "main.yml")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def role_layers():
    """The defaults of the roles whose images site.yml pulls, and the database role's engine table."""
    defaults = {}
    for role in ("django_app", "nginx_front", "database", "redis"):
        defaults.update(role_file(role, "defaults"))
    return defaults, role_file("database", "vars").get("database__engines", {})


def stack_images(get, engines):
    """The images, each once, in pull order. GET(name) is a variable's value (the user's, else the default)."""
    images = [get("django_app_base_image")]
    if get("django_app_mode") == "nginx":
        images.append(get("nginx_front_image"))
        if get("django_app_tls_acme"):
            images.append(get("nginx_front_acme_image"))
    database = get("django_app_database")
    if database != "sqlite":
        engine = get("database_engine")
        engine = engine if engine and "{{" not in str(engine) else database
        images.append(get("database_image") or engines.get(engine, {}).get("image"))
    if get("django_app_redis"):
        images.append(get("redis_image"))
    if get("django_app_offsite_repository"):
        images.append(get("django_app_offsite_image"))
    unique = []
    for image in images:
        if image and image not in unique:
            unique.append(str(image))
    return unique
