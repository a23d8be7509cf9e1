# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the air-gap bundle on the controller (docs: modules/air_gap_bundle.py; layout: plugin_utils/air_gap.py)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone

from ansible.errors import AnsibleActionFail
from ansible.module_utils.urls import open_url
from ansible.plugins.action import ActionBase

from ansible_collections.djangodocker.deploy.plugins.module_utils.django_project import ProjectProblem
from ansible_collections.djangodocker.deploy.plugins.module_utils.openpgp import (
    KeyProblem, normalise_fingerprint, pinned_key)
from ansible_collections.djangodocker.deploy.plugins.plugin_utils import air_gap
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.image_shipping import (
    controller_ids, saved_archive)
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import masked

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS_DIR = os.path.join(COLLECTION_ROOT, "roles", "django_app", "files")

ARGUMENT_SPEC = dict(
    dest=dict(type="path", required=True),
    release=dict(type="str", required=True),
    architecture=dict(type="str", default="amd64"),
    release_image=dict(type="str", default=""),
    images=dict(type="list", elements="str", required=True),
    cache_dir=dict(type="path", default="~/.cache/djangodocker/images"),
)


def docker(args, what):
    """Run the docker CLI; its output, or AnsibleActionFail naming WHAT failed with the tail of its output."""
    try:
        done = subprocess.run(["docker"] + args, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise AnsibleActionFail("air_gap_bundle needs the docker command and an engine on the controller")
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise AnsibleActionFail("%s failed on the controller; nothing was written:\n%s" % (what, tail))
    return done.stdout


def run_in(image, work, script, what, platform):
    """SCRIPT in a throwaway container of IMAGE on the controller's network (it reaches what the controller
    reaches: the mirrors), with WORK/in read-only at /in and WORK/out at /out (given back to this user)."""
    with open(os.path.join(work, "in", "script.sh"), "w", encoding="utf-8") as out:
        out.write(script + 'chown -R "%d:%d" /out\n' % (os.getuid(), os.getgid()))
    docker(["run", "--rm", "--network", "host", "--platform", platform, "--user", "0:0",
            "-v", "%s:/in:ro" % os.path.join(work, "in"), "-v", "%s:/out" % os.path.join(work, "out"),
            "--entrypoint", "sh", image, "/in/script.sh"], what)


def docker_ce_key(url, fingerprint):
    """The pinned docker-ce key alone, read from the mirror (openpgp.pinned_key, as the docker_ce role takes it)."""
    try:
        return pinned_key(open_url(url, timeout=30).read(), fingerprint, url)[0]
    except KeyProblem as problem:
        raise AnsibleActionFail("The docker-ce signing key: %s" % problem)
    except Exception as error:  # pylint: disable=broad-except
        raise AnsibleActionFail("The docker-ce signing key could not be read from %s (%s); nothing was written."
                                % (url, error))


def ensure_image(image, platform):
    """IMAGE in the controller's engine (pulled through its registry mirrors when missing)."""
    found, missing = controller_ids([image])
    if missing:
        docker(["pull", "--quiet", "--platform", platform, image], "pulling %s" % image)
        found, missing = controller_ids([image])
    return found[image]


def collection_archive(work):
    """The collection as `ansible-galaxy collection build` makes it (from a clone), or as installed."""
    dest = os.path.join(work, air_gap.COLLECTION_TAR)
    if os.path.isfile(os.path.join(COLLECTION_ROOT, "galaxy.yml")):
        # ansible-galaxy of the ansible-core that runs this play.
        done = subprocess.run([sys.executable, "-m", "ansible.cli.galaxy", "collection", "build", "--force", "--output-path", work,
                               COLLECTION_ROOT], capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
        built = glob.glob(os.path.join(work, "*-*-*.tar.gz"))
        if done.returncode != 0 or not built:
            raise AnsibleActionFail("ansible-galaxy collection build failed: %s" % (done.stderr or done.stdout))
        os.replace(built[0], dest)
    else:
        with tarfile.open(dest, "w:gz") as tar:
            tar.add(COLLECTION_ROOT, arcname="ansible_collections/djangodocker/deploy")
    return dest


class ActionModule(ActionBase):

    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        # A login in a URL of the arguments (a private PyPI index's) is in no result.
        return masked(self._run(tmp, task_vars), self._task.args)

    def _run(self, tmp, task_vars):
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(ARGUMENT_SPEC)[1]
        try:
            app, engine = air_gap.settings(air_gap.settings_getter(self._templar, task_vars or {}))
            wanted = air_gap.target(args["release"], args["architecture"])
            deps, tools = air_gap.project_inputs(app)
            air_gap.check_dependencies_mode(deps)
        except (air_gap.BundleProblem, ProjectProblem) as problem:
            raise AnsibleActionFail("%s Nothing was written." % problem)
        platform = air_gap.platform(wanted["architecture"])
        images, missing = controller_ids(args["images"])
        if missing:
            raise AnsibleActionFail(
                "The controller's Docker engine lacks %s. Pull them there (through a registry mirror it reaches) or "
                "load them from archives (docker load -i), then run the play again; no bundle was written."
                % ", ".join(missing))
        fingerprint = normalise_fingerprint(engine["fingerprint"])
        result.update(changed=True, dest=args["dest"], images=images, target=wanted)
        if self._task.check_mode:
            return result
        dest = os.path.abspath(os.path.expanduser(args["dest"]))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        work = tempfile.mkdtemp(prefix=".air-gap-", dir=os.path.dirname(dest))
        try:
            for sub in ("in/deps", "in/tools", "out", air_gap.IMAGES_DIR):
                os.makedirs(os.path.join(work, sub))
            started = datetime.now(timezone.utc)
            # docker-ce and what a minimal host of the release lacks of its dependencies.
            release_image = args["release_image"] or air_gap.release_image(wanted)
            ensure_image(release_image, platform)
            with open(os.path.join(work, "in", "docker.asc"), "wb") as out:
                out.write(docker_ce_key(air_gap.docker_repository(engine["mirror_url"], wanted["id"]) + "/gpg",
                                        fingerprint))
            with open(os.path.join(work, "in", "sources.list"), "w", encoding="utf-8") as out:
                out.write(air_gap.docker_sources(wanted, engine["mirror_url"], engine["channel"], app["apt_mirror_url"],
                                                 app["apt_security_mirror_url"], "/in/docker.asc"))
            run_in(release_image, work, air_gap.docker_script(air_gap.docker_packages(engine["version"])),
                   "collecting docker-ce's packages in %s" % release_image, platform)
            # The app's wheels and Debian packages, in its base image (its Python, its platform).
            self._app_part(work, app, deps, tools, platform)
            with open(os.path.join(work, "out", "python"), encoding="utf-8") as handle:
                python = handle.read().split()
            index = {}
            for image, image_id in images.items():
                archive = saved_archive(args["cache_dir"], image, image_id)
                name = os.path.basename(archive)
                target_path = os.path.join(work, air_gap.IMAGES_DIR, name)
                if not os.path.exists(target_path):
                    try:
                        os.link(archive, target_path)
                    except OSError:
                        shutil.copyfile(archive, target_path)
                index[image] = {"id": image_id, "file": name}
            with open(os.path.join(work, air_gap.IMAGES_DIR, air_gap.IMAGES_INDEX), "w", encoding="utf-8") as out:
                json.dump(index, out, indent=1, sort_keys=True)
            out_dir = os.path.join(work, "out")
            manifest = dict(
                format=air_gap.FORMAT, target=wanted, created=started.isoformat(timespec="seconds"),
                images=index, python={"version": python[0], "platform": python[1]},
                app=air_gap.app_inputs(app["base_image"], app["os_packages"], app["build_packages"], deps, tools,
                                       app["uwsgi_requirement"]),
                files=dict((folder, sorted(os.listdir(os.path.join(out_dir, folder))))
                           for folder in (air_gap.DOCKER_DEBS, air_gap.OS_DEBS, air_gap.BUILD_DEBS, air_gap.WHEELS)
                           if os.path.isdir(os.path.join(out_dir, folder))),
            )
            text = air_gap.manifest_text(manifest)
            with open(os.path.join(out_dir, air_gap.MANIFEST), "w", encoding="utf-8") as out:
                out.write(text)
            with tarfile.open(os.path.join(work, air_gap.HOST_TAR), "w") as tar:
                for name in sorted(os.listdir(out_dir)):
                    if name != "python":
                        tar.add(os.path.join(out_dir, name), arcname=name)
            collection_archive(work)
            partial = dest + ".partial"
            with tarfile.open(partial, "w") as tar:
                for name in (air_gap.MANIFEST, air_gap.HOST_TAR, air_gap.COLLECTION_TAR, air_gap.IMAGES_DIR):
                    tar.add(os.path.join(out_dir if name == air_gap.MANIFEST else work, name), arcname=name)
            os.replace(partial, dest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        result.update(size=os.path.getsize(dest), seconds=int((datetime.now(timezone.utc) - started).total_seconds()),
                      manifest=manifest)
        return result

    def _app_part(self, work, app, deps, tools, platform):
        index = app["pip_index_url"]
        with open(os.path.join(work, "in", "pip.conf"), "w", encoding="utf-8") as out:
            out.write("[global]\nindex-url = %s\n" % index)
            if index.startswith("http://"):
                out.write("trusted-host = %s\n" % index.split("/")[2].split("@")[-1].split(":")[0])
        os.chmod(os.path.join(work, "in", "pip.conf"), 0o600)
        for name, text in deps["files"].items():
            path = os.path.join(work, "in", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
        for tool in tools:
            shutil.copyfile(os.path.join(TOOLS_DIR, tool), os.path.join(work, "in", tool))
        ensure_image(app["base_image"], platform)
        script = air_gap.app_script(deps["entry"], tools, app["uwsgi_requirement"], app["os_packages"],
                                    app["build_packages"], app["apt_mirror_url"], app["apt_security_mirror_url"])
        run_in(app["base_image"], work, script, "collecting the app's wheels and packages in %s" % app["base_image"],
               platform)
