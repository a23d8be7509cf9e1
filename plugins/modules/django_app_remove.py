#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_remove
short_description: Take one Django app off a host - its containers and images, its final backup, its folder
version_added: 0.11.0
description:
  - O(state=found) reads what the host has of the app (containers labelled C(djangodocker.deploy.app=<app>), images
    of the repository named after the app, its folder) and changes nothing; an app the host has nothing of, or a
    O(purge) with no place for the final backup (O(backup_places) empty), is an error.
  - O(state=absent) stops the app's containers (each with its own stop signal and timeout, so the web container
    drains), removes them and the app's images. The app's folder (data, backups) stays.
  - O(state=saved) writes the final backup before a purge into O(final_dir) (made whole, then named; root's, 0700) -
    the O(database) file (a dump, or the live sqlite database copied consistently and checked) and the O(media_dir)
    folder as C(media.tar.gz).
  - O(state=purged) deletes the app's folder O(root).
  - Other apps' containers, images and files are never touched.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  app:
    description: The app's name (the django_app role's C(django_app_name)).
    type: str
    required: true
  root:
    description: The app's folder on the host (C(django_app_root)).
    type: path
    required: true
  state:
    description: What to do (see the description).
    type: str
    choices: [found, absent, saved, purged]
    default: found
  purge:
    description: With O(state=found), whether the data is to be purged (then O(backup_places) may not be empty).
    type: bool
    default: false
  backup_places:
    description: With O(state=found), where a purge's final backup goes (a folder, off-site); for the check only.
    type: list
    elements: str
    default: []
  final_dir:
    description: With O(state=saved), the folder to make for the final backup (it must not exist yet).
    type: path
  final_backup_dir:
    description: With O(state=found), where purges keep final backups - an app with one there (C(<app>-<time>)) was
      purged before, which is not an error.
    type: path
  database:
    description: With O(state=saved), the database file to keep - a dump, or with O(sqlite) the live database.
    type: path
  sqlite:
    description: With O(state=saved), whether O(database) is a live sqlite database.
    type: bool
    default: false
  media_dir:
    description: With O(state=saved), the app's media folder.
    type: path
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Check that the host has the app
  djangodocker.deploy.django_app_remove:
    app: mysite
    root: /srv/django/mysite

- name: Remove the app's containers and images
  djangodocker.deploy.django_app_remove:
    app: mysite
    root: /srv/django/mysite
    state: absent
"""

RETURN = r"""
containers:
  description: The app's containers the host has (before O(state=absent) removed them).
  returned: success
  type: list
  elements: str
images:
  description: The app's images the host has (before O(state=absent) removed them).
  returned: success
  type: list
  elements: str
root:
  description: Whether the app's folder exists.
  returned: success
  type: bool
final_backups:
  description: The final backups of earlier purges (folder names in O(final_backup_dir)).
  returned: success
  type: list
  elements: str
kept:
  description: With O(state=saved), the files of the final backup.
  returned: success
  type: list
  elements: str
reasons:
  description: What was changed.
  returned: success
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils import app_removal
from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.sqlite_backup import BackupError


def run(module, docker):
    p = module.params
    have = app_removal.found(docker, p["app"], p["root"], p["final_backup_dir"] or "")
    result = dict(have, reasons=[], kept=[])
    if p["state"] == "found":
        app_removal.check(have, p["app"], p["root"], p["purge"], p["backup_places"])
    elif p["state"] == "absent":
        result["reasons"] = app_removal.remove_runtime(docker, have, module.check_mode)
    elif p["state"] == "saved":
        if not p["final_dir"] or os.path.exists(p["final_dir"]):
            raise app_removal.RemovalProblem("the final backup's folder %r must be new" % p["final_dir"])
        result["reasons"] = ["final backup in %s" % p["final_dir"]]
        if not module.check_mode:
            result["kept"] = app_removal.save_final(p["final_dir"], p["database"], p["media_dir"], p["sqlite"])
    else:
        result["reasons"] = app_removal.purge(p["root"], module.check_mode)
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            app=dict(type="str", required=True),
            root=dict(type="path", required=True),
            state=dict(type="str", default="found", choices=["found", "absent", "saved", "purged"]),
            purge=dict(type="bool", default=False),
            backup_places=dict(type="list", elements="str", default=[]),
            final_dir=dict(type="path"),
            final_backup_dir=dict(type="path"),
            database=dict(type="path"),
            sqlite=dict(type="bool", default=False),
            media_dir=dict(type="path"),
        ),
        required_if=[("state", "saved", ["final_dir"])],
        supports_check_mode=True,
    )
    try:
        result = run(module, Docker(module))
    except (app_removal.RemovalProblem, BackupError, DockerError, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(result["reasons"]), **result)


if __name__ == "__main__":
    main()
