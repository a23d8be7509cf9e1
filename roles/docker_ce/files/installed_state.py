"""Report, read-only, the host's release and what the docker_ce role manages
on it, as JSON.

The role runs this once per play (python3 -c) so that a host where everything
is already in place costs one round trip instead of a dozen module runs (and
no fact gathering: the release and dpkg's architecture are all it needs).

usage: python3 installed_state.py KEYRING SOURCE PACKAGE...
"""

import json
import os
import stat
import subprocess
import sys


def run(*argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return 127, ""
    return done.returncode, done.stdout


def key_fingerprints(keyring):
    code, out = run("gpg", "--batch", "--with-colons", "--show-keys", keyring)
    if code != 0:
        return []
    return [line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:")]


def deb822_fields(source):
    """The fields of a one-stanza deb822 file; None when it does not exist."""
    try:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    fields = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith((" ", "\t", "#")):
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
    return fields


def packages(names):
    """name -> {version, selection, installed} for every package dpkg knows."""
    _, out = run("dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n", *names)
    found = {}
    for line in out.splitlines():
        name, version, status = (line.split("\t") + ["", ""])[:3]
        # Status-Abbrev: desired action (i install, h hold, ...), then state (i installed).
        found[name] = {
            "version": version,
            "selection": {"i": "install", "h": "hold"}.get(status[:1], "other"),
            "installed": status[1:2] == "i",
        }
    return found


def ownership(path):
    """Mode, owner and group of a file; None when it does not exist."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return {"mode": "%04o" % stat.S_IMODE(info.st_mode), "uid": info.st_uid, "gid": info.st_gid}


def os_release():
    """ID, VERSION_ID and VERSION_CODENAME from /etc/os-release."""
    fields = {}
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.strip().partition("=")
                fields[key] = value.strip().strip("'\"")
    except FileNotFoundError:
        pass
    return {
        "id": fields.get("ID", ""),
        "version": fields.get("VERSION_ID", ""),
        "codename": fields.get("VERSION_CODENAME", ""),
    }


def docker_group_members():
    code, out = run("getent", "group", "docker")
    members = out.strip().split(":")[3] if code == 0 and out.count(":") >= 3 else ""
    return [name for name in members.split(",") if name]


def main(keyring, source, names):
    print(json.dumps({
        "os": os_release(),
        # apt's name for the architecture (amd64, arm64), as the source needs it.
        "architecture": run("dpkg", "--print-architecture")[1].strip(),
        "key_fingerprints": key_fingerprints(keyring),
        "source": deb822_fields(source),
        "files": {keyring: ownership(keyring), source: ownership(source)},
        "packages": packages(names),
        "service_active": run("systemctl", "is-active", "docker")[1].strip() == "active",
        "service_enabled": run("systemctl", "is-enabled", "docker")[1].strip() == "enabled",
        "docker_group": docker_group_members(),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
