#!/usr/bin/env python3
"""Pack a Django project into a reproducible tar for the image build.

Runs on the controller. Same files in, same bytes out: entries sorted, owner
root, times and permissions normalised, so the tar's checksum says whether the
sources changed (the image build is then skipped).

usage: pack_project.py SRC - [EXCLUDE_PATTERN ...]
       pack_project.py --context SRC DEST [EXCLUDE_PATTERN ...]
Prints {"sha256": ..., "files": N} as JSON, the sha256 being the project tar's.
With "-" nothing is written: only the checksum the tar would have (the role
needs just that when nothing changed). With --context, DEST is the whole build
context: the files given as a JSON object {path: text} on standard input, plus
the project's tar as project.tar, so that one transfer puts it on the host.
"""

import fnmatch
import hashlib
import io
import json
import os
import sys
import tarfile


def excluded(name, patterns):
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


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


def normalised(info, mode):
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = 0
    info.mode = mode
    info.pax_headers = {}
    return info


def pack(src, sink, patterns):
    count = 0
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for root, dirs, files in os.walk(src):
            dirs[:] = sorted(d for d in dirs if not excluded(d, patterns))
            for name in sorted(files):
                if excluded(name, patterns):
                    continue
                path = os.path.join(root, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                info = tar.gettarinfo(path, arcname=os.path.relpath(path, src))
                normalised(info, 0o755 if info.mode & 0o111 else 0o644)
                with open(path, "rb") as handle:
                    tar.addfile(info, handle)
                count += 1
    return count


def pack_context(files, project_tar, sink):
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.PAX_FORMAT) as tar:
        members = {name: text.encode("utf-8") for name, text in files.items()}
        members["project.tar"] = project_tar
        folders = sorted({os.path.dirname(name) for name in members} - {""})
        for folder in folders:
            info = normalised(tarfile.TarInfo(folder), 0o755)
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for name in sorted(members):
            info = normalised(tarfile.TarInfo(name), 0o644)
            info.size = len(members[name])
            tar.addfile(info, io.BytesIO(members[name]))


def main(argv):
    context = argv[:1] == ["--context"]
    if context:
        argv = argv[1:]
    src, dest, patterns = argv[0], argv[1], argv[2:]
    if context == (dest == "-"):
        sys.exit(__doc__)
    project_tar = io.BytesIO() if context else None
    sink = HashingWriter(project_tar)
    count = pack(src, sink, patterns)
    if context:
        tmp = dest + ".tmp"
        with open(tmp, "wb") as handle:
            pack_context(json.load(sys.stdin), project_tar.getvalue(), handle)
        os.replace(tmp, dest)
    print(json.dumps({"sha256": sink.digest.hexdigest(), "files": count}))


if __name__ == "__main__":
    main(sys.argv[1:])
