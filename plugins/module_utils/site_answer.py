# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A site's answer to a page, as a visitor gets it: redirects that stay on the site are followed.

One rule for the release gate (django_app_probe, on the host) and the image's Docker health check
(the role copies this file into the image beside healthcheck.py; hence the standard library only):
`/` answering 302 to a login page that fails is a failure of `/`, not a healthy 302. A redirect
that leaves the site (another host, an SSO) is the answer itself.
"""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urljoin, urlsplit

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP on a unix socket (Gunicorn's and Granian's), as Nginx's proxy_pass http://unix: speaks it."""

    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def next_hop(status, location, host, scheme, path):
    """(path, scheme) of the redirect to follow; None when the answer is final (not a redirect, or
    one that leaves the site HOST)."""
    if status not in REDIRECTS or not location:
        return None
    target = urlsplit(urljoin("%s://%s%s" % (scheme, host, path), location))
    if target.scheme not in ("http", "https") or target.netloc.lower() != host.lower():
        return None
    return (target.path or "/") + ("?" + target.query if target.query else ""), target.scheme


def final_answer(ask, path, scheme, host, redirects=MAX_REDIRECTS):
    """(status, path) at the end of the site's own redirects from PATH. ASK(path, scheme) asks one
    page and returns (status, Location or ''). More than REDIRECTS redirects is an error."""
    for dummy in range(redirects + 1):
        status, location = ask(path, scheme)
        hop = next_hop(status, location, host, scheme, path)
        if hop is None:
            return status, path
        path, scheme = hop
    raise ValueError("more than %s redirects on the site, the last to %s" % (redirects, path))
