#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: images_from_controller
short_description: Send images from the controller's Docker engine to a host that reaches no registry
version_added: 0.11.0
description:
  - For each of O(images), compares the image ID in the controller's Docker engine with the host's; each
    image the host lacks, or has with another ID, is saved on the controller into an archive named by its
    ID under O(cache_dir) (once, for every host and run), sent over the play's connection, loaded on
    the host (M(community.docker.docker_image_load)) and checked. A second run sends nothing.
  - Without O(archive_dir), the controller needs a Docker engine holding the images (pulled through a registry mirror it reaches,
    or loaded from archives with C(docker load)) and the C(docker) command; an image it lacks stops the
    task before anything is sent. The host needs what the community.docker modules need (its engine and
    python3-requests, which the docker_ce role installs).
  - Runs as an action plugin on the controller.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  images:
    description: Image references (as the roles pull them, e.g. C(python:3.13-slim)).
    type: list
    elements: str
    required: true
  cache_dir:
    description: Where the controller keeps the archives, one per image ID.
    type: path
    default: ~/.cache/djangodocker/images
  archive_dir:
    description:
      - A folder on the controller with C(docker save) archives and their index C(images.json)
        (each reference with its image ID and archive name, as the air-gap bundle's C(images) folder holds them). The images are
        taken from there and no Docker engine is needed on the controller.
    type: path
    version_added: 0.12.0
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Send the stack's images to a host that reaches no registry
  djangodocker.deploy.images_from_controller:
    images: [python:3.13-slim, nginx:1.30]
"""

RETURN = r"""
shipped:
  description: The images that were (in check mode, would be) sent.
  returned: success
  type: list
  elements: str
images:
  description: Each image's ID in the controller's engine.
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(images=dict(type="list", elements="str", required=True),
                           cache_dir=dict(type="path", default="~/.cache/djangodocker/images"),
                           archive_dir=dict(type="path")),
        supports_check_mode=True,
    )
    module.fail_json(msg="images_from_controller runs through its action plugin, on the controller")


if __name__ == "__main__":
    main()
