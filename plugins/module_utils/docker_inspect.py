# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A container as the engine describes it, through the docker command.

The modules that need one read (django_app_host, django_app_release,
nginx_site) run on hosts where the community.docker modules' Python
dependencies may not be there yet, so they ask the docker command.
"""

from __future__ import annotations

import json


def inspect_container(module, name):
    """`docker container inspect NAME` through MODULE's run_command; None when there is none or no docker yet."""
    if not module.get_bin_path("docker"):
        return None
    code, out, dummy = module.run_command(["docker", "container", "inspect", name])
    if code != 0 or not out.strip():
        return None
    found = json.loads(out)
    return found[0] if found else None


def container_logs(module, name, tail):
    """The last TAIL lines a container wrote (its output and error streams); [] when there is none."""
    if not module.get_bin_path("docker"):
        return []
    code, out, err = module.run_command(["docker", "logs", "--tail", str(tail), name])
    if code != 0:
        return []
    # docker logs writes the container's stderr on its own stderr.
    return [line for line in (out + "\n" + err).splitlines() if line.strip()][-tail:]
