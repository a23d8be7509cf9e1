"""Production settings: secrets and hosts from the environment."""

import os

from .base import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Served over plain HTTP until HTTPS is set up in front: these deployment
# checks are about HTTPS and are silenced on purpose, every other one holds.
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

# Django's documented example: request errors are mailed to the ADMINS, and
# printed nowhere (the deployment adds stderr, for `docker logs`).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"mail_admins": {"level": "ERROR", "class": "django.utils.log.AdminEmailHandler"}},
    "loggers": {"django.request": {"handlers": ["mail_admins"], "level": "ERROR", "propagate": False}},
}
