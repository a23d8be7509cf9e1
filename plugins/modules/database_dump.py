#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: database_dump
short_description: Dump a database container into a backup folder on its host, keep N, restore one
version_added: 0.6.0
description:
  - C(state=dump) runs O(dump_command) in the database's container (C(docker exec)) and streams
    its output into C(<backup_dir>/<UTC time>-<label>.<suffix>) (root's, 0600) through a hidden
    partial file, so a failed or interrupted dump never looks like a backup. An empty dump or a
    command that fails is an error naming the command's last lines. Then only the newest
    O(keep) backups of that label are kept.
  - C(state=restore) streams a backup (O(restore_from), or the newest of any label) into
    O(restore_command) in the container (C(docker exec -i)). The commands the database role
    gives make the restore exact - objects made after the dump are gone too.
  - The commands take their names (user, database) from O(env) or the container's own environment,
    and passwords from files mounted into it; nothing secret is on a command line or in the result.
  - Uses the C(docker) command on the host; a dump is streamed, never held in memory.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  container:
    description: The database's container.
    type: str
    required: true
  state:
    description: Make a backup, or restore one.
    type: str
    choices: [dump, restore]
    default: dump
  dump_command:
    description: The command, run in the container, that writes the dump to its standard output.
    type: list
    elements: str
  restore_command:
    description: The command, run in the container, that reads a dump on its standard input.
    type: list
    elements: str
  env:
    description: Variables (names, never secrets) the commands get in the container (C(docker exec -e)).
    type: dict
    default: {}
  backup_dir:
    description: The backups' folder on the host (root's, 0700).
    type: path
    required: true
  label:
    description: A word in the backup's name saying why it was made; rotation counts per label.
    type: str
    default: manual
  suffix:
    description: The backup's file name ending (its format).
    type: str
    default: dump
  keep:
    description: How many backups of the label to keep (the newest); 0 keeps all.
    type: int
    default: 7
  restore_from:
    description: The backup to restore (a path, or a name in O(backup_dir)); empty is the newest not of O(skip_labels).
    type: str
    default: ""
  skip_labels:
    description: Labels of backups an empty O(restore_from) never picks (the safety dump made just before a restore).
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds the dump or restore may take.
    type: int
    default: 3600
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Dump the database before migrating
  djangodocker.deploy.database_dump:
    container: postgresql
    dump_command: [sh, -c, 'exec pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" --format=custom']
    backup_dir: /srv/databases/postgresql/backups
    label: pre-migrate
    keep: 5
  register: dump

- name: Put it back after a failed migration
  djangodocker.deploy.database_dump:
    container: postgresql
    state: restore
    restore_command: [sh, -c, '...']
    backup_dir: /srv/databases/postgresql/backups
    restore_from: "{{ dump.backup }}"
"""

RETURN = r"""
backup:
  description: The backup made, or restored from.
  returned: success
  type: str
size:
  description: Its size in bytes.
  returned: success
  type: int
removed:
  description: Older backups of the label removed by the rotation.
  returned: success
  type: list
  elements: str
"""

import datetime
import os
import re
import subprocess
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker
from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import FileProblem, ensure_folder

LABEL = re.compile(r"^[A-Za-z0-9_.-]+$")
# <UTC time with microseconds>-<label>.<suffix>: names sort by time.
BACKUP = re.compile(r"^\d{8}T\d{12}Z-(?P<label>[A-Za-z0-9_.-]+)\.(?P<suffix>[A-Za-z0-9]+)$")


class DumpError(Exception):
    """A dump or restore that did not work; the message says why."""


def backups_in(folder, label=None):
    """The backups in FOLDER (of LABEL, when given), oldest first."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        match = BACKUP.match(name)
        if match and (label is None or match.group("label") == label):
            found.append(os.path.join(folder, name))
    return sorted(found, key=os.path.basename)


def backup_name(folder, label, suffix, now=None):
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
    return os.path.join(folder, "%s-%s.%s" % (stamp, label, suffix))


def last_lines(data, count=10):
    text = data.decode("utf-8", "replace").strip()
    return " | ".join(text.splitlines()[-count:]) or "(no output)"


