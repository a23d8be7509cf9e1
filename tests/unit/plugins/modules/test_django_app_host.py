"""django_app_host: folders, secret key and environment file, compared on the host."""

import hashlib
import json
import os
import time

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_host as module

SECRET = "vaulted-secret-key-value"


@pytest.fixture
def args(tmp_path):
    root = tmp_path / "srv" / "mysite"
    return {"root": str(root), "data_dir": str(root / "data"), "uid": 10001,
            "secret_file": str(root / "secret_key"), "env_dir": str(root / "env"),
            "env": {"DJANGO_ALLOWED_HOSTS": '["example.com"]', "API_TOKEN": "token-value"}}


def mode(path):
    return oct(os.stat(path).st_mode & 0o777)


def test_a_fresh_host_gets_everything_and_a_rerun_changes_nothing(args, run_module, capsys):
    first = run_module(module.main, args, capsys)
    assert first["changed"]
    env_file = first["env_file"]
    # Named by its content: a release set aside keeps the file it was started with.
    assert env_file == os.path.join(args["env_dir"], "release-%s.env" % first["env_sha256"][:16])
    assert mode(args["env_dir"]) == "0o750"
    secret = open(args["secret_file"]).read()
    assert len(secret) >= 50
    assert mode(args["secret_file"]) == "0o600" and mode(env_file) == "0o640"
    # Readable by the app's group only: it is mounted read-only into the container.
    assert os.stat(env_file).st_uid == 0 and os.stat(env_file).st_gid == 10001
    assert mode(args["data_dir"]) == "0o750" and os.stat(args["data_dir"]).st_uid == 10001
    media = os.path.join(args["data_dir"], "media")
    # Readable by Nginx's workers (another user) through their own mount.
    assert mode(media) == "0o755" and os.stat(media).st_uid == 10001
    assert open(env_file).read() == (
        "DJANGO_SECRET_KEY=%s\nDJANGO_ALLOWED_HOSTS=[\"example.com\"]\nAPI_TOKEN=token-value\n" % secret)
    assert secret not in json.dumps(first)
    assert first["env_sha256"] == hashlib.sha256(open(env_file, "rb").read()).hexdigest()
    again = run_module(module.main, args, capsys)
    assert again["changed"] is False and again["reasons"] == []
    assert again["engine"] == os.path.exists("/var/run/docker.sock")
    assert open(args["secret_file"]).read() == secret


def test_a_given_secret_key_is_used_and_never_returned(args, run_module, capsys):
    result = run_module(module.main, dict(args, secret_key=SECRET), capsys)
    assert "DJANGO_SECRET_KEY=%s\n" % SECRET in open(result["env_file"]).read()
    assert not os.path.exists(args["secret_file"])
    assert SECRET not in json.dumps(result)


def test_drift_is_repaired_and_named_without_the_secret(args, run_module, capsys):
    env_file = run_module(module.main, args, capsys)["env_file"]
    os.chmod(args["data_dir"], 0o777)
    with open(env_file, "a") as handle:
        handle.write("HAND_EDITED=1\n")
    result = run_module(module.main, args, capsys)
    assert result["changed"]
    assert "%s has mode 0777, not 0750" % args["data_dir"] in result["reasons"]
    assert "%s has other content (not shown)" % env_file in result["reasons"]
    assert "HAND_EDITED" not in open(env_file).read()
    assert "token-value" not in json.dumps(result)


def test_check_mode_on_a_fresh_host_writes_nothing(args, run_module, capsys):
    result = run_module(module.main, dict(args, _ansible_check_mode=True), capsys)
    assert result["changed"] and not os.path.exists(args["root"])


@pytest.mark.parametrize("env, message", [
    ({"1BAD": "x"}, "'1BAD' is not a valid variable name"),
    ({"A-B": "x"}, "'A-B' is not a valid variable name"),
    ({"MULTI": "one\ntwo"}, "the value of MULTI has a line break"),
])
def test_a_bad_environment_is_refused_before_anything_changes(args, run_module, capsys, env, message):
    result = run_module(module.main, dict(args, env=env), capsys)
    assert result["failed"] and message in result["msg"]
    assert not os.path.exists(args["root"])


def container(image, labels=None, mounts=None, workdir="/code"):
    return {"Config": {"Image": image, "Labels": labels, "WorkingDir": workdir}, "Mounts": mounts or []}


def test_which_containers_the_role_made(args):
    data = args["data_dir"]
    assert module.made_by_role(container("anything", {"djangodocker.deploy.app": "mysite"}), "mysite", data)
    legacy = container("mysite:0123456789ab", mounts=[{"Source": data, "Destination": "/data"}])
    assert module.made_by_role(legacy, "mysite", data)
    assert not module.made_by_role(container("mysite2:latest"), "mysite2", data)
    assert not module.made_by_role(container("mysite:0123456789ab"), "mysite", data)
    assert not module.made_by_role(container("python:3.13-slim", {"other": "x"}), "mysite", data)


