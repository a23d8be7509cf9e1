"""database_account: one database and user per app, kept, never another app's; the earlier layout kept."""

import os
import re

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import database_account as module

LEGACY_URL = "DATABASE_URL=postgres://django:server-pass-1@postgresql:5432/django\n"


class FakeServer:
    """The server container as docker exec -i reaches it: users and databases, the SQL it was sent."""

    def __init__(self, users=(), databases=(), fail=None):
        self.users, self.databases, self.sent, self.fail = set(users), set(databases), [], fail
        self.apps_with_containers = set()

    def install(self, monkeypatch):
        server = self
        monkeypatch.setattr(module.Docker, "available", property(lambda self: True))
        monkeypatch.setattr(module.Docker, "container_names",
                            lambda self, *filters: [f.rpartition("=")[2] for f in filters
                                                    if f.rpartition("=")[2] in server.apps_with_containers])

        def run(self, *args, **kwargs):
            data = kwargs.get("data") or ""
            server.sent.append(data)
            if server.fail and "CREATE" in data:
                raise module.DockerError("docker exec failed: ERROR: syntax error at %s" % data)
            server.users.difference_update(re.findall(r"DROP (?:ROLE|USER) IF EXISTS [\"']([^\"']+)", data))
            server.databases.difference_update(re.findall(r"DROP DATABASE IF EXISTS [\"`]([^\"`]+)", data))
            if data.startswith("SELECT") and "DROP" not in data:
                user = re.search(r"rolname = '([^']+)'|User = '([^']+)'", data).group(0).split("'")[1]
                name = re.search(r"(datname|SCHEMA_NAME) = '([^']+)'", data).group(2)
                return "user:%d\ndatabase:%d\n" % (user in server.users, name in server.databases)
            server.users.update(re.findall(r"CREATE (?:ROLE|USER) [\"']([^\"']+)", data))
            server.databases.update(re.findall(r"CREATE DATABASE [\"`]([^\"`]+)", data))
            return ""

        monkeypatch.setattr(module.Docker, "run", run)
        return self


def args(tmp_path, app="shop", name=None, user=None, password="", family="postgresql"):
    return {"root": str(tmp_path / "postgresql"), "app": app, "name": name or app, "user": user or app,
            "password": password, "family": family, "container": "postgresql", "reserved_users": ["django", "root"],
            "admin_command": ["sh", "-c", "psql"], "url": "postgres://{user}:{password}@postgresql:5432/{name}"}


def read(path):
    with open(path) as handle:
        return handle.read()


