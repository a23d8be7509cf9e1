"""The django_app_context action: a changed project is refused and the tar never stays behind."""

import os
import tarfile
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


def sending(tmp_path, on_host, module_results):
    """Run the action on a project with one asset; (names in each tar sent, module args of each run)."""
    from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import project_checksum
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "logo.png").write_text("png")
    args = dict(args_for(tmp_path, project_checksum(str(tmp_path), [], ["*.py"])[0]), code=["*.py"])
    if on_host is not None:
        args["on_host"] = on_host(tmp_path)
    act = action(args)
    act._connection._shell.tmpdir = "/tmp/remote"
    act._connection._shell.join_path = os.path.join
    sent, runs = [], []

    def transfer(local, remote):
        with tarfile.open(local) as tar:
            sent.append(tar.getnames())

    def execute(module_name, module_args, task_vars):
        runs.append(module_args)
        return module_results.pop(0)

    with mock.patch.object(ActionModule, "_transfer_file", side_effect=transfer), \
            mock.patch.object(ActionModule, "_fixup_perms2"), \
            mock.patch.object(ActionModule, "_remove_tmp_path"), \
            mock.patch.object(ActionModule, "_execute_module", side_effect=execute):
        result = act.run(task_vars={})
    return sent, runs, result


def assets_sha256(project):
    from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import pack_layers
    return pack_layers(str(project), [], ["*.py"], None, None)[2]


def test_an_assets_tar_the_host_has_is_not_sent(tmp_path):
    sent, runs, result = sending(tmp_path, lambda p: {assets_sha256(p): "/srv/build/old/assets.tar"},
                                 [{"changed": True, "assets_sent": False}])
    assert "assets.tar" not in sent[0] and "project.tar" in sent[0]
    assert runs[0]["_assets_from"] == "/srv/build/old/assets.tar"
    assert runs[0]["_assets_sha256"] == assets_sha256(tmp_path) and "on_host" not in runs[0]
    assert result["assets_sent"] is False


def test_other_assets_on_the_host_are_no_reason_to_leave_them_out(tmp_path):
    sent, runs, dummy = sending(tmp_path, lambda p: {"e" * 64: "/srv/build/old/assets.tar"},
                                [{"changed": True, "assets_sent": True}])
    assert "assets.tar" in sent[0] and "_assets_from" not in runs[0]


def test_a_host_copy_that_went_meanwhile_means_the_context_is_sent_again_with_it(tmp_path):
    sent, runs, result = sending(tmp_path, lambda p: {assets_sha256(p): "/srv/build/old/assets.tar"},
                                 [{"changed": True, "assets_missing": True}, {"changed": True, "assets_sent": True}])
    assert "assets.tar" not in sent[0] and "assets.tar" in sent[1]
    assert "_assets_from" not in runs[1]
    assert "mirror_check" not in runs[0] and runs[1]["mirror_check"] == "skip"
    assert result == {"changed": True, "assets_sent": True}


def test_check_mode_sends_nothing_and_only_asks_the_mirrors(tmp_path):
    from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import project_checksum
    (tmp_path / "manage.py").write_text("")
    mirrors = [{"name": "PyPI index", "url": "http://mirror/pypi/simple/django/"}]
    act = action(dict(args_for(tmp_path, project_checksum(str(tmp_path), [])[0]), mirrors=mirrors,
                      on_host={"e" * 64: "/srv/build/old/assets.tar"}))
    act._task.check_mode = True
    with mock.patch.object(ActionModule, "_transfer_file") as transfer, \
            mock.patch.object(ActionModule, "_execute_module", return_value={"changed": True}) as execute:
        assert act.run(task_vars={})["changed"] is True
    transfer.assert_not_called()
    module_args = execute.call_args.kwargs["module_args"]
    assert module_args["mirrors"] == mirrors and "_archive" not in module_args and "on_host" not in module_args
