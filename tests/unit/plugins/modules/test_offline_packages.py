"""offline_packages: which files of the folder are installed."""

from ansible_collections.djangodocker.deploy.plugins.modules.offline_packages import to_install


def test_only_packages_the_host_lacks_are_installed_whatever_their_version():
    files = {"/d/docker-ce.deb": ("docker-ce", "5:26.1"), "/d/libc6.deb": ("libc6", "2.41"),
             "/d/iptables.deb": ("iptables", "1.8")}
    assert to_install(files, {"libc6", "iptables"}) == ["/d/docker-ce.deb"]
    assert to_install(files, {"docker-ce", "libc6", "iptables"}) == []
