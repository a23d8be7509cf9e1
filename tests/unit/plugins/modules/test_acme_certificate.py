"""acme_certificate: the options checked before anything changes, and the files kept for lego."""

import json
import os
import stat

from ansible_collections.djangodocker.deploy.plugins.modules import acme_certificate


def params(tmp_path, **changes):
    p = {"site": "mysite", "domains": ["www.example.com"], "email": "ops@example.com",
         "directory": "https://ca.example/dir", "challenge": "http", "dns_provider": "", "dns_env": {},
         "dns_resolvers": [], "dns_propagation_wait": 0, "renew_days": 0, "key_type": "ec256",
         "eab_kid": "", "eab_hmac": "",
         "image": "goacme/lego:v4.35.2", "api_ca": "", "data_dir": str(tmp_path / "acme" / "mysite"),
         "webroot": str(tmp_path / "webroot"), "certs_dir": str(tmp_path / "certs"), "nginx_container": "nginx"}
    p.update(changes)
    return p


def test_good_options_have_no_problem(tmp_path):
    assert acme_certificate.input_problems(params(tmp_path)) == []


def test_every_bad_option_is_named_at_once(tmp_path):
    found = acme_certificate.input_problems(params(
        tmp_path, domains=["*.example.com", "bad name"], dns_env={"lower": "x"}, webroot=""))
    text = " ".join(found)
    assert "needs the DNS-01 challenge" in text and "'bad name'" in text and "webroot" in text and "lower" in text
    assert "dns_provider" in " ".join(acme_certificate.input_problems(params(tmp_path, challenge="dns")))


def test_credentials_are_root_only_files_and_the_settings_name_them_only(tmp_path):
    p = params(tmp_path, challenge="dns", dns_provider="alidns", webroot="",
               dns_env={"ALICLOUD_ACCESS_KEY": "key-1", "ALICLOUD_SECRET_KEY": "secret-2"})
    reasons = acme_certificate.keep_files(p, check_mode=False)
    env = os.path.join(p["data_dir"], "env")
    assert open(os.path.join(env, "ALICLOUD_SECRET_KEY")).read() == "secret-2"
    assert stat.S_IMODE(os.stat(os.path.join(env, "ALICLOUD_SECRET_KEY")).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(p["data_dir"]).st_mode) == 0o700
    settings = open(os.path.join(p["data_dir"], "settings.json")).read()
    assert json.loads(settings)["dns_env_names"] == ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"]
    assert "secret-2" not in settings and "secret-2" not in " ".join(reasons)
    assert acme_certificate.keep_files(p, check_mode=False) == []


def test_a_credential_no_longer_given_is_removed(tmp_path):
    p = params(tmp_path, challenge="dns", dns_provider="alidns", dns_env={"A_KEY": "1", "B_KEY": "2"})
    acme_certificate.keep_files(p, check_mode=False)
    p["dns_env"] = {"A_KEY": "1"}
    assert "B_KEY is no longer a credential" in acme_certificate.keep_files(p, check_mode=False)
    assert sorted(os.listdir(os.path.join(p["data_dir"], "env"))) == ["A_KEY"]


def test_check_mode_writes_nothing(tmp_path):
    p = params(tmp_path, api_ca="-----BEGIN CERTIFICATE-----\n")
    assert acme_certificate.keep_files(p, check_mode=True)
    assert not os.path.exists(p["data_dir"])


def test_the_external_account_binding_key_is_a_root_only_file_the_settings_do_not_hold(tmp_path):
    assert "both eab_kid and eab_hmac" in " ".join(acme_certificate.input_problems(params(tmp_path, eab_kid="kid-1")))
    p = params(tmp_path, eab_kid="kid-1", eab_hmac="hmac-SECRET")
    reasons = acme_certificate.keep_files(p, check_mode=False)
    hmac = os.path.join(p["data_dir"], "eab-hmac")
    assert open(hmac).read() == "hmac-SECRET" and stat.S_IMODE(os.stat(hmac).st_mode) == 0o600
    settings = open(os.path.join(p["data_dir"], "settings.json")).read()
    assert json.loads(settings)["eab_kid"] == "kid-1" and "hmac-SECRET" not in settings + " ".join(reasons)
    p.update(eab_kid="", eab_hmac="")
    assert acme_certificate.keep_files(p, check_mode=False) and not os.path.exists(hmac)
