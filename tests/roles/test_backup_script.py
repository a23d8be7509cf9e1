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
                    database_container_name=engine, database_root=f"/srv/databases/{engine} x",
                    database__engine={"dump": dump, "suffix": ENGINES[engine]["suffix"]},
                    database_backup_keep=7, database_backup_hook=hook)
    path = tmp_path / "backup.sh"
    path.write_text(script)
    assert shutil.which("shellcheck"), "shellcheck is installed with the project's tools (scripts/lib/venv.sh)"
    checked = subprocess.run(["shellcheck", "--shell=sh", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + script
    assert f"{engine} \\\n      sh -c " in script or f"{engine} \\\n      bash -c " in script, script


def test_the_script_dumps_each_apps_database_once_keeps_the_newest_and_leaves_no_partial_file(tmp_path):
    """Run for real with `docker` a stand-in on PATH: three apps recorded (two of an earlier version's layout
    sharing one database), four runs, two kept of each, the hook called for each backup."""
    root = tmp_path / "srv"
    app_root = tmp_path / "django" / "shop"
    app_root.mkdir(parents=True)
    lock = app_root / "deploy.lock"
    for app, name, folder, app_lock in (("shop", "shop", "backups/shop", lock), ("old1", "django", "backups", ""),
                                        ("old2", "django", "backups", "")):
        (root / "apps" / app).mkdir(parents=True)
        (root / "apps" / app / "account").write_text(
            "BACKUP_DIR=%s\nDB_NAME=%s\nDB_USER=%s\nLEGACY=0\nLOCK=%s\n" % (root / folder, name, name, app_lock))
    script = render((ROLE / "templates/backup.sh.j2").read_text(), ansible_managed="managed", database_engine="postgresql",
                    database_container_name="postgresql", database_root=str(root),
                    # The dump says whether the app's deploy lock is held while it runs.
                    database__engine={"dump": ["sh", "-c", "echo dumped $DJANGODOCKER_DB as $DJANGODOCKER_DB_USER; "
                                               "grep -c 'scheduled backup' %s 2>/dev/null || true" % lock],
                                      "suffix": "dump"},
                    database_backup_keep=2, database_backup_hook=f"echo >> {tmp_path}/hooked")
    (tmp_path / "backup.sh").write_text(script)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # docker exec -e NAME=VALUE... CONTAINER COMMAND...
    (bin_dir / "docker").write_text('#!/bin/sh\nshift\nwhile [ "$1" = -e ]; do export "$2"; shift 2; done\n'
                                    'shift\nexec "$@"\n')
    (bin_dir / "docker").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    for dummy in range(4):
        subprocess.run(["sh", str(tmp_path / "backup.sh")], env=env, check=True, capture_output=True)
    for folder, name, locked in (("backups/shop", "shop", "1\n"), ("backups", "django", "")):
        kept = sorted(p.name for p in (root / folder).iterdir() if p.is_file())
        assert len(kept) == 2 and all(n.endswith("-scheduled.dump") for n in kept), kept
        assert (root / folder / kept[-1]).read_text() == "dumped %s as %s\n%s" % (name, name, locked)
    assert not lock.exists()
    assert len((tmp_path / "hooked").read_text().splitlines()) == 8
