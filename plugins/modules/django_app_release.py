#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_release
short_description: Switch a Django app to a new release's container, put the previous one back, or let it go
version_added: 0.2.0
description:
  - A release switch that can always go back to exactly the release that served before.
    The new release's container is created beforehand as C(<name>-next) (not started).
    O(state=switch) then, in one call, stops the serving container and renames it
    C(<name>-previous) (never removed, so its image, environment file, ports, volumes and
    restart policy stay as they were), renames C(<name>-next) to C(<name>) and starts it. When
    a step fails, what was done is undone before the module fails.
  - O(state=restore) removes C(<name>-next), and when O(switched) removes the new release's
    container and renames the previous one back and starts it; with no previous release, the
    new one is stopped (kept for its logs), so that no later run takes it for a serving site.
  - O(state=target) changes nothing - it names the release a rollback goes back to (RV(tag)), or fails saying which
    images of the app the host has.
  - O(state=retire), once the new release is healthy, removes the previous release's container,
    leftovers of earlier runs (C(<name>-next), C(<name>-migrate-*)), and the files and folders of
    O(retire.prune) (environment files, build folders of other releases) that the running container
    does not mount and O(retire.keep) does not name.
  - O(state=switch) with O(retire) retires right after the switch, in the same call - for a release
    that has nothing else to do between the two (Nginx has switched over, no Celery worker to settle).
    When the retire part fails, the new release serves and the module fails with RV(switched) true.
  - A call that retires (O(state=retire), or O(state=switch) with O(retire)) and succeeds gives back the deploy
    lock O(release_lock) names (as M(djangodocker.deploy.deploy_lock) does) - the release's last call.
  - An interrupted run is finished safely by the next one. When only C(<name>-previous) exists
    (a run died between the two renames), it is the release to go back to and O(state=switch)
    keeps it. When both exist, C(<name>) is the release that was switched to and the older
    C(<name>-previous) is removed.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  name:
    description: The app's container name.
    type: str
    required: true
  state:
    description: What to do (see the description).
    type: str
    choices: [switch, restore, retire, target]
    required: true
  history:
    description:
      - With O(state=target), the file of the images of the releases that served, oldest first
        (O(retire.history) writes it).
    type: path
  rollback_to:
    description:
      - With O(state=target), the image tag to go back to; empty for the newest release that served, is not the
        serving one and whose image is still on the host.
    type: str
    default: ""
  mode:
    description:
      - With O(state=target), V(swarm) when the app is a Swarm service - its images are in O(registry), the serving
        one is the service's.
    type: str
    default: ""
  registry:
    description: With O(state=target) and O(mode=swarm), the registry the app's images are named in.
    type: str
    default: ""
  switched:
    description: With O(state=restore), whether O(state=switch) ran (the new release is C(<name>)).
    type: bool
    default: true
  stop_timeout:
    description: Seconds the serving release has to finish its requests when it is stopped.
    type: int
    default: 10
  stop_previous:
    description:
      - With O(state=switch), stop the serving release (gracefully, O(stop_timeout)) before it is set aside.
      - C(false) sets it aside still running, for O(state=retire) to remove - for a release that nothing
        sends requests to any more (Nginx has switched over and its old workers have drained). It saves
        the server's shutdown time on every release; a restore finds it running.
    type: bool
    default: true
  release_lock:
    description: The deploy lock to give back after a successful retire (only when this holder holds it).
    type: dict
    suboptions:
      path:
        description: The lock file.
        type: path
        required: true
      holder:
        description: The holder that took it.
        type: str
        required: true
  retire:
    description:
      - What O(state=retire) lets go, and with O(state=switch) that the call retires right after
        switching (omitted - the default - it does not). One policy for both calls, so a role
        states it once.
    type: dict
    suboptions:
      prune:
        description:
          - Shell patterns of files and folders to remove unless the running container mounts them or
            O(retire.keep) names them.
        type: list
        elements: path
        default: []
      keep:
        description: Paths that O(retire.prune) must not remove (the build folder of this release).
        type: list
        elements: path
        default: []
      celery_leftovers:
        description:
          - Stop (each gets O(retire.celery_stop_timeout) seconds to finish its tasks) and remove the app's
            Celery containers (label C(djangodocker.deploy.celery)) - when the app runs no Celery any more.
        type: bool
        default: false
      celery_stop_timeout:
        description: Seconds a Celery container has to finish its tasks when O(retire.celery_leftovers) removes it.
        type: int
        default: 60
      history:
        description:
          - A file listing the images of the releases that were switched to and became healthy, oldest
            first; the serving container's image is added when it is not the last line (the newest 20 are
            kept). A rollback goes back along it, never to a release that failed.
        type: path
      keep_images:
        description:
          - How many of the app's newest image tags (repository O(name)) to keep; older ones are removed,
            except O(retire.protect_images). V(0) keeps them all. Part of the same call so that a release
            has no listing task of its own for them.
        type: int
        default: 0
      protect_images:
        description: With O(retire.keep_images), image tags never removed (the new release's and the previous one's).
        type: list
        elements: str
        default: []
      mode:
        description:
          - V(swarm) when the app is a Swarm service - the service's image is what O(retire.history) records, the
            images kept are those of O(retire.registry), and the app's secrets (labelled as its) that none of its
            services uses are removed.
        type: str
        default: ""
      registry:
        description: With O(retire.mode=swarm), the registry the app's images are named in.
        type: str
        default: ""
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - Uses the C(docker) command on the host (renaming a container has no community.docker module).
"""

EXAMPLES = r"""
- name: Create the new release's container beside the serving one
  community.docker.docker_container:
    name: mysite-next
    image: mysite:0123456789ab
    state: present

