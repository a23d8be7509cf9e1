"""Django's DATABASES and CACHES entries from the URLs the database and redis
roles give the app (DATABASE_URL, REDIS_URL), without a dependency.

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
