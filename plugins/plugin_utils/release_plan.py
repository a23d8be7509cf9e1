# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the release pipeline is given, composed in one place from the app's settings.

The django_app role passes the action its settings (`app`, the role variables the release
needs, unprefixed), what the host and the other roles gave it (`host`, `services`, `site`) and
the release (`release`); `compose` turns them into the pipeline's spec
(plugin_utils/release_pipeline.py): the app's container and its one-offs, the Celery
containers, the probes, the build, the backup before migrations and what a release retires.
Pure: no I/O, so every decision here is a unit test away.
"""

from __future__ import annotations

import re

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import (
    ENV_MOUNT, SERVER_PACKAGES, SOCKET_MOUNT, UID, socket_protocol)
from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import repository as image_repository
from ansible_collections.djangodocker.deploy.plugins.module_utils.app_paths import app_paths

APP_LABEL = "djangodocker.deploy.app"
ENV_LABEL = "djangodocker.deploy.env"
CELERY_LABEL = "djangodocker.deploy.celery"


def compose(args, check_mode=False, holder=""):
    """The pipeline's spec from the action's ARGS (module_utils/release_spec.py declares them); HOLDER names
    this run in the deploy lock."""
    app = args["app"]
    name, tag = app["name"], args["release"]["tag"]
    nginx = app["mode"] == "nginx"
    swarm = app["mode"] == "swarm"
    # Only a release builds, migrates and backs up; a rollback releases an image the host has.
    building = args["state"] == "released" and not args["rolling_back"]
    container = container_options(app, args)
    spec = dict(
        state=args["state"], name=name, image="%s:%s" % (repository(app), tag), check_mode=check_mode,
        lock=dict(path=app["lock_file"], holder=holder, timeout=app["lock_timeout"]),
        container=dict(container, hostname=args["next_socket"]) if nginx and args["next_socket"] else container,
        one_off=one_off_options(app, args),
        # Swarm mode: Celery's services are in the swarm spec.
        celery=celery_spec(app, container) if app["celery"]["app"] and not swarm else None,
        retire=retire_policy(app, args),
        build=build_spec(app, args) if building else None,
        migrate=migrate_spec(app, args) if building else None,
        backup=backup_spec(app, args) if building and not check_mode else None,
        # The backup before migrations also goes off-site, in the background (never blocking the release).
        offsite_upload=dict(state="queued", app=name, offsite_dir=app["offsite_dir"])
        if building and not check_mode and app.get("offsite_dir") else None,
        swarm=swarm_spec(app, args) if swarm else None,
        front=None, port=None, serving_static=None, restart=None, static_on_host=list(args["host"].get("static_releases") or []),
    )
    if nginx and not check_mode and args["state"] == "released":
        spec["front"] = dict(probe=front_probe(app, args, socket=args["next_socket"], tag=tag,
                                               container=name + "-next"),
                             site=args["site"]["plan"])
    elif not nginx and not swarm:
        spec["port"] = dict(probe=port_probe(app))
    if nginx and args["state"] == "serving" and args["serving"].get("tag") \
            and args["serving"]["tag"] not in (args["host"].get("static_releases") or []):
        # The serving release's static folder went (by hand, or a rescue): copied again from it.
        spec["serving_static"] = front_probe(app, args, socket=args["serving"]["hostname"],
                                             tag=args["serving"]["tag"], container=name)
    if args["state"] == "serving" and args["serving"].get("unhealthy"):
        # Restarted, it keeps its hostname (its socket's name) and must answer the release's probe.
        spec["restart"] = (front_probe(app, args, socket=args["serving"]["hostname"], tag=args["serving"]["tag"],
                                       container=name, static=False) if nginx else port_probe(app))
    return spec


def repository(app):
    """The image's repository (module_utils/app_image.repository)."""
    return image_repository(app["name"], app["mode"], app["registry"])


def env_secret(app, args):
    """Swarm mode: the environment file as a Swarm secret, named by its content (a secret cannot change:
    another content is another secret, and a service update)."""
    return dict(name="%s-env-%s" % (app["name"], args["host"]["env_sha256"][:12]), data_src=args["host"]["env_file"],
                labels={APP_LABEL: app["name"]})


