"""Development settings (what manage.py names)."""

from .base import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

DEBUG = True
SECRET_KEY = "django-insecure-development-only"
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
