"""MariaDB's character set, on the MariaDB host (Debian 12)."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = [h for h in testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all") if h.endswith("-debian12")]


def django(host, code):
    script = f"import django; django.setup(); {code}"
    return host.check_output(f"docker exec bookshelf python -c {json.dumps(script)}")


def test_mariadb_speaks_utf8mb4(host):
    out = host.check_output("docker exec mariadb mariadb --defaults-extra-file=/run/djangodocker/secrets/client.cnf "
                            "-N -B -e 'select @@character_set_server, @@collation_server'")
    assert out.split() == ["utf8mb4", "utf8mb4_unicode_ci"]
    charset = django(host, "from django.db import connection; print(connection.settings_dict['OPTIONS']['charset'])")
    assert charset == "utf8mb4"
