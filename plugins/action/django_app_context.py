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
    _VALID_ARGS = frozenset(("src", "exclude", "files", "dest", "sha256"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self._task.args
        missing = [name for name in ("src", "files", "dest", "sha256") if not args.get(name)]
        if missing:
            raise AnsibleActionFail("django_app_context needs %s" % ", ".join(missing))
        src = os.path.abspath(os.path.expanduser(args["src"]))
        # mkstemp makes the tar 0600: it may hold settings the project keeps in its tree.
        handle, tar_path = tempfile.mkstemp(suffix=".context.tar")
        try:
            with os.fdopen(handle, "wb") as out:
                packed = pack_context(src, list(args.get("exclude") or []), dict(args["files"]), out)
            if packed != args["sha256"]:
                raise AnsibleActionFail("The project at %s changed during the play; run it again." % src)
            new_task = self._task.copy()
            new_task.args = {"src": tar_path, "dest": args["dest"], "owner": "root", "group": "root"}
            unarchive = self._shared_loader_obj.action_loader.get(
                "ansible.legacy.unarchive",
                task=new_task,
                connection=self._connection,
                play_context=self._play_context,
                loader=self._loader,
                templar=self._templar,
                shared_loader_obj=self._shared_loader_obj,
            )
            result.update(unarchive.run(task_vars=task_vars))
        finally:
            # Always removed, even when the transfer or the unpacking failed.
            os.unlink(tar_path)
        return result
