#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: redis_account
short_description: Give one app its own Redis database number and key prefix
version_added: 0.9.0
description:
  - Chooses the app's Redis database number once (the lowest no other app's record holds) and records
    it in C(<root>/apps/<app>/account); writes the app's C(REDIS_URL) (that number) and its key prefix
    (C(DJANGODOCKER_REDIS_PREFIX), the app's name) into C(<root>/apps/<app>/client.env) (0600). So one
    app's cache, sessions and Celery queues are not another's. (Redis ACL key patterns would break
    Celery's unprefixed keys; the apps share the server's password.)
  - A host made by an earlier version gave every app database 0 (C(<root>/client.env)); an app that ran
    there keeps 0, without a prefix (its keys are there); 0 is then not given to a new app.
  - An error, before anything changes, when every database number is taken.
  - O(state=absent) (a purge of the app, remove.yml) empties the app's database number (C(FLUSHDB) through
    C(redis-cli) in O(container), authenticated from O(conf)) and deletes its record, so the number is free for
    another app; database 0 of an earlier version's layout is not emptied (only the record goes). An app with no
    record changes nothing.
  - Nothing secret is in the result.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  root:
    description: Redis' folder on the host (the redis role's C(redis_root)); its password is in C(secrets/password).
    type: path
    required: true
  app:
    description: The app's name (the django_app role's).
    type: str
    required: true
  state:
    description: Whether the app has its database number (V(present)) or not (V(absent)).
    type: str
    choices: [present, absent]
    default: present
  url:
    description: C(REDIS_URL) with C({password}) (percent-encoded) and C({db}) to fill in. Required with
      O(state=present).
    type: str
  container:
    description: With O(state=absent), Redis' container.
    type: str
  conf:
    description: With O(state=absent), Redis' configuration in the container (its C(requirepass) line is the password).
    type: str
  databases:
    description: How many databases the server has (its C(databases) setting).
    type: int
    default: 16
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Give the app its own Redis database
  djangodocker.deploy.redis_account:
    root: /srv/redis/redis
    app: shop
    url: "redis://:{password}@redis:6379/{db}"
"""

RETURN = r"""
env_file:
  description: The app's client environment on the host (C(REDIS_URL) with the password, the key prefix).
  returned: success
  type: str
db:
  description: The app's database number.
  returned: success
  type: int
legacy:
  description: Whether the app keeps database 0 of an earlier version's layout.
  returned: success
  type: bool
reasons:
  description: What was not as it should be (never a secret).
  returned: success
  type: list
  elements: str
"""

import os
import shutil

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.djangodocker.deploy.plugins.module_utils import service_accounts
from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import FileProblem, read_text


def choose(root, app, databases, docker):
    """(number, legacy) of APP: its record's, 0 for an app of the earlier layout, else the lowest free."""
    kept = service_accounts.records(root)
    if app in kept and kept[app].get("REDIS_DB", "").isdigit():
        return int(kept[app]["REDIS_DB"]), kept[app].get("LEGACY") == "1"
    if service_accounts.keeps_legacy(root, app, docker):
        return 0, True
    taken = {int(one["REDIS_DB"]) for one in kept.values() if one.get("REDIS_DB", "").isdigit()}
    if service_accounts.legacy_env(root) is not None:
        taken.add(0)
    for number in range(databases):
        if number not in taken:
            return number, False
    raise service_accounts.AccountProblem(
        "every Redis database (0-%d) is another app's (records in %s): run another Redis for app %s "
        "(redis_container_name)" % (databases - 1, os.path.join(root, "apps"), app))


def run(module, docker):
    p = module.params
    root, app = p["root"], p["app"]
    folder = service_accounts.app_folder(root, app)
    db, legacy = choose(root, app, p["databases"], docker)
    password = (read_text(os.path.join(root, "secrets", "password")) or "").strip()
    if not password and not module.check_mode:
        raise service_accounts.AccountProblem("Redis has no password in %s yet (run the redis role first)"
                                              % os.path.join(root, "secrets"))
    client_env = "REDIS_URL=%s\n" % p["url"].format(password=quote(password, safe=""), db=db)
    if not legacy:
        client_env += "DJANGODOCKER_REDIS_PREFIX=%s\n" % app
    reasons = service_accounts.write(root, app, {"REDIS_DB": str(db), "LEGACY": "1" if legacy else "0"},
                                     client_env, module.check_mode)
    return {"env_file": os.path.join(folder, "client.env"), "db": db, "legacy": legacy, "reasons": reasons}


def forget(module, docker):
    """State absent: the app's database number emptied and its record deleted; the reasons."""
    p = module.params
    folder = service_accounts.app_folder(p["root"], p["app"])
    kept = service_accounts.records(p["root"]).get(p["app"])
    if not kept:
        return {"reasons": []}
    reasons = ["record %s deleted" % folder]
    legacy = kept.get("LEGACY") == "1" or not kept.get("REDIS_DB", "").isdigit()
    if not legacy:
        reasons.insert(0, "database %s emptied" % kept["REDIS_DB"])
    if module.check_mode:
        return {"reasons": reasons}
    if not legacy:
        if not p["container"] or not (p["conf"] or "").startswith("/") or "'" in p["conf"]:
            raise service_accounts.AccountProblem("state=absent needs Redis' container and its configuration's path")
        # The password stays in the container: read there from the configuration into redis-cli's environment.
        docker.run("exec", p["container"], "sh", "-c",
                   "REDISCLI_AUTH=$(sed -n 's/^requirepass //p' '%s') exec redis-cli -n %d FLUSHDB"
                   % (p["conf"], int(kept["REDIS_DB"])))
    shutil.rmtree(folder)
    return {"reasons": reasons}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type="path", required=True),
            app=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            url=dict(type="str"),
            databases=dict(type="int", default=16),
            container=dict(type="str"),
            conf=dict(type="str"),
        ),
        required_if=[("state", "present", ["url"])],
        supports_check_mode=True,
    )
    try:
        result = (run if module.params["state"] == "present" else forget)(module, Docker(module))
    except (service_accounts.AccountProblem, DockerError, FileProblem, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(result["reasons"]), **result)


if __name__ == "__main__":
    main()
