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
