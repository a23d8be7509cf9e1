#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: offsite_backup
short_description: A Django app's off-site backups with restic - its repository settings, or a restore from it
version_added: 0.11.0
description:
  - O(state=present) writes the app's off-site folder (O(offsite_dir), root's, 0700) - the repository's password
    and the storage settings (C(storage.env)) 0600, and C(offsite.json), what the off-site timers' script
    (module_utils/offsite_backup.py) reads - then asks the repository for its configuration through restic's
    image - an unreachable repository or a wrong password fail here, before anything else changes; a missing one
    is initialised only with O(init). Returns the timer's last result (RV(status)) and a warning when the last
    good backup is older than O(warning_hours) or the last run failed.
  - O(state=fetched) takes one of the app's snapshots (O(snapshot), the latest by default) - its database file to
    O(database_dest) (a backup's name, restored like any other), its media folder to C(<offsite_dir>/media).
  - O(state=queued) starts the upload of O(file) (a backup made before a release's migrations) with the app's media in
    the background, as a transient systemd unit running the timers' script; its result goes to the status file.
  - O(state=media_placed) puts those media in place of O(media_dir) (the folder before is kept beside it as
    C(media.pre-restore-<time>)); C(restore.yml) does it with the app's writers stopped.
  - restic runs as C(docker run) of O(image) with host networking; its secrets are read inside the container from
    the 0600 files, so none is on a command line or in the container's configuration.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  state:
    description: What to do.
    type: str
    choices: [present, fetched, media_placed, queued]
    default: present
  app:
    description: The app; its snapshots are tagged C(djangodocker-app=<app>), retention and restores act on those only.
    type: str
    required: true
  host:
    description: The host name snapshots record (O(state=present), O(state=fetched)).
    type: str
  offsite_dir:
    description: The app's off-site folder on the host.
    type: path
    required: true
  cache_dir:
    description: restic's cache on the host (O(state=present), O(state=fetched)).
    type: path
  image:
    description: restic's image, one version on every host (O(state=present), O(state=fetched)).
    type: str
  repository:
    description:
      - The restic repository (C(s3:https://endpoint/bucket/path), C(sftp:user@host:/path), a path; O(state=present),
        O(state=fetched)).
    type: str
  password:
    description: The repository's password (O(state=present), O(state=fetched)).
    type: str
  storage_env:
    description: The storage's settings and credentials as environment variables (C(AWS_ACCESS_KEY_ID), ...).
    type: dict
    default: {}
  options:
    description: restic's extended options (C(-o s3.bucket-lookup=dns)), before the command.
    type: list
    elements: str
    default: []
  init:
    description: Initialise the repository when there is none.
    type: bool
    default: false
  database:
    description:
      - What the timer dumps - C(kind) C(sqlite) with C(path), or C(server) with C(container), C(dump) (argv),
        C(env) (names only, no secret) and C(suffix).
    type: dict
    default: {}
  media_dir:
    description: The app's media folder.
    type: path
  env_file:
    description: The app's environment file when snapshots hold it (it holds secrets); empty for none.
    type: str
    default: ""
  lock:
    description: The app's deploy lock, which the timer takes while it dumps.
    type: path
  keep:
    description: Retention over the app's snapshots (C(daily), C(weekly), C(monthly)).
    type: dict
    default: {}
  check_read_data_subset:
    description: The check timer's C(--read-data-subset) (C(5%)); empty checks the structure only.
    type: str
    default: ""
  timeout:
    description: Seconds the module waits for the repository to answer its question (restic itself retries for minutes).
    type: int
    default: 60
  warning_hours:
    description: A last good backup older than this is a warning.
    type: int
    default: 48
  file:
    description: O(state=queued) - the backup file to upload.
    type: path
  scripts:
    description:
      - With O(state=present), the timers' script and the files it imports (name - content), written into
        O(scripts_dir) (root's, 0644) in the same call, so keeping them costs the play no task of its own.
    type: dict
    default: {}
  scripts_dir:
    description: Where O(scripts) go.
    type: path
    default: /usr/local/lib/djangodocker
  snapshot:
    description: O(state=fetched) - the snapshot (its id or short id), or C(latest).
    type: str
    default: latest
  database_dest:
    description: O(state=fetched) - where the snapshot's database file goes (a backup's name in the backup folder).
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
- name: Keep mysite's off-site backups in Aliyun OSS
  djangodocker.deploy.offsite_backup:
    app: mysite
    host: web1
    offsite_dir: /srv/django/mysite/offsite
    cache_dir: /var/cache/djangodocker/restic
    image: restic/restic:0.18.0
    repository: s3:https://oss-cn-hangzhou.aliyuncs.com/my-backups/mysite
    password: "{{ vault_restic_password }}"
    storage_env: {AWS_ACCESS_KEY_ID: "{{ vault_oss_key }}", AWS_SECRET_ACCESS_KEY: "{{ vault_oss_secret }}"}
    options: [-o, s3.bucket-lookup=dns, -o, s3.region=oss-cn-hangzhou]
    database: {kind: sqlite, path: /srv/django/mysite/data/db.sqlite3, suffix: sqlite3}
    media_dir: /srv/django/mysite/data/media
"""

RETURN = r"""
repository:
  description: V(found) or V(initialised).
  returned: state=present, not in check mode
  type: str
status:
  description: The off-site timer's last result (C(last_good), C(snapshot), C(error)); empty before its first run.
  returned: state=present
  type: dict
snapshot:
  description: The id of the snapshot fetched.
  returned: state=fetched
  type: str
database_file:
  description: Where the snapshot's database file went (O(database_dest)).
  returned: state=fetched
  type: str
media:
  description: Where the snapshot's media folder went.
  returned: state=fetched
  type: str
media_before:
  description: Where the media folder before the restore is kept.
  returned: state=media_placed
  type: str
unit:
  description: The transient systemd unit that uploads O(file).
  returned: state=queued
  type: str
"""

import json
import os
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import UID
from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import ensure_file, ensure_folder
from ansible_collections.djangodocker.deploy.plugins.module_utils.offsite_backup import (
    SCRIPT, OffsiteError, ensure_repository, read_status, restore, status_warning)


def storage_env_text(repository, storage_env):
    """The storage.env the container's shell sources: every value quoted for /bin/sh."""
    lines = ["RESTIC_REPOSITORY=%s" % quote(repository)]
    lines += ["%s=%s" % (name, quote(str(value))) for name, value in sorted(storage_env.items())]
    return "\n".join(lines) + "\n"


def quote(value):
    return "'" + value.replace("'", "'\"'\"'") + "'"


def config_of(params):
    """offsite.json: what the timers' script reads (no secret)."""
    return dict(app=params["app"], host=params["host"], offsite_dir=params["offsite_dir"],
                cache_dir=params["cache_dir"], image=params["image"], options=params["options"],
                database=params["database"], media_dir=params["media_dir"] or "", env_file=params["env_file"],
                lock=params["lock"] or "", keep=params["keep"],
                check_read_data_subset=params["check_read_data_subset"], timeout=params["timeout"])


def write_files(module, params):
    """Whether the off-site folder, restic's cache folder or a file of the folder changed (root's: 0700, 0600)."""
    changed = False
    for path in (params["offsite_dir"], params["cache_dir"]):
        changed = bool(ensure_folder(path, "0700", check_mode=module.check_mode)) or changed
    files = {"password": params["password"] + "\n",
             "storage.env": storage_env_text(params["repository"], params["storage_env"]),
             "offsite.json": json.dumps(config_of(params), indent=1, sort_keys=True) + "\n"}
    for name, content in files.items():
        changed = bool(ensure_file(os.path.join(params["offsite_dir"], name), content.encode("utf-8"), "0600",
                                   check_mode=module.check_mode, secret=True)) or changed
    if params.get("scripts"):
        changed = bool(ensure_folder(params["scripts_dir"], "0755", check_mode=module.check_mode)) or changed
        for name, content in sorted(params["scripts"].items()):
            changed = bool(ensure_file(os.path.join(params["scripts_dir"], os.path.basename(name)),
                                       content.encode("utf-8"), "0644", check_mode=module.check_mode)) or changed
    return changed


def present(module, params):
    changed = write_files(module, params)
    result = dict(changed=changed, status=read_status(os.path.join(params["offsite_dir"], "status.json")))
    warning = status_warning(result["status"], params["app"], params["warning_hours"], time.time())
    if warning:
        module.warn(warning)
    if module.check_mode and changed:
        return result
    try:
        result["repository"] = ensure_repository(config_of(params), params["init"])
    except OffsiteError as error:
        module.fail_json(msg="Nothing else was changed: %s" % error, **result)
    result["changed"] = changed or result["repository"] == "initialised"
    return result


def fetched(module, params):
    """The snapshot's database file to O(database_dest), its media to the staging folder (media_placed moves
    them in place once the app's writers are stopped)."""
    staged = os.path.join(params["offsite_dir"], "media")
    if module.check_mode:
        return dict(changed=True, snapshot=params["snapshot"], database_file=params["database_dest"], media=staged)
    # A fresh host restores before any timer ran: the same files as state=present.
    write_files(module, params)
    staging = tempfile.mkdtemp(prefix=".restore-", dir=params["offsite_dir"])
    try:
        snapshot = restore(config_of(params), staging, params["snapshot"])
        database = os.path.join(staging, "database." + params["database"]["suffix"])
        if not os.path.isfile(database):
            raise OffsiteError("snapshot %s holds no database file" % snapshot[:8])
        os.makedirs(os.path.dirname(params["database_dest"]), mode=0o700, exist_ok=True)
        os.chmod(database, 0o600)
        shutil.move(database, params["database_dest"])
        shutil.rmtree(staged, ignore_errors=True)
        media = os.path.join(staging, "media")
        if not os.path.isdir(media):
            os.makedirs(media)
        for root, dirs, files in os.walk(media):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), UID, UID)
        os.chown(media, UID, UID)
        os.rename(media, staged)
    except (OffsiteError, OSError) as error:
        module.fail_json(msg="Nothing was restored: the off-site snapshot of %s could not be fetched: %s"
                         % (params["app"], error))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dict(changed=True, snapshot=snapshot, database_file=params["database_dest"], media=staged)


def media_placed(module, params):
    """The staged media folder in place of O(media_dir); the folder before kept beside it."""
    staged = os.path.join(params["offsite_dir"], "media")
    if not os.path.isdir(staged):
        module.fail_json(msg="No media fetched from off-site in %s (state=fetched first)." % staged)
    aside = "%s.pre-restore-%s" % (params["media_dir"], time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    if not module.check_mode:
        if os.path.exists(params["media_dir"]):
            os.rename(params["media_dir"], aside)
        shutil.move(staged, params["media_dir"])
    return dict(changed=True, media_before=aside)


def queued(module, params):
    """An upload of O(file) started in the background (a transient systemd unit): a release does not wait for it,
    and its result is the status file's like the timer's."""
    unit = "djangodocker-offsite-%s-upload-%s" % (params["app"], time.strftime("%Y%m%dT%H%M%S", time.gmtime()))
    if module.check_mode:
        return dict(changed=True, unit=unit)
    argv = ["systemd-run", "--no-block", "--collect", "--unit", unit, "--property", "After=docker.service",
            "--description", "Upload the backup before migrations of %s off-site" % params["app"],
            "/usr/bin/python3", SCRIPT, os.path.join(params["offsite_dir"], "offsite.json"), "upload", params["file"]]
    rc, dummy, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg="The upload of %s could not be started: %s" % (params["file"], err.strip()))
    return dict(changed=True, unit=unit)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", choices=["present", "fetched", "media_placed", "queued"], default="present"),
            file=dict(type="path"),
            app=dict(type="str", required=True),
            host=dict(type="str"),
            offsite_dir=dict(type="path", required=True),
            cache_dir=dict(type="path"),
            image=dict(type="str"),
            repository=dict(type="str", no_log=True),
            password=dict(type="str", no_log=True),
            storage_env=dict(type="dict", default={}, no_log=True),
            options=dict(type="list", elements="str", default=[]),
            init=dict(type="bool", default=False),
            database=dict(type="dict", default={}),
            media_dir=dict(type="path"),
            env_file=dict(type="str", default=""),
            lock=dict(type="path"),
            keep=dict(type="dict", default={}),
            check_read_data_subset=dict(type="str", default=""),
            timeout=dict(type="int", default=60),
            warning_hours=dict(type="int", default=48),
            snapshot=dict(type="str", default="latest"),
            database_dest=dict(type="path"),
            scripts=dict(type="dict", default={}),
            scripts_dir=dict(type="path", default="/usr/local/lib/djangodocker"),
        ),
        required_if=[("state", "present", ["host", "cache_dir", "image", "repository", "password"]),
                     ("state", "fetched", ["host", "cache_dir", "image", "repository", "password", "database_dest"]),
                     ("state", "media_placed", ["media_dir"]), ("state", "queued", ["file"])],
        supports_check_mode=True,
    )
    params = module.params
    action = {"present": present, "fetched": fetched, "media_placed": media_placed, "queued": queued}[params["state"]]
    module.exit_json(**action(module, params))


if __name__ == "__main__":
    main()
