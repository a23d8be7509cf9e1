#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: air_gap_unpack
short_description: Check an air-gap bundle against a host and the settings, and put its packages and wheels there
version_added: 0.12.0
description:
  - Reads the bundle's C(manifest.json) (from O(bundle), on the controller) and fails before anything changes,
    naming each misfit, when it was built for another release or architecture than the host's, lacks one of
    O(images), or - with O(app) - was collected for another base image, other C(django_app_os_packages) or
    C(django_app_build_packages), another server or drivers, or requirement files that changed since.
  - Then extracts its images and host part on the controller once (under O(cache_dir), by bundle), and sends
    the host part to O(dest)/<bundle id> on the host (unpacked beside, then renamed into place; earlier bundles'
    folders are removed) unless it is there already. A second run sends nothing.
  - Returns the folders site.yml gives the roles - RV(host_dir) (C(docker_ce_offline_dir),
    C(django_app_offline_dir)) and RV(images_dir) (C(docker_daemon_image_archives)).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  bundle:
    description: The bundle on the controller (bundle.yml writes it).
    type: path
    required: true
  dest:
    description: Where bundles are kept on the host.
    type: path
    default: /var/lib/djangodocker/air-gap
  cache_dir:
    description: Where the controller keeps extracted bundles.
    type: path
    default: ~/.cache/djangodocker/air-gap
  images:
    description: The images the play needs (lookup C(djangodocker.deploy.stack_images)).
    type: list
    elements: str
    default: []
  app:
    description: Check the bundle against the play's C(django_app_*) settings too.
    type: bool
    default: true
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Unpack the air-gap bundle's packages and wheels on the host
  djangodocker.deploy.air_gap_unpack:
    bundle: site-bundle.tar
    images: "{{ lookup('djangodocker.deploy.stack_images', wantlist=true) }}"
  register: air_gap
"""

RETURN = r"""
id:
  description: The bundle's id (12 hex digits of its manifest's sha256).
  returned: success
  type: str
host_dir:
  description: The bundle's folder on the host (C(debs/docker), C(debs/os), C(debs/build), C(wheels)).
  returned: success
  type: str
images_dir:
  description: The bundle's images on the controller, with their index C(images.json).
  returned: success
  type: str
target:
  description: The release and architecture the bundle is for.
  returned: success
  type: dict
problems:
  description: Why the bundle does not fit.
  returned: failure
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        bundle=dict(type="path", required=True), dest=dict(type="path", default="/var/lib/djangodocker/air-gap"),
        cache_dir=dict(type="path", default="~/.cache/djangodocker/air-gap"),
        images=dict(type="list", elements="str", default=[]), app=dict(type="bool", default=True)),
        supports_check_mode=True)
    module.fail_json(msg="air_gap_unpack runs through its action plugin, on the controller")


if __name__ == "__main__":
    main()
