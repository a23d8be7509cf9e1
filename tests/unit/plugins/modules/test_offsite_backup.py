"""offsite_backup: the app's off-site folder - secrets 0600 in a 0700 folder, written once, the same run after
changes nothing."""

import json
import os
import stat
from unittest import mock

from ansible_collections.djangodocker.deploy.plugins.modules import offsite_backup as module


def params(tmp_path, **changes):
    base = dict(app="mysite", host="web1", offsite_dir=str(tmp_path / "offsite"), cache_dir=str(tmp_path / "cache"),
                image="restic/restic:0.18.0", repository="s3:https://oss.example/b/mysite", password="pw",
                storage_env={"AWS_ACCESS_KEY_ID": "k'ey"}, options=[], database={"kind": "sqlite"},
                media_dir=str(tmp_path / "media"), env_file="", lock=None, keep={"daily": 7},
                check_read_data_subset="5%", timeout=60)
    base.update(changes)
    return base


def test_the_folder_and_its_secrets_are_written_private_once(tmp_path):
    run = mock.Mock(check_mode=False)
    assert module.write_files(run, params(tmp_path))
    folder = tmp_path / "offsite"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for name in ("password", "storage.env", "offsite.json"):
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600
    assert (folder / "storage.env").read_text() == ("RESTIC_REPOSITORY='s3:https://oss.example/b/mysite'\n"
                                                    "AWS_ACCESS_KEY_ID='k'\"'\"'ey'\n")
    assert "pw" not in (folder / "offsite.json").read_text()
    assert json.loads((folder / "offsite.json").read_text())["app"] == "mysite"
    assert not module.write_files(run, params(tmp_path))
    assert module.write_files(run, params(tmp_path, password="other"))


def test_the_timers_scripts_are_written_with_the_folder_once(tmp_path):
    run = mock.Mock(check_mode=False)
    scripts = {"offsite_backup.py": "#!/usr/bin/python3\n", "deploy_lock.py": "LOCK = 1\n"}
    assert module.write_files(run, params(tmp_path, scripts=scripts, scripts_dir=str(tmp_path / "lib")))
    for name, content in scripts.items():
        assert (tmp_path / "lib" / name).read_text() == content
        assert stat.S_IMODE(os.stat(tmp_path / "lib" / name).st_mode) == 0o644
    assert not module.write_files(run, params(tmp_path, scripts=scripts, scripts_dir=str(tmp_path / "lib")))


def test_check_mode_writes_nothing(tmp_path):
    assert module.write_files(mock.Mock(check_mode=True), params(tmp_path))
    assert not (tmp_path / "offsite").exists()
