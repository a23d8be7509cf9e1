#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_status
short_description: What the host runs for its Django apps, one line per thing
version_added: 0.11.0
description:
  - Reads, for each app on the host (found by its containers' labels) - the serving release (tag, when its image
    was built, since when it serves), its health, its Celery workers and beat, the release a rollback goes back to,
    the age of its newest local backup and of its last good off-site backup (the off-site timer's status file), the
    days its certificate has left, and whether its deploy lock is held and by whom; for the host - the Nginx front,
    the database server and Redis with their health, and the disk space free where the apps' data and Docker's
    images live.
  - Changes nothing; runs in check mode (status.yml runs it so).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  apps:
    description: Only these apps; empty is every app on the host.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Read what the host runs
  djangodocker.deploy.stack_status:
  check_mode: true
  register: status
"""

RETURN = r"""
apps:
  description: Per app - C(name), C(tag), C(built), C(since), C(health), C(workers), C(rollback_to), C(backup_age),
    C(offsite_age), C(certificate_days), C(lock).
  returned: success
  type: list
  elements: dict
services:
  description: The shared containers (C(service), C(name), C(state), C(status)).
  returned: success
  type: list
  elements: dict
lines:
  description: All of it as aligned lines, one per thing.
  returned: success
  type: list
  elements: str
"""

import datetime
import json
import os
import shutil
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.deploy_lock import read_lock
from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.offsite_backup import read_status
from ansible_collections.djangodocker.deploy.plugins.module_utils.release_history import (
    read_history, rollback_candidate)
from ansible_collections.djangodocker.deploy.plugins.module_utils.stack import (
    age, containers, mount_source, newest_file, parse_time, table)


def inspect_json(docker, *args):
    code, out, dummy = docker.attempt(*args)
    try:
        found = json.loads(out) if code == 0 else []
    except ValueError:
        found = []
    return found[0] if found else {}


def certificate_days(module, path, now):
    """Days left on the certificate at PATH (openssl on the host); None when there is none."""
    if not os.path.isfile(path) or not module.get_bin_path("openssl"):
        return None
    code, out, dummy = module.run_command(["openssl", "x509", "-enddate", "-noout", "-in", path])
    if code != 0 or "=" not in out:
        return None
    end = datetime.datetime.strptime(out.split("=", 1)[1].strip(), "%b %d %H:%M:%S %Y %Z")
    return int((end.replace(tzinfo=datetime.timezone.utc).timestamp() - now) // 86400)


def app_report(module, docker, web, workers, images, certs_dir, now):
    name = web["name"]
    inspected = inspect_json(docker, "container", "inspect", name)
    state = inspected.get("State") or {}
    image = (inspected.get("Config") or {}).get("Image", web["image"])
    built = parse_time(inspect_json(docker, "image", "inspect", image).get("Created", ""))
    started = parse_time(state.get("StartedAt", ""))
    data = mount_source(inspected, "/data")
    root = os.path.dirname(data.rstrip("/")) if data else ""
    backup = newest_file(os.path.join(root, "backups")) if root else None
    offsite = read_status(os.path.join(root, "offsite", "status.json")) if root else {}
    lock = read_lock(os.path.join(root, "deploy.lock")) if root else None
    return dict(
        name=name, tag=image.rsplit(":", 1)[-1], built=built.strftime("%Y-%m-%d %H:%M") if built else "",
        since=started.strftime("%Y-%m-%d %H:%M") if started else "",
        health=(state.get("Health") or {}).get("Status", "") or web["state"],
        workers=["%s %s" % (w["name"], w["status"]) for w in workers],
        rollback_to=rollback_candidate(read_history(os.path.join(root, "releases")) if root else [], image,
                                       images).rsplit(":", 1)[-1],
        backup_age=age(now - backup[1]) if backup else "",
        offsite_age=age(now - offsite["last_good"]) if offsite.get("last_good") else "",
        offsite_error=offsite.get("error", ""),
        certificate_days=certificate_days(module, os.path.join(certs_dir, name + ".crt"), now) if certs_dir else None,
        lock="held by %s for %s" % (lock.get("holder"), age(now - float(lock.get("since", now)))) if lock else "free",
        root=root,
    )


def app_rows(app):
    serving = "%s (built %s), since %s, %s" % (app["tag"], app["built"] or "?", app["since"] or "?", app["health"])
    rows = [[app["name"], "serving", serving],
            [app["name"], "rollback", app["rollback_to"] or "none on the host"],
            [app["name"], "workers", "; ".join(app["workers"]) or "none"],
            [app["name"], "backups", "local %s ago; off-site %s" % (
                app["backup_age"] or "never", ("%s ago" % app["offsite_age"]) if app["offsite_age"] else "never")
             + (" (last run failed: %s)" % app["offsite_error"] if app["offsite_error"] else "")]]
    if app["certificate_days"] is not None:
        rows.append([app["name"], "certificate", "%s days left" % app["certificate_days"]])
    rows.append([app["name"], "deploy lock", app["lock"]])
    return rows


def disk_rows(paths):
    rows, seen = [], set()
    for path in paths:
        if not path or not os.path.exists(path):
            continue
        device = os.stat(path).st_dev
        if device in seen:
            continue
        seen.add(device)
        usage = shutil.disk_usage(path)
        rows.append(["host", "disk", "%s: %.1f GB free of %.1f GB" % (path, usage.free / 1e9, usage.total / 1e9)])
    return rows


def main():
    module = AnsibleModule(argument_spec=dict(apps=dict(type="list", elements="str", default=[])),
                           supports_check_mode=True)
    docker = Docker(module)
    if not docker.available:
        module.exit_json(changed=False, apps=[], services=[], lines=["host  docker  not installed yet"])
    now = time.time()
    try:
        found = containers(docker)
        images = docker.run("image", "ls", "--format", "{{.Repository}}:{{.Tag}}").splitlines()
        docker_root = docker.run("info", "--format", "{{.DockerRootDir}}").strip()
    except DockerError as error:
        module.fail_json(msg=str(error))
    front = next((c for c in found if c["service"] == "nginx"), None)
    certs_dir = mount_source(inspect_json(docker, "container", "inspect", front["name"]), "/etc/nginx/certs") \
        if front else ""
    webs = [c for c in found if c["service"] == "web" and (not module.params["apps"] or c["app"] in module.params["apps"])]
    missing = [app for app in module.params["apps"] if not any(w["app"] == app for w in webs)]
    if missing:
        module.fail_json(msg="No app %s on this host." % ", ".join(missing))
    apps = [app_report(module, docker, web, [c for c in found if c["app"] == web["app"] and c["service"] != "web"],
                       images, certs_dir, now) for web in webs]
    services = [dict(service=c["service"], name=c["name"], state=c["state"], status=c["status"])
                for c in found if not c["app"]]
    rows = [row for app in apps for row in app_rows(app)]
    rows += [["host", s["service"], "%s %s" % (s["name"], s["status"])] for s in services]
    rows += disk_rows([app["root"] for app in apps] + [docker_root])
    module.exit_json(changed=False, apps=apps, services=services, lines=table(rows))


if __name__ == "__main__":
    main()
