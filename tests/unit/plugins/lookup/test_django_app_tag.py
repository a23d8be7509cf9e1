"""The django_app_tag lookup: the image tag from the project and the generated files."""

import pytest

from ansible.errors import AnsibleLookupError
from ansible_collections.djangodocker.deploy.plugins.lookup.django_app_tag import LookupModule
from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import image_tag, project_checksum


@pytest.fixture
def lookup():
    return LookupModule()


def test_the_tag_is_the_one_the_context_is_checked_against(tmp_path, lookup):
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "skip.pyc").write_text("")
    (tmp_path / "logo.png").write_text("")
    files = {"Dockerfile": "FROM python\n"}
    [result] = lookup.run([str(tmp_path)], variables={}, exclude=["*.pyc"], code=["*.py"], files=files)
    sha256, count = project_checksum(str(tmp_path), ["*.pyc"], ["*.py"])
    assert result == {"tag": image_tag(sha256, files), "sha256": sha256, "files": count}
    assert count == 2
    # The same files split otherwise are another image.
    [other] = lookup.run([str(tmp_path)], variables={}, exclude=["*.pyc"], files=files)
    assert other["tag"] != result["tag"]


def test_a_missing_project_is_a_clear_error(tmp_path, lookup):
    with pytest.raises(AnsibleLookupError, match="is not a folder"):
        lookup.run([str(tmp_path / "nothing")], variables={})
