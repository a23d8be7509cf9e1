# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Off-site backups of a Django app with restic: its database (a consistent sqlite copy, or the database
server's dump, uncompressed so that restic deduplicates it), its media folder and, when asked, its
environment file, as one snapshot tagged with the app.

restic runs from its image (one pinned version on every host: a repository written by one host must be
readable by the host that replaces it), its secrets read inside the container from 0600 files in the
app's off-site folder (OFFSITE_MOUNT): nothing secret is on a command line or in a container's
configuration. Standard library only: the offsite_backup module uses it, and the django_app role installs
this file on the host (with sqlite_backup.py and deploy_lock.py beside it) as the script its off-site
timers run:

    python3 offsite_backup.py CONFIG backup       # the timer: dump, upload, retention, status file
    python3 offsite_backup.py CONFIG check        # the check timer: prune, check with a read-data subset
    python3 offsite_backup.py CONFIG upload FILE  # a release's backup before migrations (systemd-run)

CONFIG is the app's offsite.json (what `config()` returns, written by the module).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

try:
    from ansible_collections.djangodocker.deploy.plugins.module_utils.deploy_lock import acquire
    from ansible_collections.djangodocker.deploy.plugins.module_utils.sqlite_backup import BackupError, checked_copy
except ImportError:  # the script on the host, beside its two siblings
    from deploy_lock import acquire  # type: ignore[no-redef]
    from sqlite_backup import BackupError, checked_copy  # type: ignore[no-redef]

# Where the django_app role installs this file and its two siblings on the host (the timers run it).
SCRIPT = "/usr/local/lib/djangodocker/offsite_backup.py"
# Inside restic's container: the app's off-site folder (password, storage.env), and what a snapshot holds.
OFFSITE_MOUNT = "/run/offsite"
SNAPSHOT_ROOT = "/backup"
# The official image's /bin/sh reads the storage credentials (and the repository, whose URL may hold
# some) into restic's environment only.
RESTIC_SHELL = 'set -a && . ' + OFFSITE_MOUNT + '/storage.env && set +a && exec %srestic "$@"'
# restic retries an unreachable repository (or a missing bucket) for many minutes: the play's questions
# to the repository are bounded (the config's timeout; the message then has restic's last complaints).
PROBE_TIMEOUT = 60
TAG_PREFIX = "djangodocker-app="
# restic's exit codes (0.17 and later).
EXIT_NO_REPOSITORY = 10
EXIT_LOCKED = 11
EXIT_WRONG_PASSWORD = 12


class OffsiteError(Exception):
    """An off-site step that did not work; the message says why (never a secret)."""


def tag(app):
    return TAG_PREFIX + app


def restic_argv(config, args, mounts=(), writable=(), timeout=0):
    """`docker run` of restic ARGS: the off-site folder read-only, restic's cache, the MOUNTS (host path,
    path inside) read-only and WRITABLE ones read-write; host networking (the repository is wherever the
    host reaches it); ended after TIMEOUT seconds when given."""
    argv = ["docker", "run", "--rm", "--network", "host", "--entrypoint", "/bin/sh",
            "-v", "%s:%s:ro" % (config["offsite_dir"], OFFSITE_MOUNT),
            "-v", "%s:/root/.cache/restic" % config["cache_dir"]]
    for source, inside in mounts:
        argv += ["-v", "%s:%s:ro" % (source, inside)]
    for source, inside in writable:
        argv += ["-v", "%s:%s" % (source, inside)]
    shell = RESTIC_SHELL % ("timeout %d " % timeout if timeout else "")
    return argv + [config["image"], "-c", shell, "restic", "--password-file", OFFSITE_MOUNT + "/password"] \
        + list(config.get("options") or []) + list(args)


