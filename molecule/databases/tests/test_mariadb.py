"""MariaDB's character set, on the MariaDB host (Debian 12)."""

from app import django, hosts

testinfra_hosts = hosts("-debian12")


def test_mariadb_speaks_utf8mb4(host):
    out = host.check_output("docker exec mariadb mariadb --defaults-extra-file=/run/djangodocker/secrets/client.cnf "
                            "-N -B -e 'select @@character_set_server, @@collation_server'")
    assert out.split() == ["utf8mb4", "utf8mb4_unicode_ci"]
    charset = django(host, "from django.db import connection; print(connection.settings_dict['OPTIONS']['charset'])")
    assert charset == "utf8mb4"
