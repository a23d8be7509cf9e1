# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Send images from the controller's Docker engine to the host's (docs: modules/images_from_controller.py)."""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.image_shipping import (
    controller_ids, host_ids, indexed_archives, missing_message, saved_archive, to_ship)


class ActionModule(ActionBase):

    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(("images", "cache_dir", "archive_dir"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        images = list(self._task.args.get("images") or [])
        cache_dir = self._task.args.get("cache_dir") or "~/.cache/djangodocker/images"
        archive_dir = self._task.args.get("archive_dir")
        if archive_dir:
            controller, archives, missing = indexed_archives(os.path.expanduser(archive_dir), images)
        else:
            controller, missing = controller_ids(images)
        if missing:
            raise AnsibleActionFail(missing_message(missing, archive_dir))
        info = self._execute_module(module_name="community.docker.docker_image_info",
                                    module_args=dict(name=images), task_vars=task_vars)
        if info.get("failed"):
            raise AnsibleActionFail("reading the host's images failed: %s" % info.get("msg"))
        shipped = to_ship(controller, host_ids(info.get("images"), images))
        result.update(changed=bool(shipped), shipped=shipped, images=controller)
        if not shipped or self._task.check_mode:
            return result
        shell = self._connection._shell
        try:
            for image in shipped:
                archive = archives[image] if archive_dir else saved_archive(cache_dir, image, controller[image])
                if shell.tmpdir is None:
                    self._make_tmp_path()
                remote = shell.join_path(shell.tmpdir, os.path.basename(archive))
                self._transfer_file(archive, remote)
                self._fixup_perms2((shell.tmpdir, remote))
                loaded = self._execute_module(module_name="community.docker.docker_image_load",
                                              module_args=dict(path=remote), task_vars=task_vars)
                if loaded.get("failed"):
                    raise AnsibleActionFail("loading %s on the host failed: %s" % (image, loaded.get("msg")))
                self._low_level_execute_command("rm -f %s" % shell.quote(remote))
        finally:
            if shell.tmpdir is not None:
                self._remove_tmp_path(shell.tmpdir)
        # What the host has now: each shipped image under the controller's ID.
        after = self._execute_module(module_name="community.docker.docker_image_info",
                                     module_args=dict(name=shipped), task_vars=task_vars)
        wrong = to_ship(dict((image, controller[image]) for image in shipped), host_ids(after.get("images"), shipped))
        if wrong:
            raise AnsibleActionFail("after loading, the host's %s is not the controller's image" % ", ".join(wrong))
        return result
