#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_ce_state
short_description: Read what docker-ce needs on a host and decide whether it is all in place
version_added: 0.2.0
description:
  - Reads, without changing anything, the host's release and dpkg architecture, the
    repository key ring, the deb822 source, the docker-ce packages and their holds, the
    docker service and the docker group, and compares them with what the options ask for.
  - Returns RV(in_place) and, when something is out of place, the reasons in plain
    words. The C(docker_ce) role runs it once per play, so a host where everything is in
    place costs one round trip and no fact gathering.
  - The key ring is in place only when it holds exactly one primary key, the pinned one;
    a subkey's fingerprint never satisfies the pin.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  mirror_url:
    description: Base URL of the docker-ce mirror; the repository is C(<mirror_url>/linux/<os id>).
    type: str
    required: true
  channel:
    description: Repository component (C(stable) or C(test)).
    type: str
    default: stable
  fingerprint:
    description: Fingerprint of the one key the repository may be signed with (spaces allowed).
    type: str
    required: true
  keyring:
    description: Path of the key ring the source's C(Signed-By) names.
    type: path
    required: true
  source_file:
    description: Path of the deb822 source file.
    type: path
    required: true
  packages:
    description: Packages that must be installed.
    type: list
    elements: str
    default: []
  version:
    description: Exact version C(docker-ce) and C(docker-ce-cli) must have, held; empty for any, not held.
    type: str
    default: ""
  absent_packages:
    description: Packages that must not be installed.
    type: list
    elements: str
    default: []
  users:
    description: Users that must be members of the docker group.
    type: list
    elements: str
    default: []
  offline:
    description:
      - The packages come from a folder of C(.deb) files (the air-gap bundle), not a repository - the key
        ring and the source are not looked at.
    type: bool
    default: false
  setup_packages:
    description:
      - Packages the key and source steps need before the docker-ce source exists (C(gpg) checks the key,
        C(ca-certificates) lets an https mirror be reached).
      - RV(setup_missing) lists those not installed, so that a host that has them all gets the rest of the
        packages in one apt transaction after one cache refresh.
    type: list
    elements: str
    default: []
  supported:
    description:
      - Supported releases, as a mapping of C(/etc/os-release) C(ID) to codenames, and the architectures under
        the key C(architectures). RV(supported) says whether this host is one of them; an unsupported host's
        mirror is not asked.
    type: dict
    default: {}
extends_documentation_fragment:
  - djangodocker.deploy.attributes
  - djangodocker.deploy.mirrors
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - Read-only; it never reports C(changed).
"""

EXAMPLES = r"""
- name: Read the host and decide whether docker-ce is in place
  djangodocker.deploy.docker_ce_state:
    mirror_url: https://mirrors.aliyun.com/docker-ce
    fingerprint: 9DC8 5822 9FC7 DD38 854A E2D8 8D81 803C 0EBF CD88
    keyring: /etc/apt/keyrings/docker.asc
    source_file: /etc/apt/sources.list.d/docker.sources
    packages: [docker-ce, docker-ce-cli, containerd.io]
    absent_packages: [docker.io, podman-docker]
  register: docker_ce_state

- name: Show why something is out of place
  ansible.builtin.debug:
    var: docker_ce_state.reasons
"""

RETURN = r"""
in_place:
  description: Whether everything compared is as wanted.
  returned: always
  type: bool
reasons:
  description: What is out of place, one sentence each; empty when in place.
  returned: always
  type: list
  elements: str
  sample: ["/etc/apt/keyrings/docker.asc holds 2 primary keys, not only 9DC85822..."]
os:
  description: C(id), C(version) and C(codename) from /etc/os-release.
  returned: always
  type: dict
architecture:
  description: dpkg's architecture (C(amd64), C(arm64)).
  returned: always
  type: str
repo_url:
  description: The repository URL for this host's distribution.
  returned: always
  type: str
