"""docker_ce_state: what the host holds, and the one decision whether it is in place."""

import copy

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import docker_ce_state as state

PINNED = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88"
KEYRING = "/etc/apt/keyrings/docker.asc"
SOURCE = "/etc/apt/sources.list.d/docker.sources"
ROOT_FILE = {"dir": False, "mode": "0644", "uid": 0, "gid": 0}
REPO = "http://mirror/docker-ce/linux/debian"
FIELDS = state.wanted_source(REPO, "bookworm", "stable", "amd64", KEYRING)


def package(version="5:28.0.4-1", selection="install", installed=True):
    return {"version": version, "selection": selection, "installed": installed}


WANT = {
    "fingerprint": PINNED,
    "keyring": KEYRING,
    "source_file": SOURCE,
    "source_fields": FIELDS,
    "packages": ["docker-ce", "docker-ce-cli", "containerd.io", "gpg"],
    "version": "",
    "absent_packages": ["docker.io"],
    "users": ["deploy"],
}

HOST = {
    "keyring": {"primary": [PINNED], "subkeys": ["ABCD" * 10]},
    "files": {KEYRING: ROOT_FILE, SOURCE: ROOT_FILE},
    "source": dict(FIELDS),
    "packages": {name: package() for name in ["docker-ce", "docker-ce-cli", "containerd.io", "gpg"]},
    "service_active": True,
    "service_enabled": True,
    "docker_group": ["deploy"],
    "legacy_sources": [],
}


def changed(**changes):
    host = copy.deepcopy(HOST)
    host.update(changes)
    return host


def test_a_converged_host_is_in_place():
    assert state.decide(HOST, WANT) == []


@pytest.mark.parametrize("host, reason", [
    (changed(keyring=None), "key ring /etc/apt/keyrings/docker.asc is missing"),
    (changed(keyring={"primary": [PINNED, "E" * 40], "subkeys": []}), "not only the pinned"),
    (changed(keyring={"primary": ["E" * 40], "subkeys": [PINNED]}), "not only the pinned"),
    (changed(keyring={"primary": [], "subkeys": []}), "holds primary keys none"),
    (changed(files={KEYRING: dict(ROOT_FILE, mode="0600"), SOURCE: ROOT_FILE}), "has mode 0600, not 0644"),
    (changed(files={KEYRING: ROOT_FILE, SOURCE: dict(ROOT_FILE, uid=1000)}), "has uid 1000, not 0"),
    (changed(source=None), "source /etc/apt/sources.list.d/docker.sources is missing"),
    (changed(source=dict(FIELDS, URIs="https://download.docker.com/linux/debian")), "the source's URIs is"),
    (changed(source=dict(FIELDS, **{"Signed-By": "/usr/share/keyrings/other.gpg"})), "the source's Signed-By"),
    (changed(legacy_sources=[{"file": "/etc/apt/sources.list", "line": "deb x"}]), "still has the one-line source"),
    (changed(globally_trusted=["/etc/apt/trusted.gpg"]), "(apt-key) makes apt trust the pinned key"),
    (changed(packages={k: v for k, v in HOST["packages"].items() if k != "docker-ce-cli"}),
     "package docker-ce-cli is not installed"),
    (changed(packages=dict(HOST["packages"], **{"containerd.io": package(installed=False)})),
     "package containerd.io is not installed"),
    (changed(packages=dict(HOST["packages"], **{"docker.io": package()})), "conflicting package docker.io"),
    (changed(packages=dict(HOST["packages"], **{"docker-ce": package(selection="hold")})),
     "docker-ce is marked hold, not install"),
    (changed(service_active=False), "is not running"),
    (changed(service_enabled=False), "does not start at boot"),
    (changed(docker_group=[]), "user deploy is not in the docker group"),
])
def test_each_drift_is_found_and_named(host, reason):
    reasons = state.decide(host, WANT)
    assert len(reasons) == 1
    assert reason in reasons[0]


def test_a_pinned_version_must_match_and_be_held():
    want = dict(WANT, version="5:27.0.0-1")
    reasons = state.decide(HOST, want)
    assert "docker-ce is 5:28.0.4-1, not the pinned 5:27.0.0-1" in reasons
    assert "docker-ce-cli is marked install, not hold" in reasons
    held = changed(packages=dict(HOST["packages"], **{
        "docker-ce": package("5:27.0.0-1", "hold"), "docker-ce-cli": package("5:27.0.0-1", "hold")}))
    assert state.decide(held, want) == []


def test_a_conflicting_package_dpkg_only_remembers_is_no_conflict():
    host = changed(packages=dict(HOST["packages"], **{"docker.io": package(selection="other", installed=False)}))
    assert state.decide(host, WANT) == []


def test_dpkg_query_output_is_read():
    out = "docker-ce\t5:28.0.4-1\thi \ndocker.io\t20.10\trc \ncontainerd.io\t1.7\tii \n"
    assert state.parse_dpkg(out) == {
        "docker-ce": package("5:28.0.4-1", "hold"),
        "docker.io": package("20.10", "other", installed=False),
        "containerd.io": package("1.7"),
    }


def test_a_deb822_source_is_read():
    text = "# comment\nTypes: deb\nURIs: http://m/linux/debian\nSuites: bookworm\n  continued\nSigned-By: /k.asc\n"
    assert state.deb822_fields(text) == {
        "Types": "deb", "URIs": "http://m/linux/debian", "Suites": "bookworm", "Signed-By": "/k.asc"}
    assert state.deb822_fields(None) is None


def test_os_release_is_read():
    text = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nNAME="Debian GNU/Linux"\n'
    assert state.os_release(text) == {"id": "debian", "version": "12", "codename": "bookworm"}
    assert state.os_release(None) == {"id": "", "version": "", "codename": ""}


