# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way this collection's modules talk to the Docker engine: the docker command.

The community.docker modules (used by the roles where they fit) need python3-requests
on the host, which a fresh host lacks until the docker_ce role installs it; these
modules run before that (the host's state read) and do what community.docker has no
module for (renaming a container, copying out of one, exec with a stream, top).
Every call goes through Docker: a fake of it is the seam of the modules' unit tests.
"""

from __future__ import annotations

import json
import subprocess


class DockerError(Exception):
    """A docker command failed; the message says which and its error output."""


class Docker:
    """The docker command through MODULE (an AnsibleModule: get_bin_path, run_command)."""

    def __init__(self, module):
        self.module = module

    @property
    def available(self):
        """Whether the host has the docker command (a fresh host has none yet)."""
        return bool(self.module.get_bin_path("docker"))

    def attempt(self, *args, **kwargs):
        """(code, stdout, stderr) of `docker ARGS`, with DATA (keyword) on its input; never raises."""
        if kwargs.get("data") is None:
            return self.module.run_command(["docker"] + list(args))
        return self.module.run_command(["docker"] + list(args), data=kwargs["data"])

    def run(self, *args, **kwargs):
        """stdout of `docker ARGS`, with DATA (keyword: what may be secret goes here, never in ARGS) on
        its input; DockerError when it fails."""
        code, out, err = self.attempt(*args, **kwargs)
        if code != 0:
            raise DockerError("docker %s failed: %s" % (" ".join(args), (err or out).strip()))
        return out

    def inspect(self, name):
        """The container NAME as the engine describes it; None when there is none or no docker yet."""
        if not self.available:
            return None
        code, out, dummy = self.attempt("container", "inspect", name)
        if code != 0 or not out.strip():
            return None
        found = json.loads(out)
        # The engine also takes NAME for the prefix of a container's Id: only the container of that name is it.
        return found[0] if found and found[0].get("Name", "").lstrip("/") == name else None

    def container_names(self, *filters):
        """Names of the containers (running or not) that match every FILTER (docker's --filter syntax)."""
        args = ["container", "ls", "--all", "--format", "{{.Names}}"]
        for one in filters:
            args += ["--filter", one]
        return [line for line in self.run(*args).splitlines() if line]

    def logs(self, name, tail, since=""):
        """The last TAIL lines NAME wrote (its output and error streams; only those since SINCE when given);
        [] when there is none."""
        if not self.available:
            return []
        code, out, err = self.attempt("logs", "--tail", str(tail), *((["--since", since] if since else []) + [name]))
        if code != 0:
            return []
        # docker logs writes the container's stderr on its own stderr.
        return [line for line in (out + "\n" + err).splitlines() if line.strip()][-tail:]

    def stream(self, args, stdin=None, stdout=None, timeout=None):
        """`docker ARGS` with files for its input and output (a dump, a restore: too big for memory);
        (exit code, what it said: its error output, or with STDOUT None both streams).
        subprocess.TimeoutExpired after TIMEOUT seconds."""
        done = subprocess.run(["docker"] + list(args), stdin=stdin,
                              stdout=subprocess.PIPE if stdout is None else stdout,
                              stderr=subprocess.STDOUT if stdout is None else subprocess.PIPE,
                              timeout=timeout, check=False)
        return done.returncode, done.stdout if stdout is None else done.stderr