source_fields:
  description: The fields the deb822 source must have.
  returned: always
  type: dict
keyring:
  description: C(primary) and C(subkeys) fingerprints in the key ring, or null when it is absent.
  returned: always
  type: dict
packages:
  description: For each package dpkg knows, its C(version), C(selection) and whether it is C(installed).
  returned: always
  type: dict
globally_trusted:
  description: apt-key's global key rings (C(/etc/apt/trusted.gpg), C(trusted.gpg.d)) that hold the pinned key.
  returned: always
  type: list
  elements: str
supported:
  description: Whether the host's distribution, release and architecture are among O(supported).
  returned: always
  type: bool
setup_missing:
  description: The O(setup_packages) that are not installed.
  returned: always
  type: list
  elements: str
conflicting_installed:
  description: The O(absent_packages) that are installed (nothing to remove when empty).
  returned: always
  type: list
  elements: str
selection_needed:
  description: Whether C(docker-ce) and C(docker-ce-cli) need their dpkg selection set (held for a pinned O(version),
    or a hold to release).
  returned: always
  type: bool
source_text:
  description: The deb822 source file as it must be written (the fields of RV(source_fields)).
  returned: always
  type: str
legacy_sources:
  description: One-line sources (file and line) that point at a docker-ce repository, as C(add-apt-repository) writes them.
  returned: always
  type: list
  elements: dict
"""

import glob
import subprocess

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import (
    describe,
    ownership_reasons,
    read_text,
)
from ansible_collections.djangodocker.deploy.plugins.module_utils.mirror_probe import (
    MIRROR_CHECK_OPTIONS, asks_mirrors, failure_message, probe_all)
from ansible_collections.djangodocker.deploy.plugins.module_utils.openpgp import (
    global_keyrings_with,
    keyring_fingerprints,
    normalise_fingerprint,
)
from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import hide_url_passwords

ROOT_FILE = {"dir": False, "mode": "0644", "uid": 0, "gid": 0}
LEGACY_LISTS = ["/etc/apt/sources.list"] + ["/etc/apt/sources.list.d/*.list"]


def run(argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return 127, ""
    return done.returncode, done.stdout


def os_release(text):
    fields = {}
    for line in (text or "").splitlines():
        key, dummy, value = line.strip().partition("=")
        fields[key] = value.strip().strip("'\"")
    return {"id": fields.get("ID", ""), "version": fields.get("VERSION_ID", ""),
            "codename": fields.get("VERSION_CODENAME", "")}


def deb822_fields(text):
    """The fields of a one-stanza deb822 source; None for None."""
    if text is None:
        return None
    fields = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith((" ", "\t", "#")):
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
    return fields


def parse_dpkg(output):
    """name -> {version, selection, installed} from dpkg-query's output."""
    found = {}
    for line in output.splitlines():
        name, version, status = (line.split("\t") + ["", ""])[:3]
        # Status-Abbrev: desired action (i install, h hold, ...), then state (i installed).
        found[name] = {
            "version": version,
            "selection": {"i": "install", "h": "hold"}.get(status[:1], "other"),
            "installed": status[1:2] == "i",
        }
    return found


def group_members(getent_line):
    fields = getent_line.strip().split(":")
    return [name for name in (fields[3] if len(fields) > 3 else "").split(",") if name]


def legacy_sources(files, repo_url):
    """One-line sources in FILES ({path: text}) that point at a docker-ce repository."""
    found = []
    marker = repo_url.split("://", 1)[-1].rstrip("/")
    for path, text in sorted(files.items()):
        for line in (text or "").splitlines():
            words = line.split("#", 1)[0].split()
            if words[:1] not in (["deb"], ["deb-src"]):
                continue
            urls = [w.split("://", 1)[-1].rstrip("/") for w in words if "://" in w]
            if any(u == marker or u.endswith("/linux/debian") or u.endswith("/linux/ubuntu")
                   or "download.docker.com" in u for u in urls):
                found.append({"file": path, "line": line})
    return found


