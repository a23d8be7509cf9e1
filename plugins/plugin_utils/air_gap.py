# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The air-gap bundle: what goes in it, how it is laid out, and what makes it fit a host.

One archive holds everything a host with no route to any mirror needs for site.yml: the
docker-ce packages with what a minimal host of the target release lacks of their dependencies
(debs/docker), the images (images/, `docker save` archives with an index), the app's wheels for
the base image's Python and platform (wheels/), the Debian packages its image build installs
with what the base image lacks of their dependencies (debs/os, debs/build), and the collection.
What goes to the hosts travels as host.tar; the images stay on the controller and are sent
like images_from_controller sends them.

Everything that decides whether a bundle fits a host and the settings is here (unit tested);
the actions air_gap_bundle and air_gap_unpack only run it.
"""

from __future__ import annotations

import hashlib
import json
import os

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import build_tools, image_inputs
from ansible_collections.djangodocker.deploy.plugins.module_utils.django_project import dependencies
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.stack_images import role_file

FORMAT = 1
MANIFEST = "manifest.json"
HOST_TAR = "host.tar"
IMAGES_DIR = "images"
# The index of images/: {reference: {"id": image ID, "file": archive name}}.
IMAGES_INDEX = "images.json"
COLLECTION_TAR = "collection.tar.gz"
# Folders of host.tar, unpacked under the host's bundle folder.
DOCKER_DEBS = "debs/docker"
OS_DEBS = "debs/os"
BUILD_DEBS = "debs/build"
WHEELS = "wheels"

# Releases docker-ce is built for (the docker_ce role's list), by codename.
RELEASES = {
    "bullseye": "debian", "bookworm": "debian", "trixie": "debian",
    "focal": "ubuntu", "jammy": "ubuntu", "noble": "ubuntu", "resolute": "ubuntu",
}
ARCHITECTURES = ("amd64", "arm64")
# What the docker_ce role installs: the engine, its CLI and runtime, the plugins, and what the
# community.docker modules of the other roles need on the host.
DOCKER_PACKAGES = ["docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin",
                   "python3-requests"]


# The settings a bundle is made for (the user's variable, else the role's default), by role.
SETTINGS_ROLES = ("docker_ce", "django_app")


class BundleProblem(Exception):
    """Input that cannot make a bundle, or a bundle that does not fit: the message says which."""


def settings_getter(templar, task_vars):
    """GET(name): the play's value of a variable, else the docker_ce or django_app role's default."""
    defaults = {}
    for role in SETTINGS_ROLES:
        defaults.update(role_file(role, "defaults"))

    def get(name):
        if name in task_vars:
            return templar.template(task_vars[name])
        return defaults.get(name)
    return get


def settings(get):
    """(app, docker): what the bundle needs of the django_app and docker_ce settings; GET(name) is a
    variable's value (the user's, else the role's default). The build packages include the build
    commands' tools (gettext for compilemessages)."""
    project = get("django_app_project_src")
    if not project:
        raise BundleProblem("django_app_project_src is not set: the bundle needs the project's requirements.")
    app = dict(
        project_src=project, requirements_file=get("django_app_requirements_file") or "",
        base_image=get("django_app_base_image"), os_packages=list(get("django_app_os_packages") or []),
        build_packages=list(dict.fromkeys(list(get("django_app_build_packages") or [])
                                          + build_tools(list(get("django_app_build_commands") or []), []))),
        pip_index_url=get("django_app_pip_index_url"),
        apt_mirror_url=get("django_app_apt_mirror_url") or "",
        apt_security_mirror_url=get("django_app_apt_security_mirror_url") or "",
        database=get("django_app_database") or "sqlite", redis=bool(get("django_app_redis")),
        server=get("django_app_server") or "uwsgi", interface=get("django_app_interface") or "wsgi",
        uwsgi_requirement=get("django_app_uwsgi_requirement") or "")
    docker = dict(mirror_url=get("docker_ce_mirror_url"), fingerprint=str(get("docker_ce_gpg_fingerprint")),
                  channel=get("docker_ce_channel") or "stable", version=get("docker_ce_version") or "")
    return app, docker


def project_inputs(app):
    """(dependencies, tools) of APP (settings()'s): the project's dependency files and the role's pinned tools
    files its image installs - what the bundle collects wheels for, and checks again on every deploy."""
    deps = dependencies(os.path.abspath(os.path.expanduser(app["project_src"])), app["requirements_file"])
    tools = image_inputs(app["database"], app["redis"], app["uwsgi_requirement"], deps["mode"], app["server"],
                         app["interface"])["tools"]
    return deps, tools


