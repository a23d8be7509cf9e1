"""docker_ce_signing_key: only the pinned primary key is ever trusted."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils.openpgp import KeyProblem, key_fingerprints, pinned_key
from ansible_collections.djangodocker.deploy.plugins.modules import docker_ce_signing_key as module


def test_the_pinned_key_is_taken_alone_from_a_file_with_another(gpg_keys):
    served = gpg_keys["pinned"]["armor"] + gpg_keys["other"]["armor"]
    key, found = pinned_key(served, gpg_keys["pinned"]["fpr"], "http://m/gpg")
    assert found["primary"] == [gpg_keys["pinned"]["fpr"], gpg_keys["other"]["fpr"]]
    assert key_fingerprints(key)["primary"] == [gpg_keys["pinned"]["fpr"]]


def test_a_file_without_the_pinned_key_is_refused(gpg_keys):
    with pytest.raises(KeyProblem) as error:
        pinned_key(gpg_keys["other"]["armor"], gpg_keys["pinned"]["fpr"], "http://m/gpg")
    assert gpg_keys["other"]["fpr"] in str(error.value)
    assert "Nothing was written" in str(error.value)


def test_a_subkey_fingerprint_does_not_satisfy_the_pin(gpg_keys):
    with pytest.raises(KeyProblem) as error:
        pinned_key(gpg_keys["pinned"]["armor"], gpg_keys["pinned"]["sub"], "http://m/gpg")
    assert "only a subkey" in str(error.value)


@pytest.fixture
def serve(monkeypatch):
    """Make the module download DATA instead of reaching a mirror."""

    def serve(data, status=200):
        class Response:
            def read(self):
                return data

        answer = (Response() if status == 200 else None, {"status": status, "msg": "Not Found"})
        monkeypatch.setattr(module, "fetch_url", lambda *a, **k: answer)

    return serve


@pytest.fixture(autouse=True)
def no_global_keyrings(monkeypatch):
    monkeypatch.setattr(module, "global_keyrings_with", lambda fingerprint: [])


def test_the_module_writes_the_pinned_key_once(gpg_keys, serve, tmp_path, run_module, capsys):
    serve(gpg_keys["pinned"]["armor"] + gpg_keys["other"]["armor"])
    dest = tmp_path / "keyrings" / "docker.asc"
    args = {"url": "http://m/gpg", "fingerprint": gpg_keys["pinned"]["fpr"].lower(), "dest": str(dest)}
    checked = run_module(module.main, dict(args, _ansible_check_mode=True), capsys)
    assert checked["changed"] and not dest.exists()
    first = run_module(module.main, args, capsys)
    assert first["changed"]
    assert first["left_out"] == [gpg_keys["other"]["fpr"]]
    assert key_fingerprints(dest.read_bytes())["primary"] == [gpg_keys["pinned"]["fpr"]]
    assert oct(dest.stat().st_mode & 0o777) == "0o644"
    assert run_module(module.main, args, capsys)["changed"] is False


def test_a_keyring_that_gained_a_key_is_rewritten(gpg_keys, serve, tmp_path, run_module, capsys):
    serve(gpg_keys["pinned"]["armor"])
    dest = tmp_path / "docker.asc"
    dest.write_bytes(gpg_keys["pinned"]["armor"] + gpg_keys["other"]["armor"])
    dest.chmod(0o644)
    result = run_module(module.main, {"url": "http://m/gpg", "fingerprint": gpg_keys["pinned"]["fpr"],
                                      "dest": str(dest)}, capsys)
    assert result["changed"]
    assert key_fingerprints(dest.read_bytes())["primary"] == [gpg_keys["pinned"]["fpr"]]


def test_a_wrong_key_writes_nothing(gpg_keys, serve, tmp_path, run_module, capsys):
    serve(gpg_keys["other"]["armor"])
    dest = tmp_path / "docker.asc"
    result = run_module(module.main, {"url": "http://m/gpg", "fingerprint": gpg_keys["pinned"]["fpr"],
                                      "dest": str(dest)}, capsys)
    assert result["failed"] and "Nothing was written" in result["msg"]
    assert not dest.exists()


def test_a_dead_mirror_is_a_clear_error(serve, tmp_path, run_module, capsys):
    serve(b"", status=404)
    result = run_module(module.main, {"url": "http://m/gpg", "fingerprint": "A" * 40,
                                      "dest": str(tmp_path / "k.asc")}, capsys)
    assert result["failed"] and "Could not download the signing key from http://m/gpg: 404" in result["msg"]


def test_check_mode_on_a_host_without_gpg_reports_instead_of_failing(serve, tmp_path, run_module, capsys,
                                                                     monkeypatch, gpg_keys):
    serve(gpg_keys["pinned"]["armor"])
    monkeypatch.setattr(module.AnsibleModule, "get_bin_path", lambda self, name, *a, **k: None)
    result = run_module(module.main, {"url": "http://m/gpg", "fingerprint": gpg_keys["pinned"]["fpr"],
                                      "dest": str(tmp_path / "k.asc"), "_ansible_check_mode": True}, capsys)
    assert result["changed"] and "gpg is not installed yet" in result["reasons"][0]
    assert not (tmp_path / "k.asc").exists()
