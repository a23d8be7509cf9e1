# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The django_app role's checks before anything changes, on the controller (docs: modules/django_app_preflight.py).

The rules are plugin_utils/app_checks.py; the project's layout module_utils/django_project.py; the
certificate's module_utils/tls_pair.py. This file reads the files and reports.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import build_tools, image_inputs
from ansible_collections.djangodocker.deploy.plugins.module_utils.django_project import ProjectProblem, describe
from ansible_collections.djangodocker.deploy.plugins.module_utils.preflight_spec import ARGUMENT_SPEC
from ansible_collections.djangodocker.deploy.plugins.module_utils.tls_pair import TlsPairError, inspect, uncovered
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.acme_names import http01_warnings
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.app_checks import channel_layer_warnings, problems
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import masked


class ActionModule(ActionBase):

    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def _read(self, path):
        try:
            found = self._find_needle("files", path)
        except AnsibleError:
            found = path
        try:
            # The loader decrypts vault-encrypted files.
            content, dummy = self._loader._get_file_contents(found)
        except AnsibleError as error:
            raise TlsPairError("cannot read %s: %s" % (path, error.message))
        return to_bytes(content)

    def run(self, tmp=None, task_vars=None):
        # A login in a URL of the arguments (a private PyPI index's) is in no result.
        return masked(self._run(tmp, task_vars), self._task.args)

    def _run(self, tmp, task_vars):
        result = super().run(tmp, task_vars)
        del tmp
        checked = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if checked.error_messages:
            raise AnsibleActionFail("django_app_preflight: %s" % "; ".join(checked.error_messages))
        args = checked.validated_parameters
        found = problems(args["settings"])
        if found:
            return dict(result, failed=True, problems=found,
                        msg="Nothing was changed; the settings need a change: " + " ".join(found))
        try:
            result["layout"] = describe(os.path.abspath(os.path.expanduser(args["project"])),
                                        args["requirements_file"], args["settings_module"])
        except ProjectProblem as problem:
            return dict(result, failed=True, msg=str(problem))
        settings = args["settings"]
        if settings.get("interface") == "asgi" and not settings.get("asgi_module") and not result["layout"]["asgi"]:
            return dict(result, failed=True, msg=(
                "Nothing was changed: django_app_interface asgi needs the project's ASGI application, and it has "
                "no asgi.py and %s names no ASGI_APPLICATION; set django_app_asgi_module (module:attribute)."
                % result["layout"]["settings_module"]))
        layer_warnings = channel_layer_warnings(settings, result["layout"]["channel_layers"])
        if layer_warnings:
            result.setdefault("warnings", []).extend(layer_warnings)
        result["image"] = image_inputs(settings["database"], settings["redis"], settings["uwsgi_requirement"],
                                       result["layout"]["dependencies"]["mode"], settings.get("server", "uwsgi"),
                                       settings.get("interface", "wsgi"))
        result["image"]["build_tools"] = build_tools(settings.get("build_commands") or [],
                                                     settings.get("build_packages") or [])
        if settings.get("tls_acme") and settings.get("tls_acme_challenge") == "http":
            task_vars = task_vars or {}
            hosts = [task_vars.get("ansible_host") or task_vars.get("inventory_hostname", "")]
            own = task_vars.get("ansible_all_ipv4_addresses", []) + task_vars.get("ansible_all_ipv6_addresses", [])
            warnings = http01_warnings(settings["tls_acme_names"], hosts, own)
            if warnings:
                result.setdefault("warnings", []).extend(warnings)
        tls = args["tls"]
        if tls and tls["certificate"]:
            try:
                pair = inspect(self._read(tls["certificate"]), self._read(tls["key"]))
            except TlsPairError as error:
                # Its own messages: a key file's content is never quoted.
                return dict(result, failed=True, msg="%s / %s: %s" % (tls["certificate"], tls["key"], error))
            pair["uncovered"] = uncovered(pair["names"], tls["names"])
            result["tls"] = pair
            if pair["days_left"] < tls["warning_days"] or pair["uncovered"]:
                missing = (" and does not cover " + ", ".join(pair["uncovered"])) if pair["uncovered"] else ""
                result.setdefault("warnings", []).append("The certificate %s expires on %s (%s days left)%s." % (
                    tls["certificate"], pair["not_after"], pair["days_left"], missing))
        return result
