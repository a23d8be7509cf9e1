# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pack the build context on the controller and unpack it on the host (docs: modules/django_app_context.py)."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.context_upload import ContextSender
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import masked


class ActionModule(ContextSender, ActionBase):

    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(("src", "exclude", "code", "files", "dest", "sha256", "on_host",
                             "mirrors", "engine_registry_mirrors", "mirror_check", "mirror_timeout", "lock"))

    def run(self, tmp=None, task_vars=None):
        # A login in a URL of the arguments (a private PyPI index's) is in no result.
        return masked(self._run(tmp, task_vars), self._task.args)

    def _run(self, tmp, task_vars):
        result = super().run(tmp, task_vars)
        del tmp
        result.update(self.send_context(self._task.args, task_vars))
        return result