- name: Switch to it
  djangodocker.deploy.django_app_release:
    name: mysite
    state: switch
  register: switch

- name: Put the previous release back after a failed switch
  djangodocker.deploy.django_app_release:
    name: mysite
    state: restore

- name: Let the previous release go once the new one is healthy
  djangodocker.deploy.django_app_release:
    name: mysite
    state: retire
    retire:
      prune: ["/srv/django/mysite/env/*.env", "/srv/django/mysite/build/*"]
      keep: ["/srv/django/mysite/build/0123456789ab"]

- name: Switch to a release Nginx already sends requests to, and let the previous one go
  djangodocker.deploy.django_app_release:
    name: mysite
    state: switch
    stop_previous: false
    retire:
      prune: ["/srv/django/mysite/build/*"]
      keep: ["/srv/django/mysite/build/0123456789ab"]
      history: /srv/django/mysite/releases
"""

RETURN = r"""
tag:
  description: With O(state=target), the image tag of the release to go back to.
  returned: success
  type: str
previous_image:
  description: With O(state=switch), the image of the release that served before; empty when none.
  returned: success
  type: str
switched:
  description: With O(state=switch), whether the new release was switched to (also on a failure of O(retire)).
  returned: always
  type: bool
lock_released:
  description: Whether O(release_lock) was given back by this call.
  returned: always
  type: bool
restored:
  description: With O(state=restore), whether a previous release was put back.
  returned: success
  type: bool
history:
  description: With O(retire.history), the images in it after this call, oldest first.
  returned: success
  type: list
  elements: str
actions:
  description: What was done (or would be, in check mode), one sentence each.
  returned: success
  type: list
  elements: str
"""

import datetime
import glob
import os
import shutil

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.deploy_lock import RELEASE_OPTIONS, release as release_lock
from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import repository
from ansible_collections.djangodocker.deploy.plugins.module_utils.release_history import read_history, rollback_candidate


class DockerCli(Docker):
    """The engine calls the switch needs (module_utils/docker_cli.Docker, plus the listings it makes)."""

    def names(self, prefix):
        return [line for line in self.container_names("name=^" + prefix) if line.startswith(prefix)]

    def celery(self, app):
        return sorted(self.container_names("label=djangodocker.deploy.app=" + app, "label=djangodocker.deploy.celery"))

    def secrets(self, app):
        """The Swarm secrets labelled as APP's."""
        return self.run("secret", "ls", "--filter", "label=djangodocker.deploy.app=" + app,
                        "--format", "{{.Name}}").split()

    def service_secrets(self, service):
        """The names of the secrets SERVICE uses (none when there is no such service)."""
        code, out, dummy = self.attempt("service", "inspect", "--format",
                                        "{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}} {{end}}",
                                        service)
        return set(out.split()) if code == 0 else set()

    def images(self, repository):
        """REPOSITORY's tags, newest first."""
        out = self.run("image", "ls", "--filter", "reference=" + repository,
                       "--format", "{{.CreatedAt}}\t{{.Repository}}:{{.Tag}}")
        found = [line.split("\t", 1) for line in out.splitlines() if "\t" in line]
        return [tag for dummy, tag in sorted(found, key=lambda row: created_at(row[0]), reverse=True)
                if not tag.endswith(":<none>")]