def test_a_container_the_role_did_not_make_stops_everything(args, run_module, capsys, monkeypatch):
    monkeypatch.setattr(module.Docker, "inspect", lambda self, name: container("mysite2:latest"))
    result = run_module(module.main, dict(args, container_name="mysite2"), capsys)
    assert result["failed"]
    assert "A container named mysite2 exists that djangodocker.deploy did not make" in result["msg"]
    assert "django_app_replace_container" in result["msg"]
    assert not os.path.exists(args["root"])


def test_replacing_renames_and_carries_the_database_over(args, run_module, capsys, monkeypatch):
    monkeypatch.setattr(module.Docker, "inspect", lambda self, name: container("mysite2:latest"))
    calls = []

    def run_command(self, argv, check_rc=False, **kwargs):
        calls.append(argv)
        if argv[:2] == ["docker", "cp"]:
            with open(argv[3], "w") as handle:
                handle.write("sqlite rows")
        return 0, "", ""

    monkeypatch.setattr(module.AnsibleModule, "run_command", run_command)
    result = run_module(module.main, dict(args, container_name="mysite2", replace_container=True), capsys)
    renamed = result["replaced"]["renamed_to"]
    assert renamed.startswith("mysite2-replaced-")
    assert calls[0] == ["docker", "stop", "mysite2"]
    assert calls[1] == ["docker", "rename", "mysite2", renamed]
    assert calls[2] == ["docker", "cp", "%s:/code/db.sqlite3" % renamed, args["data_dir"] + "/db.sqlite3"]
    assert not [c for c in calls if c[:2] in (["docker", "rm"], ["docker", "container"])]
    assert result["replaced"]["database_copied"] is True
    assert os.stat(args["data_dir"] + "/db.sqlite3").st_uid == 10001


