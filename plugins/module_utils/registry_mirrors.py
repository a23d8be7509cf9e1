# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which of the listed registry mirrors serve the images a play will pull.

dockerd tries `registry-mirrors` in order, then Docker Hub. A mirror that does
not answer costs every pull its timeout first; one that answers `/v2/` may
still lack an image (public mirrors in China serve an allowlist); Docker Hub
itself is blocked or throttled there. So each mirror is asked for the
manifest of every image the play needs, and daemon.json lists only those
that serve them all.
"""

from __future__ import annotations

import json
import re
import socket

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.urls import open_url

from ansible_collections.djangodocker.deploy.plugins.module_utils.mirror_probe import probe, registry_probe_url

# What a registry answers a manifest request with: a multi-arch index or one
# image's manifest, Docker's or OCI's media types.
MANIFEST_ACCEPT = ", ".join((
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
))

_HUB_HOSTS = ("docker.io", "index.docker.io", "registry-1.docker.io")


def hub_reference(image):
    """(repository, reference) of IMAGE on Docker Hub, or None when IMAGE names another registry.

    "python:3.13-slim" -> ("library/python", "3.13-slim"); "goacme/lego" -> ("goacme/lego", "latest");
    "name@sha256:..." -> ("library/name", "sha256:...").
    """
    name, digest = (image.split("@", 1) + [""])[:2]
    first, dummy, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        if first not in _HUB_HOSTS:
            return None
        name = rest
    tag = "latest"
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    if "/" not in name:
        name = "library/" + name
    return name, digest or tag


def manifest_url(mirror, image):
    """The URL at which MIRROR serves IMAGE's manifest (None for an image of another registry)."""
    reference = hub_reference(image)
    if reference is None:
        return None
    return "%s/v2/%s/manifests/%s" % (mirror.rstrip("/"), reference[0], reference[1])


def _bearer_challenge(header):
    """The parameters of a `WWW-Authenticate: Bearer realm=...,service=...` header, or None."""
    if not header or not header.lower().startswith("bearer "):
        return None
    return dict(re.findall(r'(\w+)="([^"]*)"', header))


class Answer(object):
    """What a mirror answered for one image: served, or why not, and whether it only timed out."""

    def __init__(self, served, reason=None, timed_out=False):
        self.served, self.reason, self.timed_out = served, reason, timed_out


def _get(url, timeout, headers):
    """(status, headers, body) of a GET; HTTP errors are answers, not exceptions."""
    try:
        response = open_url(url, timeout=timeout, headers=headers, follow_redirects="all", validate_certs=True)
        return response.getcode(), response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, b""


def _timed_out(error):
    reason = getattr(error, "reason", error)
    return isinstance(reason, socket.timeout) or isinstance(error, socket.timeout) or "timed out" in str(reason)


def ask(mirror, image, timeout):
    """Answer: does MIRROR serve IMAGE's manifest within TIMEOUT seconds?

    A mirror that asks for a token gets Docker's anonymous token flow, as dockerd would.
    """
    url = manifest_url(mirror, image)
    if url is None:
        return Answer(True)
    headers = {"Accept": MANIFEST_ACCEPT}
    try:
        status, answer_headers, dummy = _get(url, timeout, headers)
        challenge = _bearer_challenge(answer_headers.get("WWW-Authenticate") if answer_headers else None)
        if status == 401 and challenge and challenge.get("realm"):
            repository = hub_reference(image)[0]
            token_url = "%s?service=%s&scope=repository:%s:pull" % (
                challenge["realm"], challenge.get("service", ""), repository)
            token_status, dummy, body = _get(token_url, timeout, {})
            if token_status != 200:
                return Answer(False, "its token service answered HTTP %s" % token_status)
            token = json.loads(body.decode("utf-8") or "{}")
            headers["Authorization"] = "Bearer %s" % (token.get("token") or token.get("access_token") or "")
            status, dummy, dummy = _get(url, timeout, headers)
    except (URLError, OSError, ValueError) as error:
        return Answer(False, "%s" % (getattr(error, "reason", error),), _timed_out(error))
    except Exception as error:  # pylint: disable=broad-except
        # open_url raises library-specific errors (SSL, ConnectionError); all mean "not usable".
        return Answer(False, "%s" % (error,), _timed_out(error))
    if status == 200:
        return Answer(True)
    if status == 404:
        return Answer(False, "it does not have %s (HTTP 404)" % image)
    return Answer(False, "HTTP %s for %s" % (status, image))


def judge(mirror, images, timeout, asker=ask):
    """Answer for MIRROR and all IMAGES: served only when every image is; stops at the first that is not.

    With no images the registry API root is asked (every registry answers /v2/, with 200 or 401).
    """
    if not images:
        reason = probe(registry_probe_url(mirror), timeout, (200, 401))
        return Answer(True) if reason is None else Answer(False, reason, "timed out" in reason)
    for image in images:
        answer = asker(mirror, image, timeout)
        if not answer.served:
            return answer
    return Answer(True)


def choose(mirrors, answers, configured):
    """(mirrors to write, warnings, error) from the ANSWERS (a dict mirror -> Answer) to the listed MIRRORS.

    A mirror is kept when it served every image. A mirror already CONFIGURED (in daemon.json now)
    that only timed out is kept too, so that a mirror that is slow now and then does not make runs
    rewrite daemon.json and reload the engine back and forth. ERROR is set when no mirror served.
    """
    kept, warnings = [], []
    for mirror in mirrors:
        answer = answers[mirror]
        if answer.served:
            kept.append(mirror)
        elif answer.timed_out and mirror in configured:
            kept.append(mirror)
            warnings.append("Registry mirror %s did not answer in time (%s); kept, as it is configured already."
                            % (mirror, answer.reason))
        else:
            warnings.append("Registry mirror %s is left out of daemon.json: %s." % (mirror, answer.reason))
    if not any(answers[m].served for m in mirrors):
        return [], warnings, ("No registry mirror serves the images this play pulls: %s"
                              % "; ".join("%s: %s" % (m, answers[m].reason) for m in mirrors))
    return kept, warnings, None


def select(mirrors, images, configured, timeout, asker=ask):
    """choose() over the answers of each of MIRRORS for IMAGES."""
    answers = dict((mirror, judge(mirror, images, timeout, asker)) for mirror in mirrors)
    return choose(mirrors, answers, configured)
