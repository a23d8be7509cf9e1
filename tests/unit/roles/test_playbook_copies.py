"""Every playbook in playbooks/ has a copy at the collection's root that imports it, so that the README's
`ansible-playbook <name>.yml -i hosts` works from a clone, and that the collection's build leaves out (the
tarball carries playbooks/ and users run them as djangodocker.deploy.<name>)."""

import glob
import os

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")


def test_each_playbook_has_a_root_copy_that_imports_it():
    playbooks = sorted(os.path.basename(path) for path in glob.glob(os.path.join(ROOT, "playbooks", "*.yml")))
    assert "site.yml" in playbooks
    for name in playbooks:
        copy = os.path.join(ROOT, name)
        assert os.path.isfile(copy), "no %s at the root" % name
        with open(copy, encoding="utf-8") as handle:
            plays = yaml.safe_load(handle)
        assert [play.get("ansible.builtin.import_playbook") for play in plays] == ["playbooks/" + name], name


def test_each_root_copy_is_left_out_of_the_collection_build():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        ignored = set(yaml.safe_load(handle)["build_ignore"])
    for path in glob.glob(os.path.join(ROOT, "playbooks", "*.yml")):
        name = os.path.basename(path)
        assert name in ignored, "galaxy.yml build_ignore lacks the root copy %s" % name