def created_at(text):
    """Seconds since the epoch of docker's CreatedAt ("2026-11-26 10:00:00 +0800 CST"); 0 when unreadable.

    Compared as times, not as text: the CLI writes them in the host's time zone, whose
    offset changes with daylight saving time.
    """
    try:
        return datetime.datetime.strptime(" ".join(text.split()[:3]), "%Y-%m-%d %H:%M:%S %z").timestamp()
    except ValueError:
        return 0.0


def previous_name(name):
    return name + "-previous"


def next_name(name):
    return name + "-next"


def image_of(container):
    return ((container or {}).get("Config") or {}).get("Image", "")


def switch(docker, name, stop_timeout, check_mode, stop_previous=True):
    """Set NAME aside as NAME-previous and make NAME-next NAME, started; (previous image, actions)."""
    current, previous = docker.inspect(name), docker.inspect(previous_name(name))
    if docker.inspect(next_name(name)) is None and not check_mode:
        raise DockerError("there is no container %s to switch to" % next_name(name))
    actions, undo = [], []
    if current is None:
        # An interrupted run set the serving release aside and died: it stays the one to go back to.
        previous_image = image_of(previous)
    else:
        previous_image = image_of(current)
        if previous is not None:
            actions.append("removed %s, older than the release that served" % previous_name(name))
        actions.append(("stopped %s and renamed it to %s" if stop_previous
                        else "renamed %s (drained, still running) to %s") % (name, previous_name(name)))
    actions.append("renamed %s to %s and started it" % (next_name(name), name))
    if check_mode:
        return previous_image, actions
    try:
        if current is not None:
            if previous is not None:
                docker.run("rm", "--force", previous_name(name))
            if stop_previous:
                undo.append(("start", name))
                docker.run("stop", "--time", str(stop_timeout), name)
            docker.run("rename", name, previous_name(name))
            undo.append(("rename", previous_name(name), name))
        docker.run("rename", next_name(name), name)
        undo.append(("rename", name, next_name(name)))
        docker.run("start", name)
    except DockerError:
        # Back to where it was: the serving release serving, the new one as NAME-next.
        for step in reversed(undo):
            try:
                docker.run(*step)
            except DockerError:
                pass
        raise
    return previous_image, actions


def restore(docker, name, switched, check_mode):
    """Put NAME-previous back as NAME (when the switch ran); (restored, actions)."""
    actions = []
    if docker.inspect(next_name(name)) is not None:
        actions.append("removed %s, the release that was not switched to" % next_name(name))
        if not check_mode:
            docker.run("rm", "--force", next_name(name))
    if not switched:
        return False, actions
    current, previous = docker.inspect(name), docker.inspect(previous_name(name))
    if previous is None:
        if current is not None and (current.get("State") or {}).get("Running"):
            actions.append("stopped the failed release %s (there is no previous release)" % name)
            if not check_mode:
                docker.run("stop", name)
        return False, actions
    if current is not None:
        actions.append("removed the failed release %s" % name)
        if not check_mode:
            docker.run("rm", "--force", name)
    actions.append("renamed %s back to %s and started it" % (previous_name(name), name))
    if not check_mode:
        docker.run("rename", previous_name(name), name)
        docker.run("start", name)
    return True, actions


def mounted_sources(container):
    return {mount.get("Source") for mount in (container or {}).get("Mounts") or []}


