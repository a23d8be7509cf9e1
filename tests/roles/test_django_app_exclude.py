"""The role's default exclude list keeps the secrets a project may hold in its tree out of the image."""

import importlib.util
import pathlib

import yaml

ROOT = pathlib.Path(__file__).parents[2]
spec = importlib.util.spec_from_file_location("project_pack", ROOT / "plugins/module_utils/project_pack.py")
project_pack = importlib.util.module_from_spec(spec)
spec.loader.exec_module(project_pack)
DEFAULTS = yaml.safe_load((ROOT / "roles/django_app/defaults/main.yml").read_text())


def test_secret_files_are_excluded_by_default():
    patterns = DEFAULTS["django_app_exclude"]
    for name in (".env", ".env.production", "server.pem", "tls.key", "local_settings.py"):
        assert project_pack.excluded(name, patterns), name
    for name in ("settings.py", "keys.py", "manage.py", "requirements.txt"):
        assert not project_pack.excluded(name, patterns), name


def test_a_project_with_secrets_in_its_tree_packs_none_of_them(tmp_path):
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "settings.py").write_text("")
    for secret in (".env.production", "server.pem", "tls.key", "mysite/local_settings.py"):
        (tmp_path / secret).write_text("SECRET")
    packed = [name for name, dummy in project_pack.project_files(str(tmp_path), DEFAULTS["django_app_exclude"])]
    assert packed == ["manage.py", "mysite/settings.py"]
