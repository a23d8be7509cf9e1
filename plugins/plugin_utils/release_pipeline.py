# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Django app's release as one straight sequence, with one undo path.

    lock -> context -> build -> checks and plan -> backup (only when migrations are pending)
    -> migrate -> Celery worker of the release -> start the next release -> probe
    -> point the site -> switch -> settle Celery -> retire -> unlock

`release(host, spec)` carries it out; `spec` is the action plugin's arguments (see
plugins/modules/django_app_deploy.py). Every host step is one module call through HOST, the
seam: the action plugin's adapter calls modules on the host, the unit tests pass a fake.
What the release has done so far is its `Record`; a failure before the point of no return
(the switch in Nginx mode, the new release answering in port mode) undoes exactly what the
record says was done, so the serving release is untouched, and the lock is always given back.

A failed migration never restores the database: others kept writing while it ran (the
serving release, Celery). The failure says which migrations were applied and where the
backup made before them is; restoring it is a deliberate act (playbooks/restore.yml).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from ansible_collections.djangodocker.deploy.plugins.module_utils.swarm_rollout import image_name

# The last line of `release.py plan` when migrations are pending (PENDING_MARKER there: the
# image's side of the same line).
PENDING_MARKER = "djangodocker_deploy: migrations to apply:"
APPLIED = re.compile(r"Applying (\S+?)\.\.\. OK")


class StepFailed(Exception):
    """A module call failed; RESULT is its result."""

    def __init__(self, step, result):
        super().__init__("%s: %s" % (step, result.get("msg", "failed")))
        self.step, self.result = step, result


class ReleaseFailed(Exception):
    """The release failed; the message says what serves now. RESULT: what the action returns."""

    def __init__(self, msg, result):
        super().__init__(msg)
        self.result = result


class Record:
    """What this release has done: the undo path and the result read it, nothing else."""

    def __init__(self, image):
        self.image = image
        self.locked = False
        self.lock_released = False
        self.backup = ""
        self.offsite = ""
        self.applied = []
        self.plan = []
        self.worker = ""
        self.next_started = False
        self.site_changed = False
        self.site_before = None
        self.switched = False
        self.committed = False
        self.previous_image = ""
        self.static_copied = False
        self.retired = False
        # Swarm mode: the services rolled out to this release, with the image each ran before.
        self.services_updated = []
        self.steps = []
        self.changes = 0

    def result(self, changed=True):
        return dict(changed=changed, image=self.image, previous_image=self.previous_image, backup=self.backup,
                    offsite_upload=self.offsite,
                    migrations_applied=self.applied, plan=self.plan, static_copied=self.static_copied,
                    switched=self.switched, steps=self.steps)


def check(host, spec):
    """Whether a release is needed: the wanted container compared with the serving one (in check
    mode), which must also be healthy and not restarting. With the serving container's hostname
    (its uWSGI socket's name) and the name the next release's socket gets."""
    if spec.get("swarm"):
        return check_service(host, spec)
    result = host.call("community.docker.docker_container",
                       dict(spec["container"], name=spec["name"], image=spec["image"], state="started"),
                       check_mode=True)
    if result.get("failed"):
        raise ReleaseFailed("Comparing the wanted release with %s failed: %s" % (spec["name"], result.get("msg")),
                            dict(changed=False, failed_step="check"))
    container = result.get("container") or {}
    state = container.get("State") or {}
    needed = bool(result.get("changed"))
    config = container.get("Config") or {}
    serving = dict(id=container["Id"], hostname=config.get("Hostname", ""), image=config.get("Image", ""),
                   tag=config.get("Image", "").rsplit(":", 1)[-1]) if container.get("Id") else {}
    if serving:
        # The wanted release, unhealthy or restarting: the same image again would not fix it, a restart may
        # (keep_serving restarts it once; it fails naming it when that did not help).
        serving["unhealthy"] = not needed and ((state.get("Health") or {}).get("Status") == "unhealthy"
                                               or bool(state.get("Restarting")))
    return dict(changed=False, release_needed=needed, serving=serving,
                next_socket=next_socket(spec, serving.get("hostname", "")))


