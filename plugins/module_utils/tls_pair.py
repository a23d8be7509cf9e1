# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A certificate and its key, checked before they are given to Nginx."""

from __future__ import annotations

import datetime

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import ExtensionOID, NameOID
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - ansible-core depends on it
    HAS_CRYPTOGRAPHY = False


class TlsPairError(ValueError):
    """The pair cannot serve: the message says why (never the key's content)."""


def _public(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _names(cert):
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        return [str(name) for name in san.get_values_for_type(x509.DNSName)] + \
            [str(address) for address in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        return [attr.value for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]


def covers(pattern, name):
    """Whether a certificate name (maybe *.example.com) covers a host name."""
    pattern, name = pattern.lower(), name.lower()
    if pattern.startswith("*."):
        head, dot, rest = name.partition(".")
        return bool(head and dot) and rest == pattern[2:]
    return pattern == name


def uncovered(cert_names, names):
    """The host NAMES none of the certificate's CERT_NAMES covers."""
    return [name for name in names if not any(covers(pattern, name) for pattern in cert_names)]


def inspect(cert_pem, key_pem, now=None):
    """{names, not_after, days_left} of the first certificate of CERT_PEM, which KEY_PEM must match."""
    if not HAS_CRYPTOGRAPHY:
        raise TlsPairError("the Python library cryptography is needed on the controller")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    try:
        cert = x509.load_pem_x509_certificates(cert_pem)[0]
    except (ValueError, IndexError):
        raise TlsPairError("the certificate file is not a PEM certificate")
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError):
        # Not the library's message: it could quote the file.
        raise TlsPairError("the key file is not an unencrypted PEM private key")
    if _public(key.public_key()) != _public(cert.public_key()):
        raise TlsPairError("the key does not match the certificate (their public keys differ)")
    not_after = cert.not_valid_after_utc
    if not_after <= now:
        raise TlsPairError("the certificate expired on %s" % not_after.strftime("%Y-%m-%d %H:%M UTC"))
    return {
        "names": _names(cert),
        "not_after": not_after.strftime("%Y-%m-%d %H:%M UTC"),
        "days_left": (not_after - now).days,
    }
