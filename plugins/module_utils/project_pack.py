# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reproducible tars of a Django project and of its build context (controller side).

Same files in, same bytes out: entries sorted, owner root, times zero,
permissions normalised, so the project tars' sha256 says whether the sources
changed, and the image tag made from it says whether a build is needed.

The project goes into the image as two tars, two layers: first the files that
rarely change (static assets, data, vendored files: every file whose name does
not match the code patterns), then the code. A code change rebuilds only the
second layer; the first is reused from the engine's build cache as long as its
tar is the same bytes, and is not sent again when the host has it already.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import os
import tarfile

CONTEXT_ASSETS = "assets.tar"
# Beside the assets tar in a build folder on the host: its sha256, written
# once the tar is complete; the next release's context lists these.
CONTEXT_ASSETS_SHA256 = "assets.tar.sha256"
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


def project_layers(src, patterns, code_patterns):
    """The project's files as (assets, code): code is every file whose name matches CODE_PATTERNS."""
    assets, code = [], []
    for arcname, path in project_files(src, patterns):
        (code if excluded(os.path.basename(arcname), code_patterns) else assets).append((arcname, path))
    return assets, code


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


def pack_files(files, sink, top=False):
    """Write a reproducible tar of FILES ((name in the tar, path) pairs) to SINK.

    TOP adds the tar's own folder (".") first: a tar without members is not
    recognised as one by the engine's ADD, which would copy it into the image
    as a file (a project may have no assets).
    """
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
        if top:
            info = _normalised(tarfile.TarInfo("."), 0o755)
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for arcname, path in files:
            info = tar.gettarinfo(path, arcname=arcname)
            _normalised(info, 0o755 if info.mode & 0o111 else 0o644)
            with open(path, "rb") as handle:
                tar.addfile(info, handle)
    return len(files)


def pack_layers(src, patterns, code_patterns, assets_sink, code_sink):
    """Write the project's two tars (assets, then code) to the sinks.

    Returns the project's checksum (over both tars' sha256), the number of
    files, and the assets tar's own sha256 (what says whether the host has it).
    """
    assets, code = project_layers(src, patterns, code_patterns)
    assets_hash, code_hash = HashingWriter(assets_sink), HashingWriter(code_sink)
    pack_files(assets, assets_hash, top=True)
    pack_files(code, code_hash, top=True)
    both = "%s %s" % (assets_hash.digest.hexdigest(), code_hash.digest.hexdigest())
    return hashlib.sha256(both.encode("ascii")).hexdigest(), len(assets) + len(code), assets_hash.digest.hexdigest()


def project_checksum(src, patterns, code_patterns=()):
    """The project's checksum and its number of files, without keeping the tars."""
    return pack_layers(src, patterns, code_patterns, None, None)[:2]


def image_tag(project_sha256, context_files):
    """The image tag: 12 hex digits over the project's checksum and the generated files."""
    text = json.dumps({"project": project_sha256, "context": context_files}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def pack_context(src, patterns, code_patterns, context_files, sink, on_host=()):
    """Write the whole build context (CONTEXT_FILES plus the project's two tars) to SINK.

    The assets tar is left out when its sha256 is in ON_HOST (the host has it
    from an earlier build). Returns the project's checksum, so the caller can
    check it is the one the tag was made from, the assets tar's sha256, and
    whether the assets tar is in SINK.
    """
    assets, code = io.BytesIO(), io.BytesIO()
    sha256, dummy, assets_sha256 = pack_layers(src, patterns, code_patterns, assets, code)
    members = {name: text.encode("utf-8") for name, text in context_files.items()}
    sent = assets_sha256 not in on_host
    if sent:
        members[CONTEXT_ASSETS] = assets.getvalue()
    members[CONTEXT_PROJECT] = code.getvalue()
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for folder in sorted({os.path.dirname(name) for name in members} - {""}):
            info = _normalised(tarfile.TarInfo(folder), 0o755)
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for name in sorted(members):
            info = _normalised(tarfile.TarInfo(name), 0o644)
            info.size = len(members[name])
            tar.addfile(info, io.BytesIO(members[name]))
    return sha256, assets_sha256, sent
