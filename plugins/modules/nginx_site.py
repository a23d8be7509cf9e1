#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: nginx_site
short_description: Put a site's configuration into a running Nginx container, tested, reloaded gracefully
version_added: 0.3.0
description:
  - Writes one site's configuration file into the folder the Nginx container reads its
    C(conf.d) from, has the container's C(nginx -t) test the whole configuration, and reloads
    Nginx gracefully (C(nginx -s reload)). A configuration that C(nginx -t) rejects is never
    loaded; the file is put back as it was and the module fails with Nginx's message.
  - After a reload, waits (bounded) until a worker of the new configuration runs, then until
    the workers of the old one have finished their requests (drained), so that the caller may
    stop what the old configuration pointed at.
  - Before anything changes, the site's C(server_name)s are compared with every other site's
    in the folder. A name two sites claim is an error naming the other site.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  name:
    description: The site's name; its file is C(site-<name>.conf) in O(conf_dir).
    type: str
    required: true
  file:
    description:
      - The file's name in O(conf_dir) instead of C(site-<name>.conf), for configuration that is
        no site (its server names are not compared).
    type: str
  conf_dir:
    description: Host folder mounted as the container's C(/etc/nginx/conf.d); made (0755) when missing.
    type: path
    required: true
  container:
    description: Name of the running Nginx container.
    type: str
    required: true
  content:
    description: The site's configuration. Required with O(state=present) and O(state=vacant).
    type: str
  state:
    description:
      - V(present) writes, tests and reloads; V(absent) removes the site, tests and reloads.
      - V(vacant) only checks that no other site claims the C(server_name)s of O(content), and
        returns the Nginx container as the engine describes it (RV(container)), so that the
        site's later steps need no engine read of their own.
    type: str
    choices: [present, absent, vacant]
    default: present
  drain_timeout:
    description:
      - Seconds to wait after a reload for the old workers to finish their requests. When they
        have not, the module warns (they keep draining) and succeeds.
    type: int
    default: 30
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - Uses the C(docker) command on the host (C(docker exec) for C(nginx -t) and the reload,
    C(docker top) to see the workers).
"""

EXAMPLES = r"""
- name: Point the site at the new release
  djangodocker.deploy.nginx_site:
    name: mysite
    conf_dir: /srv/nginx/conf.d
    container: nginx
    content: "{{ lookup('ansible.builtin.template', 'site.conf.j2') }}"
"""

RETURN = r"""
reloaded:
  description: Whether Nginx was reloaded.
  returned: success
  type: bool
drained:
  description: Whether the old workers had finished within O(drain_timeout) (true when there was no reload).
  returned: success
  type: bool
server_names:
  description: The site's server names, as its configuration lists them.
  returned: success
  type: list
  elements: str
before:
  description:
    - The site's configuration before this call (null when it had none), so that a caller can put it back
      (the release pipeline does when a release fails after pointing the site at it).
  returned: success
  type: str
container:
  description:
    - With O(state=vacant), O(container) as C(docker container inspect) describes it, only its C(Name),
      C(State) and C(Mounts);
      empty when it does not exist or the host has no engine yet.
  returned: success
  type: dict
"""

import glob
import os
import re
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError

SERVER_NAME = re.compile(r"(?:^|[\s{;])server_name\s+([^;]+);")
COMMENT = re.compile(r"#[^\n]*")
SHUTTING_DOWN = "worker process is shutting down"


class NginxError(Exception):
    """Nginx or the engine said no; the message is their output."""


class DockerNginx:
    """The container's nginx, through module_utils/docker_cli.Docker."""

    def __init__(self, module, container):
        self.docker, self.container = Docker(module), container

    def _run(self, *args):
        try:
            return self.docker.run(*args)
        except DockerError as error:
            raise NginxError(str(error))

    def test(self):
        self._run("exec", self.container, "nginx", "-t")

    def reload(self):
        self._run("exec", self.container, "nginx", "-s", "reload")

    def inspect(self):
        """The container as the engine describes it; {} when there is none (or no engine yet)."""
        found = self.docker.inspect(self.container)
        # What the site's steps use, not the whole description (-v prints results).
        return {key: found.get(key) for key in ("Name", "State", "Mounts")} if found else {}

    def workers(self):
        """{pid: command line} of the container's worker processes."""
        found = {}
        for line in self._run("top", self.container, "-o", "pid,args").splitlines()[1:]:
            pid, dummy, args = line.strip().partition(" ")
            if "worker process" in args:
                found[pid] = args.strip()
        return found


