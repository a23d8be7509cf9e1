"""docker_daemon_config: merge, validate, write atomically, and know when to restart."""

import json
import os
import time

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import docker_daemon_config as module


@pytest.fixture
def paths(tmp_path, monkeypatch):
    # No engine here: nothing to validate with, and no unit that started.
    monkeypatch.setattr(module, "engine_started_at", lambda service: None)
    monkeypatch.setattr(module.AnsibleModule, "get_bin_path", lambda self, name, *a, **k: None)
    monkeypatch.setattr(module, "select", lambda mirrors, images, configured, timeout: (list(mirrors), [], None))
    return {"path": str(tmp_path / "docker" / "daemon.json"),
            "proxy_dropin": str(tmp_path / "docker.service.d" / "http-proxy.conf")}


def test_merge_keeps_other_keys_and_replaces_the_managed_ones():
    current = {"registry-mirrors": ["http://old"], "debug": True, "log-driver": "journald"}
    assert module.merged_config(current, {"log-driver": "json-file"}, ["registry-mirrors"], True) == {
        "debug": True, "log-driver": "json-file"}
    assert module.merged_config(current, {"ipv6": False}, [], False) == {"ipv6": False}


def test_the_proxy_dropin_escapes_what_systemd_would_read_as_specifiers():
    text = module.dropin_text({"http_proxy": "http://user:p%40ss@proxy:3128", "no_proxy": "localhost"})
    assert 'Environment="HTTP_PROXY=http://user:p%%40ss@proxy:3128"' in text
    assert 'Environment="NO_PROXY=localhost"' in text
    assert "HTTPS_PROXY" not in text
    assert module.systemd_quote('a"b\\c') == 'a\\"b\\\\c'