def record(history, image, check_mode, keep=20):
    """Add IMAGE to the HISTORY file unless it is the last line; (lines, changed)."""
    lines = read_history(history)
    if not image or (lines and lines[-1] == image):
        return lines, False
    lines = (lines + [image])[-keep:]
    if not check_mode:
        tmp = history + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
        os.replace(tmp, history)
    return lines, True


def retire(docker, name, prune, keep, check_mode, celery_leftovers=False, celery_stop_timeout=60):
    """Remove NAME-previous, leftovers of earlier runs and what PRUNE matches; actions."""
    actions = []
    leftovers = [n for n in docker.names(name + "-")
                 if n in (previous_name(name), next_name(name)) or n.startswith(name + "-migrate-")]
    for leftover in leftovers:
        actions.append("removed %s" % leftover)
        if not check_mode:
            docker.run("rm", "--force", leftover)
    for worker in docker.celery(name) if celery_leftovers else []:
        actions.append("stopped and removed %s (the app runs no Celery any more)" % worker)
        if not check_mode:
            docker.run("stop", "--time", str(celery_stop_timeout), worker)
            docker.run("rm", worker)
    in_use = mounted_sources(docker.inspect(name)) | set(keep)
    for pattern in prune:
        for path in sorted(glob.glob(pattern)):
            if path in in_use:
                continue
            actions.append("removed %s, which no release uses" % path)
            if check_mode:
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
    return actions


def prune_images(docker, name, keep, protect, check_mode):
    """Remove NAME's image tags beyond the newest KEEP, never those in PROTECT; actions."""
    actions = []
    for tag in docker.images(name)[keep:] if keep > 0 else []:
        if tag in protect:
            continue
        actions.append("removed image %s (beyond the newest %d)" % (tag, keep))
        if not check_mode:
            docker.run("image", "rm", tag)
    return actions


def prune_secrets(docker, name, check_mode):
    """Swarm mode: the app's secrets no service of the app uses (each environment file's content is a secret of
    its own, and a release that changed it leaves the old one); actions. The engine refuses to remove one a
    service still uses: that one is kept, and said so."""
    used = set()
    for service in (name, name + "-worker", name + "-beat"):
        used |= docker.service_secrets(service)
    actions = []
    for secret in docker.secrets(name):
        if secret in used:
            continue
        if check_mode:
            actions.append("removed secret %s, which no service of the app uses" % secret)
            continue
        code, dummy, err = docker.attempt("secret", "rm", secret)
        actions.append("removed secret %s, which no service of the app uses" % secret if code == 0
                       else "kept secret %s (%s)" % (secret, err.strip() or "the engine refused"))
    return actions


def serving_image(docker, name, mode):
    """The image that serves NAME: its container's, in swarm mode its service's (without a digest)."""
    if mode != "swarm":
        return image_of(docker.inspect(name))
    code, out, dummy = docker.attempt("service", "inspect", "--format",
                                      "{{.Spec.TaskTemplate.ContainerSpec.Image}}", name)
    return out.strip().split("@", 1)[0] if code == 0 else ""


def retire_all(docker, name, policy, check_mode):
    """Everything O(retire) lets go, in one pass; (result fields, actions)."""
    result = {}
    actions = retire(docker, name, policy["prune"], policy["keep"], check_mode,
                     policy["celery_leftovers"], policy["celery_stop_timeout"])
    mode = policy.get("mode") or ""
    if policy["history"]:
        result["history"], added = record(policy["history"], serving_image(docker, name, mode), check_mode)
        if added:
            actions.append("recorded %s as a release that served" % result["history"][-1])
    actions += prune_images(docker, repository(name, mode, policy.get("registry") or ""), policy["keep_images"],
                            policy["protect_images"], check_mode)
    if mode == "swarm":
        actions += prune_secrets(docker, name, check_mode)
    return result, actions


class RetireError(Exception):
    """Retiring failed after a successful switch: the new release serves."""

    def __init__(self, error, result, actions):
        super().__init__(str(error))
        self.result, self.actions = result, actions


