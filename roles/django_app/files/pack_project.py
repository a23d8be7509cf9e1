#!/usr/bin/env python3
"""Pack a Django project into a reproducible tar for the image build.

Runs on the controller. Same files in, same bytes out: entries sorted, owner
root, times and permissions normalised, so the tar's checksum says whether the
sources changed (the copy to the host and the image build are then skipped).

usage: pack_project.py SRC DEST [EXCLUDE_PATTERN ...]
Prints {"sha256": ..., "files": N} as JSON.
"""

import fnmatch
import hashlib
import json
import os
import sys
import tarfile


def excluded(name, patterns):
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def main(src, dest, patterns):
    count = 0
    tmp = dest + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
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
    os.replace(tmp, dest)
    digest = hashlib.sha256()
    with open(dest, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    print(json.dumps({"sha256": digest.hexdigest(), "files": count}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