def service_options(app, args):
    """Swarm mode: the app's service (the pipeline adds the image). Its tasks spread over the nodes, on the
    app's networks (overlay), found by name through DNS (dnsrr: a stopping task leaves DNS first, then has
    the stop grace period to finish); an update starts each new task beside an old one, which stops only
    once the new one is healthy (the image's health check), and Swarm rolls the update back itself when a
    new task fails within the monitor window. The environment file is a secret, mounted where the single-host
    containers mount the file; the same hardening as one_off_options where services have it."""
    secret = env_secret(app, args)
    options = dict(
        name=app["name"], replicas=app["replicas"], endpoint_mode="dnsrr",
        networks=networks(app, args), resolve_image=False,
        secrets=[dict(secret_name=secret["name"], filename=ENV_MOUNT, uid=str(UID), gid=str(UID), mode=0o400)],
        labels={APP_LABEL: app["name"]}, container_labels={APP_LABEL: app["name"]},
        read_only=app["read_only"], cap_drop=["ALL"], mounts=[dict(type="tmpfs", target="/tmp")],
        stop_grace_period="%ds" % app["drain_timeout"],
        restart_config=dict(condition="any", delay="5s"),
        # 3 s between tasks: longer than the edge Nginx keeps a DNS answer (2 s), so it never holds two
        # stopping tasks' addresses at once. A new task counts once healthy (one that never is fails on its
        # health check); the monitor window then only catches a crash right after, and Swarm calls the
        # update complete at its end: 5 s (15 s made each release 10 s longer; bench section 15).
        update_config=dict(parallelism=1, order="start-first", failure_action="rollback",
                           monitor="5s", delay="3s"),
        rollback_config=dict(parallelism=1, order="start-first", failure_action="pause"),
        state="present")
    if app.get("constraints"):
        options["placement"] = dict(constraints=list(app["constraints"]))
    if app["memory"]:
        options["limits"] = dict(memory=app["memory"])
    return options


def celery_services(app, web):
    """Swarm mode with Celery: the worker service (celery.replicas tasks, healthy once it answers a ping; a new
    one starts beside an old one, which then gets its warm shutdown within the stop timeout) and beat (one
    task, stopped before the next starts: never two). Their tasks share the web service's (WEB's options)
    image, secret, networks, placement and hardening; beat keeps its schedule in /tmp (the tasks have no
    volume)."""
    celery = app["celery"]

    def variant(role, command, replicas, order, healthcheck):
        return dict(web, name="%s-%s" % (app["name"], role), replicas=replicas, args=command,
                    stop_grace_period="%ds" % celery["stop_timeout"], healthcheck=healthcheck,
                    labels=dict(web["labels"], **{CELERY_LABEL: role}),
                    container_labels=dict(web["container_labels"], **{CELERY_LABEL: role}),
                    update_config=dict(web["update_config"], order=order),
                    rollback_config=dict(web["rollback_config"], order=order))

    worker = variant(
        "worker", ["celery", "-A", celery["app"], "worker", "--loglevel=INFO", "--hostname=worker@%h"]
        + list(celery["worker_options"]), celery["replicas"], "start-first",
        dict(test=["CMD-SHELL", 'celery -A %s inspect ping -d "worker@$(hostname)" --timeout 5 >/dev/null' % celery["app"]],
             interval="10s", timeout="8s", retries=3, start_period="%ds" % celery["ready_timeout"]))
    beat = variant("beat", ["celery", "-A", celery["app"], "beat", "--loglevel=INFO",
                            "--schedule=/tmp/celerybeat-schedule"], 1, "stop-first", dict(test=["NONE"])) \
        if celery["beat"] else None
    return worker, beat


def swarm_spec(app, args):
    """Swarm mode: the secret, then the services in the order they are rolled out - the Celery worker (new code's
    tasks find a worker that knows them), the web service, beat - each with how long its rollout may take (each
    task in turn may take its health timeout to answer, and as long again to be monitored); the Celery services
    the app no longer has go."""
    web = service_options(app, args)
    worker, beat = celery_services(app, web) if app["celery"]["app"] else (None, None)
    timeout = 2 * app["health"]["timeout"] * max(1, app["replicas"]) + 60
    services = [dict(role="web", service=web, timeout=timeout)]
    if worker:
        services.insert(0, dict(role="worker", service=worker,
                                timeout=2 * app["celery"]["ready_timeout"] * max(1, worker["replicas"]) + 60))
    if beat:
        services.append(dict(role="beat", service=beat, timeout=app["celery"]["ready_timeout"] + 60))
    absent = ["%s-%s" % (app["name"], role) for role, wanted in (("worker", worker), ("beat", beat)) if not wanted]
    return dict(secret=env_secret(app, args), services=services, absent=absent)


def networks(app, args):
    """The database server's and Redis' networks (their roles' entry points `app` name them), then the user's."""
    services = args["services"]
    found = [service["network"] for service in (services.get("database"), services.get("redis")) if service]
    return list(dict.fromkeys(found + list(app["networks"])))


