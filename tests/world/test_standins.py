"""The database and cache stand-ins behave like the official images, on this machine's engine.

Pulled from the world's registry under their Docker Hub names; each started the way the
official image's documentation starts it (plain environment variables here; the roles
use the *_FILE forms, which the databases scenario covers).
"""

import os
import subprocess
import time

import pytest

REGISTRY = os.environ["DJD_REGISTRY_LOCAL"].removeprefix("http://")


def docker(*args, check=True):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def wait_until(command, seconds=90):
    """Run COMMAND (docker args) until it succeeds, at most SECONDS; its output."""
    deadline = time.monotonic() + seconds
    while True:
        done = docker(*command, check=False)
        if done.returncode == 0:
            return done.stdout
        if time.monotonic() > deadline:
            raise AssertionError(f"{command} did not succeed within {seconds} s: {done.stderr or done.stdout}")
        time.sleep(1)


@pytest.fixture
def container(request):
    name = f"djd-standin-{request.node.name.split('[')[0].removeprefix('test_')[:20]}"
    docker("rm", "-f", name, check=False)
    yield name
    docker("rm", "-fv", name, check=False)


def test_postgres_initialises_from_its_variables(container):
    tag = os.environ["DJD_POSTGRES_TAGS"].split()[0]
    docker("run", "-d", "--name", container, "-e", "POSTGRES_PASSWORD=standin-pw", "-e", "POSTGRES_USER=shelf",
           "-e", "POSTGRES_DB=books", f"{REGISTRY}/library/postgres:{tag}")
    wait_until(["exec", container, "pg_isready", "-q", "-h", "127.0.0.1", "-U", "shelf", "-d", "books"])
    out = docker("exec", "-e", "PGPASSWORD=standin-pw", container, "psql", "-h", "127.0.0.1", "-U", "shelf",
                 "-d", "books", "-Atc", "select current_user, current_database(), pg_encoding_to_char(encoding) "
                 "from pg_database where datname = 'books'").stdout
    assert out.strip() == "shelf|books|UTF8"
    config = docker("inspect", "-f", "{{.Config.Env}} {{.Config.Cmd}} {{json .Config.Volumes}}", container).stdout
    assert "PGDATA=/var/lib/postgresql/data" in config and "[postgres]" in config
    assert "/var/lib/postgresql/data" in config


def test_postgres_refuses_to_start_without_a_password(container):
    tag = os.environ["DJD_POSTGRES_TAGS"].split()[0]
    run = docker("run", "--name", container, f"{REGISTRY}/library/postgres:{tag}", check=False)
    assert run.returncode != 0 and "superuser password is not specified" in run.stderr


def test_mariadb_initialises_from_its_variables_and_answers_its_healthcheck(container):
    tag = os.environ["DJD_MARIADB_TAGS"].split()[0]
    docker("run", "-d", "--name", container, "-e", "MARIADB_ROOT_PASSWORD=root-standin", "-e", "MARIADB_DATABASE=books",
           "-e", "MYSQL_USER=shelf", "-e", "MARIADB_PASSWORD=standin-pw", f"{REGISTRY}/library/mariadb:{tag}",
           "--character-set-server=utf8mb4")
    wait_until(["exec", container, "healthcheck.sh", "--connect", "--innodb_initialized"])
    out = docker("exec", container, "mariadb", "-h", "127.0.0.1", "-ushelf", "-pstandin-pw", "books", "-N", "-B",
                 "-e", "select current_user(), database(), @@character_set_server").stdout
    assert out.split() == ["shelf@%", "books", "utf8mb4"]


def test_redis_runs_a_config_file_as_its_user(container, tmp_path):
    tag = os.environ["DJD_REDIS_TAGS"].split()[0]
    conf = tmp_path / "redis.conf"
    conf.write_text("requirepass standin-pw\n")
    conf.chmod(0o644)
    docker("run", "-d", "--name", container, "-v", f"{conf}:/usr/local/etc/redis/redis.conf:ro",
           f"{REGISTRY}/library/redis:{tag}", "redis-server", "/usr/local/etc/redis/redis.conf")
    assert wait_until(["exec", "-e", "REDISCLI_AUTH=standin-pw", container, "redis-cli", "ping"]).strip() == "PONG"
    assert "NOAUTH" in docker("exec", container, "redis-cli", "get", "x").stdout
    user = docker("exec", container, "sh", "-c", "ps -o user= -C redis-server 2>/dev/null || stat -c %U /proc/1").stdout
    assert "redis" in user


def test_lego_gets_a_certificate_from_the_worlds_ca_by_dns01(container, tmp_path):
    """The client stand-in has the official image's interface (/lego as the entrypoint, the
    version the recipe pins, a /bin/sh as Alpine's), and the world's CA issues by DNS-01 through
    the record API to accounts with External Account Binding only."""
    tag = os.environ["DJD_LEGO_TAGS"].split()[0]
    image = f"{REGISTRY}/goacme/lego:{tag}"
    docker("pull", "-q", image)
    assert docker("run", "--rm", image, "--version").stdout.startswith(f"lego version {tag[1:]} ")
    ca = tmp_path / "api-ca.pem"
    assert docker("run", "--rm", "--entrypoint", "/bin/sh", image, "-c", "echo shell").stdout == "shell\n"
    ca.write_bytes(open(os.environ["DJD_ACME_API_CA"], "rb").read())

    def lego(*eab):
        docker("rm", "-f", container, check=False)
        return docker("run", "--name", container, "--network", os.environ["DJD_NETWORK"],
                      "-v", f"{tmp_path}:/data", "-e", "LEGO_CA_CERTIFICATES=/data/api-ca.pem",
                      "-e", f"LEGO_EAB_HMAC={os.environ['DJD_ACME_EAB_HMAC']}",
                      "-e", f"HTTPREQ_ENDPOINT={os.environ['DJD_ACME_DNS_API']}", image,
                      "--server", os.environ["DJD_ACME_DIRECTORY"], "--email", "world@example.com", "--accept-tos",
                      "--path", "/data", "--dns", "httpreq", "--dns.propagation-wait", "1s", *eab,
                      "-d", "standin.test", "-d", "*.standin.test", "run", check=False)

    refused = lego()
    said = refused.stderr + refused.stdout
    # lego reads the requirement from the CA's directory, or the CA refuses the account.
    assert refused.returncode != 0 and ("External Account Binding" in said or "externalAccountRequired" in said), said
    done = lego("--eab", "--kid", os.environ["DJD_ACME_EAB_KID"])
    assert done.returncode == 0, done.stderr
    names = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName",
                            "-in", str(tmp_path / "certificates" / "standin.test.crt")],
                           capture_output=True, text=True, check=True).stdout
    assert "DNS:standin.test" in names and "DNS:*.standin.test" in names
