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
    # Who holds it: the controller's name and its ansible-playbook process. A lock of the same
    # controller and another process is reported at once (held_by), so that the controller, which
    # can see whether that process still runs, takes over the lock of one that died (take_over).
    controller=dict(type="str", default=""),
    pid=dict(type="int", default=0),
    take_over=dict(type="str", default=""),
)
RELEASE_OPTIONS = dict((key, LOCK_OPTIONS[key]) for key in ("path", "holder"))


class HeldByThisController(Exception):
    """The lock is held by another process of the same controller; LOCK is what the file says."""

    def __init__(self, lock):
        super().__init__("held by %s" % lock.get("holder"))
        self.lock = lock


def read_lock(path):
    """{"holder", "since", ...} of the lock at PATH, or None when there is none."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError:
        # Created and not yet written (a run between its create and its write), or half written by a
        # run that died: as old as the file, so stale only when the file is.
        try:
            since = os.stat(path).st_mtime
        except FileNotFoundError:
            return None
        return {"holder": "(unreadable lock)", "since": since}


def try_create(path, holder, now, controller="", pid=0):
    """Whether the lock was created for HOLDER (False when it already exists)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w") as out:
        json.dump({"holder": holder, "since": now, "controller": controller, "pid": pid}, out)
    return True


def take_over_from(path, expected, holder, now, controller="", pid=0):
    """Take the lock from EXPECTED (its holder): moved aside atomically, then checked to be the one meant
    (another run may have taken it meanwhile: then it is put back); whether this run holds it now."""
    aside = "%s.taken-%s" % (path, os.getpid())
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return try_create(path, holder, now, controller, pid)
    moved = read_lock(aside) or {}
    if moved.get("holder") != expected:
        # Not the lock we judged: back where it was, unless a new one is there already.
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        os.unlink(aside)
        return False
    os.unlink(aside)
    return try_create(path, holder, now, controller, pid)


def acquire(path, holder, timeout, stale_after, clock=time.time, sleep=time.sleep, controller="", pid=0,
            take_over=""):
    """(waited seconds, taken-over holder or None); RuntimeError naming the holder on timeout;
    HeldByThisController when another process of CONTROLLER holds it (TAKE_OVER: that holder's lock is taken)."""
    start = clock()
    while True:
        now = clock()
        if try_create(path, holder, now, controller, pid):
            return now - start, None
        current = read_lock(path)
        if current is None:
            continue
        if current.get("holder") == holder:
            return now - start, None
        stale = now - float(current.get("since", 0)) > stale_after
        if (take_over and current.get("holder") == take_over) or stale:
            if take_over_from(path, current.get("holder"), holder, now, controller, pid):
                return now - start, current.get("holder")
            continue
        if controller and current.get("controller") == controller and current.get("pid") not in (None, 0, pid):
            raise HeldByThisController(current)
        if now - start >= timeout:
            raise RuntimeError(
                "Another deploy holds %s: %s, since %s. Waited %d s. If no deploy runs, remove the file."
                % (path, current.get("holder"), time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(current["since"])),
                   now - start))
        sleep(min(2.0, max(0.1, timeout - (now - start))))


def take(module, path, holder, timeout, stale_after, controller="", pid=0, take_over=""):
    """acquire() for a module: fails it naming the holder, warns when a lock was taken over; seconds waited.

    A lock of another process of the same controller fails the module at once with RV(held_by), for the
    controller to judge."""
    if not os.path.isdir(os.path.dirname(path)):
        module.fail_json(msg="%s: its folder does not exist" % path)
    try:
        waited, taken_over = acquire(path, holder, timeout, stale_after, controller=controller, pid=pid,
                                     take_over=take_over)
    except HeldByThisController as held:
        module.fail_json(msg="%s is held by %s, a run on this controller (process %s)"
                         % (path, held.lock.get("holder"), held.lock.get("pid")), held_by=held.lock)
    except RuntimeError as error:
        module.fail_json(msg=str(error))
    if taken_over:
        module.warn("Took over the deploy lock %s held by %s (%s)" % (
            path, taken_over, "its run on this controller ended" if take_over else "stale"))
    return waited, taken_over


def release(path, holder):
    """Remove the lock at PATH when HOLDER holds it; whether it did."""
    current = read_lock(path)
    mine = current is not None and current.get("holder") == holder
    if mine:
        os.unlink(path)
    return mine
