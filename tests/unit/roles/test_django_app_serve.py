"""The container's command for Gunicorn and Granian (roles/django_app/files/serve.py, in every image
of an app that does not run uWSGI): the release's own socket, the health check's port, the workers."""

import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "djangodocker_serve", os.path.join(HERE, "..", "..", "..", "roles", "django_app", "files", "serve.py"))
serve = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(serve)

CONFIG = {"server": "gunicorn", "interface": "wsgi", "workers": 0, "wsgi_app": "djangodocker_deploy.wsgi:application",
          "asgi_app": "djangodocker_deploy.asgi:application", "socket_dir": "/run/uwsgi", "port": 8000,
          "timeout": 60, "graceful_timeout": 8}


def value(args, flag):
    return [args[i + 1] for i, arg in enumerate(args) if arg == flag]


def test_gunicorn_listens_on_the_releases_socket_for_nginx_and_on_loopback_for_the_health_check():
    args = serve.argv(CONFIG, "r0123456789a", cpus=2)
    assert args[0] == "gunicorn" and args[-1] == "djangodocker_deploy.wsgi:application"
    assert value(args, "--bind") == ["unix:/run/uwsgi/r0123456789a.sock", "127.0.0.1:8000"]
    # Gunicorn chowns its socket to its own group: writable by all, inside the folder only
    # Nginx's worker's group may enter (the scenario checks another user is refused).
    assert value(args, "--umask") == ["000"]
    assert value(args, "--workers") == ["5"] and value(args, "--timeout") == ["60"]
    assert value(args, "--graceful-timeout") == ["8"] and "--worker-class" not in args


def test_gunicorn_serves_asgi_with_uvicorns_worker():
    args = serve.argv(dict(CONFIG, interface="asgi"), "r1", cpus=2)
    assert value(args, "--worker-class") == ["uvicorn_worker.UvicornWorker"]
    assert args[-1] == "djangodocker_deploy.asgi:application" and value(args, "--workers") == ["2"]


def test_granian_listens_on_the_socket_only_with_its_interface():
    args = serve.argv(dict(CONFIG, server="granian", interface="asgi", workers=3), "r2", cpus=8)
    assert args[:3] == ["granian", "--interface", "asgi"] and value(args, "--workers") == ["3"]
    assert value(args, "--uds") == ["/run/uwsgi/r2.sock"] and value(args, "--uds-permissions") == ["0660"]
    assert "--port" not in args and args[-1] == "djangodocker_deploy.asgi:application"


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_without_nginx_the_port_is_bound_on_all_addresses(server):
    args = serve.argv(dict(CONFIG, server=server, socket_dir=""), "r3", cpus=1)
    assert "0.0.0.0:8000" in args or value(args, "--host") == ["0.0.0.0"]
    assert not any(arg.startswith("unix:") for arg in args) and "--uds" not in args


def test_the_health_check_asks_granians_socket_behind_nginx_and_the_port_otherwise():
    granian = dict(CONFIG, server="granian")
    assert serve.health_socket(granian, "r0123456789a") == "/run/uwsgi/r0123456789a.sock"
    assert "--port" not in serve.argv(granian, "r0123456789a", cpus=1)
    assert serve.health_socket(dict(granian, socket_dir=""), "r0123456789a") == ""
    assert serve.health_socket(CONFIG, "r0123456789a") == ""
    assert serve.health_socket(dict(CONFIG, server="uwsgi"), "r0123456789a") == ""
