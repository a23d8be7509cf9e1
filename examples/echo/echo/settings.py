"""An ASGI project: Django Channels with a WebSocket echo consumer (examples/echo/README.md)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only")
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]

INSTALLED_APPS = ["django.contrib.staticfiles", "channels", "echo"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "echo.urls"
WSGI_APPLICATION = "echo.wsgi.application"
# Channels' router: HTTP to Django, WebSockets to the consumers.
ASGI_APPLICATION = "echo.asgi.application"
# One process's groups only; several workers of one release share nothing: a
# consumer that talks to other connections needs the Redis layer
# (channels-redis, django_app_redis).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
STATIC_URL = "/static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
