"""Turn a copy of examples/mysite into a big project for bench/run section 12.

    python3 bench/bigproject.py DIR [FILES] [MEGABYTES]

Adds FILES files (default 10000) holding MEGABYTES of random bytes in all
(default 100) under DIR/bulk/, 100 to a folder: what a project with vendored
assets, fixtures and data files looks like to the deploy (many files, much
data, none of it compressible). Generated here, never committed.
"""

import os
import pathlib
import sys


def generate(root, files=10000, megabytes=100):
    bulk = pathlib.Path(root) / "bulk"
    size = megabytes * 1000 * 1000 // files
    for index in range(files):
        folder = bulk / ("part%03d" % (index // 100))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ("file%05d.bin" % index)).write_bytes(os.urandom(size))
    return files, files * size


if __name__ == "__main__":
    count, total = generate(sys.argv[1], *(int(arg) for arg in sys.argv[2:4]))
    print("%d files, %.1f MB" % (count, total / 1e6))
