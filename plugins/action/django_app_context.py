# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pack the build context on the controller and unpack it on the host (docs: modules/django_app_context.py)."""

from __future__ import annotations

import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import pack_context


class ActionModule(ActionBase):

    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(("src", "exclude", "code", "files", "dest", "sha256", "on_host",
                             "mirrors", "engine_registry_mirrors", "mirror_timeout", "on_dead_mirror", "lock"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self._task.args
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
                module_result = self._send(dict(args, mirror_timeout=0), {}, task_vars)
            result.update(module_result)
        finally:
            if self._connection._shell.tmpdir is not None:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

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
            if self._task.check_mode:
                # Nothing is sent; the module only asks the mirrors.
                module_args = dict(args)
                module_args.pop("on_host", None)
                return self._execute_module(module_name="djangodocker.deploy.django_app_context",
                                            module_args=module_args, task_vars=task_vars)
            # One transfer and one module run: the module makes the folder and
            # unpacks (unarchive read the folder first and compared the tar with it).
            shell = self._connection._shell
            if shell.tmpdir is None:
                self._make_tmp_path()
            remote = shell.join_path(shell.tmpdir, "context.tar")
            self._transfer_file(tar_path, remote)
            self._fixup_perms2((shell.tmpdir, remote))
            module_args = dict(args, _archive=remote, _assets_sha256=assets_sha256)
            module_args.pop("on_host", None)
            if not sent:
                module_args["_assets_from"] = on_host[assets_sha256]
            return self._execute_module(module_name="djangodocker.deploy.django_app_context",
                                        module_args=module_args, task_vars=task_vars)
        finally:
            # Always removed, even when the transfer or the unpacking failed.
            os.unlink(tar_path)
