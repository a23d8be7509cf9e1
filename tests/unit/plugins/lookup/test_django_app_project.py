"""The django_app_project lookup: the project's layout, or a clear error."""

import pytest

from ansible.errors import AnsibleLookupError
from ansible_collections.djangodocker.deploy.plugins.lookup.django_app_project import LookupModule


def test_the_layout_of_a_project(tmp_path):
    (tmp_path / "manage.py").write_text("os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "settings.py").write_text("")
    (tmp_path / "requirements.txt").write_text("Django\n")
    [found] = LookupModule().run([str(tmp_path)], variables={})
    assert found["settings_module"] == "site.settings"
    assert found["dependencies"]["files"] == {"deps/requirements.txt": "Django\n"}


def test_a_problem_is_a_lookup_error_with_its_message(tmp_path):
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "requirements.txt").write_text("-r ../up.txt\n")
    with pytest.raises(AnsibleLookupError, match="set django_app_settings_module"):
        LookupModule().run([str(tmp_path)], variables={})
    with pytest.raises(AnsibleLookupError, match="outside the project"):
        LookupModule().run([str(tmp_path)], variables={}, settings_module="manage")
