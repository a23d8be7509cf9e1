# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check an air-gap bundle against a host and the settings, and put its host part there
(docs: modules/air_gap_unpack.py; what fits: plugin_utils/air_gap.py)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tarfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.module_utils.django_project import ProjectProblem
from ansible_collections.djangodocker.deploy.plugins.plugin_utils import air_gap

ARGUMENT_SPEC = dict(
    bundle=dict(type="path", required=True),
    dest=dict(type="path", default="/var/lib/djangodocker/air-gap"),
    cache_dir=dict(type="path", default="~/.cache/djangodocker/air-gap"),
    images=dict(type="list", elements="str", default=[]),
    app=dict(type="bool", default=True),
)


def read_manifest(bundle):
    try:
        with tarfile.open(bundle) as tar:
            member = tar.extractfile(air_gap.MANIFEST)
            text = member.read().decode("utf-8")
        return text, json.loads(text)
    except (OSError, KeyError, AttributeError, ValueError, tarfile.TarError) as error:
        raise AnsibleActionFail("%s is not an air-gap bundle (bundle.yml writes one): %s; nothing was changed."
                                % (bundle, error))


def unpacked(bundle, cache):
    """The bundle's images and host tar under CACHE (extracted once, by one process at a time)."""
    os.makedirs(os.path.dirname(cache), mode=0o700, exist_ok=True)
    with open(cache + ".lock", "w", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isfile(os.path.join(cache, ".complete")):
            shutil.rmtree(cache, ignore_errors=True)
            with tarfile.open(bundle) as tar:
                members = [m for m in tar.getmembers() if m.isfile() and (
                    m.name in (air_gap.HOST_TAR, air_gap.MANIFEST) or m.name.startswith(air_gap.IMAGES_DIR + "/"))
                    and ".." not in m.name.split("/")]
                tar.extractall(cache, members=members)
            open(os.path.join(cache, ".complete"), "w", encoding="ascii").close()
    return cache


class ActionModule(ActionBase):

    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(ARGUMENT_SPEC)[1]
        bundle = os.path.abspath(os.path.expanduser(args["bundle"]))
        text, manifest = read_manifest(bundle)
        bundle_id = air_gap.sha256_text(text)[:12]
        app = None
        if args["app"]:
            try:
                wanted = air_gap.settings(air_gap.settings_getter(self._templar, task_vars or {}))[0]
                deps, tools = air_gap.project_inputs(wanted)
            except (air_gap.BundleProblem, ProjectProblem) as problem:
                raise AnsibleActionFail("%s Nothing was changed." % problem)
            app = air_gap.app_inputs(wanted["base_image"], wanted["os_packages"], wanted["build_packages"], deps,
                                     tools, wanted["uwsgi_requirement"])
        found = self._low_level_execute_command(air_gap.HOST_COMMAND)
        host = air_gap.host_facts(found.get("stdout", ""))
        problems = air_gap.problems(manifest, host, args["images"], app)
        if problems:
            return dict(result, failed=True, problems=problems, msg=air_gap.problem_message(bundle, problems))
        cache = unpacked(bundle, os.path.join(os.path.expanduser(args["cache_dir"]), bundle_id))
        host_dir = os.path.join(args["dest"], bundle_id)
        result.update(id=bundle_id, host_dir=host_dir, images_dir=os.path.join(cache, air_gap.IMAGES_DIR),
                      target=manifest["target"])
        there = self._execute_module(module_name="ansible.builtin.stat",
                                     module_args=dict(path=os.path.join(host_dir, air_gap.MANIFEST)),
                                     task_vars=task_vars)
        if there.get("stat", {}).get("exists"):
            return dict(result, changed=False)
        if self._task.check_mode:
            return dict(result, changed=True)
        shell = self._connection._shell
        try:
            if shell.tmpdir is None:
                self._make_tmp_path()
            remote = shell.join_path(shell.tmpdir, air_gap.HOST_TAR)
            self._transfer_file(os.path.join(cache, air_gap.HOST_TAR), remote)
            self._fixup_perms2((shell.tmpdir, remote))
            # Unpacked beside, then renamed into place: a half-unpacked folder never looks complete. Earlier
            # bundles' folders go.
            quote = shell.quote
            command = ("set -e; umask 022; mkdir -p {dest}; rm -rf {partial}; mkdir {partial}; "
                       "tar -xf {remote} -C {partial}; "
                       "for old in {dest}/*; do case \"$old\" in {target}|{partial}) ;; *) rm -rf \"$old\";; esac; done; "
                       "mv {partial} {target}").format(
                dest=quote(args["dest"]), partial=quote(host_dir + ".partial"), remote=quote(remote),
                target=quote(host_dir))
            done = self._low_level_execute_command("sh -c %s" % quote(command))
            if done.get("rc") != 0:
                raise AnsibleActionFail("The bundle could not be unpacked into %s: %s"
                                        % (host_dir, (done.get("stderr") or done.get("stdout", "")).strip()))
        finally:
            if shell.tmpdir is not None:
                self._remove_tmp_path(shell.tmpdir)
        return dict(result, changed=True)
