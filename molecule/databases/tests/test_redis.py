"""Redis as the cache and the session store, on the PostgreSQL host (Debian 13)."""

from app import django, hosts

testinfra_hosts = hosts("-debian13")


def test_redis_is_the_cache_and_the_session_store(host):
    out = django(host, "from django.conf import settings; from django.core.cache import cache; "
                       "cache.set('djd-probe', 'yes', 60); print(cache.get('djd-probe'), settings.SESSION_ENGINE)")
    assert out == "yes django.contrib.sessions.backends.cache"
    keys = host.check_output("docker exec redis sh -c "
                             "'REDISCLI_AUTH=$(sed -n \"s/^requirepass //p\" /usr/local/etc/redis/redis.conf) "
                             "redis-cli --scan --pattern \"*djd-probe*\"'")
    assert "djd-probe" in keys
    # Without the password, Redis refuses.
    assert "NOAUTH" in host.check_output("docker exec redis redis-cli get x 2>&1 || true")
