"""redis_account: a database number and key prefix per app, kept; the earlier layout's apps keep 0."""

from ansible_collections.djangodocker.deploy.plugins.modules import redis_account as module


def setup(tmp_path, monkeypatch, containers=()):
    monkeypatch.setattr(module.Docker, "available", property(lambda self: True))
    monkeypatch.setattr(module.Docker, "container_names",
                        lambda self, *filters: [f for f in filters if f.rpartition("=")[2] in containers])
    secrets = tmp_path / "redis" / "secrets"
    secrets.mkdir(parents=True)
    (secrets / "password").write_text("redis-pass-1\n")
    return tmp_path / "redis"


def args(root, app):
    return {"root": str(root), "app": app, "url": "redis://:{password}@redis:6379/{db}"}


def test_each_app_gets_its_own_number_and_prefix_once(tmp_path, run_module, capsys, monkeypatch):
    root = setup(tmp_path, monkeypatch)
    shop = run_module(module.main, args(root, "shop"), capsys)
    blog = run_module(module.main, args(root, "blog"), capsys)
    assert (shop["db"], blog["db"]) == (0, 1) and shop["changed"]
    with open(blog["env_file"]) as env:
        assert env.read() == "REDIS_URL=redis://:redis-pass-1@redis:6379/1\nDJANGODOCKER_REDIS_PREFIX=blog\n"
    assert "redis-pass-1" not in str(blog)
    again = run_module(module.main, args(root, "shop"), capsys)
    assert again["db"] == 0 and not again["changed"]


def test_an_app_of_the_earlier_layout_keeps_database_0(tmp_path, run_module, capsys, monkeypatch):
    root = setup(tmp_path, monkeypatch, containers={"shop"})
    (root / "client.env").write_text("REDIS_URL=redis://:redis-pass-1@redis:6379/0\n")
    new = run_module(module.main, args(root, "blog"), capsys)
    shop = run_module(module.main, args(root, "shop"), capsys)
    assert (new["db"], new["legacy"]) == (1, False) and (shop["db"], shop["legacy"]) == (0, True)
    with open(shop["env_file"]) as env:
        assert "PREFIX" not in env.read()


def test_no_number_left_is_a_clear_error(tmp_path, run_module, capsys, monkeypatch):
    root = setup(tmp_path, monkeypatch)
    for n in range(3):
        run_module(module.main, dict(args(root, "app%d" % n), databases=3), capsys)
    full = run_module(module.main, dict(args(root, "late"), databases=3), capsys)
    assert full["failed"] and "every Redis database" in full["msg"]
    assert not (root / "apps" / "late").exists()


def test_absent_empties_the_apps_number_and_gives_it_back(tmp_path, run_module, capsys, monkeypatch):
    root = setup(tmp_path, monkeypatch)
    calls = []
    monkeypatch.setattr(module.Docker, "run", lambda self, *a, **k: calls.append(a) or "OK")
    run_module(module.main, args(root, "shop"), capsys)
    run_module(module.main, args(root, "blog"), capsys)
    gone = run_module(module.main, {"root": str(root), "app": "blog", "state": "absent", "container": "redis",
                                    "conf": "/usr/local/etc/redis/redis.conf"}, capsys)
    assert gone["changed"] and len(calls) == 1
    command = calls[0]
    assert command[:2] == ("exec", "redis") and command[-1].endswith("redis-cli -n 1 FLUSHDB")
    # The password never leaves the container: it is read there.
    assert "redis-pass-1" not in str(command) and "requirepass" in command[-1]
    assert not (root / "apps" / "blog").exists() and (root / "apps" / "shop").exists()
    assert run_module(module.main, args(root, "cafe"), capsys)["db"] == 1
    again = run_module(module.main, {"root": str(root), "app": "blog", "state": "absent", "container": "redis",
                                     "conf": "/usr/local/etc/redis/redis.conf"}, capsys)
    assert not again["changed"] and len(calls) == 1


def test_absent_keeps_database_0_of_the_earlier_layout(tmp_path, run_module, capsys, monkeypatch):
    root = setup(tmp_path, monkeypatch, containers={"shop"})
    (root / "client.env").write_text("REDIS_URL=redis://:redis-pass-1@redis:6379/0\n")
    calls = []
    monkeypatch.setattr(module.Docker, "run", lambda self, *a, **k: calls.append(a) or "")
    run_module(module.main, args(root, "shop"), capsys)
    gone = run_module(module.main, {"root": str(root), "app": "shop", "state": "absent", "container": "redis",
                                    "conf": "/usr/local/etc/redis/redis.conf"}, capsys)
    assert gone["changed"] and calls == [] and not (root / "apps" / "shop").exists()
