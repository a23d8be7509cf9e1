"""Each role's meta/argument_specs.yml documents exactly its defaults."""

import pathlib
import re

import pytest
import yaml

ROLES = sorted(p.parent.parent for p in pathlib.Path(__file__).parents[2].glob("roles/*/meta/argument_specs.yml"))


def load(path):
    return yaml.safe_load(path.read_text()) or {}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_specs_match_defaults(role):
    """Every default is an option of an entry point (main's optional ones all have one), with that default."""
    defaults = load(role / "defaults/main.yml")
    entries = load(role / "meta/argument_specs.yml")["argument_specs"]
    main = entries["main"]["options"]
    assert {name for name, spec in main.items() if not spec.get("required")} <= set(defaults)
    for name, value in defaults.items():
        specs = [entry["options"][name] for entry in entries.values() if name in (entry.get("options") or {})]
        assert specs, "%s is in defaults/main.yml but no entry point's option" % name
        for spec in specs:
            assert spec.get("description"), name
            # An entry point that requires it gets it from its caller (the default is empty).
            assert spec.get("default") == value or spec.get("required"), name


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_variables_start_with_the_role_name(role):
    names = set(load(role / "defaults/main.yml"))
    for vars_file in (role / "vars").glob("*.yml"):
        names |= set(load(vars_file))
    for tasks_file in (role / "tasks").glob("*.yml"):
        names |= set(re.findall(r"^\s+register: (\S+)", tasks_file.read_text(), re.M))
    assert all(n.startswith(role.name + "_") for n in names), sorted(n for n in names if not n.startswith(role.name))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_role_readme_names_every_variable(role):
    readme = (role / "README.md").read_text()
    for name in load(role / "meta/argument_specs.yml")["argument_specs"]["main"]["options"]:
        assert f"`{name}`" in readme, name