def service_image(service):
    """The image a service (as docker_swarm_service_info returns it) runs, without a digest; '' for none."""
    return image_name((((service.get("Spec") or {}).get("TaskTemplate") or {}).get("ContainerSpec") or {}).get("Image"))


def read_service(host, name):
    """The service NAME as Swarm has it ({} when there is none)."""
    found = host.call("community.docker.docker_swarm_service_info", dict(name=name))
    if found.get("failed"):
        raise ReleaseFailed("Reading the service %s failed: %s" % (name, found.get("msg")),
                            dict(changed=False, failed_step="check"))
    return found.get("service") or {}


def check_service(host, spec):
    """Swarm mode: a release is needed when the environment's secret does not exist yet (another content),
    a wanted service (the web one, Celery's) differs from the one Swarm runs (in check mode) or one the app no
    longer has is still there. Replicas that went down Swarm starts again itself (no restart here, unlike a
    single host's container)."""
    swarm = spec["swarm"]
    current = read_service(host, spec["name"])
    image = service_image(current)
    serving = dict(id=current["ID"], image=image, tag=image.rsplit(":", 1)[-1], hostname="") if current else {}
    secret = host.call("community.docker.docker_secret", dict(swarm["secret"], state="present"), check_mode=True)
    needed = not current or bool(secret.get("changed")) or bool(secret.get("failed"))
    for wanted in swarm["services"] if not needed else []:
        compared = host.call("community.docker.docker_swarm_service", dict(wanted["service"], image=spec["image"]),
                             check_mode=True)
        if compared.get("failed"):
            raise ReleaseFailed("Comparing the wanted release with the service %s failed: %s"
                                % (wanted["service"]["name"], compared.get("msg")),
                                dict(changed=False, failed_step="check"))
        if compared.get("changed"):
            needed = True
            break
    if not needed:
        needed = any(read_service(host, name) for name in swarm["absent"])
    return dict(changed=False, release_needed=needed, serving=serving, next_socket="")


def next_socket(spec, serving_hostname):
    """The next release's hostname, which names its uWSGI socket: known before it starts (the site's
    configuration is rendered for it), the same for the same release, never the serving one's."""
    env = (spec["container"].get("labels") or {}).get("djangodocker.deploy.env", "")
    digest = hashlib.sha1(("%s\n%s\n%s" % (spec["image"], env, serving_hostname)).encode()).hexdigest()
    return "r" + digest[:11]


def last_lines(text, count=20):
    return [line for line in (text or "").splitlines() if line.strip()][-count:]


def one_off_name(app, kind):
    """Unique per run: a container left by an interrupted run is never reused (retire removes <app>-migrate-*)."""
    return "%s-%s-%s" % (app, kind, secrets.token_hex(4))


def release(host, spec):
    """Carry out the release SPEC on HOST; the result dict. Raises ReleaseFailed (after undoing)."""
    record = Record(spec["image"])
    try:
        try:
            forward(host, spec, record)
        except StepFailed as failure:
            # A failure before anything changed on the host (a dead mirror, another run's lock) changed nothing.
            raise ReleaseFailed(undo(host, spec, record, failure),
                                dict(record.result(changed=bool(record.changes)), failed_step=failure.step))
    finally:
        if record.locked and not record.lock_released:
            # Only its holder's lock is given back; a lock this run never got is left alone.
            host.call("djangodocker.deploy.deploy_lock", dict(lock_release(spec), state="released"))
    return record.result()


def call(host, record, step, module, args):
    """One module call of a step; StepFailed when it fails."""
    result = host.call(module, args)
    if result.get("failed"):
        raise StepFailed(step, result)
    record.steps.append(step)
    record.changes += bool(result.get("changed"))
    return result


