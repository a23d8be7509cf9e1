"""The WSGI application the project's settings name in WSGI_APPLICATION (its own
wsgi module, with whatever middleware it wraps), found as `runserver` finds it."""

from django.core.servers.basehttp import get_internal_wsgi_application

application = get_internal_wsgi_application()