def target(release, architecture):
    """{id, codename, architecture} for RELEASE (a codename) and ARCHITECTURE, or BundleProblem."""
    if release not in RELEASES:
        raise BundleProblem("air_gap_release %r is not a release docker-ce is built for; use one of %s."
                            % (release, ", ".join(sorted(RELEASES))))
    if architecture not in ARCHITECTURES:
        raise BundleProblem("air_gap_architecture %r is not one of %s." % (architecture, ", ".join(ARCHITECTURES)))
    return {"id": RELEASES[release], "codename": release, "architecture": architecture}


def release_image(wanted):
    """The official image of the target release: a minimal host of it (what the closure is taken against)."""
    if wanted["id"] == "debian":
        return "debian:%s-slim" % wanted["codename"]
    return "ubuntu:%s" % wanted["codename"]


def platform(architecture):
    """Docker's platform for a dpkg architecture."""
    return "linux/" + architecture


def docker_repository(mirror_url, os_id):
    """The docker-ce repository under a mirror in download.docker.com's layout."""
    return "%s/linux/%s" % (mirror_url.rstrip("/"), os_id)


def docker_sources(wanted, mirror_url, channel, apt_mirror_url, apt_security_mirror_url, keyring):
    """One-line apt sources for the release image: its archive (with updates and security) and docker-ce."""
    codename, os_id = wanted["codename"], wanted["id"]
    components = "main" if os_id == "debian" else "main universe"
    archive = apt_mirror_url.rstrip("/")
    lines = ["deb %s %s %s" % (archive, suite, components) for suite in (codename, codename + "-updates")]
    if apt_security_mirror_url:
        lines.append("deb %s %s-security %s" % (apt_security_mirror_url.rstrip("/"), codename, components))
    lines.append("deb [arch=%s signed-by=%s] %s %s %s" % (wanted["architecture"], keyring,
                                                          docker_repository(mirror_url, os_id), codename, channel))
    return "\n".join(lines) + "\n"


def docker_packages(version):
    """The packages to download, the engine and its CLI at VERSION when one is pinned."""
    suffix = "=" + version if version else ""
    return [name + suffix if name in ("docker-ce", "docker-ce-cli") else name for name in DOCKER_PACKAGES]


