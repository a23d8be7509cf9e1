"""The app image's interface: what the build commands' stage installs."""

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import build_tools


def test_compilemessages_gets_gettext_and_the_build_packages_come_along():
    assert build_tools(["compilemessages"], ["gcc"]) == ["gettext", "gcc"]
    assert build_tools(["compilemessages --locale de"], []) == ["gettext"]
    assert build_tools(["compress"], ["gcc"]) == ["gcc"]
    assert build_tools(["compilemessagesx"], []) == []


def test_no_build_command_no_tools():
    assert build_tools([], ["gcc"]) == []
