"""The container's command for Gunicorn and Granian (uWSGI reads uwsgi.ini): the server's argv
from the release's settings (server.json beside this file), its socket named by the container's
hostname (the release names it before it starts, so the new release listens beside the old one
until Nginx switches), the worker count from the CPUs unless one is set."""

import json
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def workers(config, cpus):
    """The worker processes: the setting, else Gunicorn's usual 2 x CPUs + 1 for its sync WSGI
    workers, one a CPU for the event-loop servers."""
    if int(config["workers"]):
        return int(config["workers"])
    if config["server"] == "gunicorn" and config["interface"] == "wsgi":
        return 2 * cpus + 1
    return cpus


def load_config():
    with open(os.path.join(HERE, "server.json"), encoding="utf-8") as handle:
        return json.load(handle)


def release_socket(config, hostname):
    """The release's socket for Nginx (Nginx mode), else ''."""
    return "%s/%s.sock" % (config["socket_dir"], hostname) if config["socket_dir"] else ""


def health_socket(config, hostname):
    """Where the health check asks: the release's socket when the server listens there only (Granian
    behind Nginx), else '' (the loopback port)."""
    return release_socket(config, hostname) if config["server"] == "granian" else ""


def argv(config, hostname, cpus):
    """The server's command line. CONFIG: server.json; the socket (Nginx mode) is
    <socket_dir>/<hostname>.sock, which Nginx's worker must be able to write: the folder (2750, its
    group Nginx's worker's, setgid) keeps every other user out."""
    app = config["asgi_app"] if config["interface"] == "asgi" else config["wsgi_app"]
    sock = release_socket(config, hostname)
    count = str(workers(config, cpus))
    if config["server"] == "gunicorn":
        args = ["gunicorn", "--workers", count, "--timeout", str(config["timeout"]),
                "--graceful-timeout", str(config["graceful_timeout"]), "--access-logfile", "-",
                # Only Nginx reaches the socket: its X-Forwarded-* headers are the truth.
                "--forwarded-allow-ips", "*"]
        if config["interface"] == "asgi":
            args += ["--worker-class", "uvicorn_worker.UvicornWorker"]
        else:
            # Recycled one at a time (the jitter): uWSGI's max-requests and delta.
            args += ["--max-requests", "5000", "--max-requests-jitter", "1000"]
        if sock:
            # Gunicorn gives its socket its own group (not the folder's, Nginx's): writable by all,
            # which only Nginx's worker reaches through the folder. The health check asks the port,
            # inside the container only.
            args += ["--bind", "unix:" + sock, "--umask", "000", "--bind", "127.0.0.1:%s" % config["port"]]
        else:
            args += ["--bind", "0.0.0.0:%s" % config["port"]]
        return args + [app]
    args = ["granian", "--interface", config["interface"], "--workers", count, "--access-log",
            "--workers-kill-timeout", str(config["graceful_timeout"])]
    if sock:
        # Only there (health_socket: the health check asks there too).
        args += ["--uds", sock, "--uds-permissions", "0660"]
    else:
        args += ["--host", "0.0.0.0", "--port", str(config["port"])]
    return args + [app]


def main():
    args = argv(load_config(), socket.gethostname(), os.cpu_count() or 1)
    sys.stdout.flush()
    os.execvp(args[0], args)


if __name__ == "__main__":
    main()
