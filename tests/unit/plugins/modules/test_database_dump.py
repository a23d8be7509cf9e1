"""database_dump: streamed dumps through a partial file, rotation per label, exact restores, clear errors.

`docker exec [-i] CONTAINER CMD...` is a stand-in on PATH that runs CMD here.
"""

import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import database_dump as module


@pytest.fixture
def fake_docker(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text('#!/bin/sh\nshift\n[ "$1" = -i ] && shift\nshift\nexec "$@"\n')
    docker.chmod(0o755)
    monkeypatch.setenv("PATH", "%s:%s" % (bin_dir, os.environ["PATH"]))
    return tmp_path


def dump_args(tmp_path, command, **extra):
    args = {"container": "db", "dump_command": command, "backup_dir": str(tmp_path / "backups")}
    args.update(extra)
    return args


def test_a_dump_is_streamed_into_a_private_file(fake_docker, run_module, capsys):
    result = run_module(module.main, dump_args(fake_docker, ["sh", "-c", "echo row-1; echo row-2"],
                                               label="pre-migrate"), capsys)
    assert result["changed"] and result["backup"].endswith("-pre-migrate.dump")
    with open(result["backup"]) as dumped:
        assert dumped.read() == "row-1\nrow-2\n"
    assert oct(os.stat(result["backup"]).st_mode & 0o777) == "0o600"
    assert oct(os.stat(fake_docker / "backups").st_mode & 0o777) == "0o700"


def test_a_failed_or_empty_dump_leaves_no_backup(fake_docker, run_module, capsys):
    failed = run_module(module.main, dump_args(fake_docker, ["sh", "-c", "echo half; echo boom >&2; exit 3"]), capsys)
    assert failed["failed"] and "exit 3" in failed["msg"] and "boom" in failed["msg"]
    empty = run_module(module.main, dump_args(fake_docker, ["true"]), capsys)
    assert empty["failed"] and "wrote nothing" in empty["msg"]
    assert os.listdir(fake_docker / "backups") == []


def test_rotation_keeps_the_newest_of_each_label(fake_docker, run_module, capsys):
    made = [run_module(module.main, dump_args(fake_docker, ["echo", str(n)], label="scheduled", keep=2),
                       capsys)["backup"] for n in range(4)]
    other = run_module(module.main, dump_args(fake_docker, ["echo", "x"], label="pre-migrate", keep=2), capsys)
    assert module.backups_in(str(fake_docker / "backups"), "scheduled") == made[-2:]
    assert other["backup"] in module.backups_in(str(fake_docker / "backups"))


def test_restore_streams_the_newest_backup_into_the_command(fake_docker, run_module, capsys):
    target = fake_docker / "restored"
    run_module(module.main, dump_args(fake_docker, ["echo", "old"]), capsys)
    newest = run_module(module.main, dump_args(fake_docker, ["echo", "new"], label="scheduled"), capsys)["backup"]
    restore = {"container": "db", "state": "restore", "backup_dir": str(fake_docker / "backups"),
               "restore_command": ["sh", "-c", "cat > %s" % target]}
    result = run_module(module.main, restore, capsys)
    assert result["backup"] == newest and target.read_text() == "new\n"
    by_name = run_module(module.main, dict(restore, restore_from=os.path.basename(newest)), capsys)
    assert by_name["backup"] == newest
    # The safety dump of the state before a restore is never "the newest" to restore.
    safety = run_module(module.main, dump_args(fake_docker, ["echo", "now"], label="pre-restore"), capsys)["backup"]
    skipped = run_module(module.main, dict(restore, skip_labels=["pre-restore"]), capsys)
    assert skipped["backup"] == newest and run_module(module.main, restore, capsys)["backup"] == safety


def test_a_failed_restore_and_a_missing_backup_are_clear_errors(fake_docker, run_module, capsys):
    restore = {"container": "db", "state": "restore", "backup_dir": str(fake_docker / "backups"),
               "restore_command": ["sh", "-c", "echo 'ERROR: relation exists'; exit 1"]}
    assert "no backup to restore" in run_module(module.main, restore, capsys)["msg"]
    run_module(module.main, dump_args(fake_docker, ["echo", "x"]), capsys)
    failed = run_module(module.main, restore, capsys)
    assert failed["failed"] and "relation exists" in failed["msg"]
    missing = run_module(module.main, dict(restore, restore_from="nope.dump"), capsys)
    assert missing["failed"] and "no backup" in missing["msg"]


def test_check_mode_dumps_nothing(fake_docker, run_module, capsys):
    result = run_module(module.main, dump_args(fake_docker, ["echo", "x"], _ansible_check_mode=True), capsys)
    assert result["changed"] and not (fake_docker / "backups").exists()


def test_the_commands_get_the_names_they_are_given(tmp_path, run_module, capsys, monkeypatch):
    calls = []

    def stream(self, args, stdin=None, stdout=None, timeout=None):
        calls.append(args)
        stdout.write(b"dumped")
        return 0, b""

    monkeypatch.setattr(module.Docker, "stream", stream)
    run_module(module.main, dump_args(tmp_path, ["sh", "-c", "dump"], env={"DJANGODOCKER_DB": "shop"}), capsys)
    assert calls == [["exec", "-e", "DJANGODOCKER_DB=shop", "db", "sh", "-c", "dump"]]
