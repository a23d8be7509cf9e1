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

import json
import os
import re
import subprocess
import tempfile

from ansible.errors import AnsibleActionFail

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


def indexed_archives(archive_dir, images):
    """({image: ID}, {image: archive path}, [missing]) from ARCHIVE_DIR's index (images.json, as the air-gap
    bundle writes it: {reference: {"id": image ID, "file": archive name}}); no engine is asked."""
    try:
        with open(os.path.join(archive_dir, "images.json"), encoding="utf-8") as handle:
            index = json.load(handle)
    except (OSError, ValueError) as error:
        raise AnsibleActionFail("%s has no readable images.json (%s)" % (archive_dir, error))
    found, paths, missing = {}, {}, []
    for image in images:
        entry = index.get(image) or index.get(reference(image))
        path = os.path.join(archive_dir, os.path.basename(str((entry or {}).get("file", ""))))
        if entry and IMAGE_ID.match(entry.get("id", "")) and os.path.isfile(path):
            found[image], paths[image] = entry["id"], path
        else:
            missing.append(image)
    return found, paths, missing


def missing_message(missing, archive_dir=None):
    """The error for images the controller's engine (or ARCHIVE_DIR) does not have."""
    if archive_dir:
        return ("%s holds no archive of %s; nothing was changed on the hosts." % (archive_dir, ", ".join(missing)))
    return ("The controller's Docker engine lacks %s. Pull them there (through a registry mirror it reaches) or "
            "load them from archives (docker load -i), then run the play again; nothing was changed on the hosts."
            % ", ".join(missing))


def controller_ids(images):
    """({image: ID}, [missing]) from the controller's engine (the docker CLI on this machine)."""
    found, missing = {}, []
    for image in images:
        try:
            done = subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", image],
                                  capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise AnsibleActionFail("this needs the docker command on the controller")
        if done.returncode == 0:
            found[image] = done.stdout.strip()
        else:
            missing.append(image)
    return found, missing


def saved_archive(cache_dir, image, image_id):
    """The controller's archive of IMAGE (saved once per image ID, made private, renamed into place)."""
    path = archive_path(cache_dir, image_id)
    if os.path.isfile(path):
        return path
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".partial")
    os.close(handle)
    try:
        done = subprocess.run(["docker", "image", "save", "--output", partial, image],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AnsibleActionFail("docker image save %s failed on the controller: %s" % (image, done.stderr.strip()))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return path
