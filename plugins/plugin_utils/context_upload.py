# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pack a build context on the controller and unpack it on the host, for action plugins.

The django_app_context action (one task) and the release pipeline's action (its first step)
both send a context this way: packed into a 0600 temporary tar, sent in one transfer, unpacked
by the django_app_context module in one run.
"""

from __future__ import annotations

import os
import tempfile

from ansible.errors import AnsibleActionFail

from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import pack_context

MODULE = "djangodocker.deploy.django_app_context"


class ContextSender:
    """Mixed into an ActionBase: send_context(args, task_vars) is the django_app_context module's result."""

    def send_context(self, args, task_vars):
        missing = [name for name in ("src", "files", "dest", "sha256") if not args.get(name)]
        if missing:
            raise AnsibleActionFail("django_app_context needs %s" % ", ".join(missing))
        on_host = dict(args.get("on_host") or {})
        try:
            module_result = self._send(args, on_host, task_vars)
            # The host's copy went between the listing and now (another
            # deploy's pruning): sent once more, with the assets (the mirrors
            # answered a moment ago: not asked again).
            if module_result.get("assets_missing"):
                module_result = self._send(dict(args, mirror_check="skip"), {}, task_vars)
            return module_result
        finally:
            if self._connection._shell.tmpdir is not None:
                self._remove_tmp_path(self._connection._shell.tmpdir)

    def _send(self, args, on_host, task_vars):
        """Pack the context (without the assets tar ON_HOST has), send it, unpack it: the module's result."""
        src = os.path.abspath(os.path.expanduser(args["src"]))
        # mkstemp makes the tar 0600: it may hold settings the project keeps in its tree.
        handle, tar_path = tempfile.mkstemp(suffix=".context.tar")
        try:
            with os.fdopen(handle, "wb") as out:
                packed, assets_sha256, sent = pack_context(
                    src, list(args.get("exclude") or []), list(args.get("code") or []), dict(args["files"]), out,
                    on_host=set(on_host))
            if packed != args["sha256"]:
                raise AnsibleActionFail("The project at %s changed during the play; run it again." % src)
            module_args = dict(args)
            module_args.pop("on_host", None)
            if self._task.check_mode:
                # Nothing is sent; the module only asks the mirrors.
                return self._execute_module(module_name=MODULE, module_args=module_args, task_vars=task_vars)
            # One transfer and one module run: the module makes the folder and
            # unpacks (unarchive read the folder first and compared the tar with it).
            shell = self._connection._shell
            if shell.tmpdir is None:
                self._make_tmp_path()
            remote = shell.join_path(shell.tmpdir, "context.tar")
            self._transfer_file(tar_path, remote)
            self._fixup_perms2((shell.tmpdir, remote))
            module_args.update(_archive=remote, _assets_sha256=assets_sha256)
            if not sent:
                module_args["_assets_from"] = on_host[assets_sha256]
            return self._execute_module(module_name=MODULE, module_args=module_args, task_vars=task_vars)
        finally:
            # Always removed, even when the transfer or the unpacking failed.
            os.unlink(tar_path)
