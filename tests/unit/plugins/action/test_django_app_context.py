"""The django_app_context action: a changed project is refused and the tar never stays behind."""

import os
import tempfile
from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.playbook.task import Task

from ansible_collections.djangodocker.deploy.plugins.action.django_app_context import ActionModule


def action(args):
    task = Task()
    task.args = args
    act = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None,
                       shared_loader_obj=None)
    act._shared_loader_obj = mock.MagicMock()
    return act


@pytest.fixture
def made(monkeypatch):
    """The temporary files the action makes, with their mode."""
    made = []
    real = tempfile.mkstemp

    def record(*args, **kwargs):
        handle, path = real(*args, **kwargs)
        made.append((path, oct(os.stat(path).st_mode & 0o777)))
        return handle, path

    monkeypatch.setattr(tempfile, "mkstemp", record)
    return made


def args_for(project, sha256):
    return {"src": str(project), "files": {"Dockerfile": "FROM x\n"}, "dest": "/srv/build", "sha256": sha256}


def test_a_project_that_changed_since_it_was_tagged_is_refused(tmp_path, made):
    (tmp_path / "manage.py").write_text("")
    with mock.patch.object(ActionModule, "_execute_module"):
        with pytest.raises(AnsibleActionFail, match="changed during the play"):
            action(args_for(tmp_path, "0" * 64)).run(task_vars={})
    assert made and made[0][1] == "0o600"
    assert not os.path.exists(made[0][0])


def test_the_tar_is_removed_when_the_transfer_fails(tmp_path, made):
    from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import project_checksum
    (tmp_path / "manage.py").write_text("")
    act = action(args_for(tmp_path, project_checksum(str(tmp_path), [])[0]))
    act._connection._shell.tmpdir = "/tmp/remote"
    with mock.patch.object(ActionModule, "_transfer_file", side_effect=OSError("connection lost")), \
            mock.patch.object(ActionModule, "_remove_tmp_path") as removed:
        with pytest.raises(OSError):
            act.run(task_vars={})
    removed.assert_called_once_with("/tmp/remote")
    assert made and not os.path.exists(made[0][0])


def test_missing_arguments_are_named():
    with pytest.raises(AnsibleActionFail, match="needs src, files, dest, sha256"):
        action({}).run(task_vars={})