def test_a_planted_link_is_never_followed_when_the_database_is_carried_over(
        args, run_module, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(module.Docker, "inspect", lambda self, name: container("mysite2:latest"))
    victim = tmp_path / "shadow"
    victim.write_text("root:x:...")
    before = os.stat(victim)

    def run_command(self, argv, check_rc=False, **kwargs):
        if argv[:2] == ["docker", "cp"]:
            # docker cp copies a link as a link: db.sqlite3 -> /etc/shadow in the container.
            os.symlink(str(victim), argv[3])
        return 0, "", ""

    monkeypatch.setattr(module.AnsibleModule, "run_command", run_command)
    result = run_module(module.main, dict(args, container_name="mysite2", replace_container=True), capsys)
    assert result["replaced"]["database_copied"] is False
    assert not os.path.lexists(args["data_dir"] + "/db.sqlite3")
    after = os.stat(victim)
    assert (after.st_uid, after.st_mode) == (before.st_uid, before.st_mode)
    assert "not a regular file" in json.dumps(result), result.keys()


def test_env_files_on_the_host_are_added_and_the_role_env_wins(args, run_module, capsys, tmp_path):
    client = tmp_path / "client.env"
    client.write_text("# made by the database role\nDATABASE_URL=postgres://django:pw%40x@postgresql:5432/django\n"
                      "API_TOKEN=from-file\n")
    result = run_module(module.main, dict(args, env_files=[str(client)]), capsys)
    text = open(result["env_file"]).read()
    assert "DATABASE_URL=postgres://django:pw%40x@postgresql:5432/django\n" in text
    assert "API_TOKEN=token-value\n" in text and "from-file" not in text
    assert "pw%40x" not in json.dumps(result)
    # A new password in the file is a new environment file (a new release).
    client.write_text("DATABASE_URL=postgres://django:other@postgresql:5432/django\n")
    assert run_module(module.main, dict(args, env_files=[str(client)]), capsys)["env_sha256"] != result["env_sha256"]


def test_a_missing_env_file_is_an_error_except_in_check_mode(args, run_module, capsys, tmp_path):
    missing = str(tmp_path / "nope.env")
    failed = run_module(module.main, dict(args, env_files=[missing]), capsys)
    assert failed["failed"] and missing in failed["msg"] and "runs before" in failed["msg"]
    checked = run_module(module.main, dict(args, env_files=[missing], _ansible_check_mode=True), capsys)
    assert not checked.get("failed")


def test_short_environment_values_do_not_mask_the_file_name(args, run_module, capsys):
    # Every no_log value is masked wherever it appears in the result: "1" once
    # turned release-1bd9....env into release-********bd9....env, a path that
    # did not exist (Docker mounted an empty folder there).
    env = dict(args["env"], FLAG="1", AGE="60", ZERO="0")
    result = run_module(module.main, dict(args, env=env), capsys)
    assert "*" not in result["env_file"] and os.path.isfile(result["env_file"])
    assert result["env_sha256"] == hashlib.sha256(open(result["env_file"], "rb").read()).hexdigest()
    assert "token-value" not in json.dumps(result)


def test_the_site_folders_are_made_in_the_same_round_trip(args, run_module, capsys, tmp_path):
    site = tmp_path / "nginx" / "sites" / "mysite"
    dirs = [{"path": str(site), "owner": 0}, {"path": str(site / "run"), "owner": 10001, "group": 101, "mode": "2750"},
            {"path": str(site / "static"), "owner": 0}]
    first = run_module(module.main, dict(args, site_dirs=dirs), capsys)
    assert first["changed"]
    # The socket folder: the app's, Nginx's worker's group, setgid, nobody else's.
    assert oct(os.stat(site / "run").st_mode & 0o7777) == "0o2750"
    assert (os.stat(site / "run").st_uid, os.stat(site / "run").st_gid) == (10001, 101)
    assert os.stat(site / "static").st_uid == 0 and mode(site) == "0o755"
    os.chmod(site / "run", 0o755)
    again = run_module(module.main, dict(args, site_dirs=dirs), capsys)
    assert again["reasons"] == ["%s has mode 0755, not 2750" % (site / "run")]
    assert run_module(module.main, dict(args, site_dirs=dirs), capsys)["changed"] is False


def test_the_static_releases_are_listed_newest_first_without_partial_copies(args, run_module, capsys, tmp_path):
    static = tmp_path / "static"
    for age, name in [(300, "old111"), (100, "new222"), (200, "mid333"), (0, ".new444.partial")]:
        (static / name).mkdir(parents=True)
        os.utime(static / name, (time.time() - age, time.time() - age))
    (static / "stray-file").write_text("x")
    result = run_module(module.main, dict(args, static_dir=str(static)), capsys)
    assert result["static_releases"] == ["new222", "mid333", "old111"]
    assert run_module(module.main, dict(args, static_dir=str(tmp_path / "none")), capsys)["static_releases"] == []


def test_the_assets_tars_with_a_complete_checksum_are_listed(args, run_module, capsys, tmp_path):
    build = tmp_path / "build"
    sha = "a" * 64
    for name, files in [("done", {"assets.tar": "x", "assets.tar.sha256": sha + "\n"}),
                        ("no-checksum", {"assets.tar": "x"}),
                        ("no-tar", {"assets.tar.sha256": "b" * 64}),
                        ("garbled", {"assets.tar": "x", "assets.tar.sha256": "not a checksum"})]:
        (build / name).mkdir(parents=True)
        for file, text in files.items():
            (build / name / file).write_text(text)
    result = run_module(module.main, dict(args, build_dir=str(build)), capsys)
    assert result["built_assets"] == {sha: str(build / "done" / "assets.tar")}
    assert run_module(module.main, dict(args, build_dir=str(tmp_path / "none")), capsys)["built_assets"] == {}


def test_another_project_with_the_same_app_name_is_refused_before_anything_changes(args, run_module, capsys):
    first = run_module(module.main, dict(args, project="git:https://git.example.com/shop/backend#"), capsys)
    assert first["changed"] and open(os.path.join(args["root"], "project")).read().strip().endswith("shop/backend#")
    env_files = sorted(os.listdir(args["env_dir"]))
    other = run_module(module.main, dict(args, project="git:https://git.example.com/side/backend#",
                                         env={"OTHER": "value-1"}), capsys)
    assert other["failed"] and "belongs to another project" in other["msg"] and "django_app_name" in other["msg"]
    assert sorted(os.listdir(args["env_dir"])) == env_files
    # The same project from another clone, or one that is not in a repository, goes on.
    assert not run_module(module.main, dict(args, project="git:https://git.example.com/shop/backend#"),
                          capsys).get("failed")
    assert not run_module(module.main, dict(args, project=""), capsys).get("failed")


def test_a_container_labelled_for_another_app_is_not_this_apps(args):
    other = {"Config": {"Labels": {module.LABEL: "otherapp"}, "Image": "otherapp:0123456789ab"}, "Mounts": []}
    assert not module.made_by_role(other, "mysite", args["data_dir"])
    own = {"Config": {"Labels": {module.LABEL: "mysite"}, "Image": "mysite:0123456789ab"}, "Mounts": []}
    assert module.made_by_role(own, "mysite", args["data_dir"])
