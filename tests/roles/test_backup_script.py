"""The database role's scheduled backup script, rendered for each engine, passes shellcheck."""

import pathlib
import shlex
import shutil
import subprocess

import jinja2
import pytest
import yaml

ROLE = pathlib.Path(__file__).parents[2] / "roles/database"
ENGINES = yaml.safe_load((ROLE / "vars/main.yml").read_text())["database__engines"]


def render(text, **context):
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    environment.filters["quote"] = lambda value: shlex.quote(str(value))
    return environment.from_string(text).render(**context)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("hook", ["", "rclone copyto --no-traverse"])
def test_the_rendered_script_passes_shellcheck(engine, hook, tmp_path):
    mount = "/run/djangodocker/secrets"
    dump = [render(part, database__secrets_mount=mount) for part in ENGINES[engine]["dump"]]
    script = render((ROLE / "templates/backup.sh.j2").read_text(), ansible_managed="managed", database_engine=engine,
                    database_container_name=engine, database__backup_dir=f"/srv/databases/{engine} x/backups",
                    database__engine={"dump": dump, "suffix": ENGINES[engine]["suffix"]},
                    database_backup_keep=7, database_backup_hook=hook)
    path = tmp_path / "backup.sh"
    path.write_text(script)
    assert shutil.which("shellcheck"), "shellcheck is installed with the project's tools (scripts/lib/venv.sh)"
    checked = subprocess.run(["shellcheck", "--shell=sh", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + script
    assert f"docker exec {engine} sh -c " in script or f"docker exec {engine} bash -c " in script


def test_the_script_keeps_the_newest_and_leaves_no_partial_file(tmp_path):
    """Run for real with `docker` a stand-in on PATH: four runs, two kept, the hook called each time."""
    backups = tmp_path / "backups"
    script = render((ROLE / "templates/backup.sh.j2").read_text(), ansible_managed="managed", database_engine="postgresql",
                    database_container_name="postgresql", database__backup_dir=str(backups),
                    database__engine={"dump": ["echo", "dumped"], "suffix": "dump"},
                    database_backup_keep=2, database_backup_hook=f"echo >> {tmp_path}/hooked")
    (tmp_path / "backup.sh").write_text(script)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text('#!/bin/sh\nshift 2\nexec "$@"\n')
    (bin_dir / "docker").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    for dummy in range(4):
        subprocess.run(["sh", str(tmp_path / "backup.sh")], env=env, check=True, capture_output=True)
    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == 2 and all(name.endswith("-scheduled.dump") for name in kept), kept
    assert (backups / kept[-1]).read_text() == "dumped\n"
    assert len((tmp_path / "hooked").read_text().splitlines()) == 4