def repo_url_for(mirror_url, os_id):
    return "%s/linux/%s" % (mirror_url.rstrip("/"), os_id)


def wanted_source(repo_url, codename, channel, architecture, keyring):
    return {
        "Types": "deb",
        "URIs": repo_url,
        "Suites": codename,
        "Components": channel,
        "Architectures": architecture,
        "Signed-By": keyring,
    }


def source_text(fields):
    return "".join("%s: %s\n" % (key, value) for key, value in fields.items())


def installed_names(packages):
    return {name for name, p in packages.items() if p["installed"]}


def is_supported(supported, os_info, architecture):
    return (os_info["codename"] in (supported.get(os_info["id"]) or [])
            and architecture in (supported.get("architectures") or []))


def mirror_targets(repo_url, codename):
    return [{"name": "docker-ce signing key", "url": repo_url + "/gpg"},
            {"name": "docker-ce repository", "url": "%s/dists/%s/Release" % (repo_url, codename)}]


def selection_needed(packages, version):
    """A pinned version is held after each install; otherwise only an existing hold is released."""
    if version:
        return True
    return any(p["installed"] and p["selection"] == "hold"
               for name, p in packages.items() if name in ("docker-ce", "docker-ce-cli"))


def repository_reasons(host, want):
    """Why the key ring and the deb822 source are not as WANT says."""
    reasons = []
    keyring = host["keyring"]
    if keyring is None:
        reasons.append("the key ring %s is missing" % want["keyring"])
    elif keyring["primary"] != [want["fingerprint"]]:
        reasons.append("the key ring %s holds primary keys %s, not only the pinned %s"
                       % (want["keyring"], keyring["primary"] or "none", want["fingerprint"]))
    for path in (want["keyring"], want["source_file"]):
        if host["files"].get(path) is not None:
            reasons += ownership_reasons(path, host["files"][path], ROOT_FILE)
    source = host["source"]
    if source is None:
        reasons.append("the source %s is missing" % want["source_file"])
    else:
        for key, value in want["source_fields"].items():
            if source.get(key) != value:
                reasons.append("the source's %s is %r, not %r" % (key, source.get(key), value))
    return reasons


def decide(host, want):
    """The reasons HOST (what was read) is not as WANT says; [] when in place.

    HOST: keyring (fingerprints or None), files ({path: describe()}), source
    (fields or None), packages (parse_dpkg), service_active, service_enabled,
    docker_group, legacy_sources. WANT: fingerprint, keyring, source_file,
    source_fields, packages, version, absent_packages, users, offline.
    """
    reasons = []
    # Packages from a folder (the air-gap bundle's) need no key ring and no source.
    if not want.get("offline"):
        reasons += repository_reasons(host, want)
    for line in host["legacy_sources"]:
        reasons.append("%s still has the one-line source %r" % (line["file"], line["line"]))
    for path in host.get("globally_trusted", []):
        reasons.append("%s (apt-key) makes apt trust the pinned key for every source" % path)
    installed = {name: p for name, p in host["packages"].items() if p["installed"]}
    for name in want["packages"]:
        if name not in installed:
            reasons.append("package %s is not installed" % name)
    selection = "hold" if want["version"] else "install"
    for name in ("docker-ce", "docker-ce-cli"):
        if name not in installed:
            continue
        if want["version"] and installed[name]["version"] != want["version"]:
            reasons.append("%s is %s, not the pinned %s" % (name, installed[name]["version"], want["version"]))
        if installed[name]["selection"] != selection:
            reasons.append("%s is marked %s, not %s" % (name, installed[name]["selection"], selection))
    for name in want["absent_packages"]:
        if name in installed:
            reasons.append("conflicting package %s is installed" % name)
    if not host["service_active"]:
        reasons.append("the docker service is not running")
    if not host["service_enabled"]:
        reasons.append("the docker service does not start at boot")
    for user in want["users"]:
        if user not in host["docker_group"]:
            reasons.append("user %s is not in the docker group" % user)
    return reasons


