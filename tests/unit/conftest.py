"""Shared fixtures for the unit tests (run by `ansible-test units`, or plain pytest)."""

import json
import shutil
import subprocess
import tempfile

import pytest

from ansible.module_utils.testing import patch_module_args


@pytest.fixture
def run_module():
    """Run a module's main() with ARGS; its JSON result (failed or not)."""

    def run(main, args, capsys):
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                main()
        return json.loads(capsys.readouterr().out)

    return run


class FakeEngineModule:
    """get_bin_path and run_command of AnsibleModule, with the docker command answering CODE and OUT."""

    def __init__(self, docker="/usr/bin/docker", code=0, out=""):
        self.docker, self.code, self.out, self.calls = docker, code, out, []

    def get_bin_path(self, name):
        return self.docker if name == "docker" else None

    def run_command(self, args):
        self.calls.append(args)
        return self.code, self.out, ""


@pytest.fixture
def engine_module():
    """FakeEngineModule, to call with docker=None (no engine yet), code and out."""
    return FakeEngineModule


@pytest.fixture(scope="session")
def gpg_keys(tmp_path_factory):
    """Two throwaway OpenPGP keys: 'pinned' (with a signing subkey) and 'other'.

    Returns {name: {"fpr", "sub", "armor"}} (ed25519: made in milliseconds).
    """
    # A short folder of its own: gpg-agent's socket path must stay short.
    home = tempfile.mkdtemp(prefix="djd-gpg-test-")
    keys = {}
    try:
        for name in ("pinned", "other"):
            uid = "%s <%s@test.invalid>" % (name, name)
            gpg(home, "--passphrase", "", "--pinentry-mode", "loopback", "--quick-gen-key", uid, "ed25519", "cert",
                "never")
            fpr = fingerprints(gpg(home, "--with-colons", "--list-keys", uid))[0]
            gpg(home, "--passphrase", "", "--pinentry-mode", "loopback", "--quick-add-key", fpr, "ed25519", "sign",
                "never")
            keys[name] = {"fpr": fpr, "sub": fingerprints(gpg(home, "--with-colons", "--list-keys", fpr))[1],
                          "armor": gpg(home, "--armor", "--export", fpr)}
    finally:
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)
    return keys


def gpg(home, *args):
    done = subprocess.run(["gpg", "--batch", "--homedir", home] + list(args), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def fingerprints(listing):
    return [line.split(":")[9] for line in listing.decode().splitlines() if line.startswith("fpr:")]
