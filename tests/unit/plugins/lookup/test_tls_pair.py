"""lookup tls_pair: reads the pair on the controller, vault-encrypted or not."""

import pytest
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.djangodocker.deploy.plugins.lookup.tls_pair import LookupModule

from ansible_collections.djangodocker.deploy.tests.unit.plugins.module_utils.test_tls_pair import make_pair


def lookup(loader, *terms, **kwargs):
    return LookupModule(loader=loader).run(list(terms), variables={}, **kwargs)[0]


def test_a_vault_encrypted_key_is_read(tmp_path):
    cert, key = make_pair(("www.example.com",), days=400)
    secret = [("default", VaultSecret(b"test-password"))]
    (tmp_path / "site.crt").write_bytes(cert)
    (tmp_path / "site.key").write_bytes(VaultLib(secret).encrypt(key))
    loader = DataLoader()
    loader.set_vault_secrets(secret)
    found = lookup(loader, str(tmp_path / "site.crt"), str(tmp_path / "site.key"),
                   names=["www.example.com", "shop.example.com"])
    assert found["names"] == ["www.example.com"] and found["uncovered"] == ["shop.example.com"]


def test_a_mismatch_names_both_files(tmp_path):
    cert, dummy = make_pair()
    dummy, other = make_pair()
    (tmp_path / "a.crt").write_bytes(cert)
    (tmp_path / "b.key").write_bytes(other)
    with pytest.raises(AnsibleLookupError, match="a.crt / .*b.key: the key does not match"):
        lookup(DataLoader(), str(tmp_path / "a.crt"), str(tmp_path / "b.key"))
