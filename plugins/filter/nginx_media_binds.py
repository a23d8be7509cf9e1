# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: nginx_media_binds
short_description: The sites' media mounts a running Nginx container has, as volume strings
version_added: 0.3.0
description:
  - From containers as the engine describes them (C(docker ps) summaries with C(Names), or
    C(docker inspect) results with C(Name)), the mounts of the container named O(name) below
    O(root), as C(source:destination:ro) strings for C(community.docker.docker_container),
    so that recreating Nginx keeps every site's media folder.
author: djangodocker.deploy developers (!UNKNOWN)
positional: name, root
options:
  _input:
    description: Containers (summaries or inspect results).
    type: list
    elements: dict
    required: true
  name:
    description: The container's name.
    type: str
    required: true
  root:
    description: The folder in the container the media mounts are below.
    type: str
    required: true
"""

EXAMPLES = r"""
kept: "{{ holders.containers | djangodocker.deploy.nginx_media_binds('nginx', '/srv/media') }}"
"""

RETURN = r"""
_value:
  description: C(source:destination:ro) strings, in the container's order.
  type: list
  elements: str
"""


def _names(container):
    names = list(container.get("Names") or [])
    if container.get("Name"):
        names.append(container["Name"])
    return [name.lstrip("/") for name in names]


def nginx_media_binds(containers, name, root):
    prefix = root.rstrip("/") + "/"
    binds = []
    for container in containers or []:
        if name not in _names(container):
            continue
        for mount in container.get("Mounts") or []:
            if (mount.get("Destination") or "").startswith(prefix):
                binds.append("%s:%s:ro" % (mount["Source"], mount["Destination"]))
    return binds


class FilterModule:

    def filters(self):
        return {"nginx_media_binds": nginx_media_binds}