def read_host(params):
    os_info = os_release(read_text("/etc/os-release"))
    architecture = run(["dpkg", "--print-architecture"])[1].strip()
    names = sorted(set(params["packages"]) | set(params["absent_packages"]) | set(params["setup_packages"])
                   | {"docker-ce", "docker-ce-cli"})
    lists = {}
    for pattern in LEGACY_LISTS:
        for path in glob.glob(pattern):
            lists[path] = read_text(path)
    repo_url = repo_url_for(params["mirror_url"], os_info["id"])
    return os_info, architecture, repo_url, {
        "keyring": keyring_fingerprints(params["keyring"]),
        "files": {path: describe(path) for path in (params["keyring"], params["source_file"])},
        "source": deb822_fields(read_text(params["source_file"])),
        "packages": parse_dpkg(run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n"]
                                   + names)[1]),
        "service_active": run(["systemctl", "is-active", "docker"])[1].strip() == "active",
        "service_enabled": run(["systemctl", "is-enabled", "docker"])[1].strip() == "enabled",
        "docker_group": group_members(run(["getent", "group", "docker"])[1]),
        "legacy_sources": legacy_sources(lists, repo_url),
        "globally_trusted": global_keyrings_with(normalise_fingerprint(params["fingerprint"])),
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            mirror_url=dict(type="str", required=True),
            channel=dict(type="str", default="stable"),
            fingerprint=dict(type="str", required=True),
            keyring=dict(type="path", required=True),
            source_file=dict(type="path", required=True),
            packages=dict(type="list", elements="str", default=[]),
            version=dict(type="str", default=""),
            absent_packages=dict(type="list", elements="str", default=[]),
            users=dict(type="list", elements="str", default=[]),
            setup_packages=dict(type="list", elements="str", default=[]),
            supported=dict(type="dict", default={}),
            offline=dict(type="bool", default=False),
            **MIRROR_CHECK_OPTIONS
        ),
        supports_check_mode=True,
    )
    # A login in the mirror's URL is in no output.
    hide_url_passwords(module)
    params = module.params
    os_info, architecture, repo_url, host = read_host(params)
    source_fields = wanted_source(repo_url, os_info["codename"], params["channel"], architecture, params["keyring"])
    want = dict(params, fingerprint=normalise_fingerprint(params["fingerprint"]), source_fields=source_fields)
    reasons = decide(host, want)
    installed = installed_names(host["packages"])
    supported = is_supported(params["supported"], os_info, architecture)
    # An unsupported host fails on that (in the role), not on its mirror.
    # Only when something is out of place (the repository and install steps will run): the mirror's
    # key file and the release's Release file.
    if reasons and supported and asks_mirrors(params):
        failures = probe_all(mirror_targets(repo_url, os_info["codename"]), params["mirror_timeout"])
        if failures:
            message = failure_message(failures, params["mirror_timeout"])
            if params["mirror_check"] == "fail":
                module.fail_json(msg=message + ". Nothing was changed. Check docker_ce_mirror_url, or choose "
                                 "another mirror.", reasons=reasons)
            module.warn(message)
    module.exit_json(
        changed=False,
        in_place=not reasons,
        reasons=reasons,
        os=os_info,
        architecture=architecture,
        repo_url=repo_url,
        source_fields=source_fields,
        source_text=source_text(source_fields),
        supported=supported,
        setup_missing=[name for name in params["setup_packages"] if name not in installed],
        conflicting_installed=[name for name in params["absent_packages"] if name in installed],
        selection_needed=selection_needed(host["packages"], params["version"]),
        keyring=host["keyring"],
        packages=host["packages"],
        legacy_sources=host["legacy_sources"],
        globally_trusted=host["globally_trusted"],
    )


if __name__ == "__main__":
    main()