def sha256_text(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def app_inputs(base_image, os_packages, build_packages, dependencies, tools, uwsgi_requirement):
    """What the app's part of a bundle is made for: compared with the settings on every deploy."""
    return {
        "base_image": base_image,
        "os_packages": sorted(os_packages),
        "build_packages": sorted(build_packages),
        "dependencies_mode": dependencies["mode"],
        "dependencies_entry": dependencies["entry"],
        "dependency_files": dict((name, sha256_text(text)) for name, text in sorted(dependencies["files"].items())),
        "tools": sorted(tools),
        "uwsgi_requirement": uwsgi_requirement,
    }


def check_dependencies_mode(dependencies):
    if dependencies["mode"] not in ("requirements",):
        raise BundleProblem(
            "The air-gap bundle takes the project's dependencies from a requirements file (or pyproject.toml's "
            "[project] dependencies); this project is locked with %s: export the lock to requirements.txt "
            "(`uv export --no-hashes -o requirements.txt` or `poetry export -o requirements.txt`) and set "
            "django_app_requirements_file." % dependencies["mode"])


def app_script(entry, tools, uwsgi_requirement, os_packages, build_packages, apt_mirror_url,
               apt_security_mirror_url):
    """The shell script the base image runs to collect the app's part: /in holds pip.conf, deps/ and
    tools/; /out gets debs/os, debs/build, wheels and python (the interpreter's version and platform)."""
    lines = ["set -eu", "export PIP_CONFIG_FILE=/in/pip.conf PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1"]
    packages = list(os_packages) + list(build_packages)
    if packages:
        lines += [
            ". /etc/os-release",
            "rm -f /etc/apt/sources.list.d/*.sources /etc/apt/sources.list",
            'echo "deb %s $VERSION_CODENAME main" > /etc/apt/sources.list' % apt_mirror_url.rstrip("/"),
            'echo "deb %s $VERSION_CODENAME-updates main" >> /etc/apt/sources.list' % apt_mirror_url.rstrip("/"),
        ]
        if apt_security_mirror_url:
            lines.append('echo "deb %s $VERSION_CODENAME-security main" >> /etc/apt/sources.list'
                         % apt_security_mirror_url.rstrip("/"))
        lines.append("apt-get -qq -o Acquire::Retries=2 update")
        for folder, names in ((OS_DEBS, os_packages), (BUILD_DEBS, build_packages)):
            lines.append("mkdir -p /out/%s" % folder)
            if names:
                lines += [
                    "rm -f /var/cache/apt/archives/*.deb",
                    "apt-get -qq install -y --download-only --no-install-recommends %s" % " ".join(names),
                    "cp /var/cache/apt/archives/*.deb /out/%s/" % folder,
                ]
        if build_packages:
            # What building an sdist into a wheel needs (compilers, headers).
            lines.append("apt-get -qq install -y --no-install-recommends %s >/dev/null" % " ".join(build_packages))
    lines += ["mkdir -p /tmp/downloads /out/%s" % WHEELS,
              "python -m pip download -q --dest /tmp/downloads -r '/in/deps/%s'" % entry]
    for tool in tools:
        lines.append("python -m pip download -q --require-hashes --dest /tmp/downloads -r '/in/%s'" % tool)
    if uwsgi_requirement:
        lines.append("python -m pip download -q --dest /tmp/downloads '%s'" % uwsgi_requirement)
    lines += [
        # Wheels are kept as they are (their hashes are the pinned ones); sdists are built into wheels here,
        # so the host's build needs no compiler.
        "python -m pip wheel -q --no-deps --wheel-dir /out/%s /tmp/downloads/*" % WHEELS,
        # The wheel set satisfies the requirements, or the bundle is not written.
        "python -m pip install -q --dry-run --ignore-installed --no-index --find-links /out/%s -r '/in/deps/%s'"
        % (WHEELS, entry),
    ]
    for tool in tools:
        lines.append("python -m pip install -q --dry-run --ignore-installed --no-index --find-links /out/%s "
                     "--require-hashes -r '/in/%s'" % (WHEELS, tool))
    lines.append("python -c 'import sys, sysconfig; print(\"%d.%d\" % sys.version_info[:2], "
                 "sysconfig.get_platform())' > /out/python")
    return "\n".join(lines) + "\n"


def docker_script(packages):
    """The shell script the release image runs: docker-ce and the part of its dependencies it lacks into /out."""
    return "\n".join([
        "set -eu",
        "rm -f /etc/apt/sources.list.d/* /etc/apt/sources.list",
        "cp /in/sources.list /etc/apt/sources.list",
        "apt-get -qq -o Acquire::Retries=2 update",
        "rm -f /var/cache/apt/archives/*.deb",
        "apt-get -qq install -y --download-only --no-install-recommends %s" % " ".join(packages),
        "mkdir -p /out/%s" % DOCKER_DEBS,
        "cp /var/cache/apt/archives/*.deb /out/%s/" % DOCKER_DEBS,
    ]) + "\n"


# What the host is, in one command: os-release's ID and codename, dpkg's architecture.
HOST_COMMAND = ". /etc/os-release; echo \"$ID ${VERSION_CODENAME:-}\"; dpkg --print-architecture"


def host_facts(output):
    """{id, codename, architecture} of a host from HOST_COMMAND's output."""
    lines = (output or "").split("\n")
    first = (lines[0].split() + ["", ""])[:2]
    return {"id": first[0], "codename": first[1], "architecture": lines[1].strip() if len(lines) > 1 else ""}


def problems(manifest, host, images, app):
    """Why MANIFEST (a bundle's) does not fit HOST (host_facts), the IMAGES the play needs, and APP
    (app_inputs of the current settings, or None when the host runs no app); [] when it fits."""
    found = []
    if manifest.get("format") != FORMAT:
        return ["the bundle's format is %r, not %d (made by another version of the collection: build it again)"
                % (manifest.get("format"), FORMAT)]
    made_for = manifest["target"]
    if (made_for["id"], made_for["codename"], made_for["architecture"]) != (
            host["id"], host["codename"], host["architecture"]):
        found.append("it was built for %s %s on %s; this host is %s %s on %s"
                     % (made_for["id"], made_for["codename"], made_for["architecture"],
                        host["id"] or "an unknown system", host["codename"], host["architecture"]))
    missing = [image for image in images if image not in manifest.get("images", {})]
    if missing:
        found.append("it has no image %s (it has %s)" % (", ".join(missing), ", ".join(sorted(manifest["images"]))))
    if app is not None:
        made = manifest.get("app", {})
        for key, what in (("base_image", "base image"), ("dependencies_entry", "requirements file"),
                          ("uwsgi_requirement", "uWSGI requirement")):
            if made.get(key) != app[key]:
                found.append("its %s is %r, the settings say %r" % (what, made.get(key), app[key]))
        for key, what in (("os_packages", "django_app_os_packages"), ("build_packages", "django_app_build_packages"),
                          ("tools", "pinned tools (server, drivers)")):
            lacking = sorted(set(app[key]) - set(made.get(key, [])))
            if lacking:
                found.append("it lacks %s of %s" % (", ".join(lacking), what))
        changed = sorted(name for name, digest in app["dependency_files"].items()
                         if made.get("dependency_files", {}).get(name) != digest)
        if changed:
            found.append("its wheels were collected for another %s (the project's changed since)"
                         % ", ".join(name.split("/", 1)[-1] for name in changed))
    return found


def problem_message(bundle, found):
    return ("The air-gap bundle %s does not fit: %s. Build it again with bundle.yml for these settings and "
            "hosts; nothing was changed." % (bundle, "; ".join(found)))


def manifest_text(manifest):
    return json.dumps(manifest, indent=1, sort_keys=True) + "\n"