def test_an_app_gets_its_own_database_and_user_once(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    first = run_module(module.main, args(tmp_path), capsys)
    folder = tmp_path / "postgresql" / "apps" / "shop"
    password = read(folder / "password").strip()
    assert first["changed"] and not first["legacy"] and (first["name"], first["user"]) == ("shop", "shop")
    assert server.users == {"shop"} and server.databases == {"shop"}
    made = server.sent[-1]
    assert 'CREATE ROLE "shop" LOGIN' in made and 'OWNER "shop"' in made and "FROM PUBLIC" in made
    assert "SUPERUSER" not in made
    assert read(first["env_file"]) == "DATABASE_URL=postgres://shop:%s@postgresql:5432/shop\n" % password
    assert oct(os.stat(first["env_file"]).st_mode & 0o777) == "0o600"
    assert oct(os.stat(folder).st_mode & 0o777) == "0o700"
    assert password not in str(first)
    assert first["backup_dir"] == str(tmp_path / "postgresql" / "backups" / "shop")
    again = run_module(module.main, args(tmp_path), capsys)
    assert not again["changed"] and all(not sent.startswith("CREATE") for sent in server.sent[-1:])
    assert read(folder / "password").strip() == password


def test_a_second_app_gets_its_own_and_may_not_take_the_first_ones(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    run_module(module.main, args(tmp_path, "shop"), capsys)
    blog = run_module(module.main, args(tmp_path, "blog"), capsys)
    assert (blog["name"], blog["user"]) == ("blog", "blog") and server.databases == {"shop", "blog"}
    sent = len(server.sent)
    taken = run_module(module.main, args(tmp_path, "wiki", name="shop", user="wiki"), capsys)
    assert taken["failed"] and "is app shop's" in taken["msg"] and "database_name" in taken["msg"]
    assert len(server.sent) == sent and not (tmp_path / "postgresql" / "apps" / "wiki").exists()


def test_the_servers_own_user_is_never_an_apps(tmp_path, run_module, capsys, monkeypatch):
    FakeServer(users={"django"}, databases={"django"}).install(monkeypatch)
    result = run_module(module.main, args(tmp_path, "shop", user="django"), capsys)
    assert result["failed"] and "server's own user" in result["msg"]
    assert not (tmp_path / "postgresql" / "apps" / "shop").exists()


def test_an_app_of_the_earlier_layout_keeps_its_database(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer(users={"django"}, databases={"django"}).install(monkeypatch)
    server.apps_with_containers = {"shop", "blog"}
    root = tmp_path / "postgresql"
    root.mkdir()
    (root / "client.env").write_text(LEGACY_URL)
    shop = run_module(module.main, args(tmp_path, "shop"), capsys)
    assert shop["legacy"] and (shop["name"], shop["user"]) == ("django", "django")
    assert read(shop["env_file"]) == LEGACY_URL and shop["backup_dir"] == str(root / "backups")
    assert server.databases == {"django"} and not any("CREATE" in sent for sent in server.sent)
    # A second app of that host shares it, and says so; a new app gets its own.
    blog = run_module(module.main, args(tmp_path, "blog"), capsys)
    assert blog["legacy"] and blog["shared_with"] == ["shop"]
    new = run_module(module.main, args(tmp_path, "wiki"), capsys)
    assert not new["legacy"] and new["name"] == "wiki" and "wiki" in server.databases
    # Recorded: the next run keeps it though the default names say otherwise.
    again = run_module(module.main, args(tmp_path, "shop"), capsys)
    assert again["legacy"] and again["name"] == "django" and not again["changed"]


def test_a_recorded_database_is_never_switched_silently(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    run_module(module.main, args(tmp_path, "shop"), capsys)
    other = run_module(module.main, args(tmp_path, "shop", name="shop2", user="shop2"), capsys)
    assert other["name"] == "shop" and "never switched silently" in str(other["warnings"])
    assert server.databases == {"shop"}


def test_a_changed_password_is_refused_and_a_given_one_kept(tmp_path, run_module, capsys, monkeypatch):
    FakeServer().install(monkeypatch)
    first = run_module(module.main, args(tmp_path, password="given-pass-1"), capsys)
    assert "given-pass-1" in read(first["env_file"]) and "given-pass-1" not in str(first)
    changed = run_module(module.main, args(tmp_path, password="other-pass-2"), capsys)
    assert changed["failed"] and "differs from the one kept" in changed["msg"] and "other-pass-2" not in changed["msg"]
    bad = run_module(module.main, args(tmp_path, "blog", password="has'quote1"), capsys)
    assert bad["failed"] and "has'quote1" not in bad["msg"]
    assert not (tmp_path / "postgresql" / "apps" / "blog").exists()


def test_a_refused_statement_never_shows_the_password(tmp_path, run_module, capsys, monkeypatch):
    FakeServer(fail=True).install(monkeypatch)
    result = run_module(module.main, args(tmp_path, password="given-pass-1"), capsys)
    assert result["failed"] and "syntax error" in result["msg"] and "given-pass-1" not in result["msg"]


def test_mysql_grants_on_the_apps_database_only(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    result = run_module(module.main, args(tmp_path, "shop", family="mysql"), capsys)
    made = server.sent[-1]
    assert result["changed"] and "CREATE USER 'shop'@'%'" in made and "ON `shop`.* TO 'shop'@'%'" in made
    assert "*.*" not in made


def test_bad_names_and_check_mode_change_nothing(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    bad = run_module(module.main, args(tmp_path, name="drop table"), capsys)
    assert bad["failed"] and "identifier" in bad["msg"]
    check = run_module(module.main, dict(args(tmp_path), _ansible_check_mode=True), capsys)
    assert check["changed"] and not (tmp_path / "postgresql").exists() and server.sent == []


@pytest.mark.parametrize("family", ["postgresql", "mysql"])
def test_a_user_made_by_a_run_that_did_not_record_it_gets_the_kept_password(
        tmp_path, run_module, capsys, monkeypatch, family):
    server = FakeServer(users={"shop"}).install(monkeypatch)
    result = run_module(module.main, args(tmp_path, family=family), capsys)
    assert result["changed"] and ("ALTER ROLE" in server.sent[-1] or "ALTER USER" in server.sent[-1])


def test_the_deploy_lock_is_recorded_and_kept_by_a_call_without_it(tmp_path, run_module, capsys, monkeypatch):
    FakeServer().install(monkeypatch)
    run_module(module.main, dict(args(tmp_path), lock="/srv/django/shop/deploy.lock"), capsys)
    account = tmp_path / "postgresql" / "apps" / "shop" / "account"
    assert "LOCK=/srv/django/shop/deploy.lock\n" in account.read_text()
    again = run_module(module.main, args(tmp_path), capsys)
    assert not again["changed"] and "LOCK=/srv/django/shop/deploy.lock\n" in account.read_text()


def drop_args(tmp_path, app="shop"):
    return {"root": str(tmp_path / "postgresql"), "app": app, "state": "absent", "family": "postgresql",
            "container": "postgresql", "admin_command": ["sh", "-c", "psql"]}


def test_absent_drops_only_that_apps_database_user_record_and_backups(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    run_module(module.main, args(tmp_path, "shop"), capsys)
    run_module(module.main, args(tmp_path, "blog"), capsys)
    backups = tmp_path / "postgresql" / "backups"
    for app in ("shop", "blog"):
        (backups / app).mkdir(parents=True)
        (backups / app / "1-scheduled.dump").write_text("rows")
    gone = run_module(module.main, drop_args(tmp_path, "shop"), capsys)
    dropped = server.sent[-1]
    assert gone["changed"] and 'DROP DATABASE IF EXISTS "shop"' in dropped and 'DROP ROLE IF EXISTS "shop"' in dropped
    assert "blog" not in dropped and "pg_terminate_backend" in dropped and server.databases == {"blog"}
    assert not (tmp_path / "postgresql" / "apps" / "shop").exists() and not (backups / "shop").exists()
    assert (tmp_path / "postgresql" / "apps" / "blog" / "account").exists() and (backups / "blog" / "1-scheduled.dump").exists()
    sent = len(server.sent)
    again = run_module(module.main, drop_args(tmp_path, "shop"), capsys)
    assert not again["changed"] and len(server.sent) == sent


def test_absent_on_mysql_and_in_check_mode(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    run_module(module.main, args(tmp_path, "shop", family="mysql"), capsys)
    sent = len(server.sent)
    checked = run_module(module.main, dict(drop_args(tmp_path), family="mysql", _ansible_check_mode=True), capsys)
    assert checked["changed"] and len(server.sent) == sent and (tmp_path / "postgresql" / "apps" / "shop").exists()
    run_module(module.main, dict(drop_args(tmp_path), family="mysql"), capsys)
    assert server.sent[-1] == "DROP DATABASE IF EXISTS `shop`;\nDROP USER IF EXISTS 'shop'@'%';\n"


def test_absent_keeps_the_earlier_layouts_shared_database(tmp_path, run_module, capsys, monkeypatch):
    server = FakeServer().install(monkeypatch)
    server.apps_with_containers.add("shop")
    root = tmp_path / "postgresql"
    root.mkdir()
    (root / "client.env").write_text(LEGACY_URL)
    assert run_module(module.main, args(tmp_path, "shop"), capsys)["legacy"]
    sent = len(server.sent)
    gone = run_module(module.main, drop_args(tmp_path), capsys)
    assert gone["changed"] and len(server.sent) == sent and not (root / "apps" / "shop").exists()
    assert "it is kept" in str(gone.get("warnings"))
