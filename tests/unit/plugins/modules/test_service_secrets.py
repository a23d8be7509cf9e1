"""service_secrets: generated once and kept, files from templates, bad and changed secrets refused."""

import os

from ansible_collections.djangodocker.deploy.plugins.modules import service_secrets as module


def args(tmp_path, value="", fixed=False, template="URL=pg://u:{password_url}@db/x\n"):
    return {"folder": str(tmp_path / "secrets"), "fixed": fixed,
            "secrets": [{"name": "password", "value": value}],
            "files": [{"path": str(tmp_path / "client.env"), "template": template}]}


def test_generated_once_then_kept_and_never_returned(tmp_path, run_module, capsys):
    first = run_module(module.main, args(tmp_path), capsys)
    kept = (tmp_path / "secrets" / "password").read_text().strip()
    assert first["changed"] and first["generated"] == ["password"] and len(kept) == 32
    assert kept not in str(first)
    assert (tmp_path / "client.env").read_text() == "URL=pg://u:%s@db/x\n" % kept
    assert oct(os.stat(tmp_path / "secrets").st_mode & 0o777) == "0o700"
    assert oct(os.stat(tmp_path / "client.env").st_mode & 0o777) == "0o600"
    again = run_module(module.main, args(tmp_path), capsys)
    assert not again["changed"] and again["generated"] == [] and again["checksum"] == first["checksum"]


def test_a_given_secret_is_percent_encoded_in_urls(tmp_path, run_module, capsys):
    result = run_module(module.main, args(tmp_path, "p@ss/w:rd#1", template="{password} {password_url}"), capsys)
    assert (tmp_path / "client.env").read_text() == "p@ss/w:rd#1 p%40ss%2Fw%3Ard%231"
    assert "p@ss/w:rd#1" not in str(result)


def test_characters_that_break_the_files_are_refused_before_anything_changes(tmp_path, run_module, capsys):
    for bad in ["has space1", "quote'quote", "short", "back\\slash1", "café-latte"]:
        result = run_module(module.main, args(tmp_path, bad), capsys)
        assert result["failed"] and "password" in result["msg"] and bad not in result["msg"]
    assert not (tmp_path / "secrets").exists()


def test_a_fixed_secret_that_changed_is_an_error(tmp_path, run_module, capsys):
    run_module(module.main, args(tmp_path, "first-pass-1", fixed=True), capsys)
    result = run_module(module.main, args(tmp_path, "other-pass-2", fixed=True), capsys)
    assert result["failed"] and "differs from the one kept" in result["msg"]
    assert (tmp_path / "secrets" / "password").read_text().strip() == "first-pass-1"
    # Not fixed: the new one is written and the files follow.
    changed = run_module(module.main, args(tmp_path, "other-pass-2"), capsys)
    assert changed["changed"] and "other-pass-2" in (tmp_path / "client.env").read_text()


def test_check_mode_writes_nothing(tmp_path, run_module, capsys):
    result = run_module(module.main, dict(args(tmp_path), _ansible_check_mode=True), capsys)
    assert result["changed"] and not (tmp_path / "secrets").exists()


def test_an_unknown_placeholder_is_a_clear_error(tmp_path, run_module, capsys):
    result = run_module(module.main, args(tmp_path, template="{nope}"), capsys)
    assert result["failed"] and "unknown or bad placeholder" in result["msg"]
