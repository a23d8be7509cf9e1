#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: service_secrets
short_description: Keep a service's passwords on its host, and the files that use them
version_added: 0.6.0
description:
  - Keeps each secret in its own file in O(folder) (root's, 0700; files 0600). A secret given
    empty is generated once (32 letters and digits) and kept; a given one is written there.
  - Writes O(files) from templates in which C({name}) is a secret as it is and C({name_url})
    the same secret percent-encoded for a URL, so a database's client environment
    (C(DATABASE_URL)), its client option file and a server's configuration file are made on
    the host and the secrets never travel back to the controller.
  - With O(fixed), a given secret that differs from the kept one is an error before anything
    changes (a database reads its password when it is made only; changing it is a task of
    its own).
  - Refuses, before anything changes, secrets with characters that break the files they go
    into (whitespace, quotes, backslash, backtick, non-ASCII) or shorter than 8.
  - Nothing secret is ever in the result; C(checksum) changes when any written file changes.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  folder:
    description: Where the secrets are kept (root's, 0700).
    type: path
    required: true
  secrets:
    description: The secrets, by name; an empty value is generated once and kept.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Its file name in O(folder), and its name in the templates.
        type: str
        required: true
      value:
        description: The secret; empty keeps (or generates) it.
        type: str
        default: ""
  fixed:
    description: A given secret that differs from the kept one is an error.
    type: bool
    default: false
  files:
    description: Files written from templates that use the secrets.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The file.
        type: path
        required: true
      template:
        description: Its content; C({name}) and C({name_url}) are replaced, C({{) and C(}}) are braces.
        type: str
        required: true
      mode:
        description: Its mode.
        type: str
        default: "0600"
      uid:
        description: Its owner (user id).
        type: int
        default: 0
      gid:
        description: Its group id; empty is O(files[].uid).
        type: int
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Keep the database's passwords and its client environment
  djangodocker.deploy.service_secrets:
    folder: /srv/databases/postgresql/secrets
    fixed: true
    secrets:
      - name: password
        value: "{{ database_password }}"
    files:
      - path: /srv/databases/postgresql/client.env
        template: "DATABASE_URL=postgres://django:{password_url}@postgresql:5432/django\n"
  no_log: true
"""

RETURN = r"""
generated:
  description: The names of the secrets generated in this run.
  returned: success
  type: list
  elements: str
reasons:
  description: What was not as it should be (never a secret).
  returned: success
  type: list
  elements: str
checksum:
  description: SHA-256 over the written files' contents (for a label that restarts what reads them).
  returned: success
  type: str
"""

import hashlib
import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import (
    FileProblem,
    ensure_file,
    ensure_folder,
    read_bytes,
)
from ansible_collections.djangodocker.deploy.plugins.module_utils.secret_values import generate, secret_problem

NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def kept_value(path):
    data = read_bytes(path)
    return None if data is None else data.decode("ascii").strip()


def render(template, values):
    mapping = dict(values)
    mapping.update({name + "_url": quote(value, safe="") for name, value in values.items()})
    return template.format(**mapping)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            folder=dict(type="path", required=True),
            secrets=dict(type="list", elements="dict", required=True, no_log=False, options=dict(
                name=dict(type="str", required=True),
                value=dict(type="str", default="", no_log=True),
            )),
            fixed=dict(type="bool", default=False),
            files=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                template=dict(type="str", required=True, no_log=False),
                mode=dict(type="str", default="0600"),
                uid=dict(type="int", default=0),
                gid=dict(type="int"),
            )),
        ),
        supports_check_mode=True,
    )
    p = module.params
    values, generated, reasons, problems = {}, [], [], []
    for item in p["secrets"]:
        name, given = item["name"], item["value"]
        if not NAME.match(name):
            module.fail_json(msg="secret name %r: lower-case letters, digits and _ only" % name)
        kept = kept_value(os.path.join(p["folder"], name))
        if given:
            problem = secret_problem(name, given)
            if problem:
                problems.append(problem)
            elif p["fixed"] and kept is not None and kept != given:
                problems.append(
                    "%s differs from the one kept in %s, which the service was made with; the service does "
                    "not read a new one. Change it in the service first, then here (or leave it empty to "
                    "keep the kept one)" % (name, p["folder"]))
            values[name] = given
        elif kept:
            values[name] = kept
        else:
            values[name] = generate()
            generated.append(name)
    if problems:
        module.fail_json(msg="; ".join(problems))
    digest = hashlib.sha256()
    try:
        reasons += ensure_folder(p["folder"], "0700", check_mode=module.check_mode)
        for name, value in values.items():
            reasons += ensure_file(os.path.join(p["folder"], name), (value + "\n").encode("ascii"), "0600",
                                   check_mode=module.check_mode, secret=True)
        for item in p["files"]:
            try:
                data = render(item["template"], values).encode("utf-8")
            except (KeyError, IndexError, ValueError) as error:
                module.fail_json(msg="template of %s: unknown or bad placeholder %s" % (item["path"], error))
            digest.update(item["path"].encode("utf-8") + b"\0" + data + b"\0")
            folder = os.path.dirname(item["path"])
            if not os.path.isdir(folder) and not module.check_mode:
                os.makedirs(folder, 0o755)
            gid = item["uid"] if item["gid"] is None else item["gid"]
            reasons += ensure_file(item["path"], data, item["mode"], item["uid"], gid,
                                   check_mode=module.check_mode, secret=True)
    except (FileProblem, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(reasons), reasons=reasons, generated=generated, checksum=digest.hexdigest())


if __name__ == "__main__":
    main()
