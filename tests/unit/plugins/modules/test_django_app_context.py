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
    assert oct(os.stat(dest).st_mode & 0o777) == "0o755"


@pytest.mark.parametrize("member", [("../escape", "file"), ("/abs", "file"), ("link", "symlink")])
def test_members_outside_the_folder_or_links_are_refused(tmp_path, member):
    make_tar(tmp_path / "c.tar", [member])
    with pytest.raises(context.UnsafeMember):
        context.unpack(str(tmp_path / "c.tar"), str(tmp_path / "build"))
    assert not (tmp_path / "escape").exists()
