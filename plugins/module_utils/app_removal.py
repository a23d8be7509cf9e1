# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Taking one app off a host (remove.yml, the django_app role's entry point `remove`): what the host has of it,
its containers and images removed, the final backup a purge keeps, and its folder purged. Nothing here touches
another app's containers, images or files: everything is found by the app's label, its image repository (the
app's name) and its own folder."""

from __future__ import annotations

import os
import re
import shutil
import tarfile

from ansible_collections.djangodocker.deploy.plugins.module_utils.sqlite_backup import checked_copy
from ansible_collections.djangodocker.deploy.plugins.module_utils.stack import APP_LABEL

APP = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class RemovalProblem(Exception):
    """What stops a removal before anything changes."""


def found(docker, app, root, final_dir=""):
    """What the host has of APP: its containers (every one the django_app role labelled), its images (the
    repository named APP), whether its folder ROOT exists, and the final backups of earlier purges in FINAL_DIR."""
    if not APP.match(app):
        raise RemovalProblem("app name %r: lower-case letters, digits, _ . - only" % app)
    containers = docker.container_names("label=%s=%s" % (APP_LABEL, app)) if docker.available else []
    images = [line for line in docker.run("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", app).splitlines()
              if line.strip() and not line.endswith(":<none>")] if docker.available else []
    try:
        finals = sorted(name for name in os.listdir(final_dir) if name.startswith(app + "-")
                        and name[len(app) + 1:][:1].isdigit() and not name.endswith(".partial")) if final_dir else []
    except FileNotFoundError:
        finals = []
    return dict(containers=sorted(containers), images=sorted(images), root=os.path.isdir(root), final_backups=finals)


def check(have, app, root, purge, backup_places):
    """Refusals before anything changes: an app the host has nothing of (an app purged before, with its final
    backup there, is not an error: there is nothing left to do); a purge with nowhere for its final backup
    (BACKUP_PLACES: the places configured)."""
    if not (have["containers"] or have["images"] or have["root"] or have["final_backups"]):
        raise RemovalProblem("No app %s on this host: no container labelled %s=%s, no image %s:*, no folder %s"
                             % (app, APP_LABEL, app, app, root))
    if purge and not backup_places:
        raise RemovalProblem(
            "django_app_purge deletes the data of app %s; its final backup needs a place purge does not reach: "
            "set django_app_final_backup_dir (a folder on the host) or django_app_offsite_repository" % app)


def remove_runtime(docker, have, check_mode):
    """Stop (each container with its own stop signal and timeout: the web container drains), then remove APP's
    containers; remove its images. The reasons."""
    reasons = []
    if have["containers"]:
        reasons.append("containers %s removed" % ", ".join(have["containers"]))
        if not check_mode:
            docker.run("container", "stop", *have["containers"])
            docker.run("container", "rm", *have["containers"])
    if have["images"]:
        reasons.append("images %s removed" % ", ".join(have["images"]))
        if not check_mode:
            docker.run("image", "rm", *have["images"])
    return reasons


def save_final(folder, database, media_dir, sqlite):
    """The final backup in FOLDER (made, root's 0700): DATABASE (a dump file, or with SQLITE the live sqlite
    database: a consistent, checked copy) and MEDIA_DIR as media.tar.gz. The files it holds."""
    partial = folder.rstrip("/") + ".partial"
    if os.path.exists(partial):
        shutil.rmtree(partial)
    os.makedirs(partial, mode=0o700)
    kept = []
    if database and os.path.isfile(database):
        # A dump keeps its name (its time, label and format are in it).
        target = os.path.join(partial, "db.sqlite3" if sqlite else os.path.basename(database))
        if sqlite:
            checked_copy(database, target)
        else:
            shutil.copy2(database, target)
        kept.append(os.path.basename(target))
    if media_dir and os.path.isdir(media_dir):
        with tarfile.open(os.path.join(partial, "media.tar.gz"), "w:gz") as archive:
            archive.add(media_dir, arcname="media")
        kept.append("media.tar.gz")
    # Named only once complete: a folder of that name is a whole backup.
    os.replace(partial, folder)
    return kept


def purge(root, check_mode):
    """Delete ROOT (the app's folder: data, backups, environment, secret key); the reasons."""
    if not os.path.isdir(root):
        return []
    if not check_mode:
        shutil.rmtree(root)
    return ["folder %s deleted" % root]
