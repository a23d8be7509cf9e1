#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_probe
short_description: Ask a release's uWSGI for a page on its unix socket until it answers
version_added: 0.3.0
description:
  - Sends a GET request in the uwsgi protocol (the one Nginx's C(uwsgi_pass) speaks) to a
    uWSGI unix socket on the host, with the site's C(Host) header, as Nginx would, and repeats
    it until the HTTP status is one of O(status) or O(timeout) seconds have passed.
  - So a release is known to answer for the site before Nginx is pointed at it.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  socket:
    description: Path of the uWSGI socket on the host.
    type: path
    required: true
  host:
    description: The C(Host) header (a name the site's C(ALLOWED_HOSTS) holds).
    type: str
    default: localhost
  path:
    description: The path asked for.
    type: str
    default: /
  scheme:
    description: The scheme Nginx would pass on (C(X-Forwarded-Proto)).
    type: str
    choices: [http, https]
    default: http
  status:
    description: HTTP statuses that mean the release answers.
    type: list
    elements: int
    default: [200]
  timeout:
    description: Seconds to keep asking.
    type: int
    default: 90
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
    details: Nothing changes; in check mode nothing is asked either.
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Wait until the new release answers for the site
  djangodocker.deploy.django_app_probe:
    socket: /srv/nginx/sites/mysite/run/0123456789ab.sock
    host: www.example.com
    path: /healthz
    status: [200]
"""

RETURN = r"""
status:
  description: The last HTTP status (0 when no answer came).
  returned: success
  type: int
attempts:
  description: How many requests were made.
  returned: success
  type: int
"""

import socket as sockets
import struct
import time

from ansible.module_utils.basic import AnsibleModule


def uwsgi_packet(variables):
    """A uwsgi request: modifier1 0, the size of the variables, modifier2 0, then the variables."""
    body = b""
    for key, value in variables.items():
        key, value = key.encode("latin-1"), value.encode("latin-1")
        body += struct.pack("<H", len(key)) + key + struct.pack("<H", len(value)) + value
    return struct.pack("<BHB", 0, len(body), 0) + body


def request_variables(host, path, scheme):
    path_info, dummy, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "REQUEST_URI": path,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": host.split(":")[0],
        "SERVER_PORT": "443" if scheme == "https" else "80",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_PROTO": scheme,
        "HTTP_USER_AGENT": "djangodocker.deploy probe",
    }


def status_of(response):
    """The status code of an HTTP response's first line."""
    first = response.split(b"\r\n", 1)[0].split(b"\n", 1)[0]
    parts = first.split()
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise ValueError("not an HTTP response: %r" % first[:80])
    return int(parts[1])


def ask(path, variables, timeout=5.0):
    """One request on the unix socket PATH; the HTTP status."""
    conn = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(path)
        conn.sendall(uwsgi_packet(variables))
        response = b""
        while b"\n" not in response:
            chunk = conn.recv(4096)
            if not chunk:
                break
            response += chunk
        return status_of(response)
    finally:
        conn.close()


def probe(path, variables, wanted, timeout, request=ask, clock=time.monotonic, sleep=time.sleep):
    """(status, attempts, last error): ask until the status is wanted or TIMEOUT has passed."""
    deadline, attempts, status, error = clock() + timeout, 0, 0, ""
    while True:
        attempts += 1
        try:
            status, error = request(path, variables), ""
        except (OSError, ValueError) as failure:
            status, error = 0, str(failure)
        if status in wanted or clock() >= deadline:
            return status, attempts, error
        sleep(0.25)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            socket=dict(type="path", required=True),
            host=dict(type="str", default="localhost"),
            path=dict(type="str", default="/"),
            scheme=dict(type="str", default="http", choices=["http", "https"]),
            status=dict(type="list", elements="int", default=[200]),
            timeout=dict(type="int", default=90),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if module.check_mode:
        module.exit_json(changed=False, status=0, attempts=0)
    status, attempts, error = probe(params["socket"], request_variables(params["host"], params["path"], params["scheme"]),
                                    params["status"], params["timeout"])
    if status not in params["status"]:
        module.fail_json(msg="%s (Host %s) did not answer %s within %s s: %s"
                         % (params["socket"], params["host"], " or ".join(map(str, params["status"])), params["timeout"],
                            error or "the last answer was %s" % status),
                         status=status, attempts=attempts)
    module.exit_json(changed=False, status=status, attempts=attempts)


if __name__ == "__main__":
    main()
