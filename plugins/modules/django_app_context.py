#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_context
short_description: Put a Django project's image build context on the host in one transfer
version_added: 0.2.0
description:
  - Packs the project (without the excluded names, without symbolic links) as two tars,
    C(assets.tar) (every file whose name does not match O(code)) and C(project.tar) (the
    code), and the generated build files into one reproducible tar on the controller, checks that the
    project is still the one the image tag was computed from, and unpacks the tar into
    O(dest) on the host.
  - The tar on the controller is private (mode 0600) and removed even when the transfer fails.
  - An action plugin packs and sends the tar; this module, on the host, makes O(dest) (root's only, 0700) and
    unpacks the tar there. Only regular files and folders below O(dest) are unpacked.
  - Before anything is unpacked, asks each of O(mirrors) (what the build will download from) and, with
    O(engine_registry_mirrors), the engine's registry mirrors whether they answer (O(mirror_timeout)) - a
    dead mirror is a clear error naming it (or a warning, O(mirror_check)), not a build that hangs. In
    check mode only this is done.
  - With O(lock), then takes the app's deploy lock (as M(djangodocker.deploy.deploy_lock) does) before
    unpacking - the first change a release makes, in the call it makes anyway.
  - C(assets.tar) is not sent when O(on_host) names a copy of it on the host (an earlier release's build
    folder), and that copy is linked into O(dest). Its sha256 is written beside it (C(assets.tar.sha256)),
    for the next release to find. When the copy went meanwhile, the context is sent again with it.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  src:
    description: The project on the controller (the folder with manage.py).
    type: path
    required: true
  exclude:
    description: File and folder names (shell patterns) left out at any depth.
    type: list
    elements: str
    default: []
  code:
    description:
      - File names (shell patterns) of the project's code, packed into C(project.tar); every
        other file goes into C(assets.tar), for an image layer of its own that a code change
        does not rebuild.
    type: list
    elements: str
    default: []
  files:
    description: Generated files of the context, as a mapping of relative path to text.
    type: dict
    required: true
  dest:
    description: The folder on the host to unpack into (made when missing).
    type: path
    required: true
  offline_dir:
    description:
      - The air-gap bundle's folder on the host; its C(wheels), C(debs/os) and C(debs/build) are linked into
        the context's C(offline) folder, where the Dockerfile takes them from.
    type: str
    default: ''
  on_host:
    description:
      - Copies of C(assets.tar) on the host, as a mapping of sha256 to path (what
        M(djangodocker.deploy.django_app_host) returns as RV(djangodocker.deploy.django_app_host#module:built_assets)).
    type: dict
    default: {}
  _archive:
    description: Set by the action plugin, not by users - where it put the tar on the host.
    type: path
  _assets_sha256:
    description: Set by the action plugin, not by users - the sha256 of C(assets.tar).
    type: str
  _assets_from:
    description: Set by the action plugin, not by users - the copy of C(assets.tar) on the host to link.
    type: path
  sha256:
    description:
      - Checksum over the project's tars the image tag was made from
        (see the P(djangodocker.deploy.django_app_tag#lookup) lookup).
    type: str
    required: true
extends_documentation_fragment:
  - djangodocker.deploy.attributes
  - djangodocker.deploy.attributes.ACTION
  - djangodocker.deploy.mirrors
  - djangodocker.deploy.mirrors.MIRRORS
  - djangodocker.deploy.deploy_lock.LOCK
attributes:
  action:
    support: full
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Put the build context on the host
  djangodocker.deploy.django_app_context:
    src: /home/me/mysite
    exclude: [.git, __pycache__]
    code: ["*.py", "*.html"]
    files:
      Dockerfile: "FROM python:3.13-slim\n"
    dest: /srv/django/mysite/build
    sha256: "{{ release.sha256 }}"
    mirrors:
      - name: PyPI index
        url: https://mirrors.aliyun.com/pypi/simple/django/
    engine_registry_mirrors: true
"""

RETURN = r"""
dest:
  description: Where the context was unpacked.
  returned: success
  type: str
assets_sent:
  description: Whether C(assets.tar) was sent (false when a copy on the host was used).
  returned: success
  type: bool
held_by:
  description: When the call failed because another process of the O(lock.controller) holds the lock, what the lock says.
  returned: failure
  type: dict
"""

import os
import shutil
import tarfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.deploy_lock import LOCK_OPTIONS, take
from ansible_collections.djangodocker.deploy.plugins.module_utils.mirror_probe import (
    MIRROR_CHECK_OPTIONS, MIRRORS_OPTIONS, asks_mirrors, check_mirrors)
from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import (
    CONTEXT_ASSETS,
    CONTEXT_ASSETS_SHA256,
)
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import hide_url_passwords


# Where the Dockerfile finds the air-gap bundle's files (COPY offline/...).
OFFLINE = "offline"
OFFLINE_FOLDERS = ("wheels", "debs/os", "debs/build")


class UnsafeMember(Exception):
    """A tar member that is not a plain file or folder below the destination."""


def safe_members(tar):
    for member in tar.getmembers():
        parts = member.name.replace("\\", "/").split("/")
        if member.name.startswith("/") or ".." in parts:
            raise UnsafeMember("%s points outside the build folder" % member.name)
        if not (member.isfile() or member.isdir()):
            raise UnsafeMember("%s is neither a file nor a folder" % member.name)
        yield member


def unpack(archive, dest):
    # Root's only: the build context may hold settings the project keeps in its tree.
    os.makedirs(dest, mode=0o700, exist_ok=True)
    os.chmod(dest, 0o700)
    with tarfile.open(archive) as tar:
        members = list(safe_members(tar))
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, members=members, filter="data")
        else:
            tar.extractall(dest, members=members)


def remove_assets(dest):
    for name in (CONTEXT_ASSETS_SHA256, CONTEXT_ASSETS):
        if os.path.lexists(os.path.join(dest, name)):
            os.unlink(os.path.join(dest, name))


def place_assets(dest, source, sha256):
    """Link (or copy) SOURCE as DEST's assets tar, when given; write its sha256 beside it.

    False when SOURCE is gone (nothing written then).
    """
    target = os.path.join(dest, CONTEXT_ASSETS)
    if source and not os.path.isfile(source):
        return False
    # The same folder again (a build of this tag that did not finish): already in place.
    if source and os.path.abspath(source) != os.path.abspath(target):
        if os.path.lexists(target):
            os.unlink(target)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    if sha256 and os.path.isfile(target):
        partial = os.path.join(dest, "." + CONTEXT_ASSETS_SHA256)
        with open(partial, "w", encoding="ascii") as out:
            out.write(sha256 + "\n")
        os.replace(partial, os.path.join(dest, CONTEXT_ASSETS_SHA256))
    return True


def place_offline(source, target):
    """The air-gap bundle's wheels and Debian packages (SOURCE) as the context's OFFLINE folder: linked, not copied."""
    if os.path.isdir(target):
        shutil.rmtree(target)
    for folder in OFFLINE_FOLDERS:
        os.makedirs(os.path.join(target, folder))
        if not os.path.isdir(os.path.join(source, folder)):
            continue
        for name in sorted(os.listdir(os.path.join(source, folder))):
            try:
                os.link(os.path.join(source, folder, name), os.path.join(target, folder, name))
            except OSError:
                shutil.copyfile(os.path.join(source, folder, name), os.path.join(target, folder, name))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            # The action plugin's: the user's options, and where it put the tar.
            src=dict(type="path", required=True),
            exclude=dict(type="list", elements="str", default=[]),
            code=dict(type="list", elements="str", default=[]),
            files=dict(type="dict", required=True),
            dest=dict(type="path", required=True),
            sha256=dict(type="str", required=True),
            on_host=dict(type="dict", default={}),
            lock=dict(type="dict", options=LOCK_OPTIONS),
            _archive=dict(type="path"),
            _assets_sha256=dict(type="str"),
            _assets_from=dict(type="path"),
            offline_dir=dict(type="str", default=""),
            **dict(MIRRORS_OPTIONS, **MIRROR_CHECK_OPTIONS)
        ),
        supports_check_mode=True,
    )
    # A private index's login in its URL (the mirrors, pip.conf) is in no output.
    hide_url_passwords(module)
    params = module.params
    if not params["_archive"] and not module.check_mode:
        module.fail_json(msg="django_app_context runs through its action plugin (the tar is packed on the controller)")
    if asks_mirrors(params):
        # Before anything changes on the host: the build would hang on a dead one.
        check_mirrors(module, params["mirrors"], params["engine_registry_mirrors"], params["mirror_timeout"],
                      params["mirror_check"])
    sent = not params["_assets_from"]
    if module.check_mode:
        module.exit_json(changed=True, dest=params["dest"], assets_sent=sent)
    if params["lock"]:
        take(module, **params["lock"])
    try:
        if sent:
            # A link to another build folder's copy is never written through.
            remove_assets(params["dest"])
        unpack(params["_archive"], params["dest"])
        placed = place_assets(params["dest"], params["_assets_from"], params["_assets_sha256"])
        if params["offline_dir"]:
            place_offline(params["offline_dir"], os.path.join(params["dest"], OFFLINE))
    except (UnsafeMember, tarfile.TarError, OSError) as error:
        module.fail_json(msg="The build context could not be unpacked into %s: %s" % (params["dest"], error))
    if not placed:
        module.exit_json(changed=True, dest=params["dest"], assets_sent=False, assets_missing=True)
    module.exit_json(changed=True, dest=params["dest"], assets_sent=sent)


if __name__ == "__main__":
    main()
