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
    partial file, checked with C(PRAGMA integrity_check) and synced before it gets its name: a failed copy never
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
    description: How many backups to keep (the newest); 0 keeps all.
    type: int
    default: 5
  restore_from:
    description: The backup to restore; empty restores the newest.
    type: path
  uid:
    description: Owner (user and group id) of the backups and of a restored database.
    type: int
    default: 0
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

import datetime
import os
import re
import sqlite3

from ansible.module_utils.basic import AnsibleModule

NAME = re.compile(r"^db-\d{8}-\d{6}-\d{6}-[\w.-]+\.sqlite3$")


def backups_in(folder):
    """The backups in FOLDER, oldest first (their names sort by time)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return [os.path.join(folder, n) for n in sorted(names) if NAME.match(n)]


class BackupError(Exception):
    """A copy that is not a sound database; the message says which."""


def integrity(path):
    """SQLite's own check of the database at PATH: 'ok', or what it found."""
    connection = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check").fetchall())
    finally:
        connection.close()


def copy_database(source, target):
    """A consistent copy of the sqlite database SOURCE into TARGET (SQLite's backup API)."""
    src = sqlite3.connect("file:%s?mode=ro" % source, uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def checked_copy(source, target):
    """Copy SOURCE into TARGET through a hidden partial file in its folder, checked with PRAGMA
    integrity_check and synced before it gets its name: a failed copy never looks like a backup."""
    partial = os.path.join(os.path.dirname(target), ".partial-" + os.path.basename(target))
    try:
        copy_database(source, partial)
        found = integrity(partial)
        if found != "ok":
            raise BackupError("the copy of %s is not sound (%s)" % (source, found))
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def backup_name(folder, label):
    """A new backup's path; names sort by time (to the microsecond)."""
    while True:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = os.path.join(folder, "db-%s-%s.sqlite3" % (stamp, label))
        if not os.path.exists(path):
            return path


def own(path, uid, mode):
    os.chmod(path, mode)
    if os.geteuid() == 0:
        os.chown(path, uid, uid)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            database=dict(type="path", required=True),
            backup_dir=dict(type="path", required=True),
            state=dict(type="str", choices=["backup", "restore"], default="backup"),
            label=dict(type="str", default="manual"),
            keep=dict(type="int", default=5),
            restore_from=dict(type="path"),
            uid=dict(type="int", default=0),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not re.match(r"^[\w.-]+$", p["label"]):
        module.fail_json(msg="label may hold letters, digits, _ . - only (got %r)" % p["label"])
    if p["state"] == "restore":
        source = p["restore_from"] or (backups_in(p["backup_dir"]) or [None])[-1]
        if source is None or not os.path.isfile(source):
            module.fail_json(msg="No backup to restore in %s%s" % (
                p["backup_dir"], (" (%s does not exist)" % p["restore_from"]) if p["restore_from"] else ""))
        if not module.check_mode:
            try:
                found = integrity(source)
                if found != "ok":
                    raise BackupError("%s is not a sound database (%s); nothing was restored" % (source, found))
                copy_database(source, p["database"])
            except (BackupError, sqlite3.Error) as error:
                module.fail_json(msg="Restoring %s failed: %s" % (source, error))
            own(p["database"], p["uid"], 0o640)
        module.exit_json(changed=True, backup=source)
    if not os.path.isfile(p["database"]):
        module.exit_json(changed=False, backup="", removed=[])
    target = backup_name(p["backup_dir"], p["label"])
    removed = []
    if not module.check_mode:
        # Root's, out of the app's reach (the app writes its data folder, never its backups).
        if not os.path.isdir(p["backup_dir"]):
            os.makedirs(p["backup_dir"])
        own(p["backup_dir"], 0, 0o700)
        try:
            checked_copy(p["database"], target)
        except (BackupError, sqlite3.Error) as error:
            module.fail_json(msg="The backup of %s failed: %s" % (p["database"], error))
        own(target, 0, 0o600)
        existing = backups_in(p["backup_dir"])
        if p["keep"] > 0 and len(existing) > p["keep"]:
            for old in existing[:len(existing) - p["keep"]]:
                os.unlink(old)
                removed.append(old)
    module.exit_json(changed=True, backup=target, removed=removed)


if __name__ == "__main__":
    main()
