#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: offline_packages
short_description: Install Debian packages from a folder of .deb files, with no package source
version_added: 0.12.0
description:
  - For a host that reaches no package mirror (the air-gap bundle's C(debs/docker) folder), reads the
    package name and version of each C(.deb) file in O(path), and installs, in one C(apt-get) transaction
    that downloads nothing, the files whose package the host does not have installed. A package the host
    already has is left as it is (no upgrade, no downgrade). A second run installs nothing.
  - Fails before anything is installed when a package of O(names) has no file in O(path).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  path:
    description: The folder of C(.deb) files.
    type: path
    required: true
  names:
    description: Packages that must be installed afterwards (each needs a file in O(path) unless installed).
    type: list
    elements: str
    default: []
  lock_timeout:
    description: Seconds C(apt-get) waits for the dpkg lock (a fresh cloud VM's cloud-init may hold it).
    type: int
    default: 600
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Install docker-ce from the air-gap bundle
  djangodocker.deploy.offline_packages:
    path: /var/lib/djangodocker/air-gap/debs/docker
    names: [docker-ce, docker-ce-cli, containerd.io]
"""

RETURN = r"""
installed:
  description: The packages installed (in check mode, that would be), as C(name=version).
  returned: success
  type: list
  elements: str
"""

import glob
import os

from ansible.module_utils.basic import AnsibleModule


def to_install(files, installed):
    """The FILES ({path: (package, version)}) whose package is not in INSTALLED, sorted by path."""
    return sorted(path for path, (package, dummy) in files.items() if package not in installed)


def main():
    module = AnsibleModule(
        argument_spec=dict(path=dict(type="path", required=True),
                           names=dict(type="list", elements="str", default=[]),
                           lock_timeout=dict(type="int", default=600)),
        supports_check_mode=True,
    )
    folder = module.params["path"]
    files = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.deb"))):
        code, out, err = module.run_command(["dpkg-deb", "--showformat", "${Package}\t${Version}", "--show", path])
        if code != 0:
            module.fail_json(msg="%s is not a Debian package: %s" % (path, err.strip()))
        package, version = out.strip().split("\t")
        files[path] = (package, version)
    code, out, dummy = module.run_command(["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\n"])
    installed = {line.split("\t")[0].split(":")[0] for line in out.splitlines() if "\tii" in line}
    offered = {package for package, dummy in files.values()}
    lacking = [name for name in module.params["names"] if name not in installed and name not in offered]
    if lacking:
        module.fail_json(msg="%s has no package %s; nothing was installed." % (folder, ", ".join(lacking)))
    chosen = to_install(files, installed)
    names = ["%s=%s" % files[path] for path in chosen]
    if not chosen or module.check_mode:
        module.exit_json(changed=bool(chosen), installed=names)
    env = dict(DEBIAN_FRONTEND="noninteractive")
    # No package source at all (an empty lists folder, no sources): apt resolves among the files and what is
    # installed, and never tries to fetch a package its stale lists offer in the same version. The files are
    # named ./<file> from their folder (apt takes an argument with a slash for a file to install).
    empty = os.path.join(module.tmpdir, "no-lists")
    os.makedirs(os.path.join(empty, "partial"), exist_ok=True)
    code, out, err = module.run_command(
        ["apt-get", "install", "-y", "--no-install-recommends",
         "-o", "DPkg::Lock::Timeout=%d" % module.params["lock_timeout"],
         "-o", "Dir::State::Lists=" + empty, "-o", "Dir::Etc::SourceParts=" + empty,
         "-o", "Dir::Etc::SourceList=" + os.path.join(empty, "none")]
        + ["./" + os.path.basename(path) for path in chosen], environ_update=env, cwd=folder)
    if code != 0:
        module.fail_json(msg="apt-get could not install the packages of %s: %s" % (folder, (err or out).strip()[-2000:]),
                         installed=[])
    module.exit_json(changed=True, installed=names)


if __name__ == "__main__":
    main()
