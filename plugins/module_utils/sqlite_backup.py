# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups of a Django app's sqlite database: consistent, checked, root's, rotated per label.

Standard library only: the module django_app_sqlite_backup uses it, and the django_app role installs this
same file on the host as the script its backup timer runs (`python3 sqlite_backup.py DATABASE BACKUP_DIR
--label scheduled --keep N`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sqlite3
import sys

NAME = re.compile(r"^db-\d{8}-\d{6}-\d{6}-(?P<label>[\w.-]+)\.sqlite3$")
LABEL = re.compile(r"^[\w.-]+$")


class BackupError(Exception):
    """A backup or restore that did not work; the message says why."""


def backups_in(folder, label=None):
    """The backups in FOLDER (of LABEL, when given), oldest first (their names sort by time)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return [os.path.join(folder, n) for n in sorted(names)
            if NAME.match(n) and (label is None or NAME.match(n).group("label") == label)]


def integrity(path):
    """SQLite's own check of the database at PATH: 'ok', or what it found."""
    connection = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check").fetchall())
    finally:
        connection.close()


def copy_database(source, target):
    """A consistent copy of the sqlite database SOURCE into TARGET (SQLite's online backup API: consistent
    even while the app writes)."""
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
    except sqlite3.Error as error:
        raise BackupError("the copy of %s failed: %s" % (source, error))
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


def back_up(database, folder, label, keep):
    """(the backup made in FOLDER, the older ones of LABEL removed beyond KEEP); ('', []) without a database.
    The folder is root's (0700), the backup 0600: out of the app's reach."""
    if not LABEL.match(label):
        raise BackupError("label may hold letters, digits, _ . - only (got %r)" % label)
    if not os.path.isfile(database):
        return "", []
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o700)
    target = backup_name(folder, label)
    checked_copy(database, target)
    os.chmod(target, 0o600)
    existing = backups_in(folder, label)
    removed = existing[:max(0, len(existing) - keep)] if keep > 0 else []
    for old in removed:
        os.unlink(old)
    return target, removed


def restore(source, database, uid):
    """Put the backup SOURCE (checked first) back into DATABASE, the app's (UID), 0640."""
    try:
        found = integrity(source)
        if found != "ok":
            raise BackupError("%s is not a sound database (%s); nothing was restored" % (source, found))
        copy_database(source, database)
    except sqlite3.Error as error:
        raise BackupError("restoring %s failed: %s" % (source, error))
    os.chmod(database, 0o640)
    if os.geteuid() == 0:
        os.chown(database, uid, uid)


def cli(argv=None):
    """The backup timer's script: one backup of DATABASE into BACKUP_DIR; exit 1 with the reason on failure."""
    parser = argparse.ArgumentParser(description="Back up a Django app's sqlite database.")
    parser.add_argument("database")
    parser.add_argument("backup_dir")
    parser.add_argument("--label", default="scheduled")
    parser.add_argument("--keep", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        made, dummy = back_up(args.database, args.backup_dir, args.label, args.keep)
    except (BackupError, OSError) as error:
        sys.stderr.write("%s\n" % error)
        return 1
    sys.stdout.write("backed up to %s\n" % made if made else "no database at %s yet\n" % args.database)
    return 0


if __name__ == "__main__":
    # The timer's script, not a module: its exit code is what systemd reads.
    sys.exit(cli())  # pylint: disable=ansible-bad-function