def server_names(content):
    names = []
    for match in SERVER_NAME.finditer(COMMENT.sub("", content or "")):
        names.extend(name for name in match.group(1).split() if name not in names)
    return names


def site_file(conf_dir, name):
    return os.path.join(conf_dir, "site-%s.conf" % name)


def clashes(conf_dir, name, names):
    """[(other site, name)] for every server name another site of CONF_DIR claims."""
    found = []
    for path in sorted(glob.glob(os.path.join(conf_dir, "site-*.conf"))):
        other = os.path.basename(path)[len("site-"):-len(".conf")]
        if other == name:
            continue
        with open(path, encoding="utf-8") as handle:
            taken = server_names(handle.read())
        found.extend((other, server) for server in names if server in taken)
    return found


def read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write(path, content):
    """Atomically: Nginx never reads half a file."""
    if content is None:
        if os.path.exists(path):
            os.unlink(path)
        return
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".site-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def wait_until(condition, timeout, interval=0.1, clock=time.monotonic, sleep=time.sleep):
    deadline = clock() + timeout
    while True:
        if condition():
            return True
        if clock() >= deadline:
            return False
        sleep(interval)


def apply(nginx, path, content, drain_timeout, check_mode, wait=wait_until):
    """Write CONTENT (None: remove) to PATH, test, reload, drain; (changed, reloaded, drained, before)."""
    before = read(path)
    if before == content:
        return False, False, True, before
    if check_mode:
        return True, False, True, before
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    write(path, content)
    try:
        nginx.test()
    except NginxError as error:
        write(path, before)
        raise NginxError("nginx -t rejected the configuration of %s, which was put back as it was: %s"
                         % (os.path.basename(path), error))
    old = nginx.workers()
    try:
        nginx.reload()
    except NginxError as error:
        write(path, before)
        raise NginxError("nginx -s reload failed, the site's configuration was put back: %s" % error)
    # A worker of the new configuration: one that was not there before and is not shutting down.
    if not wait(lambda: any(pid not in old and SHUTTING_DOWN not in args
                            for pid, args in nginx.workers().items()), 10):
        raise NginxError("no Nginx worker of the new configuration started within 10 s")
    drained = wait(lambda: not any(pid in old for pid in nginx.workers()), drain_timeout)
    return True, True, drained, before


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            file=dict(type="str"),
            conf_dir=dict(type="path", required=True),
            container=dict(type="str", required=True),
            content=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent", "vacant"]),
            drain_timeout=dict(type="int", default=30),
        ),
        required_if=[("state", "present", ["content"]), ("state", "vacant", ["content"])],
        supports_check_mode=True,
    )
    params = module.params
    for value in (params["name"], params["file"] or "x.conf"):
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", value):
            module.fail_json(msg="site name or file %r: letters, digits, '_', '.' and '-' only" % value)
    names = server_names(params["content"]) if params["state"] != "absent" and not params["file"] else []
    taken = clashes(params["conf_dir"], params["name"], names)
    if taken:
        module.fail_json(msg="server_name clash: %s; two sites cannot answer to the same name"
                         % "; ".join("%s is already a name of site %s" % (server, other) for other, server in taken))
    result = dict(changed=False, reloaded=False, drained=True, server_names=names)
    if params["state"] == "vacant":
        module.exit_json(container=DockerNginx(module, params["container"]).inspect(), **result)
    path = os.path.join(params["conf_dir"], params["file"]) if params["file"] else site_file(params["conf_dir"], params["name"])
    content = params["content"] if params["state"] == "present" else None
    try:
        result["changed"], result["reloaded"], result["drained"], result["before"] = apply(
            DockerNginx(module, params["container"]), path, content, params["drain_timeout"], module.check_mode)
    except NginxError as error:
        module.fail_json(msg=str(error), **result)
    if not result["drained"]:
        module.warn("Nginx workers of the previous configuration still had requests after %s s; "
                    "they finish them in the background" % params["drain_timeout"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
