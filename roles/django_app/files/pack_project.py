#!/usr/bin/env python3
"""Pack a Django project into a reproducible tar for the image build.

Runs on the controller. Same files in, same bytes out: entries sorted, owner
root, times and permissions normalised, so the tar's checksum says whether the
sources changed (the copy to the host and the image build are then skipped).

usage: pack_project.py SRC DEST [EXCLUDE_PATTERN ...]
Prints {"sha256": ..., "files": N} as JSON. DEST "-" writes no file: only the
checksum the tar would have (the role needs just that when nothing changed).
"""

import fnmatch
import hashlib
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
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = 0
                info.mode = 0o755 if info.mode & 0o111 else 0o644
                info.pax_headers = {}
                with open(path, "rb") as handle:
                    tar.addfile(info, handle)
                count += 1
    return count


def main(src, dest, patterns):
    if dest == "-":
        sink = HashingWriter()
        count = pack(src, sink, patterns)
    else:
        tmp = dest + ".tmp"
        with open(tmp, "wb") as handle:
            sink = HashingWriter(handle)
            count = pack(src, sink, patterns)
        os.replace(tmp, dest)
    print(json.dumps({"sha256": sink.digest.hexdigest(), "files": count}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
