"""tls_pair: a certificate and its key, checked before they reach Nginx."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.djangodocker.deploy.plugins.module_utils import tls_pair

NOW = datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc)


def make_pair(names=("www.example.com",), days=90, start_days=-1):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOW + datetime.timedelta(days=start_days))
            .not_valid_after(NOW + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def test_a_matching_pair_gives_its_names_and_days_left():
    cert, key = make_pair(("www.example.com", "*.example.org"), days=20)
    found = tls_pair.inspect(cert, key, now=NOW)
    assert found["names"] == ["www.example.com", "*.example.org"] and found["days_left"] == 20


def test_a_key_of_another_certificate_is_refused():
    cert, dummy = make_pair()
    dummy, other_key = make_pair()
    with pytest.raises(tls_pair.TlsPairError, match="does not match"):
        tls_pair.inspect(cert, other_key, now=NOW)


def test_an_expired_certificate_is_refused():
    cert, key = make_pair(days=-2, start_days=-30)
    with pytest.raises(tls_pair.TlsPairError, match="expired on 2026-11-23"):
        tls_pair.inspect(cert, key, now=NOW)


def test_a_broken_key_file_is_named_without_its_content():
    cert, dummy = make_pair()
    with pytest.raises(tls_pair.TlsPairError) as error:
        tls_pair.inspect(cert, b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n", now=NOW)
    assert "c2VjcmV0" not in str(error.value)


def test_not_a_certificate():
    with pytest.raises(tls_pair.TlsPairError, match="not a PEM certificate"):
        tls_pair.inspect(b"hello", make_pair()[1], now=NOW)


@pytest.mark.parametrize("pattern, name, expected", [
    ("www.example.com", "WWW.example.com", True),
    ("*.example.com", "shop.example.com", True),
    ("*.example.com", "example.com", False),
    ("*.example.com", "a.b.example.com", False),
])
def test_wildcards_cover_one_label(pattern, name, expected):
    assert tls_pair.covers(pattern, name) is expected


def test_uncovered_names_are_those_no_certificate_name_covers():
    from ansible_collections.djangodocker.deploy.plugins.module_utils.tls_pair import uncovered
    names = ["example.com", "www.example.com", "a.b.example.com", "other.org"]
    assert uncovered(["example.com", "*.example.com"], names) == ["a.b.example.com", "other.org"]
