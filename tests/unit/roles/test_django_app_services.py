"""The deployment's settings helpers (roles/django_app/files/services.py, copied into every image):
a view's traceback reaches `docker logs` whatever LOGGING the project has."""

import importlib.util
import logging
import logging.config
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "djangodocker_services", os.path.join(HERE, "..", "..", "..", "roles", "django_app", "files", "services.py"))
services = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(services)

MAIL_ONLY = {  # Django's documented example: request errors mailed, not printed
    "version": 1,
    "handlers": {"mail_admins": {"class": "logging.NullHandler", "level": "ERROR"}},
    "loggers": {"django.request": {"handlers": ["mail_admins"], "level": "ERROR", "propagate": False}},
}
FILE_ROOT = {  # a project that logs to a file and names no django logger
    "version": 1,
    "handlers": {"file": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["file"], "level": "INFO"},
}
CONSOLE_ROOT = {  # cookiecutter-django's shape: the console on the root
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}


def errors_printed(config, capsys):
    logging.getLogger("django.request")  # exists before the configuration, as in Django
    logging.config.dictConfig(services.request_errors_to_stderr(config))
    try:
        raise RuntimeError("bookshelf boom")
    except RuntimeError:
        logging.getLogger("django.request").error("Internal Server Error: /boom/", exc_info=True)
    return capsys.readouterr().err


@pytest.mark.parametrize("config", [MAIL_ONLY, FILE_ROOT], ids=["mail-only", "file-root"])
def test_request_errors_reach_stderr_and_the_projects_handlers_stay(config, capsys):
    changed = services.request_errors_to_stderr(config)
    assert "RuntimeError: bookshelf boom" in errors_printed(config, capsys)
    for name, handler in config["handlers"].items():
        assert changed["handlers"][name] == handler
    if "django.request" in config.get("loggers", {}):
        assert changed["loggers"]["django.request"]["handlers"][0] == "mail_admins"


def test_a_project_that_prints_them_already_gets_no_second_copy(capsys):
    changed = services.request_errors_to_stderr(CONSOLE_ROOT)
    assert services.STDERR_HANDLER not in changed["handlers"]
    assert errors_printed(CONSOLE_ROOT, capsys).count("RuntimeError: bookshelf boom") == 1
