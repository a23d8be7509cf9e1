# ansible-test (sanity and units) on a copy of the tree laid out as
# ansible_collections/djangodocker/deploy, as ansible-test requires.
# shellcheck shell=bash

# ansible-test bootstraps pip in each virtualenv it makes from a script it
# downloads from an address this machine cannot reach. It first looks in its
# cache: put there a script that installs pip from pip's own wheel (PyPI).
ensure_get_pip() {
  local version cache wheel script
  version=$(python3 - <<'PY'
import re, ansible_test, pathlib
text = (pathlib.Path(ansible_test.__file__).parent / "_internal/python_requirements.py").read_text()
print(re.search(r"pip='([^']+)'", text).group(1))
PY
) || return 1
  cache="$HOME/.ansible/test/cache"
  script="$cache/get_pip_${version//./_}.py"
  [ -f "$script" ] && return 0
  mkdir -p "$cache"
  pip download -q --disable-pip-version-check --no-deps -d "$cache" "pip==$version" || return 1
  wheel="$cache/pip-$version-py3-none-any.whl"
  [ -f "$wheel" ] || return 1
  cat > "$script.tmp" <<PY
"""Offline stand-in for get-pip.py $version: installs pip from its own wheel."""
import os, sys
wheel = "$wheel"
sys.path.insert(0, wheel)
from pip._internal.cli.main import main
# get-pip.py's own options; pip does not know them.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--no-index", "--find-links", os.path.dirname(wheel)] + args))
PY
  mv "$script.tmp" "$script"
}

# The tree as git sees it (tracked and untracked, not ignored), copied where
# ansible-test wants a collection to be, outside this git checkout (inside it,
# ansible-test would ask git for the files and find the copy ignored). One
# copy per tree: two trees' runs at once (a clone's CI and a working tree's
# tests) must not remove each other's copy.
collection_copy() {
  local dest tree
  tree=$(printf '%s' "$DJD_ROOT" | sha256sum | cut -c1-8)
  dest="${TMPDIR:-/tmp}/djd-ansible-test-$(id -u)-$tree/ansible_collections/djangodocker/deploy"
  rm -rf "$dest" && mkdir -p "$dest" || return 1
  (cd "$DJD_ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -P -t "$dest") || return 1
  echo "$dest"
}

ansible_test() {
  local dest
  ensure_get_pip || { echo "could not supply pip's bootstrap for ansible-test" >&2; return 1; }
  dest=$(collection_copy) || return 1
  (cd "$dest" && ansible-test "$@" --local --python 3.11 --color no)
}
