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
  - An action plugin packs and sends the tar; this module, on the host, makes O(dest) (root, 0755) and
    unpacks the tar there. Only regular files and folders below O(dest) are unpacked.
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
  _archive:
    description: Set by the action plugin, not by users - where it put the tar on the host.
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
"""

RETURN = r"""
dest:
  description: Where the context was unpacked.
  returned: success
  type: str
"""

import os
import tarfile

from ansible.module_utils.basic import AnsibleModule


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
    os.makedirs(dest, mode=0o755, exist_ok=True)
    os.chmod(dest, 0o755)
    with tarfile.open(archive) as tar:
        members = list(safe_members(tar))
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, members=members, filter="data")
        else:
            tar.extractall(dest, members=members)


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
            _archive=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    if not module.params["_archive"]:
        module.fail_json(msg="django_app_context runs through its action plugin (the tar is packed on the controller)")
    if module.check_mode:
        module.exit_json(changed=True, dest=module.params["dest"])
    try:
        unpack(module.params["_archive"], module.params["dest"])
    except (UnsafeMember, tarfile.TarError, OSError) as error:
        module.fail_json(msg="The build context could not be unpacked into %s: %s" % (module.params["dest"], error))
    module.exit_json(changed=True, dest=module.params["dest"])


if __name__ == "__main__":
    main()
