"""django_app_remove: the app's containers and images only, an unknown app or a purge with nowhere for its final
backup refused before anything changes, a final backup made whole, the folder purged last."""

import os
import sqlite3
import tarfile

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_remove as module


class Engine:
    """The containers (name -> app label) and images the host has; the docker commands run."""

    def __init__(self, monkeypatch, containers=None, images=()):
        self.containers, self.images, self.calls = dict(containers or {}), list(images), []
        engine = self
        monkeypatch.setattr(module.Docker, "available", property(lambda self: True))
        monkeypatch.setattr(module.Docker, "container_names", lambda self, *filters: [
            name for name, app in engine.containers.items() if filters == ("label=djangodocker.deploy.app=%s" % app,)])

        def run(self, *args, **kwargs):
            engine.calls.append(args)
            if args[:2] == ("image", "ls"):
                return "".join("%s\n" % image for image in engine.images if image.split(":")[0] == args[-1])
            if args[:2] == ("container", "rm"):
                for name in args[2:]:
                    del engine.containers[name]
            if args[:2] == ("image", "rm"):
                engine.images = [image for image in engine.images if image not in args[2:]]
            return ""

        monkeypatch.setattr(module.Docker, "run", run)


def test_absent_stops_and_removes_only_that_apps_containers_and_images(tmp_path, run_module, capsys, monkeypatch):
    engine = Engine(monkeypatch, {"gamma": "gamma", "gamma-beat": "gamma", "alpha": "alpha"},
                    ["gamma:abc", "gamma:def", "alpha:abc", "gamma-tools:1"])
    root = tmp_path / "gamma"
    (root / "data").mkdir(parents=True)
    gone = run_module(module.main, {"app": "gamma", "root": str(root), "state": "absent"}, capsys)
    assert gone["changed"] and gone["containers"] == ["gamma", "gamma-beat"]
    # Stopped first (each with its own stop timeout: the web container drains), then removed.
    assert ("container", "stop", "gamma", "gamma-beat") in engine.calls
    assert engine.calls.index(("container", "stop", "gamma", "gamma-beat")) < engine.calls.index(
        ("container", "rm", "gamma", "gamma-beat"))
    assert engine.containers == {"alpha": "alpha"} and engine.images == ["alpha:abc", "gamma-tools:1"]
    assert (root / "data").is_dir()
    again = run_module(module.main, {"app": "gamma", "root": str(root), "state": "absent"}, capsys)
    assert not again["changed"]


def test_an_unknown_app_or_a_purge_without_a_backup_place_is_refused(tmp_path, run_module, capsys, monkeypatch):
    engine = Engine(monkeypatch, {"alpha": "alpha"}, ["alpha:abc"])
    unknown = run_module(module.main, {"app": "nosuch", "root": str(tmp_path / "nosuch")}, capsys)
    assert unknown["failed"] and "No app nosuch on this host" in unknown["msg"]
    nowhere = run_module(module.main, {"app": "alpha", "root": str(tmp_path / "alpha"), "purge": True}, capsys)
    assert nowhere["failed"] and "django_app_final_backup_dir" in nowhere["msg"]
    assert engine.containers == {"alpha": "alpha"} and [c for c in engine.calls if c[1] != "ls"] == []
    found = run_module(module.main, {"app": "alpha", "root": str(tmp_path / "alpha"), "purge": True,
                                     "backup_places": ["/var/backups/djangodocker"]}, capsys)
    assert not found["changed"] and found["containers"] == ["alpha"]


def test_an_app_purged_before_is_not_an_error(tmp_path, run_module, capsys, monkeypatch):
    Engine(monkeypatch)
    finals = tmp_path / "finals"
    (finals / "gamma-20261203T140000Z").mkdir(parents=True)
    (finals / "gammaray-20261203T140000Z").mkdir()
    found = run_module(module.main, {"app": "gamma", "root": str(tmp_path / "gamma"),
                                     "final_backup_dir": str(finals)}, capsys)
    assert not found.get("failed") and found["final_backups"] == ["gamma-20261203T140000Z"]
    other = run_module(module.main, {"app": "gamm", "root": str(tmp_path / "gamm"),
                                     "final_backup_dir": str(finals)}, capsys)
    assert other["failed"]


def test_the_final_backup_holds_a_checked_sqlite_copy_and_the_media(tmp_path, run_module, capsys, monkeypatch):
    Engine(monkeypatch)
    data = tmp_path / "gamma" / "data"
    (data / "media" / "uploads").mkdir(parents=True)
    (data / "media" / "uploads" / "a.txt").write_text("uploaded")
    connection = sqlite3.connect(str(data / "db.sqlite3"))
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.execute("INSERT INTO notes VALUES ('kept')")
    connection.commit()
    connection.close()
    final = tmp_path / "finals" / "gamma-20261203T140000Z"
    saved = run_module(module.main, {"app": "gamma", "root": str(tmp_path / "gamma"), "state": "saved",
                                     "final_dir": str(final), "database": str(data / "db.sqlite3"), "sqlite": True,
                                     "media_dir": str(data / "media")}, capsys)
    assert saved["changed"] and saved["kept"] == ["db.sqlite3", "media.tar.gz"]
    assert oct(os.stat(final).st_mode & 0o777) == "0o700"
    copy = sqlite3.connect(str(final / "db.sqlite3"))
    assert copy.execute("SELECT body FROM notes").fetchall() == [("kept",)]
    copy.close()
    with tarfile.open(str(final / "media.tar.gz")) as archive:
        assert archive.extractfile("media/uploads/a.txt").read() == b"uploaded"
    # Never over an existing backup.
    again = run_module(module.main, {"app": "gamma", "root": str(tmp_path / "gamma"), "state": "saved",
                                     "final_dir": str(final), "database": str(data / "db.sqlite3")}, capsys)
    assert again["failed"] and "must be new" in again["msg"]


def test_a_dump_keeps_its_name_and_purged_deletes_the_folder(tmp_path, run_module, capsys, monkeypatch):
    Engine(monkeypatch)
    dump = tmp_path / "backups" / "20261203T140000Z-final.dump"
    dump.parent.mkdir()
    dump.write_bytes(b"PGDMP")
    root = tmp_path / "gamma"
    (root / "data").mkdir(parents=True)
    final = tmp_path / "finals" / "gamma-1"
    saved = run_module(module.main, {"app": "gamma", "root": str(root), "state": "saved", "final_dir": str(final),
                                     "database": str(dump), "media_dir": str(root / "data" / "media")}, capsys)
    assert saved["kept"] == ["20261203T140000Z-final.dump"] and (final / dump.name).read_bytes() == b"PGDMP"
    checked = run_module(module.main, {"app": "gamma", "root": str(root), "state": "purged",
                                       "_ansible_check_mode": True}, capsys)
    assert checked["changed"] and root.is_dir()
    purged = run_module(module.main, {"app": "gamma", "root": str(root), "state": "purged"}, capsys)
    assert purged["changed"] and not root.exists()
    assert not run_module(module.main, {"app": "gamma", "root": str(root), "state": "purged"}, capsys)["changed"]
