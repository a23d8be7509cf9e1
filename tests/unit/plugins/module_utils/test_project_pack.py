"""Reproducible project and context tars: the checksum is the image tag."""

import io
import os
import tarfile
import time

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import project_pack

EXCLUDE = [".git", "__pycache__", "*.pyc", "media", "*.sqlite3"]
CODE = ["*.py", "*.html"]


def make_project(root, order=None):
    files = {
        "manage.py": "print('manage')\n",
        "mysite/settings.py": "DEBUG = False\n",
        "mysite/__pycache__/settings.cpython-311.pyc": "bytecode",
        "notes/views.py": "VERSION = '1'\n",
        "notes/static/notes/style.css": "body {}\n",
        "notes/media/upload.txt": "a user's upload",
        "notes/deep/.git/config": "[core]\n",
        "db.sqlite3": "data",
        "notes/cache.pyc": "bytecode",
    }
    for name in (order or sorted(files)):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name])
    os.chmod(root / "manage.py", 0o775)
    return root


def names(data):
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return [member.name for member in tar.getmembers()]


def test_excluded_names_are_left_out_at_any_depth(tmp_path):
    make_project(tmp_path)
    found = [name for name, dummy in project_pack.project_files(str(tmp_path), EXCLUDE)]
    assert found == ["manage.py", "mysite/settings.py", "notes/static/notes/style.css", "notes/views.py"]


def test_symbolic_links_are_never_followed(tmp_path):
    project = make_project(tmp_path / "p")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the image")
    os.symlink(outside, project / "linked_dir")
    os.symlink(outside / "secret.txt", project / "linked_file.txt")
    found = [name for name, dummy in project_pack.project_files(str(project), EXCLUDE)]
    assert not [name for name in found if name.startswith("linked")]


def test_same_files_give_the_same_checksum_whatever_mtimes_and_creation_order(tmp_path):
    first = make_project(tmp_path / "a")
    second = make_project(tmp_path / "b", order=[
        "notes/views.py", "manage.py", "db.sqlite3", "mysite/settings.py", "notes/static/notes/style.css",
        "notes/cache.pyc", "notes/media/upload.txt", "notes/deep/.git/config",
        "mysite/__pycache__/settings.cpython-311.pyc"])
    past = time.time() - 86400
    for path in second.rglob("*"):
        os.utime(path, (past, past))
    assert project_pack.project_checksum(str(first), EXCLUDE) == project_pack.project_checksum(str(second), EXCLUDE)


def test_a_code_change_an_exec_bit_or_a_new_file_changes_the_checksum(tmp_path):
    project = make_project(tmp_path)
    before = project_pack.project_checksum(str(project), EXCLUDE)[0]
    (project / "notes/views.py").write_text("VERSION = '2'\n")
    after_edit = project_pack.project_checksum(str(project), EXCLUDE)[0]
    os.chmod(project / "notes/views.py", 0o755)
    after_chmod = project_pack.project_checksum(str(project), EXCLUDE)[0]
    (project / "notes/new.py").write_text("")
    after_new = project_pack.project_checksum(str(project), EXCLUDE)[0]
    assert len({before, after_edit, after_chmod, after_new}) == 4


def test_an_excluded_file_changes_nothing(tmp_path):
    project = make_project(tmp_path)
    before = project_pack.project_checksum(str(project), EXCLUDE)
    (project / "db.sqlite3").write_text("new rows")
    (project / "notes/__pycache__").mkdir()
    (project / "notes/__pycache__/x.pyc").write_text("")
    assert project_pack.project_checksum(str(project), EXCLUDE) == before


def test_the_tars_are_normalised(tmp_path):
    project = make_project(tmp_path)
    assets, code = io.BytesIO(), io.BytesIO()
    project_pack.pack_layers(str(project), EXCLUDE, CODE, assets, code)
    members = {}
    for sink in (assets, code):
        with tarfile.open(fileobj=io.BytesIO(sink.getvalue())) as tar:
            members.update({m.name: m for m in tar.getmembers() if m.name != "."})
    assert {(m.uid, m.gid, m.uname, m.mtime) for m in members.values()} == {(0, 0, "root", 0)}
    assert members["manage.py"].mode == 0o755 and members["notes/views.py"].mode == 0o644


