"""django_project: manage.py, the settings module and the dependency files of real projects."""

import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import django_project as dp


def write(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', '%s')\n"


def test_a_startproject_layout(tmp_path):
    project = write(tmp_path, {"manage.py": MANAGE % "mysite.settings", "mysite/settings.py": "",
                               "requirements.txt": "Django>=5.2\n"})
    found = dp.describe(project)
    assert found["manage_dir"] == "" and found["settings_module"] == "mysite.settings"
    assert found["workdir"] == "/app"
    assert found["dependencies"] == {"mode": "requirements", "entry": "requirements.txt",
                                     "files": {"deps/requirements.txt": "Django>=5.2\n"}}


def test_the_projects_asgi_applications_are_found(tmp_path):
    project = write(tmp_path, {"manage.py": MANAGE % "mysite.settings", "mysite/settings.py": "",
                               "mysite/asgi.py": "", ".venv/lib/x/asgi.py": "", "requirements.txt": "Django\n"})
    assert dp.describe(project)["asgi"] == ["mysite.asgi"]
    channels = write(tmp_path / "c", {"manage.py": MANAGE % "site.settings", "requirements.txt": "Django\n",
                                      "site/settings.py": "ASGI_APPLICATION = 'site.routing.application'\n"})
    assert dp.describe(channels)["asgi"] == ["site.settings.ASGI_APPLICATION"]
    assert dp.describe(write(tmp_path / "w", {"manage.py": MANAGE % "w.settings", "w/settings.py": "",
                                              "requirements.txt": "Django\n"}))["asgi"] == []


def test_the_channel_layers_the_settings_name_are_found_in_a_settings_package_too(tmp_path):
    single = write(tmp_path / "s", {"manage.py": MANAGE % "site.settings", "requirements.txt": "Django\n",
                                    "site/settings.py": 'CHANNEL_LAYERS = {"default": {"BACKEND": '
                                                        '"channels.layers.InMemoryChannelLayer"}}\n'})
    assert dp.describe(single)["channel_layers"] == ["InMemoryChannelLayer"]
    package = write(tmp_path / "p", {"manage.py": MANAGE % "config.settings.production", "requirements.txt": "Django\n",
                                     "config/__init__.py": "", "config/settings/__init__.py": "",
                                     "config/settings/base.py": "BACKEND = 'channels_redis.core.RedisChannelLayer'\n",
                                     "config/settings/production.py": "from .base import *\n"})
    assert dp.describe(package)["channel_layers"] == ["RedisChannelLayer"]
    assert dp.describe(write(tmp_path / "n", {"manage.py": MANAGE % "n.settings", "n/settings.py": "",
                                              "requirements.txt": "Django\n"}))["channel_layers"] == []


def test_a_settings_package_chosen_by_variable_over_the_dev_one_manage_py_names(tmp_path):
    project = write(tmp_path, {"manage.py": MANAGE % "config.settings.local", "config/__init__.py": "",
                               "config/settings/__init__.py": "", "config/settings/base.py": "",
                               "config/settings/local.py": "", "config/settings/production.py": "",
                               "requirements.txt": "Django\n"})
    assert dp.describe(project)["settings_module"] == "config.settings.local"
    assert dp.describe(project, wanted_settings="config.settings.production")["settings_module"] == \
        "config.settings.production"


def test_a_settings_package_module_is_found_by_its_init(tmp_path):
    project = write(tmp_path, {"manage.py": MANAGE % "config.settings", "config/settings/__init__.py": "",
                               "requirements.txt": ""})
    assert dp.describe(project)["settings_module"] == "config.settings"


def test_a_settings_module_not_in_the_project_is_named(tmp_path):
    project = write(tmp_path, {"manage.py": MANAGE % "config.settings", "requirements.txt": ""})
    with pytest.raises(dp.ProjectProblem, match="settings module config.settings.production is not in the project"):
        dp.describe(project, wanted_settings="config.settings.production")


def test_manage_py_without_a_settings_module_asks_for_the_variable(tmp_path):
    project = write(tmp_path, {"manage.py": "print('hi')\n", "requirements.txt": ""})
    with pytest.raises(dp.ProjectProblem, match="set django_app_settings_module"):
        dp.describe(project)


def test_a_src_layout(tmp_path):
    project = write(tmp_path, {"src/manage.py": MANAGE % "shop.settings", "src/shop/settings.py": "",
                               "requirements.txt": "Django\n"})
    found = dp.describe(project)
    assert found["manage_dir"] == "src" and found["settings_module"] == "shop.settings"
    assert found["workdir"] == "/app/src"


def test_no_manage_py_is_named(tmp_path):
    with pytest.raises(dp.ProjectProblem, match="has no manage.py"):
        dp.describe(write(tmp_path, {"requirements.txt": ""}))


def test_nested_requirements_and_constraints_are_followed_relative_to_each_file(tmp_path):
    project = write(tmp_path, {
        "requirements.txt": "-r requirements/production.txt\n",
        "requirements/production.txt": "-r base.txt\n--constraint=../constraints.txt\ngunicorn\n",
        "requirements/base.txt": "-rcommon/pinned.txt\nDjango>=5.2  # the framework\n",
        "requirements/common/pinned.txt": "whitenoise==6.9.0\n",
        "constraints.txt": "asgiref<4\n",
        "requirements/local.txt": "-r base.txt\npytest\n",
    })
    files = dp.requirement_files(project, "requirements.txt")
    assert sorted(files) == ["constraints.txt", "requirements.txt", "requirements/base.txt",
                             "requirements/common/pinned.txt", "requirements/production.txt"]


def test_a_requirements_file_chosen_by_variable(tmp_path):
    project = write(tmp_path, {"manage.py": MANAGE % "s", "s.py": "", "requirements/production.txt": "-r base.txt\n",
                               "requirements/base.txt": "Django\n"})
    deps = dp.describe(project, requirements_file="requirements/production.txt")["dependencies"]
    assert deps["entry"] == "requirements/production.txt"
    assert sorted(deps["files"]) == ["deps/requirements/base.txt", "deps/requirements/production.txt"]


@pytest.mark.parametrize("line, message", [
    ("-r ../../outside.txt\n", "outside the project"),
    ("-r /etc/passwd\n", "outside the project"),
    ("-r https://example.com/req.txt\n", "a URL"),
    ("-r missing.txt\n", "missing.txt is missing"),
])
def test_includes_that_cannot_be_built_are_refused(tmp_path, line, message):
    project = write(tmp_path / "p", {"requirements.txt": line})
    with pytest.raises(dp.ProjectProblem, match=message):
        dp.requirement_files(project, "requirements.txt")


def test_an_include_through_a_symlink_out_of_the_project_is_refused(tmp_path):
    write(tmp_path / "elsewhere", {"secret.txt": "x\n"})
    project = write(tmp_path / "p", {"requirements.txt": "-r link.txt\n"})
    os.symlink(str(tmp_path / "elsewhere" / "secret.txt"), os.path.join(project, "link.txt"))
    with pytest.raises(dp.ProjectProblem, match="outside the project"):
        dp.requirement_files(project, "requirements.txt")


def test_the_projects_own_uwsgi_pin_is_dropped_in_any_file(tmp_path):
    project = write(tmp_path, {"requirements.txt": "-r base.txt\nuWSGI==2.0.28 --hash=sha256:ab\n",
                               "base.txt": "uwsgi\nuwsgitop\nDjango\n"})
    files = dp.requirement_files(project, "requirements.txt")
    assert files["base.txt"] == "# (djangodocker.deploy installs the server) uwsgi\nuwsgitop\nDjango\n"
    assert files["requirements.txt"].splitlines()[1].startswith("# (djangodocker.deploy installs the server)")


def test_pyproject_dependencies_become_a_requirements_file(tmp_path):
    project = write(tmp_path, {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["Django>=5.2", "uwsgi"]\n'})
    deps = dp.dependencies(project, "")
    assert deps["mode"] == "requirements" and deps["entry"] == "pyproject-requirements.txt"
    assert deps["files"]["deps/pyproject-requirements.txt"].splitlines()[0] == "Django>=5.2"


def test_a_pyproject_without_dependencies_metadata_is_named(tmp_path):
    project = write(tmp_path, {"pyproject.toml": '[project]\nname = "shop"\ndynamic = ["dependencies"]\n'})
    with pytest.raises(dp.ProjectProblem, match="no \\[project\\] dependencies list"):
        dp.dependencies(project, "")


def test_a_uv_lock_is_honoured(tmp_path):
    project = write(tmp_path, {"pyproject.toml": '[project]\nname = "s"\ndependencies = ["Django"]\n',
                               "uv.lock": "version = 1\n", "requirements.txt": "Django\n"})
    deps = dp.dependencies(project, "")
    assert deps["mode"] == "uv" and sorted(deps["files"]) == ["deps/pyproject.toml", "deps/uv.lock"]
    # An explicit requirements file still wins.
    assert dp.dependencies(project, "requirements.txt")["mode"] == "requirements"


def test_nothing_to_install_from_is_named(tmp_path):
    with pytest.raises(dp.ProjectProblem, match="no requirements.txt and no pyproject.toml"):
        dp.dependencies(write(tmp_path, {"manage.py": ""}), "")


def test_a_poetry_lock_is_honoured(tmp_path):
    project = write(tmp_path, {"pyproject.toml": '[tool.poetry]\nname = "s"\n', "poetry.lock": "[[package]]\n"})
    deps = dp.dependencies(project, "")
    assert deps["mode"] == "poetry" and sorted(deps["files"]) == ["deps/poetry.lock", "deps/pyproject.toml"]


def git_repo(folder, url):
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text(
        '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://example.invalid/fork.git\n'
        '[remote "origin"]\n\turl = %s\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n' % url)


def test_a_projects_identity_is_its_origin_and_folder_the_same_from_any_clone(tmp_path):
    from ansible_collections.djangodocker.deploy.plugins.module_utils.django_project import identity
    git_repo(tmp_path / "alice" / "repo", "https://bob:token@git.example.com/shop/backend.git")
    git_repo(tmp_path / "ci" / "repo", "https://git.example.com/shop/backend")
    (tmp_path / "alice" / "repo" / "services" / "api").mkdir(parents=True)
    (tmp_path / "ci" / "repo" / "services" / "api").mkdir(parents=True)
    alice = identity(str(tmp_path / "alice" / "repo" / "services" / "api"))
    assert alice == "git:https://git.example.com/shop/backend#services/api" and "token" not in alice
    assert identity(str(tmp_path / "ci" / "repo" / "services" / "api")) == alice
    assert identity(str(tmp_path / "alice" / "repo")) == "git:https://git.example.com/shop/backend#"
    # Another project in a folder of the same name is another identity; no repository, none.
    git_repo(tmp_path / "side" / "backend", "git@git.example.com:me/side-backend.git")
    assert identity(str(tmp_path / "side" / "backend")) == "git:git@git.example.com:me/side-backend#"
    (tmp_path / "plain" / "backend").mkdir(parents=True)
    assert identity(str(tmp_path / "plain" / "backend")) == ""


def test_a_worktrees_identity_comes_from_its_common_git_folder(tmp_path):
    from ansible_collections.djangodocker.deploy.plugins.module_utils.django_project import identity
    git_repo(tmp_path / "repo", "https://git.example.com/shop/backend.git")
    worktree_git = tmp_path / "repo" / ".git" / "worktrees" / "wt"
    worktree_git.mkdir(parents=True)
    (worktree_git / "commondir").write_text("../..\n")
    (tmp_path / "wt").mkdir()
    (tmp_path / "wt" / ".git").write_text("gitdir: %s\n" % worktree_git)
    assert identity(str(tmp_path / "wt")) == "git:https://git.example.com/shop/backend#"
