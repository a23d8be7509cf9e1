"""OpenPGP key files: primary keys and subkeys, and exporting one key alone."""

import subprocess

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import openpgp

COLONS = """\
pub:-:255:22:AAAA:1700000000:::-:::cC:::::ed25519:::0:
fpr:::::::::1111111111111111111111111111111111111111:
uid:-::::1700000000::HASH::pinned <p@x>::::::::::0:
sub:-:255:22:BBBB:1700000000::::::s:::::ed25519::
fpr:::::::::2222222222222222222222222222222222222222:
pub:-:255:22:CCCC:1700000000:::-:::cC:::::ed25519:::0:
fpr:::::::::3333333333333333333333333333333333333333:
"""


def test_colons_tell_primary_keys_from_subkeys():
    found = openpgp.parse_colons(COLONS)
    assert found == {
        "primary": ["1" * 40, "3" * 40],
        "subkeys": ["2" * 40],
    }


def test_fingerprints_are_normalised():
    assert openpgp.normalise_fingerprint("9dc8 5822  9FC7\tdd38") == "9DC858229FC7DD38"


def test_a_file_with_two_keys_shows_both(gpg_keys):
    found = openpgp.key_fingerprints(gpg_keys["pinned"]["armor"] + gpg_keys["other"]["armor"])
    assert found["primary"] == [gpg_keys["pinned"]["fpr"], gpg_keys["other"]["fpr"]]
    assert found["subkeys"] == [gpg_keys["pinned"]["sub"], gpg_keys["other"]["sub"]]


def test_export_keeps_only_the_pinned_key(gpg_keys):
    both = gpg_keys["other"]["armor"] + gpg_keys["pinned"]["armor"]
    exported = openpgp.export_one_key(both, gpg_keys["pinned"]["fpr"])
    found = openpgp.key_fingerprints(exported)
    assert found["primary"] == [gpg_keys["pinned"]["fpr"]]
    # Its subkey stays with it: apt needs it to check signatures made by it.
    assert found["subkeys"] == [gpg_keys["pinned"]["sub"]]


def test_export_is_the_same_bytes_every_time(gpg_keys):
    first = openpgp.export_one_key(gpg_keys["pinned"]["armor"], gpg_keys["pinned"]["fpr"])
    assert openpgp.export_one_key(gpg_keys["pinned"]["armor"], gpg_keys["pinned"]["fpr"]) == first


def test_a_subkey_fingerprint_exports_nothing(gpg_keys):
    with pytest.raises(openpgp.KeyProblem):
        openpgp.export_one_key(gpg_keys["pinned"]["armor"], gpg_keys["pinned"]["sub"])


def test_garbage_is_a_key_problem():
    with pytest.raises(openpgp.KeyProblem):
        openpgp.key_fingerprints(b"this is no key")


def test_a_missing_keyring_is_none(tmp_path):
    assert openpgp.keyring_fingerprints(str(tmp_path / "absent.asc")) is None


def test_an_unreadable_keyring_has_no_keys(tmp_path):
    path = tmp_path / "broken.asc"
    path.write_bytes(b"not a key")
    assert openpgp.keyring_fingerprints(str(path)) == {"primary": [], "subkeys": []}


def dearmor(armors, path):
    """A binary key ring in the format apt-key writes (OpenPGP packets, not a keybox)."""
    path.write_bytes(b"".join(subprocess.run(["gpg", "--dearmor"], input=armor, check=True,
                                             capture_output=True).stdout for armor in armors))


def test_apt_keys_global_key_rings_are_found_and_cleaned(gpg_keys, tmp_path):
    pinned, other = gpg_keys["pinned"], gpg_keys["other"]
    trusted = tmp_path / "trusted.gpg"
    dearmor([pinned["armor"], other["armor"]], trusted)
    alone = tmp_path / "docker.asc"
    alone.write_bytes(pinned["armor"])
    unrelated = tmp_path / "unrelated.asc"
    unrelated.write_bytes(other["armor"])
    patterns = [str(trusted), str(tmp_path / "*.asc")]
    assert openpgp.global_keyrings_with(pinned["fpr"], patterns) == [str(trusted), str(alone)]
    openpgp.remove_from_keyring(str(trusted), pinned["fpr"])
    openpgp.remove_from_keyring(str(alone), pinned["fpr"])
    assert openpgp.keyring_fingerprints(str(trusted))["primary"] == [other["fpr"]]
    assert not alone.exists() and unrelated.exists()
    assert openpgp.global_keyrings_with(pinned["fpr"], patterns) == []


def test_a_mixed_armored_key_ring_is_not_rewritten(gpg_keys, tmp_path):
    mixed = tmp_path / "mixed.asc"
    mixed.write_bytes(gpg_keys["pinned"]["armor"] + gpg_keys["other"]["armor"])
    with pytest.raises(openpgp.KeyProblem, match="remove that key from it by hand"):
        openpgp.remove_from_keyring(str(mixed), gpg_keys["pinned"]["fpr"])
