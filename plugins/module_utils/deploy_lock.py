# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One deploy at a time on a host: a lock file taken exclusively, naming its holder.

Used by the deploy_lock module, and by the modules that take the lock (the build
context's) or give it back (the release's last call) in the call they make anyway.
"""

from __future__ import annotations

import json
import os
import time

# The options that name a lock: deploy_lock's, and those of the modules that
# take it (LOCK_OPTIONS) or give it back (RELEASE_OPTIONS) in a call of theirs.
LOCK_OPTIONS = dict(
    path=dict(type="path", required=True),
    holder=dict(type="str", required=True),
    timeout=dict(type="int", default=600),
    stale_after=dict(type="int", default=3600),
)
RELEASE_OPTIONS = dict((key, LOCK_OPTIONS[key]) for key in ("path", "holder"))


def read_lock(path):
    """{"holder", "since"} of the lock at PATH, or None when there is none."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError:
        # Half written by a run that died: treat it as stale.
        return {"holder": "(unreadable lock)", "since": 0}


def try_create(path, holder, now):
    """Whether the lock was created for HOLDER (False when it already exists)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w") as out:
        json.dump({"holder": holder, "since": now}, out)
    return True


def acquire(path, holder, timeout, stale_after, clock=time.time, sleep=time.sleep):
    """(waited seconds, taken-over holder or None); RuntimeError naming the holder on timeout."""
    start = clock()
    while True:
        now = clock()
        if try_create(path, holder, now):
            return now - start, None
        current = read_lock(path)
        if current is None:
            continue
        if current.get("holder") == holder:
            return now - start, None
        if now - float(current.get("since", 0)) > stale_after:
            os.unlink(path)
            if try_create(path, holder, now):
                return now - start, current.get("holder")
            continue
        if now - start >= timeout:
            raise RuntimeError(
                "Another deploy holds %s: %s, since %s. Waited %d s. If no deploy runs, remove the file."
                % (path, current.get("holder"), time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(current["since"])),
                   now - start))
        sleep(min(2.0, max(0.1, timeout - (now - start))))


def take(module, path, holder, timeout, stale_after):
    """acquire() for a module: fails it naming the holder, warns when a stale lock was taken over; seconds waited."""
    if not os.path.isdir(os.path.dirname(path)):
        module.fail_json(msg="%s: its folder does not exist" % path)
    try:
        waited, taken_over = acquire(path, holder, timeout, stale_after)
    except RuntimeError as error:
        module.fail_json(msg=str(error))
    if taken_over:
        module.warn("Took over a stale deploy lock %s held by %s" % (path, taken_over))
    return waited, taken_over


def release(path, holder):
    """Remove the lock at PATH when HOLDER holds it; whether it did."""
    current = read_lock(path)
    mine = current is not None and current.get("holder") == holder
    if mine:
        os.unlink(path)
    return mine