def test_legacy_one_line_sources_are_found():
    files = {
        "/etc/apt/sources.list": (
            "deb http://deb.debian.org/debian bookworm main\n"
            "deb [arch=amd64] https://mirrors.aliyun.com/docker-ce/linux/ubuntu jammy stable\n"
            "# deb [arch=amd64] https://download.docker.com/linux/debian bookworm stable\n"),
        "/etc/apt/sources.list.d/archive_uri-http_mirror.list": "deb [arch=amd64] http://mirror/docker-ce/linux/debian bookworm stable\n",
    }
    found = state.legacy_sources(files, REPO)
    assert [f["file"] for f in found] == [
        "/etc/apt/sources.list", "/etc/apt/sources.list.d/archive_uri-http_mirror.list"]
    assert "aliyun" in found[0]["line"]


def test_group_members_are_read():
    assert state.group_members("docker:x:999:deploy,ci\n") == ["deploy", "ci"]
    assert state.group_members("docker:x:999:\n") == []
    assert state.group_members("") == []


def test_the_repository_follows_the_distribution():
    assert state.repo_url_for("https://mirrors.aliyun.com/docker-ce/", "ubuntu") == \
        "https://mirrors.aliyun.com/docker-ce/linux/ubuntu"


def test_the_source_text_holds_the_wanted_fields_and_reads_back():
    fields = state.wanted_source("http://m/linux/debian", "bookworm", "stable", "amd64", "/etc/apt/keyrings/docker.asc")
    text = state.source_text(fields)
    assert state.deb822_fields(text) == fields
    assert text.endswith("\n")


def _pkg(installed=True, selection="install"):
    return {"version": "1", "selection": selection, "installed": installed}


def test_a_selection_step_only_for_a_pinned_version_or_a_hold_to_release():
    assert not state.selection_needed({}, "")
    assert not state.selection_needed({"docker-ce": _pkg(), "docker-ce-cli": _pkg()}, "")
    assert state.selection_needed({}, "5:28.0.0-1~debian.12~bookworm")
    assert state.selection_needed({"docker-ce": _pkg(selection="hold")}, "")
    # A hold dpkg only remembers (package removed) is not released by apt.
    assert not state.selection_needed({"docker-ce": _pkg(installed=False, selection="hold")}, "")
    assert not state.selection_needed({"containerd.io": _pkg(selection="hold")}, "")


def test_installed_names_skip_what_dpkg_only_remembers():
    assert state.installed_names({"gpg": _pkg(), "docker.io": _pkg(installed=False)}) == {"gpg"}


def test_the_mirror_probe_asks_for_the_key_and_the_release_file():
    targets = state.mirror_targets("http://m/docker-ce/linux/debian", "bookworm")
    assert [t["url"] for t in targets] == ["http://m/docker-ce/linux/debian/gpg",
                                           "http://m/docker-ce/linux/debian/dists/bookworm/Release"]
    assert [t["name"] for t in targets] == ["docker-ce signing key", "docker-ce repository"]


def run_main(monkeypatch, capsys, host, **args):
    import json
    from ansible.module_utils.testing import patch_module_args
    monkeypatch.setattr(state, "read_host", lambda params: (
        {"id": "debian", "version": "12", "codename": "bookworm"}, "amd64", REPO, host))
    asked = []
    monkeypatch.setattr(state, "probe_all", lambda targets, timeout: asked.extend(targets) or [
        dict(target, reason="connection refused") for target in targets])
    with patch_module_args(dict({"mirror_url": "http://mirror/docker-ce", "fingerprint": PINNED, "keyring": KEYRING,
                                 "source_file": SOURCE, "packages": WANT["packages"]}, **args)):
        with pytest.raises(SystemExit):
            state.main()
    return json.loads(capsys.readouterr().out), asked


def test_a_dead_mirror_fails_naming_both_urls_when_something_is_to_be_done(monkeypatch, capsys):
    result, asked = run_main(monkeypatch, capsys, changed(keyring=None, globally_trusted=[]), mirror_timeout=3,
                             supported=SUPPORTED)
    assert result["failed"]
    assert "docker-ce signing key %s/gpg: connection refused" % REPO in result["msg"]
    assert "docker-ce repository %s/dists/bookworm/Release" % REPO in result["msg"]
    assert len(asked) == 2


def test_the_mirror_is_not_asked_when_everything_is_in_place(monkeypatch, capsys):
    result, asked = run_main(monkeypatch, capsys, changed(globally_trusted=[]), mirror_timeout=3)
    assert result["in_place"] and not asked
    assert result["setup_missing"] == [] and result["conflicting_installed"] == []


SUPPORTED = {"debian": ["bookworm", "trixie"], "ubuntu": ["noble"], "architectures": ["amd64", "arm64"]}


def test_support_is_by_distribution_release_and_architecture():
    debian12 = {"id": "debian", "version": "12", "codename": "bookworm"}
    assert state.is_supported(SUPPORTED, debian12, "amd64")
    assert not state.is_supported(SUPPORTED, debian12, "armhf")
    assert not state.is_supported(SUPPORTED, {"id": "ubuntu", "version": "18.04", "codename": "bionic"}, "amd64")
    # A codename of another distribution does not count.
    assert not state.is_supported(SUPPORTED, {"id": "ubuntu", "version": "", "codename": "bookworm"}, "amd64")


def test_an_unsupported_host_is_reported_and_its_mirror_not_asked(monkeypatch, capsys):
    result, asked = run_main(monkeypatch, capsys, changed(keyring=None, globally_trusted=[]), mirror_timeout=3,
                             supported={"debian": ["trixie"], "architectures": ["amd64"]})
    assert result["supported"] is False and not asked and not result.get("failed")
