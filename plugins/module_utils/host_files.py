# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and writing the files the roles manage on a host.

Shared by the collection's modules: a file's mode and owner, its text, a JSON
object read with clear errors, and an atomic write that sets mode and owner
before the file appears under its name.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile


class FileProblem(Exception):
    """A file that exists but cannot be used as it is; the message names it."""


def describe(path):
    """Kind, mode and owner of PATH, or None when nothing is there.

    Returns a dict with dir (bool), mode ('0644'), uid and gid.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return {
        "dir": stat.S_ISDIR(info.st_mode),
        "mode": "%04o" % stat.S_IMODE(info.st_mode),
        "uid": info.st_uid,
        "gid": info.st_gid,
    }


def read_bytes(path):
    """The bytes of PATH, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def read_text(path):
    """The text of PATH (UTF-8), or None when it does not exist."""
    data = read_bytes(path)
    if data is None:
        return None
    return data.decode("utf-8", errors="replace")


def ownership_reasons(path, found, want):
    """Reasons why FOUND (describe()) differs from WANT (mode/uid/gid/dir)."""
    if found is None:
        return ["%s is missing" % path]
    reasons = []
    if "dir" in want and found["dir"] != want["dir"]:
        return ["%s is a %s, not a %s" % (path, "folder" if found["dir"] else "file",
                                          "folder" if want["dir"] else "file")]
    if "mode" in want and found["mode"] != want["mode"]:
        reasons.append("%s has mode %s, not %s" % (path, found["mode"], want["mode"]))
    for key in ("uid", "gid"):
        if key in want and found[key] != want[key]:
            reasons.append("%s has %s %s, not %s" % (path, key, found[key], want[key]))
    return reasons


_COMMENT = re.compile(r'^\s*(#|//)', re.M)


def parse_json_object(text, path):
    """The JSON object in TEXT (the content of PATH); FileProblem otherwise.

    Each way a hand-edited file goes wrong gets its own message naming the
    file: a byte order mark, comments, an empty file, a syntax error, or JSON
    that is not an object.
    """
    if text.startswith("\ufeff"):
        raise FileProblem("%s starts with a byte order mark (BOM), which Docker rejects; "
                          "save it as UTF-8 without BOM" % path)
    if not text.strip():
        raise FileProblem("%s is empty; Docker needs a JSON object there (at least {})" % path)
    try:
        value = json.loads(text)
    except ValueError as error:
        hint = " (JSON has no comments: remove the lines starting with # or //)" if _COMMENT.search(text) else ""
        raise FileProblem("%s is not valid JSON: %s%s" % (path, error, hint))
    if not isinstance(value, dict):
        raise FileProblem("%s holds a JSON %s, not an object" % (path, type(value).__name__))
    return value


def write_atomic(path, data, mode, uid=0, gid=0):
    """Write DATA (bytes) to PATH through a temporary file in the same folder.

    The temporary file gets MODE and owner before it is renamed over PATH, so
    the file never exists with looser permissions or half written.
    """
    folder = os.path.dirname(path) or "."
    handle, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, int(mode, 8))
        if (os.geteuid() == 0) and (uid is not None):
            os.chown(tmp, uid, gid)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def ensure_folder(path, mode, uid=0, gid=0, check_mode=False):
    """Make PATH a folder with MODE and owner; the reasons it was not."""
    found = describe(path)
    want = {"dir": True, "mode": mode, "uid": uid, "gid": gid}
    reasons = ownership_reasons(path, found, want)
    if reasons and not check_mode:
        if found is not None and not found["dir"]:
            raise FileProblem("%s exists and is not a folder" % path)
        if found is None:
            os.makedirs(path, exist_ok=True)
        os.chmod(path, int(mode, 8))
        if os.geteuid() == 0:
            os.chown(path, uid, gid)
    return reasons


def ensure_file(path, data, mode, uid=0, gid=0, check_mode=False, secret=False):
    """Make PATH hold DATA (bytes) with MODE and owner; the reasons it did not.

    A SECRET file's reasons never say how its content differed.
    """
    found = describe(path)
    reasons = ownership_reasons(path, found, {"dir": False, "mode": mode, "uid": uid, "gid": gid})
    content_differs = found is not None and not found["dir"] and read_bytes(path) != data
    if content_differs:
        reasons.append("%s has other content" % path if not secret else "%s has other content (not shown)" % path)
    if reasons and not check_mode:
        if found is not None and found["dir"]:
            raise FileProblem("%s is a folder, not a file" % path)
        if found is None or content_differs:
            write_atomic(path, data, mode, uid, gid)
        else:
            os.chmod(path, int(mode, 8))
            if os.geteuid() == 0:
                os.chown(path, uid, gid)
    return reasons