def test_an_engine_older_than_its_files_is_stale(tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text("{}")
    assert module.stale_engine(time.time() - 60, [str(path), str(tmp_path / "absent")])
    assert not module.stale_engine(time.time() + 60, [str(path)])
    assert not module.stale_engine(None, [str(path)])


def test_first_write_then_nothing_to_do(paths, run_module, capsys):
    args = dict(paths, options={"registry-mirrors": ["http://mirror:5000"]})
    first = run_module(module.main, args, capsys)
    assert first["changed"] and first["config_changed"] and first["restart_needed"]
    assert first["previous_config_existed"] is False
    assert json.load(open(paths["path"])) == {"registry-mirrors": ["http://mirror:5000"]}
    assert oct(os.stat(paths["path"]).st_mode & 0o777) == "0o644"
    second = run_module(module.main, args, capsys)
    assert not second["changed"] and not second["restart_needed"] and second["reasons"] == []


def test_check_mode_writes_nothing(paths, run_module, capsys):
    result = run_module(module.main, dict(paths, options={"debug": True}, _ansible_check_mode=True,
                                          proxy={"http_proxy": "http://p:3128"}), capsys)
    assert result["changed"] and result["dropin_changed"]
    assert not os.path.exists(paths["path"]) and not os.path.exists(paths["proxy_dropin"])


def test_a_changed_file_is_backed_up_and_diffed(paths, run_module, capsys):
    os.makedirs(os.path.dirname(paths["path"]))
    with open(paths["path"], "w") as handle:
        handle.write('{"registry-mirrors": ["http://old"], "debug": true}')
    result = run_module(module.main, dict(paths, options={"registry-mirrors": ["http://new"]},
                                          _ansible_diff=True), capsys)
    assert result["config"] == {"registry-mirrors": ["http://new"], "debug": True}
    assert open(result["backup_file"]).read() == '{"registry-mirrors": ["http://old"], "debug": true}'
    assert '"http://old"' in result["diff"]["before"] and '"http://new"' in result["diff"]["after"]


@pytest.mark.parametrize("text, message", [
    ("\ufeff{}", "byte order mark"),
    ("", "is empty"),
    ('{\n  // a comment\n  "debug": true\n}', "JSON has no comments"),
    ("[1, 2]", "not an object"),
])
def test_a_hand_edited_file_docker_rejects_is_a_clear_error(paths, run_module, capsys, text, message):
    os.makedirs(os.path.dirname(paths["path"]))
    with open(paths["path"], "w", encoding="utf-8") as handle:
        handle.write(text)
    result = run_module(module.main, dict(paths, options={"debug": True}), capsys)
    assert result["failed"] and message in result["msg"] and paths["path"] in result["msg"]
    assert open(paths["path"], encoding="utf-8").read() == text


def test_a_rejected_configuration_is_not_written(paths, run_module, capsys, monkeypatch):
    monkeypatch.setattr(module, "validate_with_dockerd", lambda mod, text: "unknown directive bogus")
    result = run_module(module.main, dict(paths, options={"bogus": 1}), capsys)
    assert result["failed"] and "unknown directive bogus" in result["msg"]
    assert not os.path.exists(paths["path"])


def test_the_proxy_dropin_is_made_private_and_removed_when_unwanted(paths, run_module, capsys):
    proxy = {"https_proxy": "http://user:secret@proxy:3128"}
    first = run_module(module.main, dict(paths, proxy=proxy), capsys)
    assert first["dropin_changed"] and first["restart_needed"]
    assert oct(os.stat(paths["proxy_dropin"]).st_mode & 0o777) == "0o640"
    assert "secret" not in json.dumps(first)
    assert not run_module(module.main, dict(paths, proxy=proxy), capsys)["changed"]
    gone = run_module(module.main, dict(paths), capsys)
    assert gone["dropin_changed"] and not os.path.exists(paths["proxy_dropin"])


def test_an_unknown_proxy_key_is_refused(paths, run_module, capsys):
    result = run_module(module.main, dict(paths, proxy={"ftp_proxy": "http://proxy.internal:3128"}), capsys)
    assert result["failed"] and "ftp_proxy" in result["msg"]


def test_a_run_that_died_before_the_restart_is_finished(paths, run_module, capsys, monkeypatch):
    run_module(module.main, dict(paths, options={"debug": True}), capsys)
    monkeypatch.setattr(module, "engine_started_at", lambda service: time.time() - 3600)
    result = run_module(module.main, dict(paths, options={"debug": True}), capsys)
    assert not result["changed"] and result["restart_needed"]
    assert "the engine runs with another configuration" in result["reasons"][0]


def test_default_log_options_do_not_replace_the_hosts_own_driver():
    defaults = {"log-driver": "json-file", "log-opts": {"max-size": "10m"}}
    assert module.merged_config({"log-driver": "journald"}, {}, [], True, defaults) == {"log-driver": "journald"}
    assert module.merged_config({"log-driver": "json-file"}, {}, [], True, defaults) == defaults
    assert module.merged_config({}, {}, [], True, defaults) == defaults
    # Options the user sets explicitly always win.
    assert module.merged_config({"log-driver": "journald"}, {"log-driver": "local"}, [], True, defaults) == {
        "log-driver": "local"}


def test_no_serving_registry_mirror_fails_before_anything_is_written(paths, run_module, capsys, monkeypatch):
    seen = []

    def none_serves(mirrors, images, configured, timeout):
        seen.append((mirrors, images, configured))
        return [], ["Registry mirror https://dead.example is left out of daemon.json: timed out."], \
            "No registry mirror serves the images this play pulls: https://dead.example: timed out"

    monkeypatch.setattr(module, "select", none_serves)
    args = dict(paths, registry_mirrors=["https://dead.example"], mirror_images=["python:3.13-slim"])
    result = run_module(module.main, args, capsys)
    assert result["failed"] and "https://dead.example: timed out" in result["msg"]
    assert seen == [(["https://dead.example"], ["python:3.13-slim"], [])]
    assert not os.path.exists(paths["path"])
    warned = run_module(module.main, dict(args, mirror_check="warn"), capsys)
    assert warned["changed"] and json.load(open(paths["path"]))["registry-mirrors"] == ["https://dead.example"]
    assert "dead.example" in str(warned["warnings"])


def test_only_the_serving_mirrors_are_written_and_each_left_out_is_warned(paths, run_module, capsys, monkeypatch):
    def live_only(mirrors, images, configured, timeout):
        return [m for m in mirrors if "live" in m], ["Registry mirror %s is left out" % m for m in mirrors
                                                     if "live" not in m], None

    monkeypatch.setattr(module, "select", live_only)
    result = run_module(module.main, dict(paths, registry_mirrors=["http://dead", "http://live"]), capsys)
    assert result["registry_mirrors"] == ["http://live"]
    assert json.load(open(paths["path"]))["registry-mirrors"] == ["http://live"]
    assert result["mirror_warnings"] == ["Registry mirror http://dead is left out"]
    assert "Registry mirror http://dead is left out" in str(result["warnings"])
    # An empty list takes the key out.
    emptied = run_module(module.main, dict(paths, registry_mirrors=[]), capsys)
    assert emptied["changed"] and "registry-mirrors" not in json.load(open(paths["path"]))


def test_the_mirrors_in_daemon_json_are_the_configured_ones(paths, run_module, capsys, monkeypatch):
    seen = []
    monkeypatch.setattr(module, "select", lambda m, i, configured, t: seen.append(configured) or (list(m), [], None))
    run_module(module.main, dict(paths, registry_mirrors=["http://a"]), capsys)
    run_module(module.main, dict(paths, registry_mirrors=["http://a", "http://b"]), capsys)
    assert seen == [[], ["http://a"]]


@pytest.mark.parametrize("before, after, action", [
    ({"registry-mirrors": ["http://a"]}, {"registry-mirrors": ["http://b"]}, "reload"),
    ({"debug": False}, {"debug": True, "registry-mirrors": ["http://b"]}, "reload"),
    ({"registry-mirrors": ["http://a"]}, {}, "restart"),
    ({"registry-mirrors": ["http://a"]}, {"registry-mirrors": ["http://a"], "mtu": 1400}, "restart"),
    ({"mtu": 1400}, {"mtu": 1400}, None),
])
def test_only_reloadable_changes_with_no_key_taken_out_reload(before, after, action):
    assert module.engine_action(module.config_text(before), module.config_text(after)) == action
    assert module.engine_action(None, module.config_text(after)) == "restart"


def test_a_mirror_change_reloads_the_engine_that_took_the_stamped_file(paths, run_module, capsys, monkeypatch):
    stamp = paths["path"] + ".applied"
    args = dict(paths, registry_mirrors=["http://a"], applied_stamp=stamp)
    first = run_module(module.main, args, capsys)
    assert first["restart_needed"] and not first["applied"]
    with open(stamp, "w") as handle:
        handle.write(open(paths["path"]).read())
    # The engine has run since long before the file was written: the stamp, not the time, tells.
    monkeypatch.setattr(module, "engine_started_at", lambda service: time.time() - 3600)
    settled = run_module(module.main, args, capsys)
    assert not settled["changed"] and settled["applied"]
    assert not settled["restart_needed"] and not settled["reload_needed"]
    changed = run_module(module.main, dict(args, registry_mirrors=["http://b"]), capsys)
    assert changed["reload_needed"] and not changed["restart_needed"] and not changed["applied"]
    # A run that died before its reload: the file is right, the engine is not.
    again = run_module(module.main, dict(args, registry_mirrors=["http://b"]), capsys)
    assert not again["changed"] and again["reload_needed"]
    assert again["reasons"] == ["the engine runs with another configuration than %s" % paths["path"]]


def test_the_previous_dropin_is_kept_for_the_rescue(paths, run_module, capsys):
    run_module(module.main, dict(paths, proxy={"http_proxy": "http://old.internal:3128"}), capsys)
    result = run_module(module.main, dict(paths, proxy={"http_proxy": "http://new.internal:3128"}), capsys)
    assert result["previous_dropin_existed"]
    assert "old.internal" in open(result["dropin_backup_file"]).read()


def test_owning_the_whole_file_never_drops_a_hand_set_data_root(paths, run_module, capsys):
    os.makedirs(os.path.dirname(paths["path"]))
    with open(paths["path"], "w") as handle:
        handle.write('{"data-root": "/data/docker", "debug": true}\n')
    refused = run_module(module.main, dict(paths, options={"debug": False}, merge=False), capsys)
    assert refused["failed"] and 'data-root "/data/docker"' in refused["msg"] and "docker_daemon_options" in refused["msg"]
    with open(paths["path"]) as handle:
        assert "/data/docker" in handle.read()
    kept = run_module(module.main, dict(paths, options={"data-root": "/data/docker"}, merge=False), capsys)
    assert kept["changed"] and kept["config"] == {"data-root": "/data/docker"}
