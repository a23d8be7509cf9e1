"""Test certificates: a CA, a site certificate it signed, an expired pair, a stray key.

usage: make_certs.py FOLDER [SITE STEM]   (files are made once; a second run keeps them)
The site certificate is for SITE (default alpha.test), in STEM.crt and STEM.key (default alpha).
"""

import datetime
import pathlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert(subject_cn, key, issuer_cn, issuer_key, days, start=-1, ca=False, names=()):
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW + datetime.timedelta(days=start))
               .not_valid_after(NOW + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               # What Python 3.13's default verification (VERIFY_X509_STRICT) wants of a chain, as public CAs do.
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def main(folder, site="alpha.test", stem="alpha"):
    out = pathlib.Path(folder)
    if (out / "ca.crt").exists():
        return
    out.mkdir(parents=True, exist_ok=True)
    ca_key, site_key, old_key, stray_key = (ec.generate_private_key(ec.SECP256R1()) for dummy in range(4))
    files = {
        "ca.crt": cert("djangodocker test CA", ca_key, "djangodocker test CA", ca_key, 30, ca=True),
        # 20 days: fewer than django_app_tls_expiry_warning_days, so the play shows the date.
        stem + ".crt": cert(site, site_key, "djangodocker test CA", ca_key, 20, names=[site]),
        stem + ".key": key_pem(site_key),
        "expired.crt": cert("alpha.test", old_key, "djangodocker test CA", ca_key, -1, start=-30, names=["alpha.test"]),
        "expired.key": key_pem(old_key),
        "stray.key": key_pem(stray_key),
    }
    for name, content in files.items():
        (out / name).write_bytes(content)


if __name__ == "__main__":
    main(*sys.argv[1:4])
