#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: air_gap_bundle
short_description: Write the air-gap bundle - everything site.yml needs on hosts that reach no mirror
version_added: 0.12.0
description:
  - Runs on the controller, where the mirrors are reachable, and writes one archive at O(dest) for hosts of
    one release and architecture that reach nothing (C(site.yml -e air_gap_bundle=...) deploys from it).
  - C(debs/docker) - the docker-ce packages (the engine, CLI, containerd, the buildx and compose plugins,
    and python3-requests for the community.docker modules) with the dependencies a minimal host of the
    release lacks - C(apt-get --download-only) in a throwaway container of O(release_image), through the
    same docker-ce mirror (its key checked against the pinned fingerprint) and Debian mirror as the roles.
  - The images of O(images), saved from the controller's Docker engine (pulled through its registry mirrors
    when missing), with an index C(images.json).
  - C(wheels) - the project's requirements (and the role's pinned server and drivers, hash-checked) for the
    base image's Python and platform, downloaded in a throwaway container of the base image through the PyPI
    mirror, sdist-only packages built into wheels there; checked to satisfy the requirements with no index.
    C(debs/os) and C(debs/build) - C(django_app_os_packages) and C(django_app_build_packages) with what the base
    image lacks of their dependencies.
  - The collection itself (C(ansible-galaxy collection build)), and C(manifest.json) - what the bundle was made
    for, which site.yml checks against each host and the settings before anything changes.
  - The settings are the play's C(django_app_*) and C(docker_ce_*) variables (else the roles' defaults). Projects
    locked with uv or poetry are refused - export the lock to a requirements file.
  - The controller needs a Docker engine and the C(docker) command, and gpg.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  dest:
    description: Path of the archive on the controller (written whole, then renamed into place).
    type: path
    required: true
  release:
    description: Codename of the hosts' release (C(bookworm), C(trixie), C(jammy), C(noble), ...).
    type: str
    required: true
  architecture:
    description: The hosts' dpkg architecture.
    type: str
    choices: [amd64, arm64]
    default: amd64
  release_image:
    description:
      - A minimal image of the release (what a host is assumed to have already). Empty - C(debian:<codename>-slim)
        or C(ubuntu:<codename>).
    type: str
    default: ''
  images:
    description: The images site.yml needs on the hosts (lookup C(djangodocker.deploy.stack_images)).
    type: list
    elements: str
    required: true
  cache_dir:
    description: Where the controller keeps saved images, one archive per image ID.
    type: path
    default: ~/.cache/djangodocker/images
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Write the bundle for Debian 12 hosts
  djangodocker.deploy.air_gap_bundle:
    dest: site-bundle.tar
    release: bookworm
    images: "{{ lookup('djangodocker.deploy.stack_images', wantlist=true) }}"
  run_once: true
  delegate_to: localhost
"""

RETURN = r"""
dest:
  description: The archive written.
  returned: success
  type: str
size:
  description: Its size in bytes.
  returned: success and not check mode
  type: int
seconds:
  description: How long writing it took.
  returned: success and not check mode
  type: int
target:
  description: The release and architecture it is for (C(id), C(codename), C(architecture)).
  returned: success
  type: dict
manifest:
  description: What the bundle holds and was made for (its C(manifest.json)).
  returned: success and not check mode
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        dest=dict(type="path", required=True), release=dict(type="str", required=True),
        architecture=dict(type="str", default="amd64", choices=["amd64", "arm64"]),
        release_image=dict(type="str", default=""), images=dict(type="list", elements="str", required=True),
        cache_dir=dict(type="path", default="~/.cache/djangodocker/images")), supports_check_mode=True)
    module.fail_json(msg="air_gap_bundle runs through its action plugin, on the controller")


if __name__ == "__main__":
    main()
