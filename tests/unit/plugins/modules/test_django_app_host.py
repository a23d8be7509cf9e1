"""django_app_host: folders, secret key and environment file, compared on the host."""

import json
import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_host as module

SECRET = "vaulted-secret-key-value"


@pytest.fixture
def args(tmp_path):
    root = tmp_path / "srv" / "mysite"
    return {"root": str(root), "data_dir": str(root / "data"), "uid": 10001,
            "secret_file": str(root / "secret_key"), "env_file": str(root / "app.env"),
            "env": {"DJANGO_ALLOWED_HOSTS": '["example.com"]', "API_TOKEN": "token-value"}}


def mode(path):
    return oct(os.stat(path).st_mode & 0o777)


def test_a_fresh_host_gets_everything_and_a_rerun_changes_nothing(args, run_module, capsys):
    first = run_module(module.main, args, capsys)
    assert first["changed"]
    secret = open(args["secret_file"]).read()
    assert len(secret) >= 50
    assert mode(args["secret_file"]) == "0o600" and mode(args["env_file"]) == "0o600"
    assert mode(args["data_dir"]) == "0o750" and os.stat(args["data_dir"]).st_uid == 10001
    assert open(args["env_file"]).read() == (
        "DJANGO_SECRET_KEY=%s\nDJANGO_ALLOWED_HOSTS=[\"example.com\"]\nAPI_TOKEN=token-value\n" % secret)
    assert secret not in json.dumps(first)
    again = run_module(module.main, args, capsys)
    assert again["changed"] is False and again["reasons"] == []
    assert open(args["secret_file"]).read() == secret


def test_a_given_secret_key_is_used_and_never_returned(args, run_module, capsys):
    result = run_module(module.main, dict(args, secret_key=SECRET), capsys)
    assert "DJANGO_SECRET_KEY=%s\n" % SECRET in open(args["env_file"]).read()
    assert not os.path.exists(args["secret_file"])
    assert SECRET not in json.dumps(result)


def test_drift_is_repaired_and_named_without_the_secret(args, run_module, capsys):
    run_module(module.main, args, capsys)
    os.chmod(args["data_dir"], 0o777)
    with open(args["env_file"], "a") as handle:
        handle.write("HAND_EDITED=1\n")
    result = run_module(module.main, args, capsys)
    assert result["changed"]
    assert "%s has mode 0777, not 0750" % args["data_dir"] in result["reasons"]
    assert "%s has other content (not shown)" % args["env_file"] in result["reasons"]
    assert "HAND_EDITED" not in open(args["env_file"]).read()
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
