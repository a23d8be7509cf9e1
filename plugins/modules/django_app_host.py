#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_host
short_description: Keep a Django app's folders, secret key and environment file on its host
version_added: 0.2.0
description:
  - Makes the app's folder (root's, 0755), its data folder (the app user's, 0750) and the data
    folder's C(media/) (the app user's, 0755, public files that Nginx's workers read), the
    secret key file (generated once on the host when no key is given, root's, 0600) and the
    environment file the container reads (root's, group the app's, 0640; it is mounted
    read-only into the container, so no secret is in the container's configuration) what
    they should be, and reports what was out of place.
  - The environment file is named by its content (C(<env_dir>/release-<checksum>.env)), so a
    release set aside keeps reading the environment it was started with and a rollback is
    exact; the release module removes the files no container mounts.
  - Refuses, before changing anything, to go on when a container of the app's name exists
    that the role did not make (no C(djangodocker.deploy.app) label, and not a release
    image of the app), unless O(replace_container) is true; then that container is stopped
    and renamed, never removed, and with O(carry_sqlite) its sqlite database is copied into
    the data folder when the data folder has none.
  - The secret key is compared and written on the host; it never travels back to the
    controller and never appears in the result.
  - Environment variable names must be valid shell names and values must be single lines,
    so that the file means what it says.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  root:
    description: The app's folder on the host.
    type: path
    required: true
  data_dir:
    description: The data folder (sqlite database, media), mounted into the container.
    type: path
    required: true
  uid:
    description: User and group id that owns the data folder (the app's user in the image).
    type: int
    required: true
  secret_file:
    description: Where a generated secret key is kept; by default C(<root>/secret_key).
    type: path
  secret_key:
    description: The secret key to use; empty generates one once and keeps it in O(secret_file).
    type: str
    default: ""
  env_dir:
    description: The folder of the environment files (root's, 0750); by default C(<root>/env).
    type: path
  secret_env_name:
    description: The variable the secret key is given to the app in.
    type: str
    default: DJANGO_SECRET_KEY
  env:
    description: Other variables of the environment file, in order.
    type: dict
    default: {}
  env_files:
    description:
      - Environment files on the host whose variables are added to the app's (a database's
        C(DATABASE_URL), Redis' C(REDIS_URL)); O(env) wins over them. They are read on the host,
        so the passwords in them never travel to the controller.
      - A missing one is an error, except in check mode (the role that makes it would).
    type: list
    elements: path
    default: []
  project:
    description:
      - Which project the app is (its git remote and folder in the repository); kept in C(<root>/project).
        Another project that comes with the same app name is an error before anything changes (two
        folders called C(backend) would take each other over). Empty (a project outside a repository with
        an origin) is not checked.
    type: str
    default: ""
  container_name:
    description: The app's container; empty skips the check for a container the role did not make.
    type: str
    default: ""
  replace_container:
    description: Stop and rename (never remove) a container of that name the role did not make.
    type: bool
    default: false
  site_dirs:
    description:
      - Folders of the app's Nginx site, made or repaired in this same round trip so that a release
        needs no task of its own for them (the socket folder is the app's, its group Nginx's worker's).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The folder.
        type: path
        required: true
      owner:
        description: User id that owns it.
        type: int
        default: 0
      group:
        description: Group id that owns it.
        type: int
        default: 0
      mode:
        description: Its mode (V(2750) - setgid - makes what is created in it take its group).
        type: str
        default: "0755"
  static_dir:
    description:
      - Nginx mode, the site's folder of static files, one folder per release; their names are
        returned in RV(static_releases) (no listing task of its own on every run).
    type: path
  build_dir:
    description:
      - The app's folder of build contexts (one folder per release); the project assets tars in it
        that have their checksum beside them are returned in RV(built_assets), so that a release
        does not send them again. By default C(<root>/build).
    type: path
  carry_sqlite:
    description:
      - Path, inside the replaced container, of its sqlite database, copied to C(<data_dir>/db.sqlite3)
        when that does not exist. A relative path is taken from the container's working folder.
    type: str
    default: db.sqlite3
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Prepare the app's folders, secret key and environment file
  djangodocker.deploy.django_app_host:
    root: /srv/django/mysite
    data_dir: /srv/django/mysite/data
    uid: 10001
    secret_file: /srv/django/mysite/secret_key
    env_dir: /srv/django/mysite/env
    env:
      DJANGO_ALLOWED_HOSTS: '["example.com"]'
"""

RETURN = r"""
reasons:
  description: What was out of place, one sentence each (never a secret).
  returned: success
  type: list
  elements: str
engine:
  description: Whether a Docker engine's socket is on the host (a fresh host in check mode has none).
  returned: success
  type: bool
requests:
  description: Whether the host's Python can import requests (the community.docker modules need it).
  returned: success
  type: bool
env_sha256:
  description: Checksum of the environment file, for a container label that changes when the file does.
  returned: success
  type: str
env_file:
  description: The environment file of this release, to mount into its container.
  returned: success
  type: str
static_releases:
  description: The releases whose static files are in O(static_dir), newest first (empty without it).
  returned: success
  type: list
  elements: str
built_assets:
  description:
    - The project assets tars (C(assets.tar)) in O(build_dir)'s folders, as a mapping of their sha256
      to their path (empty without O(build_dir)).
  returned: success
  type: dict
replaced:
  description: The container the role did not make, C(renamed_to) and whether its C(database_copied).
  returned: when a container was replaced
  type: dict
"""

import hashlib
import importlib.util
import os
import re
import secrets
import shutil
import stat
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_paths import app_paths
from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import (
    CONTEXT_ASSETS,
    CONTEXT_ASSETS_SHA256,
)
from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import (
    FileProblem,
    describe,
    ensure_file,
    ensure_folder,
    ownership_reasons,
    read_text,
)

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SECRET_MODE = "0600"
# Mounted read-only into the container, whose user is in the file's group.
ENV_MODE = "0640"
ENV_DIR_MODE = "0750"
LABEL = "djangodocker.deploy.app"


def env_problems(env):
    """Why ENV cannot be written as an environment file; [] when it can."""
    problems = []
    for key, value in env.items():
        if not NAME.match(str(key)):
            problems.append("%r is not a valid variable name (letters, digits, _; not starting with a digit)" % key)
        elif "\n" in str(value) or "\r" in str(value):
            problems.append("the value of %s has a line break, which an environment file cannot hold" % key)
    return problems


def env_text(secret_name, secret, env):
    lines = ["%s=%s" % (secret_name, secret)]
    lines += ["%s=%s" % (key, value) for key, value in env.items()]
    return "\n".join(lines) + "\n"


def read_env_files(paths, check_mode):
    """The variables of the environment files PATHS, in order; missing ones in check mode are skipped."""
    found = {}
    for path in paths:
        text = read_text(path)
        if text is None:
            if check_mode:
                continue
            raise FileProblem("%s does not exist (the role that makes it - database, redis - runs before "
                              "django_app in the same play)" % path)
        for line in text.splitlines():
            name, sep, value = line.partition("=")
            if sep and NAME.match(name.strip()) and not line.lstrip().startswith("#"):
                found[name.strip()] = value
    return found


def new_secret():
    return secrets.token_urlsafe(48)


def host_secret(params, check_mode):
    """(the secret key, reasons about its file); generated when there is none."""
    if params["secret_key"]:
        return params["secret_key"], []
    path = params["secret_file"]
    current = (read_text(path) or "").strip()
    if current:
        found = describe(path)
        reasons = ownership_reasons(path, found, {"dir": False, "mode": SECRET_MODE, "uid": 0, "gid": 0})
        if reasons and not check_mode:
            ensure_file(path, read_text(path).encode("utf-8"), SECRET_MODE)
        return current, reasons
    secret = new_secret()
    reasons = ["%s has no secret key yet" % path]
    if not check_mode:
        ensure_file(path, secret.encode("ascii"), SECRET_MODE, secret=True)
    return secret, reasons


def made_by_role(container, name, data_dir):
    """Whether CONTAINER is one this role made for the app NAME (labelled so, or a release of 0.1)."""
    labels = (container.get("Config") or {}).get("Labels") or {}
    if LABEL in labels:
        return labels[LABEL] == name
    # Releases made before the label: the app's content-tagged image with the data folder at /data.
    image = (container.get("Config") or {}).get("Image", "")
    mounts = container.get("Mounts") or []
    return (re.match(r"^%s:[0-9a-f]{12}$" % re.escape(name), image) is not None
            and any(m.get("Source") == data_dir and m.get("Destination") == "/data" for m in mounts))


def project_problem(root, project):
    """Why PROJECT may not deploy the app kept in ROOT (another project's), or None."""
    kept = (read_text(os.path.join(root, "project")) or "").strip()
    if not project or not kept or kept == project:
        return None
    return ("The app in %s belongs to another project (%s); this one is %s. Nothing was changed. Give this one "
            "its own name (django_app_name). If it is the same project (its remote moved), set "
            "django_app_project_identity to %s once." % (root, kept, project, kept))


def replace_foreign(module, container, params):
    """Stop and rename CONTAINER; copy its sqlite database when the data folder has none."""
    name = params["container_name"]
    renamed = "%s-replaced-%s" % (name, time.strftime("%Y%m%d%H%M%S"))
    target = os.path.join(params["data_dir"], "db.sqlite3")
    inside = params["carry_sqlite"]
    if inside and not inside.startswith("/"):
        inside = os.path.join((container.get("Config") or {}).get("WorkingDir") or "/", inside)
    copied = False
    if not module.check_mode:
        docker = Docker(module)
        try:
            docker.run("stop", name)
            docker.run("rename", name, renamed)
        except DockerError as error:
            module.fail_json(msg=str(error))
        if inside and not os.path.lexists(target):
            code, dummy, dummy = docker.attempt("cp", "%s:%s" % (renamed, inside), target)
            copied = code == 0 and carried_regular_file(module, target, params["uid"])
    return {"renamed_to": renamed, "database_copied": copied, "database_path": inside}


def carried_regular_file(module, target, uid):
    """Whether TARGET (copied out of a container the role did not make) is a regular file, now the app's.

    docker cp copies a link as a link: one planted in the container (db.sqlite3 -> /etc/shadow) would
    make a chown give a host file to the app. Anything but a regular file is removed, never followed."""
    mode = os.lstat(target).st_mode
    if not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            shutil.rmtree(target)
        else:
            os.unlink(target)
        module.warn("%s in the replaced container is not a regular file (a link or a folder); it was not carried over"
                    % os.path.basename(target))
        return False
    fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fchown(fd, uid, uid)
        os.fchmod(fd, 0o640)
    finally:
        os.close(fd)
    return True


def static_releases(folder):
    """The release folders in FOLDER, newest first; a copy in progress (.<name>.partial) is none."""
    if not folder or not os.path.isdir(folder):
        return []
    found = [entry for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)
             and not entry.name.startswith(".")]
    return [entry.name for entry in sorted(found, key=lambda entry: entry.stat().st_mtime, reverse=True)]


def built_assets(folder):
    """{sha256: path} of the assets tars in FOLDER's build folders whose checksum file is complete."""
    found = {}
    if not folder or not os.path.isdir(folder):
        return found
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        tar = os.path.join(entry.path, CONTEXT_ASSETS)
        try:
            with open(os.path.join(entry.path, CONTEXT_ASSETS_SHA256), encoding="ascii") as handle:
                sha256 = handle.read().strip()
        except (OSError, ValueError):
            continue
        if re.match(r"^[0-9a-f]{64}$", sha256) and os.path.isfile(tar):
            found[sha256] = tar
    return found


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type="path", required=True),
            data_dir=dict(type="path", required=True),
            uid=dict(type="int", required=True),
            secret_file=dict(type="path"),
            secret_key=dict(type="str", default="", no_log=True),
            env_dir=dict(type="path"),
            secret_env_name=dict(type="str", default="DJANGO_SECRET_KEY"),
            env=dict(type="dict", default={}, no_log=True),
            env_files=dict(type="list", elements="path", default=[]),
            project=dict(type="str", default=""),
            container_name=dict(type="str", default=""),
            replace_container=dict(type="bool", default=False),
            carry_sqlite=dict(type="str", default="db.sqlite3"),
            static_dir=dict(type="path"),
            build_dir=dict(type="path"),
            site_dirs=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                owner=dict(type="int", default=0),
                group=dict(type="int", default=0),
                mode=dict(type="str", default="0755"),
            )),
        ),
        supports_check_mode=True,
    )
    for key, path in app_paths(module.params["root"]).items():
        module.params[key] = module.params[key] or path
    params, check = module.params, module.check_mode
    # Ansible masks every no_log value wherever it appears in the result: a
    # short, non-secret value of the environment ("1", "60") would be masked
    # inside the environment file's name and checksum, and the role would
    # mount a path that does not exist. Values that short are no secrets.
    for value in list(params["env"].values()):
        if len(str(value)) < 6:
            module.no_log_values.discard(str(value))
    problems = env_problems(params["env"])
    if "\n" in params["secret_key"]:
        problems.append("the secret key has a line break")
    if problems:
        module.fail_json(msg="The environment file cannot be written: %s." % "; ".join(problems))
    problem = project_problem(params["root"], params["project"])
    if problem:
        module.fail_json(msg=problem)
    name = params["container_name"]
    existing = Docker(module).inspect(name) if name else None
    foreign = existing is not None and not made_by_role(existing, name, params["data_dir"])
    if foreign and not params["replace_container"]:
        module.fail_json(msg=(
            "A container named %s exists that djangodocker.deploy did not make (image %s). Nothing was changed. "
            "Rename it or give the app another name (django_app_name), or set django_app_replace_container: true "
            "to have it stopped and renamed (never removed) and its sqlite database copied into %s."
            % (name, (existing.get("Config") or {}).get("Image", "?"), params["data_dir"])))
    try:
        reasons = ensure_folder(params["root"], "0755", check_mode=check)
        if params["project"] and not (check and not os.path.isdir(params["root"])):
            reasons += ensure_file(os.path.join(params["root"], "project"), (params["project"] + "\n").encode("utf-8"),
                                   "0644", check_mode=check)
        reasons += ensure_folder(params["data_dir"], "0750", params["uid"], params["uid"], check_mode=check)
        # Uploads: it must exist before uWSGI starts, which maps MEDIA_URL to it only then.
        reasons += ensure_folder(os.path.join(params["data_dir"], "media"), "0755", params["uid"], params["uid"],
                                 check_mode=check)
        for folder in params["site_dirs"]:
            reasons += ensure_folder(folder["path"], folder["mode"], folder["owner"], folder["group"], check_mode=check)
        result = {}
        if foreign:
            result["replaced"] = replace_foreign(module, existing, params)
            reasons.append("container %s was not made by djangodocker.deploy: stopped and renamed to %s"
                           % (name, result["replaced"]["renamed_to"]))
        secret, secret_reasons = host_secret(params, check)
        reasons += secret_reasons
        env = read_env_files(params["env_files"], check)
        env.update(params["env"])
        text = env_text(params["secret_env_name"], secret, env).encode("utf-8")
        checksum = hashlib.sha256(text).hexdigest()
        env_file = os.path.join(params["env_dir"], "release-%s.env" % checksum[:16])
        reasons += ensure_folder(params["env_dir"], ENV_DIR_MODE, check_mode=check)
        reasons += ensure_file(env_file, text, ENV_MODE, 0, params["uid"], check_mode=check, secret=True)
    except FileProblem as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(reasons), reasons=reasons, env_sha256=checksum, env_file=env_file,
                     engine=os.path.exists("/var/run/docker.sock"),
                     requests=importlib.util.find_spec("requests") is not None,
                     static_releases=static_releases(params["static_dir"]),
                     built_assets=built_assets(params["build_dir"]), **result)


if __name__ == "__main__":
    main()