def exec_env(variables):
    """docker exec's options that give the command VARIABLES."""
    return [part for name in sorted(variables) for part in ("-e", "%s=%s" % (name, variables[name]))]


def dump(docker, container, command, target, timeout, env=()):
    """Stream COMMAND's output in CONTAINER into TARGET (0600), through a partial file."""
    folder = os.path.dirname(target)
    handle, partial = tempfile.mkstemp(prefix=".partial-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            code, err = docker.stream(["exec"] + list(env) + [container] + command, stdout=out, timeout=timeout)
            out.flush()
            os.fsync(out.fileno())
        if code != 0:
            raise DumpError("the dump in %s failed (exit %d): %s" % (container, code, last_lines(err)))
        size = os.path.getsize(partial)
        if size == 0:
            raise DumpError("the dump in %s wrote nothing: %s" % (container, last_lines(err)))
        os.replace(partial, target)
        return size
    except subprocess.TimeoutExpired:
        raise DumpError("the dump in %s took longer than %d s" % (container, timeout))
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def restore(docker, container, command, source, timeout, env=()):
    with open(source, "rb") as data:
        try:
            code, err = docker.stream(["exec", "-i"] + list(env) + [container] + command, stdin=data, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DumpError("restoring %s into %s took longer than %d s" % (source, container, timeout))
    if code != 0:
        raise DumpError("restoring %s into %s failed (exit %d): %s" % (source, container, code, last_lines(err)))


def rotate(folder, label, keep):
    if keep <= 0:
        return []
    existing = backups_in(folder, label)
    removed = existing[:max(0, len(existing) - keep)]
    for old in removed:
        os.unlink(old)
    return removed


def chosen_backup(folder, restore_from, skip_labels=()):
    if restore_from:
        path = restore_from if os.path.isabs(restore_from) else os.path.join(folder, restore_from)
        if not os.path.isfile(path):
            raise DumpError("no backup %s (the backups are in %s)" % (path, folder))
        return path
    existing = [path for path in backups_in(folder)
                if BACKUP.match(os.path.basename(path)).group("label") not in skip_labels]
    if not existing:
        raise DumpError("no backup to restore in %s" % folder)
    return max(existing, key=lambda path: os.path.basename(path)[:22])


def main():
    module = AnsibleModule(
        argument_spec=dict(
            container=dict(type="str", required=True),
            state=dict(type="str", choices=["dump", "restore"], default="dump"),
            dump_command=dict(type="list", elements="str"),
            restore_command=dict(type="list", elements="str"),
            env=dict(type="dict", default={}),
            backup_dir=dict(type="path", required=True),
            label=dict(type="str", default="manual"),
            suffix=dict(type="str", default="dump"),
            keep=dict(type="int", default=7),
            restore_from=dict(type="str", default=""),
            skip_labels=dict(type="list", elements="str", default=[]),
            timeout=dict(type="int", default=3600),
        ),
        required_if=[("state", "dump", ["dump_command"]), ("state", "restore", ["restore_command"])],
        supports_check_mode=True,
    )
    p = module.params
    if not LABEL.match(p["label"]) or not re.match(r"^[A-Za-z0-9]+$", p["suffix"]):
        module.fail_json(msg="label may hold letters, digits, _ . - and suffix letters and digits only")
    try:
        if p["state"] == "restore":
            source = chosen_backup(p["backup_dir"], p["restore_from"], p["skip_labels"])
            if not module.check_mode:
                restore(Docker(module), p["container"], p["restore_command"], source, p["timeout"], exec_env(p["env"]))
            module.exit_json(changed=True, backup=source, size=os.path.getsize(source), removed=[])
        target = backup_name(p["backup_dir"], p["label"], p["suffix"])
        if module.check_mode:
            module.exit_json(changed=True, backup=target, size=0, removed=[])
        ensure_folder(p["backup_dir"], "0700")
        size = dump(Docker(module), p["container"], p["dump_command"], target, p["timeout"], exec_env(p["env"]))
        removed = rotate(p["backup_dir"], p["label"], p["keep"])
    except (DumpError, FileProblem, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=True, backup=target, size=size, removed=removed)


if __name__ == "__main__":
    main()
