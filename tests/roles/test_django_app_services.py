"""The deployment settings' DATABASES and CACHES from DATABASE_URL and REDIS_URL (files/services.py)."""

import importlib.util
import pathlib

import pytest

PATH = pathlib.Path(__file__).parents[2] / "roles/django_app/files/services.py"
spec = importlib.util.spec_from_file_location("services", PATH)
services = importlib.util.module_from_spec(spec)
spec.loader.exec_module(services)


def test_postgresql_with_a_percent_encoded_password():
    db = services.database_from_url("postgres://django:p%40ss%2Fw%3Ard@postgresql:5432/django", 60)
    assert db == {"ENGINE": "django.db.backends.postgresql", "NAME": "django", "USER": "django",
                  "PASSWORD": "p@ss/w:rd", "HOST": "postgresql", "PORT": "5432", "CONN_MAX_AGE": 60,
                  "CONN_HEALTH_CHECKS": True, "OPTIONS": {}}


def test_mysql_and_mariadb_talk_utf8mb4_unless_told_otherwise():
    assert services.database_from_url("mysql://u:p@mariadb:3306/app")["OPTIONS"] == {"charset": "utf8mb4"}
    assert services.database_from_url("mariadb://u:p@db/app?charset=latin1")["OPTIONS"] == {"charset": "latin1"}
    assert services.database_from_url("mysql://u:p@db/app")["ENGINE"] == "django.db.backends.mysql"


def test_no_pooling_means_no_health_checks():
    assert services.database_from_url("postgresql://u:p@db/app", 0)["CONN_HEALTH_CHECKS"] is False


def test_sqlite_paths():
    assert services.database_from_url("sqlite:////data/db.sqlite3")["NAME"] == "/data/db.sqlite3"


def test_an_unknown_scheme_is_a_clear_error():
    with pytest.raises(ValueError, match="oracle"):
        services.database_from_url("oracle://u:p@db/app")


def test_redis_cache():
    assert services.cache_from_url("redis://:pw@redis:6379/0") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://:pw@redis:6379/0"}
