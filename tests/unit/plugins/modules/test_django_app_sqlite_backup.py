"""django_app_sqlite_backup: consistent copies, N kept, and a restore that brings rows back."""

import os
import sqlite3

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_sqlite_backup as module


def rows(path):
    return sqlite3.connect(path).execute("select x from notes order by x").fetchall()


def make_db(path, values):
    db = sqlite3.connect(path)
    db.execute("create table if not exists notes(x)")
    db.executemany("insert into notes values (?)", [(v,) for v in values])
    db.commit()
    db.close()


def test_no_database_no_backup(tmp_path, run_module, capsys):
    result = run_module(module.main, {"database": str(tmp_path / "db.sqlite3"),
                                      "backup_dir": str(tmp_path / "backups")}, capsys)
    assert result["changed"] is False and result["backup"] == ""


def test_a_backup_restores_what_a_migration_dropped(tmp_path, run_module, capsys):
    db = str(tmp_path / "db.sqlite3")
    make_db(db, ["kept"])
    args = {"database": db, "backup_dir": str(tmp_path / "backups"), "label": "pre-migrate"}
    made = run_module(module.main, args, capsys)
    assert made["changed"] and made["backup"].endswith("-pre-migrate.sqlite3")
    assert oct(os.stat(made["backup"]).st_mode & 0o777) == "0o600"
    assert oct(os.stat(os.path.dirname(made["backup"])).st_mode & 0o777) == "0o700"
    sqlite3.connect(db).execute("drop table notes").connection.commit()
    restored = run_module(module.main, dict(args, state="restore", restore_from=made["backup"]), capsys)
    assert restored["backup"] == made["backup"]
    assert rows(db) == [("kept",)]


def test_only_the_newest_are_kept(tmp_path, run_module, capsys):
    db = str(tmp_path / "db.sqlite3")
    make_db(db, ["a"])
    args = {"database": db, "backup_dir": str(tmp_path / "backups"), "keep": 2}
    made = [run_module(module.main, args, capsys)["backup"] for dummy in range(4)]
    assert module.backups_in(args["backup_dir"]) == made[-2:]


def test_restore_without_a_name_takes_the_newest(tmp_path, run_module, capsys):
    db = str(tmp_path / "db.sqlite3")
    make_db(db, ["first"])
    args = {"database": db, "backup_dir": str(tmp_path / "backups")}
    run_module(module.main, args, capsys)
    make_db(db, ["second"])
    newest = run_module(module.main, args, capsys)["backup"]
    make_db(db, ["third"])
    assert run_module(module.main, dict(args, state="restore"), capsys)["backup"] == newest
    assert rows(db) == [("first",), ("second",)]


def test_nothing_to_restore_is_a_clear_error(tmp_path, run_module, capsys):
    result = run_module(module.main, {"database": str(tmp_path / "db.sqlite3"), "state": "restore",
                                      "backup_dir": str(tmp_path / "none")}, capsys)
    assert result["failed"] and "No backup to restore in" in result["msg"]


def test_check_mode_writes_nothing(tmp_path, run_module, capsys):
    db = str(tmp_path / "db.sqlite3")
    make_db(db, ["a"])
    result = run_module(module.main, {"database": db, "backup_dir": str(tmp_path / "b"),
                                      "_ansible_check_mode": True}, capsys)
    assert result["changed"] and not os.path.exists(tmp_path / "b")


def test_a_copy_that_is_not_sound_never_becomes_a_backup_nor_is_restored(tmp_path, run_module, capsys, monkeypatch):
    database = tmp_path / "db.sqlite3"
    sqlite3.connect(str(database)).execute("create table t (x)").connection.commit()
    from ansible_collections.djangodocker.deploy.plugins.module_utils import sqlite_backup
    monkeypatch.setattr(sqlite_backup, "integrity", lambda path: "row 3 missing from index")
    args = {"database": str(database), "backup_dir": str(tmp_path / "backups"), "label": "pre-migrate"}
    failed = run_module(module.main, args, capsys)
    assert failed["failed"] and "not sound" in failed["msg"] and os.listdir(tmp_path / "backups") == []
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(database.read_bytes())
    refused = run_module(module.main, dict(args, state="restore", restore_from=str(bad)), capsys)
    assert refused["failed"] and "nothing was restored" in refused["msg"]


def test_the_timers_script_is_the_same_code_rotating_per_label(tmp_path, capsys):
    from ansible_collections.djangodocker.deploy.plugins.module_utils import sqlite_backup
    database = tmp_path / "db.sqlite3"
    sqlite3.connect(str(database)).execute("create table t (x)").connection.commit()
    folder = tmp_path / "backups"
    sqlite_backup.back_up(str(database), str(folder), "pre-migrate", 5)
    for dummy in range(3):
        assert sqlite_backup.cli([str(database), str(folder), "--label", "scheduled", "--keep", "2"]) == 0
    names = sorted(os.listdir(folder))
    assert len([n for n in names if n.endswith("-scheduled.sqlite3")]) == 2
    assert len([n for n in names if n.endswith("-pre-migrate.sqlite3")]) == 1
    assert "backed up to" in capsys.readouterr().out
    assert sqlite_backup.cli([str(tmp_path / "none.sqlite3"), str(folder)]) == 0