def one_off_options(app, args):
    """Hardening Django allows, for every container of the app: no privilege gain, no capabilities (the
    server listens on an unprivileged port as an unprivileged user), a read-only root when asked; the
    environment file (the secret key in it) mounted read-only, never the container's Env."""
    volumes = [app["data_dir"] + ":/data", "%s:%s:ro" % (args["host"]["env_file"], ENV_MOUNT)]
    if app["mode"] == "nginx":
        volumes.append(args["site"]["dirs"]["run"] + ":" + SOCKET_MOUNT)
    options = dict(volumes=volumes, labels={APP_LABEL: app["name"]}, security_opts=["no-new-privileges:true"],
                   cap_drop=["ALL"], read_only=app["read_only"], tmpfs=["/tmp"])
    joined = networks(app, args)
    if joined:
        options.update(networks=[dict(name=network, aliases=[]) for network in joined], network_mode=joined[0],
                       networks_cli_compatible=True)
    return options


def published_ports(app):
    if app["mode"] == "nginx":
        return []
    address = (app["host_address"] + ":") if app["host_address"] else ""
    return ["%s%s:%s" % (address, app["host_port"], app["container_port"])]


def container_options(app, args):
    """The app's container (the pipeline adds name, image and state; the release check compares the serving
    one with it). The env label makes a changed environment file a new release."""
    options = one_off_options(app, args)
    options.update(restart_policy="unless-stopped", published_ports=published_ports(app),
                   labels={APP_LABEL: app["name"], ENV_LABEL: args["host"]["env_sha256"]},
                   pids_limit=app["pids_limit"], comparisons=dict(env="strict"))
    if app["memory"]:
        options["memory"] = app["memory"]
    return options


def celery_spec(app, container):
    """A worker per release (a new one starts beside the serving one and must answer a ping before the web
    switch), named by the release it runs; beat one per app."""
    celery = app["celery"]

    def variant(command, role, healthcheck):
        options = dict(container, published_ports=[], command=command, stop_timeout=celery["stop_timeout"],
                       labels=dict(container["labels"], **{CELERY_LABEL: role}), healthcheck=healthcheck)
        return options

    worker = variant(
        ["celery", "-A", celery["app"], "worker", "--loglevel=INFO", "--hostname=worker@%h"] + list(celery["worker_options"]),
        "worker",
        dict(test=["CMD-SHELL", 'celery -A %s inspect ping -d "worker@$(hostname)" --timeout 5 >/dev/null' % celery["app"]],
             interval="60s", timeout="20s", start_period="30s"))
    beat = variant(["celery", "-A", celery["app"], "beat", "--loglevel=INFO", "--schedule=/data/celerybeat-schedule"],
                   "beat", dict(test=["NONE"])) if celery["beat"] else None
    return dict(prefix=app["name"] + "-worker-", worker=worker, beat=beat,
                ping=["sh", "-c", 'celery -A "$0" inspect ping -d "worker@$(hostname)" --timeout 2', celery["app"]],
                ready_timeout=celery["ready_timeout"], stop_timeout=celery["stop_timeout"])


def static_releases(on_host, tag):
    """The static folders the site serves: release TAG's, then the newest other one on the host (a page the
    previous release rendered finds its hashed files during a switch)."""
    others = [release for release in on_host if release != tag]
    return ([tag] if tag else []) + others[:1]


def site_view(spec, checked):
    """What the app's Nginx site points at after this run, from the release check's result CHECKED: the next
    release's socket and static folders when a release is needed, else the serving release's."""
    serving = checked.get("serving") or {}
    tag, socket = ((spec["image"].rsplit(":", 1)[-1], checked.get("next_socket", "")) if checked["release_needed"]
                   else (serving.get("tag", ""), serving.get("hostname", "")))
    return dict(socket=socket, release=tag, static_releases=static_releases(spec["static_on_host"], tag))


def context_dir(app, tag):
    return "%s/%s" % (app_paths(app["root"])["build_dir"], tag)


def retire_policy(app, args):
    """What a successful release lets go: the previous release's container, environment files, build folders,
    image tags beyond the newest kept, and in Nginx mode static files the site does not point at; unless a
    container uses them or they are kept (the pipeline protects the new and previous images)."""
    tag = args["release"]["tag"]
    # <root>/app.env: the single environment file of earlier versions.
    paths = app_paths(app["root"])
    prune = [paths["env_dir"] + "/*.env", app["root"] + "/app.env", paths["build_dir"] + "/*"]
    keep = [context_dir(app, tag)]
    if app["mode"] == "swarm":
        # No container mounts it (the service reads it as a secret): kept by name.
        keep.append(args["host"]["env_file"])
    if app["mode"] == "nginx":
        static = args["site"]["dirs"]["static"]
        prune.append(static + "/*")
        keep += ["%s/%s" % (static, release) for release in static_releases(args["host"].get("static_releases") or [], tag)]
    return dict(prune=prune, keep=keep, history=app["history_file"], mode=app["mode"], registry=app["registry"],
                # Celery turned off: its containers go here (no listing of its own).
                celery_leftovers=not app["celery"]["app"], celery_stop_timeout=app["celery"]["stop_timeout"],
                keep_images=app["keep_images"])


