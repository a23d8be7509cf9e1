# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which images to send from the controller, and where their archives are kept there.

A host that reaches no registry gets the images the play needs from the
controller's Docker engine: each one the host lacks, or has with another image
ID, is saved once into an archive named by its ID (kept for the next host and
the next run), sent, and loaded. A second run sends nothing.
"""

from __future__ import annotations

import os
import re

# What `docker image inspect` and the engine API call an image ID.
IMAGE_ID = re.compile(r"^sha256:[0-9a-f]{64}$")


def reference(image):
    """IMAGE as the engine lists it in RepoTags: a tag added when there is none (":latest")."""
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last or "@" in image else image + ":latest"


def host_ids(images_info, wanted):
    """{image: ID} of the WANTED images the host has, from docker_image_info's `images`."""
    found = {}
    for info in images_info or []:
        for tag in info.get("RepoTags") or []:
            found[tag] = info.get("Id")
    return dict((image, found[reference(image)]) for image in wanted if reference(image) in found)


def to_ship(controller, on_host):
    """The images (in CONTROLLER's order) whose ID on the host is not the controller's."""
    return [image for image, image_id in controller.items() if on_host.get(image) != image_id]


def archive_path(cache_dir, image_id):
    """The controller's archive of IMAGE_ID (one per ID: every host and run reuses it)."""
    if not IMAGE_ID.match(image_id or ""):
        raise ValueError("not an image ID: %r" % (image_id,))
    return os.path.join(os.path.expanduser(cache_dir), image_id.split(":", 1)[1] + ".tar")


def missing_message(missing):
    """The error for images the controller's engine does not have."""
    return ("The controller's Docker engine lacks %s. Pull them there (through a registry mirror it reaches) or "
            "load them from archives (docker load -i), then run the play again; nothing was changed on the hosts."
            % ", ".join(missing))
