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
  - Makes the app's folder (root's, 0755), its data folder (the app user's, 0750), the
    secret key file (generated once on the host when no key is given, root's, 0600) and the
    environment file the container reads (root's, 0600) what they should be, and reports
    what was out of place.
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
    description: Where a generated secret key is kept.
    type: path
    required: true
  secret_key:
    description: The secret key to use; empty generates one once and keeps it in O(secret_file).
    type: str
    default: ""
  env_file:
    description: The environment file for the container.
    type: path
    required: true
  secret_env_name:
    description: The variable the secret key is given to the app in.
    type: str
    default: DJANGO_SECRET_KEY
  env:
    description: Other variables of the environment file, in order.
    type: dict
    default: {}
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
    env_file: /srv/django/mysite/app.env
    env:
      DJANGO_ALLOWED_HOSTS: '["example.com"]'
"""

RETURN = r"""
reasons:
  description: What was out of place, one sentence each (never a secret).
  returned: success
  type: list
  elements: str
requests:
  description: Whether the host's Python can import requests (the community.docker modules need it).
  returned: success
  type: bool
"""

import importlib.util
import re
import secrets

from ansible.module_utils.basic import AnsibleModule

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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type="path", required=True),
            data_dir=dict(type="path", required=True),
            uid=dict(type="int", required=True),
            secret_file=dict(type="path", required=True),
            secret_key=dict(type="str", default="", no_log=True),
            env_file=dict(type="path", required=True),
            secret_env_name=dict(type="str", default="DJANGO_SECRET_KEY"),
            env=dict(type="dict", default={}, no_log=True),
        ),
        supports_check_mode=True,
    )
    params, check = module.params, module.check_mode
    problems = env_problems(params["env"])
    if "\n" in params["secret_key"]:
        problems.append("the secret key has a line break")
    if problems:
        module.fail_json(msg="The environment file cannot be written: %s." % "; ".join(problems))
    try:
        reasons = ensure_folder(params["root"], "0755", check_mode=check)
        reasons += ensure_folder(params["data_dir"], "0750", params["uid"], params["uid"], check_mode=check)
        secret, secret_reasons = host_secret(params, check)
        reasons += secret_reasons
        text = env_text(params["secret_env_name"], secret, params["env"])
        reasons += ensure_file(params["env_file"], text.encode("utf-8"), SECRET_MODE, check_mode=check, secret=True)
    except FileProblem as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(reasons), reasons=reasons,
                     requests=importlib.util.find_spec("requests") is not None)


if __name__ == "__main__":
    main()