def mirrors(app):
    """What the build needs to reach, asked for from the host before it starts: the PyPI index (for Django,
    and the application server when it is not uWSGI), and the Debian mirror when the image gets OS packages.
    None when the build takes everything from the air-gap bundle's offline folder."""
    if app.get("offline_dir"):
        return []
    index = app["pip_index_url"].rstrip("/")
    found = [dict(name="PyPI index", url=index + "/django/")]
    server = SERVER_PACKAGES.get((app.get("server", "uwsgi"), app.get("interface", "wsgi")))
    if server:
        found.append(dict(name="PyPI index's %s" % server["project"], url="%s/%s/" % (index, server["project"])))
    if app["os_packages"] and app["apt_mirror_url"]:
        found.append(dict(name="Debian mirror", url=app["apt_mirror_url"].rstrip("/") + "/"))
    return found


def build_spec(app, args):
    """The context (mirrors asked first, then the deploy lock taken, then unpacked; an earlier release's assets
    tar on the host is linked, not sent again) and the image, whose base comes through the registry mirrors."""
    tag, dest = args["release"]["tag"], context_dir(app, args["release"]["tag"])
    project = app["project"]
    return dict(
        context=dict(src=project["src"], exclude=project["exclude"], code=project["code"],
                     files=args["context_files"], dest=dest, sha256=args["release"].get("sha256", ""),
                     on_host=args["host"].get("built_assets") or {}, mirrors=mirrors(app),
                     engine_registry_mirrors=True, mirror_check=app["mirror_check"],
                     mirror_timeout=app["mirror_timeout"], offline_dir=app.get("offline_dir") or ""),
        image=dict(name=repository(app), tag=tag, source="build", build=dict(path=dest, pull=False, rm=True),
                   # Swarm mode: nodes never build; they pull the release from the registry.
                   push=app["mode"] == "swarm"))


def migrate_spec(app, args):
    """`check --deploy` and the migration plan in one Django start; the migrations only when any are pending."""
    plan = ["python", "-m", "djangodocker_deploy.release", "plan"]
    if app["check_deploy"]:
        plan += ["--deploy", app["check_fail_level"]]
    return dict(plan_command=plan, migrate_command=["python", "-m", "djangodocker_deploy.release", "migrate"],
                load_fixture=args["load_fixture"])


def backup_spec(app, args):
    """The backup before migrations: the database role's dump (its entry point `app` names it), or the sqlite copy."""
    database = args["services"].get("database")
    if app["database"] != "sqlite":
        return database["dump"]
    return dict(module="djangodocker.deploy.django_app_sqlite_backup",
                args=dict(database=app["data_dir"] + "/db.sqlite3", backup_dir=app["backup_dir"],
                          label="pre-migrate", keep=app["backup_keep"], uid=UID))


def probe_host(app):
    """The Host header of the health probe: a name of the site (not a wildcard)."""
    return next((name for name in app["server_names"] if not re.match(r"[.*]", name)), "localhost")


def front_probe(app, args, socket, tag, container, static=True):
    """Nginx mode: the release must answer for the site on its own socket (its static files copied for Nginx
    while it boots, unless STATIC is false)."""
    health = app["health"]
    dirs = args["site"]["dirs"]
    return dict(socket="%s/%s.sock" % (dirs["run"], socket), host=probe_host(app), path=health["path"],
                protocol=socket_protocol(app.get("server", "uwsgi")),
                scheme="https" if app["tls"] else "http", status=health["status"], timeout=health["timeout"],
                static=dict(container=container, dest="%s/%s" % (dirs["static"], tag), subdir=app["static_url"])
                if static else None)


def port_probe(app):
    """Single mode: the published port must answer (as localhost, a name ALLOWED_HOSTS always holds), asked
    at the address the port is bound to (loopback when it is bound to all)."""
    address = app["host_address"]
    address = ("[%s]" % address) if ":" in address else (address or "127.0.0.1")
    health = app["health"]
    return dict(url="http://%s:%s" % (address, app["host_port"]), host="localhost", path=health["path"],
                status=health["status"], timeout=health["timeout"])