def test_the_code_goes_into_its_own_tar_after_the_assets(tmp_path):
    project = make_project(tmp_path)
    assets, code = io.BytesIO(), io.BytesIO()
    sha, count, dummy = project_pack.pack_layers(str(project), EXCLUDE, CODE, assets, code)
    assert names(assets.getvalue()) == [".", "notes/static/notes/style.css"]
    assert names(code.getvalue()) == [".", "manage.py", "mysite/settings.py", "notes/views.py"]
    assert (sha, count) == project_pack.project_checksum(str(project), EXCLUDE, CODE)


def test_a_code_change_leaves_the_assets_tar_as_it_was(tmp_path):
    project = make_project(tmp_path)
    before, dummy = io.BytesIO(), io.BytesIO()
    sha_before = project_pack.pack_layers(str(project), EXCLUDE, CODE, before, dummy)[0]
    (project / "notes/views.py").write_text("VERSION = '2'\n")
    after = io.BytesIO()
    sha_after = project_pack.pack_layers(str(project), EXCLUDE, CODE, after, io.BytesIO())[0]
    assert after.getvalue() == before.getvalue() and sha_after != sha_before


def test_moving_a_file_between_the_layers_changes_the_checksum(tmp_path):
    project = make_project(tmp_path)
    assert project_pack.project_checksum(str(project), EXCLUDE, CODE) != \
        project_pack.project_checksum(str(project), EXCLUDE, CODE + ["*.css"])


def test_a_project_without_assets_still_gives_a_tar_the_engine_unpacks(tmp_path):
    (tmp_path / "manage.py").write_text("")
    assets = io.BytesIO()
    project_pack.pack_layers(str(tmp_path), EXCLUDE, CODE, assets, io.BytesIO())
    # ADD copies a tar without members as a file; its own folder makes it one.
    with tarfile.open(fileobj=io.BytesIO(assets.getvalue())) as tar:
        [top] = tar.getmembers()
    assert top.name == "." and top.isdir() and top.mode == 0o755


def test_the_context_carries_the_same_project_tars_the_tag_was_made_from(tmp_path):
    project = make_project(tmp_path)
    files = {"Dockerfile": "FROM python:3.13-slim\n", "djangodocker_deploy/settings.py": "X = 1\n"}
    sink = io.BytesIO()
    sha = project_pack.pack_context(str(project), EXCLUDE, CODE, files, sink)[0]
    assert sha == project_pack.project_checksum(str(project), EXCLUDE, CODE)[0]
    assert names(sink.getvalue()) == ["djangodocker_deploy", "Dockerfile", "assets.tar",
                                      "djangodocker_deploy/settings.py", "project.tar"]
    again = io.BytesIO()
    project_pack.pack_context(str(project), EXCLUDE, CODE, files, again)
    assert again.getvalue() == sink.getvalue()


def test_the_tag_depends_on_the_project_and_the_generated_files():
    tag = project_pack.image_tag("a" * 64, {"Dockerfile": "FROM x\n"})
    assert len(tag) == 12 and int(tag, 16) >= 0
    assert tag == project_pack.image_tag("a" * 64, {"Dockerfile": "FROM x\n"})
    assert tag != project_pack.image_tag("b" * 64, {"Dockerfile": "FROM x\n"})
    assert tag != project_pack.image_tag("a" * 64, {"Dockerfile": "FROM y\n"})


@pytest.mark.parametrize("name, pattern, hit", [
    ("x.pyc", "*.pyc", True), ("node_modules", "node_modules", True), ("settings.py", "*.pyc", False),
])
def test_exclusion_is_by_name(name, pattern, hit):
    assert project_pack.excluded(name, [pattern]) is hit


def test_an_assets_tar_the_host_has_is_left_out_of_the_context(tmp_path):
    project = make_project(tmp_path)
    files = {"Dockerfile": "FROM python:3.13-slim\n"}
    full = io.BytesIO()
    sha, assets_sha, sent = project_pack.pack_context(str(project), EXCLUDE, CODE, files, full)
    assert sent is True and "assets.tar" in names(full.getvalue())
    lean = io.BytesIO()
    assert project_pack.pack_context(str(project), EXCLUDE, CODE, files, lean, on_host={assets_sha}) == \
        (sha, assets_sha, False)
    assert names(lean.getvalue()) == ["Dockerfile", "project.tar"]