def forward(host, spec, record):
    name = spec["name"]
    if spec.get("build"):
        # Its call asks the mirrors, takes the lock, then unpacks: the lock is this run's from
        # then on (given back in any case; giving back a lock another run holds does nothing).
        record.locked = True
        context = take_lock(host, spec, lambda lock: host.send_context(dict(spec["build"]["context"], lock=lock)))
        if context.get("failed"):
            raise StepFailed("context", context)
        record.steps.append("context")
        record.changes += bool(context.get("changed"))
        call(host, record, "build", "community.docker.docker_image", spec["build"]["image"])
    else:
        record.locked = True
        taken = take_lock(host, spec, lambda lock: host.call("djangodocker.deploy.deploy_lock",
                                                             dict(lock, state="acquired")))
        if taken.get("failed"):
            raise StepFailed("lock", taken)
        record.steps.append("lock")
    if spec["check_mode"]:
        return
    if spec.get("migrate"):
        migrate(host, spec, record)
    if spec.get("swarm"):
        roll_out(host, spec, record)
    else:
        if spec.get("celery"):
            start_worker(host, spec, record)
        if spec.get("front"):
            switch_front(host, spec, record)
        else:
            switch_port(host, spec, record)
        if spec.get("celery"):
            settle_workers(host, record, spec)
    if not record.retired:
        protect = [spec["image"]] + ([record.previous_image] if record.previous_image else [])
        policy = dict(spec["retire"], protect_images=protect)
        retired = call(host, record, "retire", "djangodocker.deploy.django_app_release",
                       dict(name=name, state="retire", retire=policy, release_lock=lock_release(spec)))
        record.lock_released = bool(retired.get("lock_released"))


def take_lock(host, spec, attempt):
    """ATTEMPT(lock options)'s result. A lock another process of this controller holds is reported at once:
    when that process has ended (the run was killed), its lock is taken over; while it runs, it is waited
    for like any other run's."""
    result = attempt(spec["lock"])
    held = result.get("held_by") if result.get("failed") else None
    if held:
        if host.process_alive(held.get("pid")):
            result = attempt(dict(spec["lock"], controller=""))
        else:
            result = attempt(dict(spec["lock"], take_over=held.get("holder", "")))
    return result


def lock_release(spec):
    return dict(path=spec["lock"]["path"], holder=spec["lock"]["holder"])


def one_off(host, spec, record, kind, command, step):
    """Run COMMAND in a one-off container of the release; its output."""
    args = dict(spec["one_off"], name=one_off_name(spec["name"], kind), image=spec["image"], command=command,
                detach=False, cleanup=True)
    result = call(host, record, step, "community.docker.docker_container", args)
    return (result.get("container") or {}).get("Output", "")


def migrate(host, spec, record):
    """Checks and plan; only with migrations pending, the backup and the migrations."""
    checks = spec["migrate"]
    output = one_off(host, spec, record, "migrate", checks["plan_command"], "checks and plan")
    record.plan = last_lines(output, 40)
    if PENDING_MARKER in output:
        if spec.get("backup"):
            backup = call(host, record, "backup", spec["backup"]["module"], spec["backup"]["args"])
            record.backup = backup.get("backup", "")
            if spec.get("offsite_upload") and record.backup:
                # Queued, not awaited: a failed upload is the status file's (the next play warns), not the release's.
                queued = host.call("djangodocker.deploy.offsite_backup", dict(spec["offsite_upload"], file=record.backup))
                record.offsite = queued.get("unit", "") if not queued.get("failed") else \
                    "not queued: %s" % queued.get("msg", "failed")
        try:
            output = one_off(host, spec, record, "migrate", checks["migrate_command"], "migrate")
        except StepFailed as failure:
            record.applied = APPLIED.findall(failure.result.get("msg", ""))
            raise
        record.applied = APPLIED.findall(output)
    if checks.get("load_fixture"):
        one_off(host, spec, record, "loaddata", ["python", "manage.py", "loaddata", checks["load_fixture"]],
                "load data")


