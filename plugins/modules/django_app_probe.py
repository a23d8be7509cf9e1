#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_probe
short_description: Ask a release's server for a page on its unix socket until it answers
version_added: 0.3.0
description:
  - Sends a GET request in the uwsgi protocol (the one Nginx's C(uwsgi_pass) speaks) to a
    uWSGI unix socket on the host, with the site's C(Host) header, as Nginx would, and repeats
    it until the HTTP status is one of O(status) or O(timeout) seconds have passed.
  - Redirects that stay on the site (a relative C(Location), or the same host) are followed, up to 5, and the
    last answer is judged, as a visitor gets it (module_utils C(site_answer), the same rule as the image's
    Docker health check), so C(/) redirecting to a login page that fails is a failure. A redirect that
    leaves the site is the answer.
  - With O(protocol=http), speaks HTTP on the socket instead (Gunicorn, Granian; Nginx's C(proxy_pass)).
  - So a release is known to answer for the site before Nginx is pointed at it.
  - With O(static), first copies the release's static files out of its container into a folder
    on the host for Nginx (while the release boots, so the copy adds no time to the wait).
  - With O(url) instead of O(socket), asks an HTTP address on the host the same way (a release that
    publishes its port, single mode).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  socket:
    description: Path of the uWSGI socket on the host. One of O(socket) and O(url) is required.
    type: path
  url:
    description:
      - An C(http://address:port) to ask O(path) at, instead of a uWSGI socket.
    type: str
  protocol:
    description: What O(socket) speaks, C(uwsgi) (uWSGI) or C(http) (Gunicorn, Granian).
    type: str
    choices: [uwsgi, http]
    default: uwsgi
    version_added: 0.11.0
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
  static:
    description:
      - Static files to copy out of the release's container before asking. Nothing is copied when
        O(static.dest) exists; the copy goes to a hidden folder beside it, renamed when complete, so
        Nginx never sees half of it. Files and folders become readable by all (Nginx's user).
    type: dict
    suboptions:
      container:
        description: The release's container.
        type: str
        required: true
      source:
        description: The folder in the container.
        type: str
        default: /app/staticfiles
      dest:
        description: The folder on the host (one per release).
        type: path
        required: true
      subdir:
        description: Where inside O(static.dest) the files go (the site's static URL, so Nginx's C(root) serves them).
        type: str
        default: /static/
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

- name: Copy the release's static files for Nginx, then wait until it answers
  djangodocker.deploy.django_app_probe:
    socket: /srv/nginx/sites/mysite/run/0123456789ab.sock
    host: www.example.com
    static:
      container: mysite-next
      dest: /srv/nginx/sites/mysite/static/0123456789ab
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
static_copied:
  description: Whether O(static) copied the files (false when O(static.dest) was there).
  returned: success
  type: bool
"""

import http.client
import os
import shutil
import urllib.parse
import socket as sockets
import stat
import struct
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker
from ansible_collections.djangodocker.deploy.plugins.module_utils.site_answer import UnixHTTPConnection, final_answer


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


def location_of(response):
    """The Location header of an HTTP response's head ('' when none)."""
    head = response.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    for line in head.splitlines()[1:]:
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() == b"location":
            return value.strip().decode("latin-1")
    return ""


def ask(path, variables, timeout=5.0):
    """One request on the unix socket PATH; the HTTP status and Location."""
    conn = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(path)
        conn.sendall(uwsgi_packet(variables))
        response = b""
        while b"\r\n\r\n" not in response and b"\n\n" not in response:
            chunk = conn.recv(4096)
            if not chunk:
                break
            response += chunk
        return status_of(response), location_of(response)
    finally:
        conn.close()


def ask_http(url, variables, timeout=5.0):
    """One GET of VARIABLES' path at URL (its scheme, address and port), with their Host header; the HTTP
    status and Location."""
    parts = urllib.parse.urlsplit(url)
    return get(http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout), variables)


def ask_unix_http(path, variables, timeout=5.0):
    """One GET of VARIABLES' path on the unix socket PATH in HTTP; the status and Location."""
    return get(UnixHTTPConnection(path, timeout), variables)


def get(conn, variables):
    try:
        conn.request("GET", variables["REQUEST_URI"],
                     headers={"Host": variables["HTTP_HOST"], "X-Forwarded-Proto": variables["HTTP_X_FORWARDED_PROTO"],
                              "User-Agent": variables["HTTP_USER_AGENT"]})
        response = conn.getresponse()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def probe(target, page, wanted, timeout, request=ask, clock=time.monotonic, sleep=time.sleep):
    """(status, attempts, last error): ask for PAGE (host, path, scheme) at TARGET until the status at the
    end of the site's own redirects is wanted or TIMEOUT has passed."""
    host, path, scheme = page
    deadline, attempts, status, error = clock() + timeout, 0, 0, ""

    def ask_page(hop_path, hop_scheme):
        return request(target, request_variables(host, hop_path, hop_scheme))

    while True:
        attempts += 1
        try:
            (status, last), error = final_answer(ask_page, path, scheme, host), ""
            if last != path:
                error = "the answer of %s, where %s redirects" % (last, path)
        except (OSError, ValueError, http.client.HTTPException) as failure:
            status, error = 0, str(failure) or failure.__class__.__name__
        if status in wanted or clock() >= deadline:
            return status, attempts, error
        sleep(0.25)


def readable_by_all(top):
    """chmod -R a+rX: files readable by all, folders (and executables) also searchable."""
    for root, dirs, files in os.walk(top):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            mode = os.lstat(name).st_mode
            if stat.S_ISLNK(mode):
                continue
            extra = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
            if stat.S_ISDIR(mode) or mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH):
                extra |= stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
            os.chmod(name, stat.S_IMODE(mode) | extra)


def copy_static(run, container, source, dest, subdir):
    """docker cp CONTAINER:SOURCE/. into DEST/SUBDIR unless DEST exists; whether it copied.

    RUN(argv) runs a command and returns (code, stderr)."""
    if os.path.exists(dest):
        return False
    partial = os.path.join(os.path.dirname(dest), "." + os.path.basename(dest) + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    target = os.path.join(partial, subdir.strip("/"))
    os.makedirs(target)
    code, err = run(["docker", "cp", "%s:%s/." % (container, source.rstrip("/")), target])
    if code != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise OSError("copying the static files out of %s failed: %s" % (container, err.strip()))
    readable_by_all(partial)
    os.rename(partial, dest)
    return True


def request_for(params):
    """How to ask: uwsgi or HTTP on the socket, or HTTP at the URL."""
    if not params["socket"]:
        return ask_http
    return ask_unix_http if params.get("protocol") == "http" else ask


class NoAnswer(Exception):
    """The release did not answer as wanted in time; the message says how."""


def copy_and_probe(params, run, ask_until=probe):
    """Copy the static files (O(static)), then ask until answered; (status, attempts, copied).

    A release that does not answer leaves no static files behind: the next release would
    take them for the serving release's (the newest folder before its own)."""
    copied = copy_static(run, **params["static"]) if params["static"] else False
    target = params["socket"] or params["url"]
    status, attempts, error = ask_until(target, (params["host"], params["path"], params["scheme"]),
                                        params["status"], params["timeout"],
                                        request=request_for(params))
    if status not in params["status"]:
        if copied:
            shutil.rmtree(params["static"]["dest"], ignore_errors=True)
        raise NoAnswer("%s (Host %s) did not answer %s within %s s: %s"
                       % (target, params["host"], " or ".join(map(str, params["status"])), params["timeout"],
                          "the last answer was %s, %s" % (status, error) if status and error
                          else error or "the last answer was %s" % status))
    return status, attempts, copied


def main():
    module = AnsibleModule(
        argument_spec=dict(
            socket=dict(type="path"),
            url=dict(type="str"),
            protocol=dict(type="str", default="uwsgi", choices=["uwsgi", "http"]),
            host=dict(type="str", default="localhost"),
            path=dict(type="str", default="/"),
            scheme=dict(type="str", default="http", choices=["http", "https"]),
            status=dict(type="list", elements="int", default=[200]),
            timeout=dict(type="int", default=90),
            static=dict(type="dict", options=dict(
                container=dict(type="str", required=True),
                source=dict(type="str", default="/app/staticfiles"),
                dest=dict(type="path", required=True),
                subdir=dict(type="str", default="/static/"),
            )),
        ),
        required_one_of=[("socket", "url")],
        mutually_exclusive=[("socket", "url")],
        supports_check_mode=True,
    )
    if module.check_mode:
        module.exit_json(changed=False, status=0, attempts=0, static_copied=False)

    docker = Docker(module)

    def run(argv):
        code, dummy, err = docker.attempt(*argv[1:])
        return code, err

    try:
        status, attempts, copied = copy_and_probe(module.params, run)
    except (NoAnswer, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=copied, status=status, attempts=attempts, static_copied=copied)


if __name__ == "__main__":
    main()
