# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Send images from the controller's Docker engine to the host's (docs: modules/images_from_controller.py)."""

from __future__ import annotations

import os
import subprocess
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.image_shipping import (
    archive_path, host_ids, missing_message, to_ship)


def controller_ids(images):
    """({image: ID}, [missing]) from the controller's engine (the docker CLI on this machine)."""
    found, missing = {}, []
    for image in images:
        try:
            done = subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", image],
                                  capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise AnsibleActionFail("images_from_controller needs the docker command on the controller")
        if done.returncode == 0:
            found[image] = done.stdout.strip()
        else:
            missing.append(image)
    return found, missing


def saved_archive(cache_dir, image, image_id):
    """The controller's archive of IMAGE (saved once per image ID, made private, renamed into place)."""
    path = archive_path(cache_dir, image_id)
    if os.path.isfile(path):
        return path
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".partial")
    os.close(handle)
    try:
        done = subprocess.run(["docker", "image", "save", "--output", partial, image],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AnsibleActionFail("docker image save %s failed on the controller: %s" % (image, done.stderr.strip()))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return path


class ActionModule(ActionBase):

    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(("images", "cache_dir"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        images = list(self._task.args.get("images") or [])
        cache_dir = self._task.args.get("cache_dir") or "~/.cache/djangodocker/images"
        controller, missing = controller_ids(images)
        if missing:
            raise AnsibleActionFail(missing_message(missing))
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
                archive = saved_archive(cache_dir, image, controller[image])
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
