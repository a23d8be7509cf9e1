"""site_maintenance: a file Nginx looks for, made or removed; unknown or old sites refused with nothing changed."""

import os

from ansible_collections.djangodocker.deploy.plugins.modules import site_maintenance as module


def host(tmp_path, sites=("alpha", "beta"), old=()):
    conf, files = tmp_path / "conf.d", tmp_path / "sites"
    conf.mkdir()
    files.mkdir()
    for site in sites:
        (files / site).mkdir()
        text = "server {}\n" if site in old else "if (-f /srv/sites/%s/maintenance/busy) { return 503; }\n" % site
        (conf / ("site-%s.conf" % site)).write_text(text)
    (conf / "djangodocker.conf").write_text("")
    return str(conf), str(files)


def test_on_makes_the_flag_and_the_page_off_removes_the_flag_only(tmp_path):
    conf, files = host(tmp_path)
    assert module.switch("beta", "on", files, "<p>Back at six</p>", False)
    assert os.path.isfile(os.path.join(files, "beta", "maintenance", "on"))
    with open(os.path.join(files, "beta", "maintenance", "page.html")) as handle:
        assert handle.read() == "<p>Back at six</p>"
    assert not module.switch("beta", "on", files, "<p>Back at six</p>", False)
    assert module.switch("beta", "off", files, "", False)
    assert not os.path.exists(os.path.join(files, "beta", "maintenance", "on"))
    assert not module.switch("beta", "off", files, "", False)
    # On again without a page: the default one (the old page goes).
    assert module.switch("beta", "on", files, "", False)
    assert not os.path.exists(os.path.join(files, "beta", "maintenance", "page.html"))


def test_check_mode_changes_nothing(tmp_path):
    conf, files = host(tmp_path)
    assert module.switch("alpha", "on", files, "", True)
    assert not os.path.exists(os.path.join(files, "alpha", "maintenance"))


def test_every_site_by_default_and_unknown_or_old_sites_are_refused(tmp_path):
    conf, files = host(tmp_path, old=("gamma",), sites=("alpha", "beta", "gamma"))
    assert module.host_sites(conf) == ["alpha", "beta", "gamma"]
    assert module.problems(["alpha"], module.host_sites(conf), conf) == []
    assert module.problems(["delta"], module.host_sites(conf), conf) == [
        "no site delta on this host (its sites: alpha, beta, gamma)"]
    assert "gamma was written by an earlier version" in module.problems([], module.host_sites(conf), conf)[0]
    assert "there is no site" in module.problems([], [], str(tmp_path / "none"))[0]


def test_a_jobs_switch_and_the_users_are_apart(tmp_path):
    conf, files = host(tmp_path)
    assert module.switch("beta", "on", files, "", False, "user")
    assert module.switch("beta", "on", files, "", False, "busy")
    assert module.switch("beta", "off", files, "", False, "busy")
    assert os.path.isfile(os.path.join(files, "beta", "maintenance", "on"))
    assert not os.path.exists(os.path.join(files, "beta", "maintenance", "busy"))
