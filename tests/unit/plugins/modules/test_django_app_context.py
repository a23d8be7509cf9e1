"""The django_app_context module: the folder is made and only plain members below it are unpacked."""

import io
import os
import tarfile

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_context as context


def make_tar(path, members):
    with tarfile.open(path, "w") as tar:
        for name, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                data = b"x"
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                tar.addfile(info)
            else:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)


def test_the_folder_is_made_and_the_context_unpacked(tmp_path):
    make_tar(tmp_path / "c.tar", [("Dockerfile", "file"), ("conf", "dir"), ("conf/pip.conf", "file")])
    dest = tmp_path / "srv" / "build"
    context.unpack(str(tmp_path / "c.tar"), str(dest))
    assert (dest / "Dockerfile").read_bytes() == b"x"
    assert (dest / "conf" / "pip.conf").exists()
    # Root's only: the context may hold settings the project keeps in its tree.
    assert oct(os.stat(dest).st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("member", [("../escape", "file"), ("/abs", "file"), ("link", "symlink")])
def test_members_outside_the_folder_or_links_are_refused(tmp_path, member):
    make_tar(tmp_path / "c.tar", [member])
    with pytest.raises(context.UnsafeMember):
        context.unpack(str(tmp_path / "c.tar"), str(tmp_path / "build"))
    assert not (tmp_path / "escape").exists()


def test_an_assets_tar_on_the_host_is_linked_and_its_checksum_written_beside_it(tmp_path):
    earlier, dest = tmp_path / "build" / "old", tmp_path / "build" / "new"
    earlier.mkdir(parents=True)
    dest.mkdir()
    (earlier / "assets.tar").write_bytes(b"assets")
    assert context.place_assets(str(dest), str(earlier / "assets.tar"), "c" * 64) is True
    assert os.path.samefile(dest / "assets.tar", earlier / "assets.tar")
    assert (dest / "assets.tar.sha256").read_text() == "c" * 64 + "\n"


def test_the_same_folder_again_keeps_its_assets_tar(tmp_path):
    (tmp_path / "assets.tar").write_bytes(b"assets")
    assert context.place_assets(str(tmp_path), str(tmp_path / "assets.tar"), "c" * 64) is True
    assert (tmp_path / "assets.tar").read_bytes() == b"assets"


def test_a_copy_that_went_meanwhile_is_reported_and_nothing_written(tmp_path):
    assert context.place_assets(str(tmp_path), str(tmp_path / "gone" / "assets.tar"), "c" * 64) is False
    assert os.listdir(tmp_path) == []


def test_a_sent_assets_tar_never_writes_through_a_link_to_another_build(tmp_path):
    earlier, dest = tmp_path / "old", tmp_path / "new"
    earlier.mkdir()
    dest.mkdir()
    (earlier / "assets.tar").write_bytes(b"old assets")
    os.link(earlier / "assets.tar", dest / "assets.tar")
    (dest / "assets.tar.sha256").write_text("d" * 64)
    context.remove_assets(str(dest))
    with tarfile.open(tmp_path / "c.tar", "w") as tar:
        info = tarfile.TarInfo("assets.tar")
        info.size = len(b"new assets")
        tar.addfile(info, io.BytesIO(b"new assets"))
    context.unpack(str(tmp_path / "c.tar"), str(dest))
    assert (earlier / "assets.tar").read_bytes() == b"old assets"
    assert (dest / "assets.tar").read_bytes() == b"new assets"
    assert not (dest / "assets.tar.sha256").exists()


def context_args(tmp_path, **more):
    make_tar(tmp_path / "c.tar", [("Dockerfile", "file")])
    return dict({"src": "/home/me/mysite", "files": {}, "dest": str(tmp_path / "build" / "new"), "sha256": "0" * 64,
                 "_archive": str(tmp_path / "c.tar"), "_assets_sha256": "a" * 64, "mirror_check": "skip"}, **more)


def test_another_run_s_deploy_lock_fails_the_call_before_anything_is_unpacked(tmp_path, run_module, capsys):
    (tmp_path / "deploy.lock").write_text('{"holder": "someone@elsewhere (run other)", "since": 9999999999}')
    result = run_module(context.main, context_args(tmp_path, lock={
        "path": str(tmp_path / "deploy.lock"), "holder": "me (run mine)", "timeout": 0}), capsys)
    assert result["failed"] and "Another deploy holds" in result["msg"] and "someone@elsewhere" in result["msg"]
    assert not (tmp_path / "build").exists()


def test_the_lock_is_taken_then_the_context_unpacked(tmp_path, run_module, capsys):
    result = run_module(context.main, context_args(tmp_path, lock={
        "path": str(tmp_path / "deploy.lock"), "holder": "me (run mine)"}), capsys)
    assert result["changed"] and not result.get("failed")
    assert '"holder": "me (run mine)"' in (tmp_path / "deploy.lock").read_text()
    assert (tmp_path / "build" / "new" / "Dockerfile").exists()


def test_a_dead_mirror_fails_the_call_before_the_lock_or_the_context(tmp_path, run_module, capsys):
    result = run_module(context.main, context_args(tmp_path, mirror_check="fail", mirror_timeout=2, mirrors=[
        {"name": "PyPI index", "url": "http://127.0.0.1:9/simple/django/"}], lock={
        "path": str(tmp_path / "deploy.lock"), "holder": "me (run mine)"}), capsys)
    assert result["failed"] and "PyPI index http://127.0.0.1:9/simple/django/" in result["msg"]
    assert not (tmp_path / "deploy.lock").exists() and not (tmp_path / "build").exists()


def test_a_lock_whose_folder_is_missing_is_named_before_anything_is_unpacked(tmp_path, run_module, capsys):
    result = run_module(context.main, context_args(tmp_path, lock={
        "path": str(tmp_path / "no-such-app" / "deploy.lock"), "holder": "me (run mine)"}), capsys)
    assert result["failed"] and result["msg"].endswith("no-such-app/deploy.lock: its folder does not exist")
    assert not (tmp_path / "build").exists()
