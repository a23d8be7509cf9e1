"""Django's DATABASES and CACHES entries from the URLs the database and redis
roles give the app (DATABASE_URL, REDIS_URL), without a dependency; and the
project's LOGGING with request errors sent to stderr too.

Used by the deployment's settings (djangodocker_deploy/settings.py).
"""

from urllib.parse import parse_qsl, unquote, urlsplit

ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
    "mariadb": "django.db.backends.mysql",
    "sqlite": "django.db.backends.sqlite3",
}


def database_from_url(url, conn_max_age=0):
    """A DATABASES entry for URL (scheme://user:password@host:port/name?option=value)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme not in ENGINES:
        raise ValueError("DATABASE_URL has the scheme %r; known: %s" % (scheme, ", ".join(sorted(ENGINES))))
    engine = ENGINES[scheme]
    if scheme == "sqlite":
        # sqlite:////data/db.sqlite3 is an absolute path, sqlite:///db.sqlite3 a relative one.
        return {"ENGINE": engine, "NAME": unquote(parts.path[1:])}
    options = dict(parse_qsl(parts.query))
    if engine == "django.db.backends.mysql":
        # Four-byte UTF-8 (emoji) on the connection too, not only in the tables.
        options.setdefault("charset", "utf8mb4")
    return {
        "ENGINE": engine,
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": conn_max_age,
        # A pooled connection the server closed (restart, failover) is replaced, not an error.
        "CONN_HEALTH_CHECKS": conn_max_age is None or conn_max_age > 0,
        "OPTIONS": options,
    }


def cache_from_url(url, prefix=""):
    """Django's own Redis cache backend at URL (redis://:password@host:port/db), its keys under PREFIX."""
    cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if prefix:
        cache["KEY_PREFIX"] = prefix
    return cache


def mysql_driver():
    """Let PyMySQL stand in for mysqlclient when only PyMySQL is installed."""
    try:
        import MySQLdb  # noqa: F401
    except ImportError:
        import pymysql

        pymysql.install_as_MySQLdb()


STDERR_HANDLER = "djangodocker_stderr"


def _to_stderr(handler):
    """Whether a dictConfig HANDLER shows ERROR records in `docker logs` (a StreamHandler with no
    stream writes to stderr)."""
    return (handler.get("class") == "logging.StreamHandler" and not handler.get("filters")
            and handler.get("stream", "ext://sys.stderr") in ("ext://sys.stderr", "ext://sys.stdout")
            and handler.get("level", "NOTSET") in ("NOTSET", "DEBUG", "INFO", "WARNING", "ERROR"))


def request_errors_to_stderr(logging):
    """The project's LOGGING (a dictConfig) with django.request's errors (a view's traceback) also
    written to stderr, which `docker logs` shows; its own handlers, levels and loggers stay.

    The records climb django.request -> django -> root while each propagates; when a handler on
    that way writes to stderr already, only django.request is named (a logger the configuration
    does not name is disabled by disable_existing_loggers, and its errors with it)."""
    config = dict(logging)
    handlers = dict(config.get("handlers", {}))
    loggers = dict(config.get("loggers", {}))
    request = dict(loggers.get("django.request", {"propagate": True}))
    # Django's own django logger (when the project names none) shows records only with DEBUG on.
    chain, reaching = [request, loggers.get("django", {}), config.get("root", {})], []
    for logger in chain:
        reaching += list(logger.get("handlers", []))
        if not logger.get("propagate", True):
            break
    if not any(_to_stderr(handlers.get(name, {})) for name in reaching):
        handlers[STDERR_HANDLER] = {"class": "logging.StreamHandler", "level": "ERROR"}
        request["handlers"] = list(request.get("handlers", [])) + [STDERR_HANDLER]
        config["handlers"] = handlers
    loggers["django.request"] = request
    config["loggers"] = loggers
    return config
