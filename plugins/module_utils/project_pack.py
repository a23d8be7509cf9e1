# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reproducible tars of a Django project and of its build context (controller side).

Same files in, same bytes out: entries sorted, owner root, times zero,
permissions normalised, so the project tar's sha256 says whether the sources
changed, and the image tag made from it says whether a build is needed.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import os
import tarfile

CONTEXT_PROJECT = "project.tar"


def excluded(name, patterns):
    """Whether a file or folder NAME (not a path) matches one of PATTERNS."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def project_files(src, patterns):
    """(relative path, absolute path) of every regular file that goes into the image, sorted.

    Excluded names are left out at any depth; symbolic links are left out, so
    nothing outside the project is packed.
    """
    found = []
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if not excluded(d, patterns) and not os.path.islink(os.path.join(root, d)))
        for name in sorted(files):
            path = os.path.join(root, name)
            if excluded(name, patterns) or os.path.islink(path) or not os.path.isfile(path):
                continue
            found.append((os.path.relpath(path, src), path))
    return sorted(found)


class HashingWriter:
    """A write-only file that keeps the sha256 of what goes through it."""

    def __init__(self, handle=None):
        self.digest = hashlib.sha256()
        self.handle = handle
        self.position = 0

    def tell(self):
        return self.position

    def write(self, data):
        self.digest.update(data)
        self.position += len(data)
        if self.handle is not None:
            self.handle.write(data)
        return len(data)


def _normalised(info, mode):
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = 0
    info.mode = mode
    info.pax_headers = {}
    return info


def pack_project(src, sink, patterns):
    """Write the project's reproducible tar to SINK; the number of files."""
    files = project_files(src, patterns)
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for arcname, path in files:
            info = tar.gettarinfo(path, arcname=arcname)
            _normalised(info, 0o755 if info.mode & 0o111 else 0o644)
            with open(path, "rb") as handle:
                tar.addfile(info, handle)
    return len(files)


def project_checksum(src, patterns):
    """sha256 of the project's tar, without keeping the tar."""
    sink = HashingWriter()
    count = pack_project(src, sink, patterns)
    return sink.digest.hexdigest(), count


def image_tag(project_sha256, context_files):
    """The image tag: 12 hex digits over the project's checksum and the generated files."""
    text = json.dumps({"project": project_sha256, "context": context_files}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def pack_context(src, patterns, context_files, sink):
    """Write the whole build context (CONTEXT_FILES plus the project's tar) to SINK.

    Returns the project tar's sha256, so the caller can check it is the one the
    tag was made from.
    """
    project = io.BytesIO()
    hashing = HashingWriter(project)
    pack_project(src, hashing, patterns)
    members = {name: text.encode("utf-8") for name, text in context_files.items()}
    members[CONTEXT_PROJECT] = project.getvalue()
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for folder in sorted({os.path.dirname(name) for name in members} - {""}):
            info = _normalised(tarfile.TarInfo(folder), 0o755)
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for name in sorted(members):
            info = _normalised(tarfile.TarInfo(name), 0o644)
            info.size = len(members[name])
            tar.addfile(info, io.BytesIO(members[name]))
    return hashing.digest.hexdigest()
