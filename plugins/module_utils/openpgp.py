# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an OpenPGP key file holds, as gpg reads it.

A keyring's primary keys are what apt trusts; a subkey signs on behalf of its
primary key, so a subkey's fingerprint never stands for a key of its own.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile


class KeyProblem(Exception):
    """gpg could not read or export a key; the message says why."""


def normalise_fingerprint(text):
    """'9DC8 5822 ...' or '9dc85822...' -> '9DC85822...'."""
    return "".join(text.split()).upper()


def parse_colons(output):
    """Primary and subkey fingerprints from `gpg --with-colons` OUTPUT.

    Returns {"primary": [...], "subkeys": [...]} in the order gpg lists them.
    Each fpr record belongs to the pub/sub record just before it.
    """
    found = {"primary": [], "subkeys": []}
    owner = None
    for line in output.splitlines():
        fields = line.split(":")
        if fields[0] in ("pub", "sec"):
            owner = "primary"
        elif fields[0] in ("sub", "ssb"):
            owner = "subkeys"
        elif fields[0] == "fpr" and owner is not None and len(fields) > 9:
            found[owner].append(fields[9].upper())
            owner = None
    return found


def _gpg(args, data=None, home=None):
    argv = ["gpg", "--batch", "--no-tty", "--with-colons"]
    if home is not None:
        argv += ["--homedir", home]
    try:
        done = subprocess.run(argv + args, input=data, capture_output=True, check=False)
    except FileNotFoundError:
        raise KeyProblem("gpg is not installed")
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def key_fingerprints(data):
    """Fingerprints of the keys in DATA (bytes, armored or binary)."""
    home = tempfile.mkdtemp(prefix="djd-gpg-")
    try:
        code, out, err = _gpg(["--show-keys"], data=data, home=home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if code != 0:
        raise KeyProblem("gpg could not read the key: %s" % err.strip())
    return parse_colons(out)


def keyring_fingerprints(path):
    """Fingerprints of the keys in the file PATH; None when it does not exist."""
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return key_fingerprints(data)
    except KeyProblem:
        return {"primary": [], "subkeys": []}


# Where apt-key put keys that apt then trusts for every source.
GLOBAL_KEYRINGS = ["/etc/apt/trusted.gpg", "/etc/apt/trusted.gpg.d/*.gpg", "/etc/apt/trusted.gpg.d/*.asc"]


def global_keyrings_with(fingerprint, patterns=None):
    """apt's global key rings (apt-key's) that hold FINGERPRINT as a primary key."""
    paths = [path for pattern in patterns or GLOBAL_KEYRINGS for path in sorted(glob.glob(pattern))]
    if not paths:
        return []
    # One gpg run over all of them answers the usual case (the key is in none)
    # cheaply; only then is each file read on its own to say which.
    home = tempfile.mkdtemp(prefix="djd-gpg-")
    try:
        dummy, out, dummy = _gpg(["--show-keys"] + paths, home=home)
    except KeyProblem:
        return []
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if fingerprint not in parse_colons(out)["primary"]:
        return []
    found = []
    for path in paths:
        keys = keyring_fingerprints(path)
        if keys and fingerprint in keys["primary"]:
            found.append(path)
    return found


def remove_from_keyring(path, fingerprint):
    """Take FINGERPRINT out of the key ring PATH (the file goes when it held nothing else)."""
    keys = keyring_fingerprints(path) or {"primary": []}
    if keys["primary"] == [fingerprint]:
        os.unlink(path)
        return
    if path.endswith(".asc"):
        raise KeyProblem("%s holds %s among other keys; gpg cannot rewrite an armored key ring: "
                         "remove that key from it by hand" % (path, fingerprint))
    home = tempfile.mkdtemp(prefix="djd-gpg-")
    try:
        code, dummy, err = _gpg(["--no-default-keyring", "--keyring", path, "--yes", "--delete-keys", fingerprint],
                                home=home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if code != 0:
        raise KeyProblem("gpg could not remove %s from %s: %s" % (fingerprint, path, err.strip()))
    for leftover in (path + "~",):
        if os.path.exists(leftover):
            os.unlink(leftover)


def export_one_key(data, fingerprint):
    """The armored public key FINGERPRINT alone, taken out of DATA.

    Every other primary key in DATA is left behind, so a file that carries
    extra keys never makes apt trust them.
    """
    home = tempfile.mkdtemp(prefix="djd-gpg-")
    try:
        code, dummy, err = _gpg(["--import", "--import-options", "import-minimal"], data=data, home=home)
        if code not in (0, 2):
            raise KeyProblem("gpg could not import the key: %s" % err.strip())
        # The key with its subkeys (apt checks signatures made by a subkey).
        code, out, err = _gpg(["--armor", "--export-options", "export-minimal", "--export", fingerprint], home=home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if code != 0 or "BEGIN PGP PUBLIC KEY BLOCK" not in out:
        raise KeyProblem("gpg could not export key %s: %s" % (fingerprint, err.strip()))
    exported = out.encode("ascii")
    # A subkey's fingerprint would export its whole primary key: only the
    # pinned primary key itself may come out.
    if key_fingerprints(exported)["primary"] != [fingerprint]:
        raise KeyProblem("%s is not a primary key of the key file" % fingerprint)
    return exported


def pinned_key(data, fingerprint, url):
    """(armored key, found fingerprints) or KeyProblem with a message for users."""
    found = key_fingerprints(data)
    if fingerprint not in found["primary"]:
        as_subkey = " (it is only a subkey there, which cannot stand for a key)" if fingerprint in found["subkeys"] else ""
        raise KeyProblem(
            "The key file at %s has primary keys %s, but the pinned fingerprint is %s%s. Nothing was written. "
            "Check the mirror URL, or set the fingerprint to the key your mirror signs with."
            % (url, ", ".join(found["primary"]) or "(none)", fingerprint, as_subkey))
    return export_one_key(data, fingerprint), found
