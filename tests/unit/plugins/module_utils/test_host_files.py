"""Shared file helpers: JSON objects with clear errors, atomic writes, ownership."""

import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import host_files


@pytest.mark.parametrize("text, message", [
    ("\ufeff{}", "byte order mark"),
    ("", "is empty"),
    ("  \n", "is empty"),
    ('{\n  // mirrors\n  "debug": true\n}', "JSON has no comments"),
    ('# mirrors\n{"debug": true}', "JSON has no comments"),
    ('{"debug": true,}', "is not valid JSON"),
    ("[]", "holds a JSON list, not an object"),
    ('"text"', "holds a JSON str, not an object"),
])
def test_bad_json_gets_a_message_naming_the_file(text, message):
    with pytest.raises(host_files.FileProblem) as error:
        host_files.parse_json_object(text, "/etc/docker/daemon.json")
    assert message in str(error.value)
    assert "/etc/docker/daemon.json" in str(error.value)


def test_a_json_object_is_read():
    assert host_files.parse_json_object('{"a": [1]}\n', "x") == {"a": [1]}


def test_write_atomic_sets_mode_before_the_name_appears(tmp_path):
    path = tmp_path / "secret"
    host_files.write_atomic(str(path), b"s3cret", "0600")
    assert path.read_bytes() == b"s3cret"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert os.listdir(tmp_path) == ["secret"]


def test_ensure_file_reports_then_repairs(tmp_path):
    path = str(tmp_path / "f")
    assert host_files.ensure_file(path, b"x", "0644", check_mode=True) == ["%s is missing" % path]
    assert not os.path.exists(path)
    assert host_files.ensure_file(path, b"x", "0644") == ["%s is missing" % path]
    assert host_files.ensure_file(path, b"x", "0644") == []
    os.chmod(path, 0o666)
    assert host_files.ensure_file(path, b"x", "0644") == ["%s has mode 0666, not 0644" % path]
    assert host_files.ensure_file(path, b"x", "0644") == []


def test_a_secret_file_never_tells_its_content(tmp_path):
    path = tmp_path / "env"
    path.write_text("KEY=old-secret\n")
    os.chmod(path, 0o600)
    reasons = host_files.ensure_file(str(path), b"KEY=new-secret\n", "0600", secret=True)
    assert reasons == ["%s has other content (not shown)" % path]
    assert "secret" not in " ".join(reasons).replace(str(path), "").replace("(not shown)", "")


def test_ensure_folder_makes_and_tightens(tmp_path):
    path = str(tmp_path / "a" / "b")
    assert host_files.ensure_folder(path, "0750") == ["%s is missing" % path]
    assert host_files.ensure_folder(path, "0750") == []
    os.chmod(path, 0o777)
    assert host_files.ensure_folder(path, "0750") == ["%s has mode 0777, not 0750" % path]


def test_a_file_where_a_folder_should_be_is_an_error(tmp_path):
    path = tmp_path / "f"
    path.write_text("")
    with pytest.raises(host_files.FileProblem):
        host_files.ensure_folder(str(path), "0755")


def test_describe_a_missing_path_is_none(tmp_path):
    assert host_files.describe(str(tmp_path / "none")) is None
