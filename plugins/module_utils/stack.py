# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What this collection runs on a host, found by the labels its roles give their containers: the Nginx
front, the database server, Redis, and each app's web container, Celery workers and beat. Read by the
stack_status and stack_logs modules (status.yml, logs.yml); nothing here changes anything."""

from __future__ import annotations

import datetime
import json
import os

APP_LABEL = "djangodocker.deploy.app"
CELERY_LABEL = "djangodocker.deploy.celery"
# Label -> service, for the containers that serve every app.
SHARED = (("djangodocker.deploy.front", "nginx"), ("djangodocker.deploy.database", "database"),
          ("djangodocker.deploy.redis", "redis"))
SERVICES = ("web", "worker", "beat", "nginx", "database", "redis")


def parse_labels(text):
    """docker ps's Labels column (k=v,k=v) as a dict."""
    labels = {}
    for pair in (text or "").split(","):
        key, sep, value = pair.partition("=")
        if sep:
            labels[key.strip()] = value
    return labels


def classify(labels, name):
    """(service, app) of a container, or None when it is not one of the stack's. App containers other than
    the web container itself (a release starting beside it, a one-off) are left out."""
    for label, service in SHARED:
        if label in labels:
            return service, ""
    app = labels.get(APP_LABEL)
    if not app:
        return None
    role = labels.get(CELERY_LABEL)
    if role in ("worker", "beat"):
        return role, app
    return ("web", app) if name == app else None


def containers(docker):
    """The stack's containers: name, service, app, state, status (docker ps's), image; sorted by app, then
    service."""
    out = docker.run("container", "ls", "--all", "--no-trunc", "--format", "{{json .}}")
    found = []
    for line in out.splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        name = row.get("Names", "").split(",")[0]
        kind = classify(parse_labels(row.get("Labels")), name)
        if kind:
            found.append(dict(name=name, service=kind[0], app=kind[1], state=row.get("State", ""),
                              status=row.get("Status", ""), image=row.get("Image", "")))
    return sorted(found, key=lambda c: (c["app"], SERVICES.index(c["service"]), c["name"]))


def selected(found, apps=(), services=()):
    """FOUND narrowed to APPS (the shared services stay unless SERVICES leaves them out) and SERVICES."""
    return [c for c in found if (not apps or not c["app"] or c["app"] in apps)
            and (not services or c["service"] in services)]


def mount_source(inspected, destination):
    """The host path mounted at DESTINATION in the container INSPECTED; '' when none."""
    for mount in inspected.get("Mounts") or []:
        if mount.get("Destination") == destination:
            return mount.get("Source", "")
    return ""


def parse_time(text):
    """Docker's RFC 3339 time (nanoseconds) as an aware datetime; None when empty or zero."""
    if not text or text.startswith("0001-"):
        return None
    head, dummy, tail = text.partition(".")
    zone = tail.lstrip("0123456789") if tail else text[19:]
    head = head[:19]
    zone = "+00:00" if zone in ("Z", "") else zone
    return datetime.datetime.fromisoformat(head + zone)


def age(seconds):
    """A short age: 45 s, 12 min, 5 h, 3 d."""
    seconds = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return "%d %s" % (seconds // size, unit)
    return "%d s" % seconds


def newest_file(folder):
    """(path, mtime) of the newest regular file in FOLDER whose name does not start with a dot; None."""
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    best = None
    for name in names:
        path = os.path.join(folder, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        mtime = os.path.getmtime(path)
        if best is None or mtime > best[1]:
            best = (path, mtime)
    return best


def table(rows):
    """ROWS (lists of cells) as lines with the columns aligned (the last one free)."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows if len(row) > i) for i in range(max(len(row) for row in rows) - 1)]
    return ["  ".join([cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(row)]).rstrip()
            for row in rows]
