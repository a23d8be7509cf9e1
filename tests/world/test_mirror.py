"""The offline mirror, checked from this machine over loopback."""

import gzip
import os
import re
import subprocess
import urllib.request

import pytest

MIRROR = os.environ["DJD_MIRROR_LOCAL"]
REGISTRY = os.environ["DJD_REGISTRY_LOCAL"]
FINGERPRINT = os.environ["DJD_DOCKER_CE_FINGERPRINT"]
SUITES = ["bookworm", "trixie"]
DOCKER_PACKAGES = {
    "docker-ce", "docker-ce-cli", "containerd.io",
    "docker-buildx-plugin", "docker-compose-plugin",
}


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


@pytest.fixture(scope="module")
def keyring(tmp_path_factory):
    home = tmp_path_factory.mktemp("gnupg")
    key = get(f"{MIRROR}/docker-ce/linux/debian/gpg")
    imported = subprocess.run(["gpg", "--batch", "--homedir", str(home), "--import"],
                              input=key, capture_output=True, check=True)
    assert imported.returncode == 0
    yield home
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], check=False)


def test_published_key_has_the_world_fingerprint(keyring):
    out = subprocess.run(["gpg", "--batch", "--homedir", str(keyring), "--with-colons",
                          "--list-keys"], capture_output=True, text=True, check=True).stdout
    assert FINGERPRINT in re.findall(r"^fpr:+([0-9A-F]+):", out, re.M)


@pytest.mark.parametrize("suite", SUITES)
def test_release_is_signed_inline_and_detached(keyring, suite, tmp_path):
    base = f"{MIRROR}/docker-ce/linux/debian/dists/{suite}"
    inrelease = tmp_path / "InRelease"
    inrelease.write_bytes(get(f"{base}/InRelease"))
    release = tmp_path / "Release"
    release.write_bytes(get(f"{base}/Release"))
    detached = tmp_path / "Release.gpg"
    detached.write_bytes(get(f"{base}/Release.gpg"))
    home = ["--homedir", str(keyring)]
    assert subprocess.run(["gpg", "--batch", *home, "--verify", str(inrelease)],
                          capture_output=True, check=False).returncode == 0
    assert subprocess.run(["gpg", "--batch", *home, "--verify", str(detached), str(release)],
                          capture_output=True, check=False).returncode == 0
    text = release.read_text()
    assert f"Codename: {suite}" in text
    assert "Components: stable" in text
    assert "stable/binary-amd64/Packages" in text


@pytest.mark.parametrize("suite", SUITES)
def test_packages_index_offers_docker_ce(suite):
    base = f"{MIRROR}/docker-ce/linux/debian/dists/{suite}/stable/binary-amd64"
    packages = gzip.decompress(get(f"{base}/Packages.gz")).decode()
    names = set(re.findall(r"^Package: (\S+)", packages, re.M))
    assert DOCKER_PACKAGES <= names
    # Two releases of the engine, so that a version pin can be tested.
    stanzas = [dict(re.findall(r"^(\S+): (.*)$", s, re.M)) for s in packages.split("\n\n")]
    versions = [s["Version"] for s in stanzas if s.get("Package") == "docker-ce"]
    assert len(versions) == 2, versions
    # Every file the index names is served.
    for filename in re.findall(r"^Filename: (\S+)", packages, re.M):
        request = urllib.request.Request(f"{MIRROR}/docker-ce/linux/debian/{filename}", method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200


def test_pypi_simple_index_is_pep503():
    root = get(f"{MIRROR}/pypi/simple/").decode()
    projects = re.findall(r'<a href="([^"]+)/">', root)
    assert {"django", "asgiref", "sqlparse", "pyuwsgi"} <= set(projects)
    page = get(f"{MIRROR}/pypi/simple/django/").decode()
    links = re.findall(r'<a href="([^"#]+)#sha256=([0-9a-f]{64})">', page)
    assert links
    href = links[0][0]
    wheel = get(f"{MIRROR}/pypi/simple/django/{href}")
    assert wheel[:2] == b"PK"


@pytest.mark.parametrize("repo, tags_var", [("python", "DJD_PYTHON_TAGS"), ("nginx", "DJD_NGINX_TAGS"),
                                            ("postgres", "DJD_POSTGRES_TAGS"), ("mariadb", "DJD_MARIADB_TAGS"),
                                            ("redis", "DJD_REDIS_TAGS"), ("goacme/lego", "DJD_LEGO_TAGS")])
def test_registry_serves_the_standins_under_docker_hub_names(repo, tags_var):
    repo = repo if "/" in repo else f"library/{repo}"
    catalog = get(f"{REGISTRY}/v2/_catalog").decode()
    assert f'"{repo}"' in catalog
    tags = get(f"{REGISTRY}/v2/{repo}/tags/list").decode()
    for tag in os.environ[tags_var].split():
        assert f'"{tag}"' in tags
        manifest = get(f"{REGISTRY}/v2/{repo}/manifests/{tag}",
                       {"Accept": "application/vnd.docker.distribution.manifest.v2+json"})
        assert b'"layers"' in manifest


@pytest.mark.parametrize("suite", SUITES)
def test_the_rogue_mirror_serves_two_keys_and_signs_with_the_other(keyring, suite, tmp_path):
    base = f"{MIRROR}/docker-ce-rogue/linux/debian"
    listed = subprocess.run(["gpg", "--batch", "--with-colons", "--show-keys"], input=get(f"{base}/gpg"),
                            capture_output=True, check=True).stdout.decode()
    primaries = re.findall(r"^pub:.*\nfpr:+([0-9A-F]+):", listed, re.M)
    assert len(primaries) == 2 and FINGERPRINT in primaries
    inrelease = tmp_path / "InRelease"
    inrelease.write_bytes(get(f"{base}/dists/{suite}/InRelease"))
    # The world's key alone does not verify it.
    assert subprocess.run(["gpg", "--batch", "--homedir", str(keyring), "--verify", str(inrelease)],
                          capture_output=True, check=False).returncode != 0
