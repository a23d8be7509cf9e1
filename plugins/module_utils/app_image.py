# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The app image's interface, in one place: the role's templates (through the django_app_preflight
action's `image` result) and the release plan (plugin_utils/release_plan.py) read it here."""

from __future__ import annotations

# Unprivileged user the app runs as in the container; owns the data folder.
UID = 10001
# Where the app reads its environment file (the settings overlay loads it; the image's
# DJANGODOCKER_ENV_FILE names it).
ENV_MOUNT = "/run/djangodocker/app.env"


def repository(name, mode="", registry=""):
    """The app's image repository: its name; in swarm mode in the registry every node pulls from."""
    return "%s/%s" % (registry.rstrip("/"), name) if mode == "swarm" else name


# Where the site's socket folder is mounted in Nginx mode (uwsgi.ini's socket is in it).
SOCKET_MOUNT = "/run/uwsgi"
# The database drivers the image gets when the project has none (any of `modules` importable,
# else pip installs the role's pinned `tools` file).
DRIVERS = {
    "postgresql": {"modules": ["psycopg", "psycopg2"], "tools": "postgresql.txt"},
    "mariadb": {"modules": ["MySQLdb", "pymysql"], "tools": "mysql.txt"},
    "mysql": {"modules": ["MySQLdb", "pymysql"], "tools": "mysql.txt"},
}
REDIS_DRIVER = {"modules": ["redis"], "tools": "redis.txt"}
# The application servers besides uWSGI (django_app_server) and the package each needs per
# interface, installed like a driver: the project's own pin (importable) is kept.
SERVERS = ("uwsgi", "gunicorn", "granian")
SERVER_PACKAGES = {
    ("gunicorn", "wsgi"): {"modules": ["gunicorn"], "tools": "gunicorn.txt", "project": "gunicorn"},
    # Uvicorn's worker for Gunicorn (the maintained uvicorn-worker package; Gunicorn comes with it).
    ("gunicorn", "asgi"): {"modules": ["uvicorn_worker"], "tools": "uvicorn.txt", "project": "uvicorn-worker"},
    ("granian", "wsgi"): {"modules": ["granian"], "tools": "granian.txt", "project": "granian"},
    ("granian", "asgi"): {"modules": ["granian"], "tools": "granian.txt", "project": "granian"},
}


def socket_protocol(server):
    """What the release's socket speaks: Nginx's site (uwsgi_pass or proxy_pass) and the release probe."""
    return "uwsgi" if server == "uwsgi" else "http"


def build_tools(build_commands, build_packages):
    """The Debian packages the build commands' stage installs: gettext for compilemessages, and the build
    packages (a command may compile or call them); none without build commands."""
    if not build_commands:
        return []
    compiles = any(command == "compilemessages" or command.startswith("compilemessages ") for command in build_commands)
    return (["gettext"] if compiles else []) + list(build_packages)


def image_inputs(database, redis, uwsgi_requirement, dependencies_mode, server="uwsgi", interface="wsgi"):
    """The image's interface and what it installs: `drivers` (the Dockerfile's checks: the server's
    package first when it is not uWSGI) and `tools` (the role's hash-pinned files under files/tools:
    uWSGI unless the user names their own, the drivers, uv or poetry for a project that uses them)."""
    drivers = ([SERVER_PACKAGES[(server, interface)]] if (server, interface) in SERVER_PACKAGES else []) + \
        ([DRIVERS[database]] if database in DRIVERS else []) + ([REDIS_DRIVER] if redis else [])
    uwsgi = [] if uwsgi_requirement or server != "uwsgi" else ["uwsgi.txt"]
    tools = uwsgi + [driver["tools"] for driver in drivers]
    if dependencies_mode in ("uv", "poetry"):
        tools.append(dependencies_mode + ".txt")
    return dict(uid=UID, env_mount=ENV_MOUNT, socket_mount=SOCKET_MOUNT, drivers=drivers,
                tools=["tools/" + name for name in dict.fromkeys(tools)])
