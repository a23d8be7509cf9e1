#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_sqlite_backup
short_description: Back up a Django app's sqlite database consistently, keep the newest N, or restore one
version_added: 0.2.0
description:
  - O(state=backup) copies the database with SQLite's online backup API (a consistent copy
    even while the app writes) into O(backup_dir) as C(db-<date>-<time>-<microseconds>-<label>.sqlite3), and keeps
    the newest O(keep) backups. Nothing happens when there is no database yet. The copy goes through a hidden
    partial file, checked with C(PRAGMA integrity_check) and synced before it gets its name, so a failed copy never
    looks like a backup. Backups are root's (folder 0700, files 0600), out of the app's reach.
  - O(state=restore) puts a backup (O(restore_from), or the newest) back into the database
    with the same API, after checking it the same way.
author: djangodocker.deploy developers (!UNKNOWN)
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  database:
    description: The sqlite database file.
    type: path
    required: true
  backup_dir:
    description: Where backups are kept (root's, 0700; outside the folder the app writes).
    type: path
    required: true
  state:
    description: Make a backup, or restore one.
    type: str
    choices: [backup, restore]
    default: backup
  label:
    description: A word in the backup's name saying why it was made.
    type: str
    default: manual
  keep:
    description: How many backups of the label to keep (the newest); 0 keeps all.
    type: int
    default: 5
  restore_from:
    description: The backup to restore; empty restores the newest.
    type: path
  uid:
    description: Owner (user and group id) of a restored database; by default the owner of the database's folder (the app's data folder, its user's).
    type: int
"""

EXAMPLES = r"""
- name: Back up the database before migrating
  djangodocker.deploy.django_app_sqlite_backup:
    database: /srv/django/mysite/data/db.sqlite3
    backup_dir: /srv/django/mysite/data/backups
    label: pre-migrate
    keep: 5
    uid: 10001
  register: backup

- name: Put it back after a failed migration
  djangodocker.deploy.django_app_sqlite_backup:
    database: /srv/django/mysite/data/db.sqlite3
    backup_dir: /srv/django/mysite/data/backups
    state: restore
    restore_from: "{{ backup.backup }}"
"""

RETURN = r"""
backup:
  description: The backup made, or restored from; empty when there was no database.
  returned: success
  type: str
removed:
  description: Older backups removed to keep O(keep).
  returned: state=backup
  type: list
  elements: str
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.sqlite_backup import (
    BackupError,
    back_up,
    backup_name,
    backups_in,
    restore,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            database=dict(type="path", required=True),
            backup_dir=dict(type="path", required=True),
            state=dict(type="str", choices=["backup", "restore"], default="backup"),
            label=dict(type="str", default="manual"),
            keep=dict(type="int", default=5),
            restore_from=dict(type="path"),
            uid=dict(type="int"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not re.match(r"^[\w.-]+$", p["label"]):
        module.fail_json(msg="label may hold letters, digits, _ . - only (got %r)" % p["label"])
    try:
        if p["state"] == "restore":
            source = p["restore_from"] or (backups_in(p["backup_dir"]) or [None])[-1]
            if source is None or not os.path.isfile(source):
                module.fail_json(msg="No backup to restore in %s%s" % (
                    p["backup_dir"], (" (%s does not exist)" % p["restore_from"]) if p["restore_from"] else ""))
            if not module.check_mode:
                uid = p["uid"] if p["uid"] is not None else os.stat(os.path.dirname(p["database"])).st_uid
                restore(source, p["database"], uid)
            module.exit_json(changed=True, backup=source)
        if not os.path.isfile(p["database"]):
            module.exit_json(changed=False, backup="", removed=[])
        if module.check_mode:
            module.exit_json(changed=True, backup=backup_name(p["backup_dir"], p["label"]), removed=[])
        made, removed = back_up(p["database"], p["backup_dir"], p["label"], p["keep"])
    except (BackupError, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=True, backup=made, removed=removed)


if __name__ == "__main__":
    main()