def release(docker, params, check_mode):
    """Carry out PARAMS["state"], then give the lock back after a retire; (result, actions)."""
    result, actions = carry_out(docker, params, check_mode)
    retired = params["state"] == "retire" or (params["state"] == "switch" and params["retire"] is not None)
    result["lock_released"] = bool(retired and params["release_lock"] and not check_mode
                                   and release_lock(params["release_lock"]["path"], params["release_lock"]["holder"]))
    return result, actions


def rollback_target(docker, name, history, wanted, mode="", registry=""):
    """The image tag a rollback goes back to: WANTED, or the newest release in HISTORY that served, is not the
    serving one and whose image is still on the host (never a release that failed). DockerError when none."""
    repo = repository(name, mode, registry)
    images = docker.images(repo)
    if wanted:
        found = repo + ":" + wanted if repo + ":" + wanted in images else ""
    else:
        found = rollback_candidate(read_history(history) if history else [], serving_image(docker, name, mode), images)
    if not found:
        raise DockerError("There is no image %s on the host to go back to. Images of %s there: %s."
                          % (repo + ":" + wanted if wanted else "of an earlier release that served", repo,
                             ", ".join(images) or "none"))
    return found.rsplit(":", 1)[-1]


def carry_out(docker, params, check_mode):
    """Carry out PARAMS["state"]; (result, actions). Raises DockerError, or RetireError after a switch."""
    name, policy = params["name"], params["retire"]
    result = {"previous_image": "", "restored": False, "switched": False}
    if params["state"] == "switch":
        result["previous_image"], actions = switch(docker, name, params["stop_timeout"], check_mode,
                                                   params["stop_previous"])
        result["switched"] = True
        if policy is None:
            return result, actions
        if result["previous_image"]:
            # A rollback starts the previous release's image again.
            policy = dict(policy, protect_images=policy["protect_images"] + [result["previous_image"]])
        try:
            retired, more = retire_all(docker, name, policy, check_mode)
        except (DockerError, OSError) as error:
            raise RetireError(error, result, actions)
        result.update(retired)
        return result, actions + more
    if params["state"] == "target":
        return dict(result, tag=rollback_target(docker, name, params["history"], params["rollback_to"],
                                                params["mode"], params["registry"])), []
    if params["state"] == "restore":
        result["restored"], actions = restore(docker, name, params["switched"], check_mode)
        return result, actions
    retired, actions = retire_all(docker, name, policy or RETIRE_DEFAULTS, check_mode)
    result.update(retired)
    return result, actions


RETIRE_OPTIONS = dict(
    prune=dict(type="list", elements="path", default=[]),
    keep=dict(type="list", elements="path", default=[]),
    history=dict(type="path"),
    celery_leftovers=dict(type="bool", default=False),
    celery_stop_timeout=dict(type="int", default=60),
    keep_images=dict(type="int", default=0),
    protect_images=dict(type="list", elements="str", default=[]),
    mode=dict(type="str", default=""),
    registry=dict(type="str", default=""),
)
# O(state=retire) without O(retire): the previous release and leftovers only.
RETIRE_DEFAULTS = {key: spec.get("default") for key, spec in RETIRE_OPTIONS.items()}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", required=True, choices=["switch", "restore", "retire", "target"]),
            history=dict(type="path"),
            rollback_to=dict(type="str", default=""),
            mode=dict(type="str", default=""),
            registry=dict(type="str", default=""),
            switched=dict(type="bool", default=True),
            stop_timeout=dict(type="int", default=10),
            stop_previous=dict(type="bool", default=True),
            retire=dict(type="dict", options=RETIRE_OPTIONS),
            release_lock=dict(type="dict", options=RELEASE_OPTIONS),
        ),
        supports_check_mode=True,
    )
    try:
        result, actions = release(DockerCli(module), module.params, module.check_mode)
    except RetireError as error:
        module.fail_json(msg="%s serves the new release, but letting the previous one go failed: %s "
                             "(the next release removes what is left)" % (module.params["name"], error),
                         changed=True, actions=error.actions, **error.result)
    except DockerError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(actions), actions=actions, **result)


if __name__ == "__main__":
    main()
