"""The ASGI application: the settings' ASGI_APPLICATION (Channels names its router there), else
the project's asgi module beside the wsgi module WSGI_APPLICATION names, else Django's own."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings


def _application():
    named = getattr(settings, "ASGI_APPLICATION", None)
    if named:
        module, attribute = named.rsplit(".", 1)
        return getattr(import_module(module), attribute)
    wsgi = (getattr(settings, "WSGI_APPLICATION", None) or "").rsplit(".", 1)[0]
    if wsgi.endswith(".wsgi") and find_spec(wsgi[:-len("wsgi")] + "asgi") is not None:
        return import_module(wsgi[:-len("wsgi")] + "asgi").application
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


application = _application()