def run(argv):
    """(exit code, stdout, stderr) of ARGV."""
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def said(stderr, count=6):
    lines = [line for line in stderr.splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "no output"


def repository_problem(code, stderr, timeout=0):
    """What a failed restic call says about the repository, in words; '' when it is not about it. Ended by its
    TIMEOUT, restic says "Is there a repository..." for a repository it could not reach: that is silence."""
    if timeout and code in (124, 143):
        return "it did not answer within %s s" % timeout
    if code == EXIT_WRONG_PASSWORD or "wrong password" in stderr:
        return "the repository's password is wrong (django_app_offsite_password)"
    if code == EXIT_NO_REPOSITORY or "repository does not exist" in stderr or "Is there a repository" in stderr:
        return "there is no restic repository there; set django_app_offsite_init: true to create one"
    return ""


def restic(config, args, runner=run, mounts=(), writable=()):
    """stdout of restic ARGS; OffsiteError saying why when it fails."""
    code, out, err = runner(restic_argv(config, args, mounts, writable))
    if code != 0:
        problem = repository_problem(code, err)
        raise OffsiteError("restic %s failed (exit %s)%s: %s" % (
            args[0], code, (": " + problem) if problem else "", said(err)))
    return out


def ensure_repository(config, init=False, runner=run):
    """'found' or 'initialised'; OffsiteError when it cannot be reached or read (wrong password), or is
    missing and INIT is false. With INIT, `restic init` comes first: on a new bucket restic's question about
    the configuration retries for minutes, while init creates the bucket; on a repository that exists it
    fails at once saying so, and the question follows."""
    timeout = config.get("timeout") or PROBE_TIMEOUT
    if init:
        code, dummy, err = runner(restic_argv(config, ["init"], timeout=timeout))
        if code == 0:
            return "initialised"
        if "already initialized" not in err and "already exists" not in err:
            raise OffsiteError("The restic repository of %s could not be created: %s (%s)" % (
                config["app"], repository_problem(code, err, timeout) or "restic init failed (exit %s)" % code,
                said(err, 2)))
    code, dummy, err = runner(restic_argv(config, ["cat", "config"], timeout=timeout))
    if code == 0:
        return "found"
    problem = repository_problem(code, err, timeout)
    raise OffsiteError("The restic repository of %s cannot be used: %s (%s)" % (
        config["app"], problem or "restic failed (exit %s)" % code, said(err, 2)))


def snapshot_mounts(config, dump):
    """What a snapshot holds, as (host path, path inside): the database as one file of a fixed name (the
    same path in every snapshot, so restic deduplicates it), the media folder, the environment file."""
    inside = "%s/%s" % (SNAPSHOT_ROOT, config["app"])
    mounts = [(dump, "%s/database.%s" % (inside, config["database"]["suffix"]))]
    if os.path.isdir(config["media_dir"]):
        mounts.append((config["media_dir"], inside + "/media"))
    if config.get("env_file"):
        mounts.append((config["env_file"], inside + "/app.env"))
    return inside, mounts


def dump_database(config, target, execute=subprocess.run):
    """The app's database into TARGET: a consistent sqlite copy, or the server's dump (uncompressed)."""
    database = config["database"]
    if database["kind"] == "sqlite":
        if not os.path.isfile(database["path"]):
            raise OffsiteError("%s has no database yet (%s)" % (config["app"], database["path"]))
        try:
            checked_copy(database["path"], target)
        except BackupError as error:
            raise OffsiteError(str(error))
        return
    env = []
    for name, value in sorted(database["env"].items()):
        env += ["-e", "%s=%s" % (name, value)]
    with open(target, "wb") as out:
        done = execute(["docker", "exec"] + env + [database["container"]] + list(database["dump"]),
                       stdout=out, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0 or os.path.getsize(target) == 0:
        raise OffsiteError("the dump of %s in %s failed: %s" % (
            config["app"], database["container"], said((done.stderr or b"").decode("utf-8", "replace"))))


def snapshot_of(out):
    """The snapshot id in `restic backup --json`'s output."""
    snapshot = ""
    for line in out.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("message_type") == "summary":
            snapshot = message.get("snapshot_id", "")
    return snapshot


def upload(config, dump, runner=run):
    """A snapshot of the backup file DUMP (the one made before a release's migrations: the release holds the
    lock and the file stays in the backup folder) with the app's media; the snapshot's id."""
    restic(config, ["unlock"], runner)
    inside, mounts = snapshot_mounts(config, dump)
    out = restic(config, ["backup", "--json", "--tag", tag(config["app"]), "--tag", "djangodocker-label=pre-migrate",
                          "--host", config["host"], inside], runner, mounts=mounts)
    snapshot = snapshot_of(out)
    if not snapshot:
        raise OffsiteError("restic backup reported no snapshot for %s" % config["app"])
    return snapshot


def keep_args(keep):
    args = []
    for period in ("daily", "weekly", "monthly"):
        if int(keep.get(period) or 0) > 0:
            args += ["--keep-%s" % period, str(int(keep[period]))]
    return args


def back_up(config, runner=run, dumper=dump_database, clock=time.time):
    """One off-site backup of the app: under its deploy lock, a fresh dump, then the snapshot; then the
    retention over the app's snapshots only. The snapshot's id."""
    staging = os.path.join(config["offsite_dir"], "staging")
    os.makedirs(staging, mode=0o700, exist_ok=True)
    dump = os.path.join(staging, "database." + config["database"]["suffix"])
    if config.get("lock"):
        try:
            acquire(config["lock"], "off-site backup", 600, 3600)
        except RuntimeError as error:
            raise OffsiteError("%s was not backed up: %s" % (config["app"], error))
    try:
        dumper(config, dump)
    finally:
        if config.get("lock"):
            try:
                os.unlink(config["lock"])
            except FileNotFoundError:
                pass
    try:
        # A run killed halfway leaves its lock in the repository: restic unlock removes only stale ones.
        restic(config, ["unlock"], runner)
        inside, mounts = snapshot_mounts(config, dump)
        out = restic(config, ["backup", "--json", "--tag", tag(config["app"]), "--host", config["host"], inside],
                     runner, mounts=mounts)
    finally:
        os.unlink(dump)
    snapshot = snapshot_of(out)
    if not snapshot:
        raise OffsiteError("restic backup reported no snapshot for %s" % config["app"])
    forget = keep_args(config.get("keep") or {})
    if forget:
        # One group: every snapshot of the app (the timer's, a release's before its migrations, another host's
        # after a recovery) counts for the retention.
        restic(config, ["forget", "--tag", tag(config["app"]), "--group-by", ""] + forget, runner)
    return snapshot


def check(config, runner=run):
    """The repository's upkeep: removes the data no snapshot needs, then checks the repository and a
    subset of its data."""
    restic(config, ["unlock"], runner)
    restic(config, ["prune"], runner)
    subset = config.get("check_read_data_subset") or ""
    return restic(config, ["check"] + (["--read-data-subset", subset] if subset else []), runner)


def snapshots(config, runner=run):
    """The app's snapshots, oldest first (restic's JSON); asking is bounded (the config's timeout)."""
    timeout = config.get("timeout") or PROBE_TIMEOUT
    code, out, err = runner(restic_argv(config, ["snapshots", "--json", "--tag", tag(config["app"])], timeout=timeout))
    if code != 0:
        problem = repository_problem(code, err, timeout) or "restic failed (exit %s)" % code
        raise OffsiteError("The restic repository of %s cannot be used: %s (%s)" % (config["app"], problem, said(err, 2)))
    return json.loads(out or "[]")


def restore(config, target, snapshot="latest", runner=run):
    """The app's SNAPSHOT (latest by default; only one of the app's) into TARGET: TARGET/database.<suffix>,
    TARGET/media. The snapshot's id."""
    found = snapshots(config, runner)
    if snapshot == "latest":
        chosen = found[-1] if found else None
    else:
        chosen = next((s for s in found if s.get("id", "").startswith(snapshot)
                       or s.get("short_id") == snapshot), None)
    if not chosen:
        raise OffsiteError("The repository has no snapshot %sof %s (tag %s)" % (
            "" if snapshot == "latest" else snapshot + " ", config["app"], tag(config["app"])))
    restic(config, ["restore", "%s:%s/%s" % (chosen["id"], SNAPSHOT_ROOT, config["app"]), "--target", "/restore"],
           runner, writable=[(target, "/restore")])
    return chosen["id"]


def write_status(path, **status):
    """The timer's result for the play (which reads it instead of asking the repository): written whole."""
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(status, handle)
    os.replace(partial, path)


def read_status(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def status_warning(status, app, max_age_hours, now):
    """A warning when the app's last good off-site backup is older than MAX_AGE_HOURS or the last run
    failed; '' otherwise."""
    last_good = status.get("last_good")
    if status.get("error"):
        age = " The last good one is %.0f hours old." % ((now - last_good) / 3600) if last_good else \
            " There is no good one yet."
        return "The last off-site backup of %s failed: %s.%s" % (app, status["error"], age)
    if not last_good:
        return ""
    hours = (now - last_good) / 3600
    if hours > max_age_hours:
        return "The last good off-site backup of %s is %.0f hours old (more than %s)." % (app, hours, max_age_hours)
    return ""


def cli(argv=None, clock=time.time):
    """The timers' script: exit 1 with the reason on failure (systemd's journal keeps it), the status file
    written either way."""
    words = list(argv or sys.argv[1:])
    config_path, action = words[:2]
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    status_path = os.path.join(config["offsite_dir"], "status.json")
    status = read_status(status_path)
    try:
        if action in ("backup", "upload"):
            snapshot = back_up(config) if action == "backup" else upload(config, words[2])
            status.update(last_good=clock(), snapshot=snapshot, error="")
            sys.stdout.write("backed up %s off-site: snapshot %s\n" % (config["app"], snapshot[:8]))
        else:
            check(config)
            status.update(last_check=clock(), check_error="")
            sys.stdout.write("the repository of %s checked\n" % config["app"])
    except (OffsiteError, OSError) as error:
        if action in ("backup", "upload"):
            status.update(error=str(error), last_failure=clock())
        else:
            status.update(check_error=str(error), last_check_failure=clock())
        write_status(status_path, **status)
        sys.stderr.write("%s\n" % error)
        return 1
    write_status(status_path, **status)
    return 0


if __name__ == "__main__":
    sys.exit(cli())  # pylint: disable=ansible-bad-function
