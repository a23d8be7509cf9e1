# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Django app's release, driven from the controller (docs: modules/django_app_deploy.py).

What the pipeline is given is composed from the app's settings in plugin_utils/release_plan.py;
the sequence and its undo path are plugin_utils/release_pipeline.py; this file only checks the
arguments and lets the pipeline call modules on the host.
"""

from __future__ import annotations

import getpass
import os
import secrets
import socket
import time

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.context_upload import ContextSender
from ansible_collections.djangodocker.deploy.plugins.module_utils.release_spec import ARGUMENT_SPEC
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.release_plan import compose, site_view
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.release_pipeline import (
    ReleaseFailed, check, keep_serving, release)
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import masked


def run_holder():
    """Who holds the lock, as the next run's wait message names it: user@controller, time, a run id."""
    return "%s@%s at %s UTC (run %s)" % (
        getpass.getuser(), socket.gethostname(), time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), secrets.token_hex(4))


class ModuleHost:
    """The pipeline's seam: each call is one module run on the host, in the task's check mode."""

    def __init__(self, action, task_vars):
        self.action, self.task_vars = action, task_vars

    def call(self, module, args, check_mode=False):
        """MODULE's result; CHECK_MODE runs it in check mode whatever the task's is."""
        task = self.action._task
        saved = task.check_mode
        task.check_mode = saved or check_mode
        try:
            return self.action._execute_module(module_name=module, module_args=args, task_vars=self.task_vars)
        finally:
            task.check_mode = saved

    def send_context(self, args):
        return self.action.send_context(args, self.task_vars)

    @staticmethod
    def sleep(seconds):
        time.sleep(seconds)

    @staticmethod
    def process_alive(pid):
        """Whether process PID of this controller still runs."""
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except (PermissionError, ValueError, TypeError):
            return True
        return True


class ActionModule(ContextSender, ActionBase):

    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        # A login in a URL of the arguments (a private PyPI index's) is in no result.
        return masked(self._run(tmp, task_vars), self._task.args)

    def _run(self, tmp, task_vars):
        result = super().run(tmp, task_vars)
        del tmp
        checked = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if checked.error_messages:
            raise AnsibleActionFail("django_app_deploy: %s" % "; ".join(checked.error_messages))
        args = checked.validated_parameters
        if not args["release"].get("tag"):
            raise AnsibleActionFail("django_app_deploy: release.tag is required")
        if self._task.check_mode and not (args["host"].get("engine") and args["host"].get("requests")):
            # Check mode on a host without Docker yet (the docker_ce role would install it): nothing to ask,
            # the release would be made.
            if args["state"] == "check":
                result.update(release_needed=True, serving={}, next_socket="",
                              site=dict(socket="", release=args["release"]["tag"], static_releases=[]))
            elif args["state"] == "released":
                result.update(changed=True, msg="%s:%s would be built and started as %s"
                              % (args["app"]["name"], args["release"]["tag"], args["app"]["name"]))
            return result
        spec = compose(args, check_mode=bool(self._task.check_mode), holder=run_holder())
        # This controller and its ansible-playbook process (the worker's parent): a lock a killed run of
        # this controller left is taken over by the next one (plugin_utils/release_pipeline.take_lock).
        spec["lock"].update(controller=socket.gethostname(), pid=os.getppid())
        host = ModuleHost(self, task_vars)
        try:
            if spec["state"] == "check":
                result.update(check(host, spec))
                result["site"] = site_view(spec, result)
            elif spec["state"] == "serving":
                result.update(keep_serving(host, spec))
                if result.get("restarted"):
                    result.setdefault("warnings", []).append(
                        "The serving release %s was unhealthy; restarted once, it answers again." % spec["image"])
            else:
                result.update(release(host, spec))
        except ReleaseFailed as failure:
            result.update(failure.result, failed=True, msg=str(failure))
        finally:
            if self._connection._shell.tmpdir is not None:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
