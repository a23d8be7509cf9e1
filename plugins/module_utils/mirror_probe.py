# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask a mirror, with a short bounded timeout, whether it answers.

dockerd silently skips a registry mirror that does not answer and falls back
to Docker Hub, which hangs where it is blocked; apt and pip wait long too. A
short probe first turns a dead mirror into a clear error naming it.
"""

from __future__ import annotations

import json

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.urls import open_url

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker

# A URL to ask, as modules take it (a list of these): what it is, where, and
# the HTTP statuses that mean it answers.
MIRROR_OPTIONS = dict(
    name=dict(type="str", required=True),
    url=dict(type="str", required=True),
    alive=dict(type="list", elements="int", default=[200]),
)


# The mirror check's options, the same names as the roles' variables (doc fragment
# djangodocker.deploy.mirrors).
MIRROR_CHECK_OPTIONS = dict(
    mirror_check=dict(type="str", choices=["fail", "warn", "skip"], default="fail"),
    mirror_timeout=dict(type="int", default=10),
)
# For the modules given the mirrors to ask (doc fragment djangodocker.deploy.mirrors.MIRRORS).
MIRRORS_OPTIONS = dict(
    mirrors=dict(type="list", elements="dict", default=[], options=MIRROR_OPTIONS),
    engine_registry_mirrors=dict(type="bool", default=False),
)


def asks_mirrors(params):
    """Whether a module's MIRROR_CHECK_OPTIONS ask any mirror."""
    return params["mirror_check"] != "skip" and params["mirror_timeout"] > 0


def registry_probe_url(mirror):
    """The URL that tells whether a registry mirror speaks the registry API."""
    return mirror.rstrip("/") + "/v2/"


def probe(url, timeout, alive_statuses=(200,)):
    """None when URL answers with one of ALIVE_STATUSES within TIMEOUT seconds; else why not."""
    try:
        response = open_url(url, timeout=timeout, follow_redirects="all", validate_certs=True)
        status = response.getcode()
    except HTTPError as error:
        status = error.code
    except (URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return "%s" % (reason,)
    except Exception as error:  # pylint: disable=broad-except
        # open_url raises library-specific errors (SSL, ConnectionError); all mean "not usable".
        return "%s" % (error,)
    if status in alive_statuses:
        return None
    return "HTTP %s" % status


def probe_all(targets, timeout):
    """[{"name", "url", "reason"}] for each target {"name", "url", "alive"} that is not usable."""
    failures = []
    for target in targets:
        reason = probe(target["url"], timeout, tuple(target.get("alive") or (200,)))
        if reason is not None:
            failures.append({"name": target["name"], "url": target["url"], "reason": reason})
    return failures


def describe(failures):
    return "; ".join("%s %s: %s" % (f["name"], f["url"], f["reason"]) for f in failures)


def failure_message(failures, timeout):
    """The sentence naming each mirror that did not answer, and why (the modules add what to do)."""
    return "These mirrors did not answer within %ss: %s" % (timeout, describe(failures))


def engine_mirror_targets(module):
    """The engine's configured registry mirrors (docker info) as probe targets; none without an engine."""
    docker = Docker(module)
    if not docker.available:
        return []
    # IndexConfigs: Docker 20.10 keeps the top-level Mirrors of its start after a reload.
    code, out, dummy = docker.attempt("info", "--format", '{{json (index .RegistryConfig.IndexConfigs "docker.io").Mirrors}}')
    if code != 0:
        return []
    return [{"name": "registry mirror", "url": registry_probe_url(m), "alive": [200, 401]}
            for m in json.loads(out or "null") or []]


def check_mirrors(module, mirrors, engine_registry_mirrors, timeout, mirror_check):
    """Ask MIRRORS (and the engine's registry mirrors); fail the module (MIRROR_CHECK fail), or warn,
    naming each that did not answer. Returns (targets asked, failures)."""
    targets = list(mirrors) + (engine_mirror_targets(module) if engine_registry_mirrors else [])
    failures = probe_all(targets, timeout)
    if failures:
        message = failure_message(failures, timeout)
        if mirror_check == "fail":
            module.fail_json(msg=message + ". Nothing was changed. Check the URLs, or choose another mirror.",
                             checked=[t["url"] for t in targets], failures=failures)
        module.warn(message)
    return targets, failures
