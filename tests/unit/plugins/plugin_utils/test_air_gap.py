"""The air-gap bundle: what it is made for and when it does not fit a host or the settings."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.plugin_utils import air_gap

DEPS = {"mode": "requirements", "entry": "requirements.txt", "files": {"deps/requirements.txt": "Django>=5.2,<5.3\n"}}
HOST = {"id": "debian", "codename": "trixie", "architecture": "amd64"}


def made(**changes):
    app = air_gap.app_inputs("python:3.13-slim", ["libmagic1"], [], DEPS, ["tools/uwsgi.txt"], "")
    manifest = {"format": air_gap.FORMAT, "target": dict(HOST), "app": app,
                "images": {"python:3.13-slim": {}, "nginx:1.30": {}}}
    manifest.update(changes)
    return manifest


def test_targets_are_releases_docker_ce_is_built_for():
    assert air_gap.target("bookworm", "amd64") == {"id": "debian", "codename": "bookworm", "architecture": "amd64"}
    assert air_gap.target("noble", "arm64")["id"] == "ubuntu"
    with pytest.raises(air_gap.BundleProblem, match="not a release docker-ce is built for"):
        air_gap.target("buster", "amd64")
    with pytest.raises(air_gap.BundleProblem, match="air_gap_architecture 'i386'"):
        air_gap.target("trixie", "i386")


def test_the_release_image_is_the_official_minimal_one():
    assert air_gap.release_image(air_gap.target("trixie", "amd64")) == "debian:trixie-slim"
    assert air_gap.release_image(air_gap.target("jammy", "amd64")) == "ubuntu:jammy"


def test_sources_name_the_archive_its_security_suite_and_docker_ce_with_the_checked_key():
    text = air_gap.docker_sources(air_gap.target("trixie", "amd64"), "http://m/docker-ce/", "stable",
                                  "http://m/debian/", "http://m/debian-security", "/in/docker.asc")
    assert text.splitlines() == [
        "deb http://m/debian trixie main",
        "deb http://m/debian trixie-updates main",
        "deb http://m/debian-security trixie-security main",
        "deb [arch=amd64 signed-by=/in/docker.asc] http://m/docker-ce/linux/debian trixie stable",
    ]
    ubuntu = air_gap.docker_sources(air_gap.target("noble", "arm64"), "http://m/docker-ce", "stable",
                                    "http://m/ubuntu", "", "/k")
    assert "deb http://m/ubuntu noble main universe" in ubuntu and "security" not in ubuntu
    assert "linux/ubuntu noble stable" in ubuntu


def test_a_pinned_engine_version_pins_the_engine_and_its_cli():
    packages = air_gap.docker_packages("5:28.0.4-1~debian.12~bookworm")
    assert "docker-ce=5:28.0.4-1~debian.12~bookworm" in packages
    assert "docker-ce-cli=5:28.0.4-1~debian.12~bookworm" in packages
    assert "containerd.io" in packages and "python3-requests" in packages
    assert "docker-ce" in air_gap.docker_packages("")


def test_the_app_script_collects_checks_and_builds_wheels():
    script = air_gap.app_script("requirements.txt", ["tools/uwsgi.txt"], "", ["libmagic1"], ["gcc"],
                                "http://m/debian", "")
    assert "--download-only --no-install-recommends libmagic1" in script
    assert "cp /var/cache/apt/archives/*.deb /out/debs/build/" in script
    assert "pip download -q --require-hashes --dest /tmp/downloads -r '/in/tools/uwsgi.txt'" in script
    assert "pip wheel -q --no-deps --wheel-dir /out/wheels" in script
    # The wheel set is checked against the requirements with no index.
    assert "--dry-run --ignore-installed --no-index --find-links /out/wheels -r '/in/deps/requirements.txt'" in script
    assert "security" not in script
    assert "apt-get" not in air_gap.app_script("requirements.txt", [], "", [], [], "http://m/debian", "")


def test_locked_projects_are_refused_with_the_way_out():
    with pytest.raises(air_gap.BundleProblem, match="export the lock to requirements.txt"):
        air_gap.check_dependencies_mode({"mode": "uv"})
    air_gap.check_dependencies_mode(DEPS)


def test_host_facts_from_the_one_command():
    assert air_gap.host_facts("debian trixie\namd64\n") == HOST
    assert air_gap.host_facts("") == {"id": "", "codename": "", "architecture": ""}


def test_a_bundle_that_fits_has_no_problem():
    app = air_gap.app_inputs("python:3.13-slim", ["libmagic1"], [], DEPS, ["tools/uwsgi.txt"], "")
    assert air_gap.problems(made(), HOST, ["python:3.13-slim"], app) == []
    assert air_gap.problems(made(), HOST, [], None) == []


def test_another_release_or_architecture_is_named():
    found = air_gap.problems(made(), dict(HOST, codename="bookworm", architecture="arm64"), [], None)
    assert found == ["it was built for debian trixie on amd64; this host is debian bookworm on arm64"]


def test_a_missing_image_is_named():
    found = air_gap.problems(made(), HOST, ["python:3.13-slim", "redis:8"], None)
    assert found == ["it has no image redis:8 (it has nginx:1.30, python:3.13-slim)"]


def test_other_settings_are_named_each():
    other = dict(DEPS, files={"deps/requirements.txt": "Django>=5.2,<5.3\nrequests\n"})
    app = air_gap.app_inputs("python:3.12-slim", ["libmagic1", "gettext"], ["gcc"], other,
                             ["tools/uwsgi.txt", "tools/postgresql.txt"], "")
    found = air_gap.problems(made(), HOST, [], app)
    assert "its base image is 'python:3.13-slim', the settings say 'python:3.12-slim'" in found
    assert "it lacks gettext of django_app_os_packages" in found
    assert "it lacks gcc of django_app_build_packages" in found
    assert "it lacks tools/postgresql.txt of pinned tools (server, drivers)" in found
    assert "its wheels were collected for another requirements.txt (the project's changed since)" in found
    # Fewer packages than collected is fine.
    fewer = air_gap.app_inputs("python:3.13-slim", [], [], DEPS, ["tools/uwsgi.txt"], "")
    assert air_gap.problems(made(), HOST, [], fewer) == []


def test_a_bundle_of_another_format_is_refused_alone():
    found = air_gap.problems(made(format=0), dict(HOST, codename="bookworm"), ["redis:8"], None)
    assert len(found) == 1 and "format" in found[0]
    assert "nothing was changed" in air_gap.problem_message("b.tar", found)


def test_settings_come_from_the_play_else_the_roles_defaults():
    values = {"django_app_project_src": "/src", "django_app_os_packages": ["libpq5"],
              "docker_ce_mirror_url": "http://m/docker-ce", "docker_ce_gpg_fingerprint": "AB CD",
              "django_app_base_image": "python:3.13-slim", "django_app_pip_index_url": "http://m/pypi/simple/"}
    app, docker = air_gap.settings(values.get)
    assert app["project_src"] == "/src" and app["os_packages"] == ["libpq5"] and app["database"] == "sqlite"
    assert docker == {"mirror_url": "http://m/docker-ce", "fingerprint": "AB CD", "channel": "stable", "version": ""}
    with pytest.raises(air_gap.BundleProblem, match="django_app_project_src is not set"):
        air_gap.settings({}.get)


def test_the_build_commands_tools_are_collected_with_the_build_packages():
    values = {"django_app_project_src": "/src", "django_app_build_packages": ["gcc"],
              "django_app_build_commands": ["compilemessages --locale de", "compress"]}
    assert air_gap.settings(values.get)[0]["build_packages"] == ["gcc", "gettext"]
    values["django_app_build_commands"] = ["compress"]
    assert air_gap.settings(values.get)[0]["build_packages"] == ["gcc"]


def test_the_project_inputs_are_its_dependency_files_and_the_tools_its_image_installs(tmp_path):
    (tmp_path / "requirements.txt").write_text("Django>=5.2\n")
    app = {"project_src": str(tmp_path), "requirements_file": "", "database": "postgresql", "redis": True,
           "uwsgi_requirement": "", "server": "uwsgi", "interface": "wsgi"}
    deps, tools = air_gap.project_inputs(app)
    assert deps["mode"] == "requirements" and deps["files"] == {"deps/requirements.txt": "Django>=5.2\n"}
    assert tools == ["tools/uwsgi.txt", "tools/postgresql.txt", "tools/redis.txt"]
