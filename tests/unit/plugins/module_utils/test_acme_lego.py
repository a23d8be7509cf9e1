"""acme_lego: a site's ACME certificate ordered or renewed by lego, checked, then given to Nginx.

lego and Nginx are a fake engine (docker commands); certificates are real, read by the real openssl
command as on a host.
"""

import datetime
import json
import os
import stat
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.djangodocker.deploy.plugins.module_utils import acme_lego

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def make_ca(common_name="Test intermediate"):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


CA = make_ca()


def make_pair(names=("www.example.com",), days=30, issuer=CA, chain=None):
    """(certificate file, key file) as lego writes them: the leaf, then its issuer (CHAIN: other
    certificates instead)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer[0].subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(issuer[1], hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    after = [issuer[0]] if chain is None else chain
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert] + after), key_pem


class Engine:
    """docker as lego and Nginx see it: lego writes ISSUE (a pair) or fails; nginx -t answers NGINX_OK."""

    def __init__(self, settings):
        self.settings = settings
        self.calls = []
        self.issue = make_pair(tuple(settings["domains"]))
        self.lego_fails = False
        self.nginx_ok = True

    def __call__(self, argv, timeout=None):
        if argv[0] == "openssl":
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            return done.returncode, done.stdout, done.stderr
        self.calls.append(argv)
        if argv[:2] == ["docker", "run"]:
            if self.lego_fails:
                return 1, "", "acme: error: 403 :: urn:ietf:params:acme:error:unauthorized :: refused"
            crt, key = acme_lego.lego_files(self.settings)
            os.makedirs(os.path.dirname(crt), exist_ok=True)
            for path, data in ((crt, self.issue[0]), (key, self.issue[1])):
                with open(path, "wb") as handle:
                    handle.write(data)
            return 0, "", "Server responded with a certificate."
        if argv[:3] == ["docker", "exec", self.settings["nginx_container"]]:
            return (0, "", "syntax is ok") if self.nginx_ok else (1, "", "nginx: [emerg] cannot load certificate")
        return 0, "", ""


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "certs").mkdir()
    return {"site": "mysite", "domains": ["www.example.com"], "email": "ops@example.com",
            "directory": "https://ca.example/dir", "challenge": "http", "dns_provider": "", "dns_env_names": [],
            "dns_resolvers": [], "dns_propagation_wait": 0, "renew_days": 0, "key_type": "ec256",
            "image": "goacme/lego:v4.35.2", "api_ca": False, "data_dir": str(tmp_path / "acme"),
            "webroot": str(tmp_path / "webroot"), "certs_dir": str(tmp_path / "certs"), "nginx_container": "nginx"}


def lego_runs(engine):
    return [call for call in engine.calls if call[:2] == ["docker", "run"]]


def test_the_first_run_orders_by_http01_and_installs_root_only_files(settings):
    engine = Engine(settings)
    done = acme_lego.order(engine, settings, NOW)
    assert done["ordered"] and done["installed"] and done["reason"] == "no certificate yet"
    (run,) = lego_runs(engine)
    assert run[run.index("--http.webroot") + 1] == "/webroot" and run[-1] == "run"
    assert "%s:/webroot" % settings["webroot"] in run
    crt, key = acme_lego.installed_files(settings)
    assert open(crt, "rb").read() == engine.issue[0] and open(key, "rb").read() == engine.issue[1]
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert done["names"] == ["www.example.com"] and done["days_left"] in (29, 30)


def test_a_second_run_orders_nothing(settings):
    engine = Engine(settings)
    acme_lego.order(engine, settings, NOW)
    again = acme_lego.order(engine, settings, NOW)
    assert not again["ordered"] and not again["installed"] and not again["changed"]
    assert len(lego_runs(engine)) == 1


def test_new_names_order_a_new_certificate(settings):
    engine = Engine(settings)
    acme_lego.order(engine, settings, NOW)
    settings["domains"] = ["www.example.com", "example.com"]
    engine.issue = make_pair(("www.example.com", "example.com"))
    again = acme_lego.order(engine, settings, NOW)
    assert again["ordered"] and again["installed"] and "names" in again["reason"]


def test_check_mode_says_it_would_order_and_runs_nothing(settings):
    engine = Engine(settings)
    done = acme_lego.order(engine, settings, NOW, check_mode=True)
    assert done["ordered"] and not done["installed"] and lego_runs(engine) == []
    assert not os.path.exists(acme_lego.installed_files(settings)[0])


def test_a_refused_order_says_what_the_ca_said_and_installs_nothing(settings):
    engine = Engine(settings)
    engine.lego_fails = True
    with pytest.raises(acme_lego.AcmeError, match="unauthorized") as error:
        acme_lego.order(engine, settings, NOW)
    assert "keeps serving" in str(error.value)
    assert not os.path.exists(acme_lego.installed_files(settings)[0])


def test_a_certificate_that_misses_a_name_is_not_installed(settings):
    engine = Engine(settings)
    engine.issue = make_pair(("other.example.com",))
    with pytest.raises(acme_lego.AcmeError, match="does not cover www.example.com"):
        acme_lego.order(engine, settings, NOW)
    assert not os.path.exists(acme_lego.installed_files(settings)[0])


def test_a_key_that_is_not_the_certificates_is_not_installed(settings):
    engine = Engine(settings)
    engine.issue = (make_pair()[0], make_pair()[1])
    with pytest.raises(acme_lego.AcmeError, match="not the certificate's key"):
        acme_lego.order(engine, settings, NOW)


def test_a_certificate_without_its_chain_is_not_installed(settings):
    engine = Engine(settings)
    engine.issue = make_pair(chain=[])
    with pytest.raises(acme_lego.AcmeError, match="without the certificates of its issuer"):
        acme_lego.order(engine, settings, NOW)
    assert not os.path.exists(acme_lego.installed_files(settings)[0])


def test_a_certificate_whose_chain_did_not_sign_it_is_not_installed(settings):
    engine = Engine(settings)
    other = make_ca("Test intermediate")  # the same name, another key: only the signature tells them apart
    engine.issue = make_pair(chain=[other[0]])
    with pytest.raises(acme_lego.AcmeError, match="chain does not verify"):
        acme_lego.order(engine, settings, NOW)
    assert not os.path.exists(acme_lego.installed_files(settings)[0])


def test_dns01_gives_lego_the_credentials_as_files_never_their_values(settings):
    settings.update(challenge="dns", dns_provider="alidns", dns_env_names=["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"],
                    dns_resolvers=["223.5.5.5:53"], dns_propagation_wait=5, api_ca=True,
                    domains=["example.com", "*.example.com"])
    argv = acme_lego.lego_argv(settings, "run")
    assert "ALICLOUD_SECRET_KEY_FILE=/run/secrets/acme/ALICLOUD_SECRET_KEY" in argv
    assert "%s/env:/run/secrets/acme:ro" % settings["data_dir"] in argv
    assert argv[argv.index("--dns") + 1] == "alidns" and "--http" not in argv
    assert argv[argv.index("--dns.resolvers") + 1] == "223.5.5.5:53"
    assert argv[argv.index("--dns.propagation-wait") + 1] == "5s"
    assert "LEGO_CA_CERTIFICATES=/data/api-ca.pem" in argv
    assert acme_lego.lego_files(settings)[0].endswith("/certificates/example.com.crt")


def test_the_external_account_binding_reaches_lego_from_its_file_never_in_the_containers_configuration(settings):
    settings["eab_kid"] = "kid-1"
    argv = acme_lego.lego_argv(settings, "run")
    image = argv.index(settings["image"])
    assert argv[image - 2:image] == ["--entrypoint", "/bin/sh"]
    assert argv[image + 1:image + 4] == ["-c", acme_lego.EAB_SCRIPT, "lego"]
    assert "cat /data/eab-hmac" in acme_lego.EAB_SCRIPT and "LEGO_EAB_HMAC" not in " ".join(argv[:image])
    assert argv[argv.index("--eab"):argv.index("--eab") + 3] == ["--eab", "--kid", "kid-1"]
    # lego wants it for a renewal too when the CA requires it (the world's CA does).
    renew = acme_lego.lego_argv(settings, "renew")
    assert "--entrypoint" in renew and "--eab" in renew and renew[renew.index("renew") + 1] == "--no-random-sleep"


def test_renewal_is_lego_s_decision_unless_days_are_given(settings):
    assert acme_lego.lego_argv(settings, "renew")[-3:] == ["renew", "--no-random-sleep", "--dynamic"]
    settings["renew_days"] = 20
    assert acme_lego.lego_argv(settings, "renew")[-4:] == ["renew", "--no-random-sleep", "--days", "20"]


def test_a_renewed_certificate_is_installed_and_nginx_reloaded_after_its_test(settings):
    engine = Engine(settings)
    acme_lego.order(engine, settings, NOW)
    engine.issue = make_pair(tuple(settings["domains"]), days=60)
    engine.calls = []
    done = acme_lego.renew(engine, settings, NOW)
    assert done["installed"] and done["days_left"] in (59, 60)
    assert engine.calls[-2:] == [["docker", "exec", "nginx", "nginx", "-t"], ["docker", "kill", "--signal", "HUP", "nginx"]]


def test_a_renewal_with_nothing_due_changes_nothing_and_reloads_nothing(settings):
    engine = Engine(settings)
    acme_lego.order(engine, settings, NOW)
    engine.calls = []
    done = acme_lego.renew(engine, settings, NOW)
    assert not done["installed"] and [call[1] for call in engine.calls] == ["run"]


def test_a_renewal_nginx_rejects_puts_the_previous_certificate_back(settings):
    engine = Engine(settings)
    acme_lego.order(engine, settings, NOW)
    before = open(acme_lego.installed_files(settings)[0], "rb").read()
    engine.issue = make_pair(tuple(settings["domains"]), days=60)
    engine.nginx_ok = False
    with pytest.raises(acme_lego.AcmeError, match="previous one is back"):
        acme_lego.renew(engine, settings, NOW)
    assert open(acme_lego.installed_files(settings)[0], "rb").read() == before
    assert not [call for call in engine.calls if call[:2] == ["docker", "kill"]]


def test_a_failed_renewal_keeps_the_installed_certificate(settings):
    engine = Engine(settings)
    acme_lego.order(engine, settings, NOW)
    before = open(acme_lego.installed_files(settings)[0], "rb").read()
    engine.lego_fails = True
    with pytest.raises(acme_lego.AcmeError, match="keeps serving"):
        acme_lego.renew(engine, settings, NOW)
    assert open(acme_lego.installed_files(settings)[0], "rb").read() == before


def test_the_program_reports_a_failed_renewal_with_the_days_left(settings, tmp_path, capsys, monkeypatch):
    engine = Engine(settings)
    acme_lego.order(engine, settings, NOW)
    engine.lego_fails = True
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(settings))
    monkeypatch.setattr(acme_lego, "subprocess_runner", engine)
    assert acme_lego.main(["acme_lego.py", "renew", str(path)]) == 1
    err = capsys.readouterr().err
    assert "unauthorized" in err and "days left" in err


def test_openssl_dates_are_read_as_utc():
    assert acme_lego.parse_openssl_date("Jan  2 03:39:07 2027 GMT") == datetime.datetime(
        2027, 1, 2, 3, 39, 7, tzinfo=datetime.timezone.utc)