def worker_name(spec):
    return spec["celery"]["prefix"] + spec["image"].rsplit(":", 1)[-1]


def start_worker(host, spec, record):
    """The release's Celery worker, started beside the serving one's and asked for a ping (bounded)."""
    celery = spec["celery"]
    name = worker_name(spec)
    call(host, record, "start worker", "community.docker.docker_container",
         dict(celery["worker"], name=name, image=spec["image"]))
    record.worker = name
    if spec["check_mode"]:
        return
    # Each ping waits up to 2 s for an answer, then a second between tries.
    for dummy in range(max(1, -(-celery["ready_timeout"] // 4))):
        pinged = host.call("community.docker.docker_container_exec", dict(container=name, argv=celery["ping"]))
        if not pinged.get("failed") and pinged.get("rc", 1) == 0:
            record.steps.append("worker answers")
            return
        host.sleep(1)
    raise StepFailed("worker answers", dict(msg="the Celery worker %s did not answer a ping within %s s"
                                                % (name, celery["ready_timeout"])))


def keep_workers(host, spec):
    """A run with nothing to release: the serving release's worker runs and answers, beat too,
    nothing else of the app's Celery (a release also removes them when Celery was turned off)."""
    record = Record(spec["image"])
    try:
        start_worker(host, spec, record)
        settle_workers(host, record, spec)
    except StepFailed as failure:
        logs = container_logs(host, record.worker) if failure.step == "worker answers" else []
        told = (". Its log: " + " | ".join(logs)) if logs else ""
        message = "The Celery worker of %s: %s%s" % (spec["image"], failure.result.get("msg", "failed"), told)
        raise ReleaseFailed(message, dict(changed=bool(record.changes), failed_step=failure.step))
    return dict(changed=bool(record.changes), image=spec["image"], steps=record.steps)


def keep_serving(host, spec):
    """A run with nothing to release: the serving release answers (restarted once when it was unhealthy), its
    static files are on the host for Nginx (copied again from it when they went), and its Celery worker and
    beat run (keep_workers)."""
    changed = restart_serving(host, spec) if spec.get("restart") else False
    if spec.get("serving_static"):
        probed = host.call("djangodocker.deploy.django_app_probe", spec["serving_static"])
        if probed.get("failed"):
            raise ReleaseFailed("The serving release %s: %s" % (spec["image"], probed.get("msg", "failed")),
                                dict(changed=False, failed_step="static files"))
        changed = bool(probed.get("changed"))
    steps = (["restart"] if spec.get("restart") else []) + (["static files"] if spec.get("serving_static") else [])
    if not spec.get("celery"):
        return dict(changed=changed, image=spec["image"], steps=steps, restarted=bool(spec.get("restart")))
    kept = keep_workers(host, spec)
    return dict(kept, changed=changed or kept["changed"], steps=steps + kept["steps"],
                restarted=bool(spec.get("restart")))


def restart_serving(host, spec):
    """The serving release was unhealthy: restarted once, it must answer like a new release (the same probe);
    otherwise the run fails naming it, with its last log lines (a restart does not fix a broken page)."""
    name, probe = spec["name"], spec["restart"]
    restarted = host.call("community.docker.docker_container", dict(name=name, state="started", restart=True))
    if restarted.get("failed"):
        raise ReleaseFailed("The serving release %s was unhealthy and could not be restarted: %s"
                            % (spec["image"], restarted.get("msg", "failed")), dict(changed=False, failed_step="restart"))
    if spec["check_mode"]:
        return True
    probed = host.call("djangodocker.deploy.django_app_probe", probe)
    if probed.get("failed"):
        logs = container_logs(host, name)
        raise ReleaseFailed(
            "The serving release %s (container %s) was unhealthy and still is after a restart (%s); a restart does"
            " not fix a broken page: release a fixed version, or go back with rollback.yml.%s"
            % (spec["image"], name, probed.get("msg", "failed"), (" Last log lines: " + " | ".join(logs)) if logs else ""),
            dict(changed=True, failed_step="restart"))
    return True


def settle_workers(host, record, spec):
    """Only the release's worker stays, and beat runs the release (one per app)."""
    app, celery, image = spec["name"], spec["celery"], spec["image"]
    keep = {worker_name(spec)}
    if celery.get("beat"):
        keep.add(app + "-beat")
    listed = call(host, record, "list workers", "community.docker.docker_host_info", dict(
        containers=True, containers_all=True,
        containers_filters=dict(label=["djangodocker.deploy.app=" + app, "djangodocker.deploy.celery"])))
    for container in listed.get("containers") or []:
        for found in container.get("Names") or []:
            found = found.lstrip("/")
            if found not in keep:
                call(host, record, "stop worker " + found, "community.docker.docker_container",
                     dict(name=found, state="absent", stop_timeout=celery["stop_timeout"]))
    if celery.get("beat"):
        call(host, record, "beat", "community.docker.docker_container", dict(celery["beat"], name=app + "-beat", image=image))


def switch_front(host, spec, record):
    """Nginx mode: start beside the serving release, probe, point the site, switch (and retire)."""
    front, name = spec["front"], spec["name"]
    call(host, record, "start", "community.docker.docker_container",
         dict(spec["container"], name=name + "-next", image=spec["image"], state="started"))
    record.next_started = True
    probed = call(host, record, "probe", "djangodocker.deploy.django_app_probe", front["probe"])
    record.static_copied = bool(probed.get("static_copied"))
    site = call(host, record, "point the site", "djangodocker.deploy.nginx_site", dict(front["site"], state="present"))
    record.site_changed = bool(site.get("changed"))
    record.site_before = site.get("before")
    # Nothing sends the previous release requests once Nginx's old workers are gone: it is set
    # aside running and removed by the retire (no uWSGI shutdown to wait for). Without Celery
    # to settle in between, the same call retires and gives the lock back.
    retire_now = not spec.get("celery")
    args = dict(name=name, state="switch", stop_previous=not site.get("drained", False))
    if retire_now:
        args.update(retire=dict(spec["retire"], protect_images=[spec["image"]]), release_lock=lock_release(spec))
    result = host.call("djangodocker.deploy.django_app_release", args)
    record.switched = bool(result.get("switched"))
    record.previous_image = result.get("previous_image", "")
    if record.switched:
        # Nginx serves the new release: from here on nothing is put back.
        record.committed = True
    if result.get("failed"):
        raise StepFailed("switch", result)
    record.steps.append("switch")
    if retire_now:
        record.retired = True
        record.lock_released = bool(result.get("lock_released"))


def roll_out(host, spec, record):
    """Swarm mode: the environment's secret, then each service updated to the release in turn (Celery's
    worker, the web service, beat); Swarm replaces a service's tasks one at a time (start-first: each new one
    healthy before an old one stops; beat stop-first) and rolls back by itself when a new one fails, so the
    old tasks serve throughout. Waits until Swarm is done with each. The web service's update is the point of
    no return: a worker updated before a web service Swarm rolled back is put back too (undo)."""
    swarm = spec["swarm"]
    record.previous_image = service_image(read_service(host, spec["name"]))
    call(host, record, "secret", "community.docker.docker_secret", dict(swarm["secret"], state="present"))
    for wanted in swarm["services"]:
        name = wanted["service"]["name"]
        previous = service_image(read_service(host, name)) if wanted["role"] != "web" else record.previous_image
        call(host, record, "service", "community.docker.docker_swarm_service",
             dict(wanted["service"], image=spec["image"]))
        rolled = call(host, record, "rollout", "djangodocker.deploy.swarm_rollout",
                      dict(name=name, image=spec["image"], timeout=wanted["timeout"]))
        if rolled.get("state") != "done":
            raise StepFailed("rollout", dict(rolled, msg=rolled.get("message") or rolled.get("state"),
                                             service=name, role=wanted["role"], previous=previous))
        record.services_updated.append((wanted, previous))
        if wanted["role"] == "web":
            record.switched = record.committed = True
    for name in swarm["absent"]:
        call(host, record, "service gone", "community.docker.docker_swarm_service", dict(name=name, state="absent"))


def put_services_back(host, record):
    """Swarm mode, a release that failed before its web service served: the services it updated before (the
    Celery worker) go back to the image they ran (or away, when they were new). Swarm already rolled back the
    one that failed."""
    for wanted, previous in reversed(record.services_updated):
        if previous:
            host.call("community.docker.docker_swarm_service", dict(wanted["service"], image=previous))
        else:
            host.call("community.docker.docker_swarm_service", dict(name=wanted["service"]["name"], state="absent"))


def switch_port(host, spec, record):
    """Single mode: the new release takes the published port over, then must answer."""
    name = spec["name"]
    call(host, record, "create", "community.docker.docker_container",
         dict(spec["container"], name=name + "-next", image=spec["image"], state="present"))
    record.next_started = True
    switched = host.call("djangodocker.deploy.django_app_release", dict(name=name, state="switch"))
    record.switched = bool(switched.get("switched"))
    if switched.get("failed"):
        raise StepFailed("switch", switched)
    record.steps.append("switch")
    record.previous_image = switched.get("previous_image", "")
    call(host, record, "probe", "djangodocker.deploy.django_app_probe", spec["port"]["probe"])
    record.committed = True


def undo(host, spec, record, failure):
    """Put back what RECORD says this release did (nothing after the point of no return); the message."""
    name = spec["name"]
    if record.committed:
        return ("%s serves release %s, but a step after the switch failed (%s): %s. The next run finishes it."
                % (name, spec["image"], failure.step, failure.result.get("msg", "failed")))
    if spec.get("swarm"):
        # Swarm rolls a failed update back itself; before the service update nothing serves differently.
        put_services_back(host, record)
        return failure_message(spec, record, failure, [], {})
    logs = []
    if failure.step == "worker answers" and record.worker:
        logs = container_logs(host, record.worker)
    elif record.next_started:
        logs = container_logs(host, name if record.switched else name + "-next")
    if record.site_changed:
        before = record.site_before
        host.call("djangodocker.deploy.nginx_site", dict(
            spec["front"]["site"], content=before, state="present" if before is not None else "absent"))
    restored = {}
    if record.next_started:
        restored = host.call("djangodocker.deploy.django_app_release",
                             dict(name=name, state="restore", switched=record.switched))
    if restored.get("restored") and spec.get("port"):
        host.call("djangodocker.deploy.django_app_probe", spec["port"]["probe"])
    if record.worker:
        host.call("community.docker.docker_container", dict(name=record.worker, state="absent"))
    return failure_message(spec, record, failure, logs, restored)


def container_logs(host, container):
    result = host.call("djangodocker.deploy.container_logs", dict(name=container, tail=120))
    return telling_lines(result.get("lines") or [])


CHAINED = ("The above exception was the direct cause", "During handling of the above exception")


def complete_traceback(after):
    """Whether the traceback whose lines follow (AFTER, up to the end or the next traceback) has reached its
    exception line: a line that is not a frame (indented) nor the next traceback's header."""
    for line in after:
        if line.startswith("Traceback (most recent call last)"):
            return False
        if line and not line.startswith((" ", "\t")):
            return True
    return False


def telling_lines(lines, count=40):
    """The lines that say why: from the last traceback on (with the ones it was chained to: the first holds
    the cause), when there is one (a server that fails to load and restarts prints its banner again after
    it), else the last lines; COUNT at most, the end of each traceback kept."""
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if not starts:
        return lines[-count:]
    # A server that restarts prints the traceback again: the last one may be read half written (no
    # exception line yet). The last complete one says why.
    while len(starts) > 1 and not complete_traceback(lines[starts[-1] + 1:]):
        starts.pop()
    first = starts.pop()
    while starts and any(line.startswith(CHAINED) for line in lines[starts[-1]:first]):
        first = starts.pop()
    end = first
    while end < len(lines) and not lines[end].startswith("***") and "unable to load app" not in lines[end]:
        end += 1
    shown = lines[first:end + 1]
    if len(shown) <= count:
        return shown
    # The exception lines (the end of each traceback) say the most; the frames in between the least.
    return [line for line in shown if not line.startswith((" ", "\t"))][-count:]


def failure_message(spec, record, failure, logs, restored):
    image, step = spec["image"], failure.step
    output = last_lines(failure.result.get("msg", ""))
    if step in ("context", "build", "lock"):
        return "Release %s failed at its %s, before anything changed on the host: %s" % (
            image, step, " | ".join(output) or "failed")
    if step in ("checks and plan", "migrate", "load data", "backup"):
        what = {"checks and plan": "deployment checks", "migrate": "migrations", "load data": "loading of the data",
                "backup": "backup before the migrations"}[step]
        text = "The %s of release %s failed, so it was not switched on; the release that served keeps serving." % (
            what, image)
        if step == "migrate":
            text += (" Migrations applied before the failure stay applied (the previous release's code works on"
                     " them: expand/contract): %s." % (", ".join(record.applied) or "none"))
            if record.backup:
                text += (" The database as it was before them is in %s; restoring it is up to you"
                         " (restore.yml), since others kept writing meanwhile." % record.backup)
        return text + " Output: " + " | ".join(output)
    if record.switched:
        serving = ("The previous release %s is serving again." % record.previous_image if restored.get("restored")
                   else "There was no previous release to go back to.")
    else:
        serving = "The release that served keeps serving%s." % (", Nginx unchanged" if spec.get("front") else "")
    if step == "rollout":
        result = failure.result
        if not result.get("state"):
            # The wait itself failed (the engine did not answer): Swarm goes on with the update.
            went = "Waiting for Swarm failed (%s); see `docker service ps %s`." % (result.get("msg", "failed"),
                                                                                   spec["name"])
        elif result["state"] == "rolled_back":
            went = "Swarm rolled the service back to %s, whose replicas served throughout." % (
                result.get("previous") or record.previous_image or "the previous release")
        else:
            went = "%d of %d replicas run it (%s); see `docker service ps %s`." % (
                result.get("running", 0), result.get("replicas", 0), result["state"],
                result.get("service") or spec["name"])
        if result.get("role") in ("worker", "beat"):
            text = "The Celery %s service %s of release %s did not become healthy; the web service was not updated" \
                " and keeps serving. %s" % (result["role"], result["service"], image, went)
        else:
            text = "Release %s did not become healthy on the swarm. %s" % (image, went)
        if result.get("errors"):
            text += " Its tasks: " + " | ".join(result["errors"])
        if record.applied:
            text += " Its migrations stay applied (%s)." % ", ".join(record.applied)
        return text
    if step == "probe" and spec.get("port"):
        probe = spec["port"]["probe"]
        said = failure.result.get("msg", "").partition(" s: ")[2]
        text = "Release %s did not become healthy at %s%s within %s s%s. %s" % (
            image, probe["url"], probe.get("path", "/"), probe.get("timeout"), " (%s)" % said if said else "", serving)
    else:
        text = "Release %s was not switched on (%s failed: %s). %s" % (
            image, step, " | ".join(output) or "failed", serving)
    if record.applied:
        text += " Its migrations stay applied (%s)" % ", ".join(record.applied)
        text += "; the database as it was before them is in %s." % record.backup if record.backup else "."
    if logs:
        text += " Last log lines: " + " | ".join(logs)
    return text
