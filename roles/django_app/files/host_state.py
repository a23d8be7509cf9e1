"""Report, read-only, what the django_app role keeps on the host, as JSON.

The role runs this once per play (python3 -c) so that a host where the folders,
the secret and the environment file are already right costs one round trip.

usage: python3 host_state.py PATH...
Prints {"paths": {PATH: null when absent, else {"dir", "mode", "uid", "gid",
and "content" for a file}}, "requests": whether python3 can import requests}.
"""

import importlib.util
import json
import os
import stat
import sys


def describe(path):
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    found = {
        "dir": stat.S_ISDIR(info.st_mode),
        "mode": "%04o" % stat.S_IMODE(info.st_mode),
        "uid": info.st_uid,
        "gid": info.st_gid,
    }
    if stat.S_ISREG(info.st_mode):
        with open(path, encoding="utf-8", errors="replace") as handle:
            found["content"] = handle.read()
    return found


if __name__ == "__main__":
    print(json.dumps({
        "paths": {path: describe(path) for path in sys.argv[1:]},
        # The community.docker modules need it on the host.
        "requests": importlib.util.find_spec("requests") is not None,
    }))
