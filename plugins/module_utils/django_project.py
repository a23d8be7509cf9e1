# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Django project on the controller is made of: where manage.py is, which
settings module it names, and the files its dependencies are resolved from.

Read-only and on the controller; a problem is a ProjectProblem whose message
says what to change.
"""

from __future__ import annotations

import os
import re

try:
    import tomllib
except ImportError:  # Python < 3.11 on the controller
    tomllib = None

# Folders manage.py is looked for in, first found wins ("src layout" second).
MANAGE_DIRS = ("", "src")
# The server the role adds: a project's own uWSGI pin (a C build) is dropped.
SERVER_LINE = re.compile(r"^\s*(uwsgi|pyuwsgi)\s*($|[^A-Za-z0-9_.-])", re.IGNORECASE)
INCLUDE = re.compile(r"^\s*(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s*)(\S+)")
SETTINGS_IN_MANAGE = re.compile(r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]")
MODULE_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
# Where the dependency files go in the build context.
DEPS_DIR = "deps"


class ProjectProblem(Exception):
    """The project cannot be deployed as it is; the message says why and what to set."""


def read_text(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def inside(project, path):
    """Whether PATH (resolved) is within PROJECT (resolved)."""
    root = os.path.realpath(project)
    return os.path.commonpath([root, os.path.realpath(path)]) == root


def manage_dir(project):
    """The folder of manage.py relative to PROJECT ('' or 'src')."""
    for folder in MANAGE_DIRS:
        if os.path.isfile(os.path.join(project, folder, "manage.py")):
            return folder
    raise ProjectProblem("%s has no manage.py (looked in %s)" % (
        project, ", ".join(os.path.join(project, f, "manage.py") for f in MANAGE_DIRS)))


def settings_in_manage(project, folder):
    """The settings module manage.py sets by default; '' when it sets none."""
    found = SETTINGS_IN_MANAGE.search(read_text(os.path.join(project, folder, "manage.py")))
    return found.group(1) if found else ""


def module_file(project, folder, module):
    """The file of MODULE as Python would import it from manage.py's folder; None when absent."""
    base = os.path.join(project, folder, *module.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def settings_module(project, folder, wanted):
    """The settings module to layer over: WANTED, or manage.py's; it must be in the project."""
    module = wanted or settings_in_manage(project, folder)
    if not module:
        raise ProjectProblem("manage.py does not set DJANGO_SETTINGS_MODULE; set django_app_settings_module "
                             "(e.g. config.settings.production).")
    if not MODULE_NAME.match(module):
        raise ProjectProblem("%r is not a Python module name (django_app_settings_module)" % module)
    if module_file(project, folder, module) is None:
        raise ProjectProblem("The settings module %s is not in the project: no %s.py or %s/__init__.py under %s. "
                             "Set django_app_settings_module to the production settings (e.g. config.settings.production)."
                             % (module, module.replace(".", "/"), module.replace(".", "/"),
                                os.path.join(project, folder) if folder else project))
    return module


def without_server(text):
    """TEXT with the lines that pin uWSGI commented out (the role installs its own server)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if SERVER_LINE.match(line):
            line = "# (djangodocker.deploy installs the server) " + line
        lines.append(line)
    return "".join(lines)


def requirement_files(project, entry):
    """{relative path: text} of ENTRY and every file it includes (-r, -c), at any depth.

    Paths are relative to PROJECT; an include is relative to the file that names it,
    as pip reads it. Includes that leave the project, name a URL or a missing file
    are refused.
    """
    found = {}
    pending = [entry]
    while pending:
        rel = os.path.normpath(pending.pop())
        if rel in found:
            continue
        path = os.path.join(project, rel)
        if rel.startswith("..") or os.path.isabs(rel) or not inside(project, path):
            raise ProjectProblem("The requirements file %s is outside the project %s; the image can only be built "
                                 "from files in the project." % (rel, project))
        if not os.path.isfile(path):
            raise ProjectProblem("The requirements file %s is missing in %s." % (rel, project))
        text = read_text(path)
        found[rel] = without_server(text)
        for number, line in enumerate(text.splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(2)
            if "://" in target:
                raise ProjectProblem("%s line %d includes %s, a URL: only files in the project can be included."
                                     % (rel, number, target))
            included = os.path.normpath(os.path.join(os.path.dirname(rel), target))
            if included.startswith("..") or os.path.isabs(target):
                raise ProjectProblem("%s line %d includes %s, which is outside the project %s."
                                     % (rel, number, target, project))
            pending.append(included)
    return found


def pyproject_requirements(project):
    """requirements.txt text made of pyproject.toml's [project] dependencies (PEP 621)."""
    path = os.path.join(project, "pyproject.toml")
    if tomllib is None:
        raise ProjectProblem("Reading %s needs Python 3.11 or later on the controller." % path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ProjectProblem("%s is not valid TOML: %s" % (path, error))
    project_table = data.get("project") or {}
    dependencies = project_table.get("dependencies")
    if dependencies is None or "dependencies" in (project_table.get("dynamic") or []):
        raise ProjectProblem("%s has no [project] dependencies list (PEP 621), so there is nothing to install from. "
                             "List them there, or set django_app_requirements_file to a requirements file." % path)
    return without_server("".join("%s\n" % dependency for dependency in dependencies))


def dependencies(project, requirements_file):
    """How the image gets the project's dependencies: {mode, entry, files}.

    - requirements: REQUIREMENTS_FILE (when set) or requirements.txt, with its includes.
    - uv / poetry: pyproject.toml with uv.lock / poetry.lock (installed as locked; the
      tool comes from the PyPI mirror and does not stay in the image).
    - requirements from pyproject.toml's [project] dependencies.
    FILES maps paths under the build context's deps/ folder to their text.
    """
    has = {name: os.path.isfile(os.path.join(project, name))
           for name in ("requirements.txt", "pyproject.toml", "uv.lock", "poetry.lock")}
    locked = has["pyproject.toml"] and (has["uv.lock"] or has["poetry.lock"])
    if requirements_file or (has["requirements.txt"] and not locked):
        entry = requirements_file or "requirements.txt"
        files = requirement_files(project, entry)
        return {"mode": "requirements", "entry": os.path.normpath(entry),
                "files": {"%s/%s" % (DEPS_DIR, rel): text for rel, text in files.items()}}
    for lock, mode in (("uv.lock", "uv"), ("poetry.lock", "poetry")):
        if has["pyproject.toml"] and has[lock]:
            return {"mode": mode, "entry": lock,
                    "files": {"%s/%s" % (DEPS_DIR, name): read_text(os.path.join(project, name))
                              for name in ("pyproject.toml", lock)}}
    if has["pyproject.toml"]:
        return {"mode": "requirements", "entry": "pyproject-requirements.txt",
                "files": {"%s/pyproject-requirements.txt" % DEPS_DIR: pyproject_requirements(project)}}
    raise ProjectProblem("%s has no requirements.txt and no pyproject.toml; set django_app_requirements_file to the "
                         "requirements file (e.g. requirements/production.txt)." % project)


def git_folder(project):
    """(the repository's top folder, its git folder) that holds PROJECT, or (None, None)."""
    folder = os.path.abspath(project)
    while True:
        dot_git = os.path.join(folder, ".git")
        if os.path.isdir(dot_git):
            return folder, dot_git
        if os.path.isfile(dot_git):
            # A worktree or a submodule: "gitdir: <path>"; a worktree's config is in its common folder.
            text = read_text(dot_git) or ""
            if text.startswith("gitdir:"):
                gitdir = os.path.normpath(os.path.join(folder, text[len("gitdir:"):].strip()))
                common = (read_text(os.path.join(gitdir, "commondir")) or "").strip()
                return folder, os.path.normpath(os.path.join(gitdir, common)) if common else gitdir
        parent = os.path.dirname(folder)
        if parent == folder:
            return None, None
        folder = parent


def origin_url(git_dir):
    """The url of the remote "origin" in GIT_DIR's config, or ''."""
    section = None
    for line in (read_text(os.path.join(git_dir, "config")) or "").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section in ('[remote "origin"]',) and re.match(r"^url\s*=", line):
            return line.split("=", 1)[1].strip()
    return ""


def identity(project):
    """Which project this is, the same from any clone of it: its git remote origin (without credentials or
    .git) and its folder in the repository ("git:<url>#<folder>"); '' outside a repository with an origin."""
    top, git_dir = git_folder(project)
    url = origin_url(git_dir) if git_dir else ""
    if not url:
        return ""
    url = re.sub(r"^([a-z+]+://)[^/@]*@", r"\1", url)  # credentials
    url = re.sub(r"(\.git)?/*$", "", url)
    where = os.path.relpath(os.path.abspath(project), top).replace(os.sep, "/")
    return "git:%s#%s" % (url, "" if where == "." else where)


def asgi_modules(project, folder, settings):
    """The project's ASGI applications as modules (its asgi.py files, importable from manage.py's
    folder, and the settings module when it names ASGI_APPLICATION, as Channels wants)."""
    top = os.path.join(project, folder)
    found = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "venv", "env")
                         and root.count(os.sep) - top.count(os.sep) < 3)
        if "asgi.py" in files:
            found.append(".".join(os.path.relpath(os.path.join(root, "asgi"), top).split(os.sep)))
    path = module_file(project, folder, settings)
    text = read_text(path) if path else ""
    return sorted(found) + ([settings + ".ASGI_APPLICATION"] if "ASGI_APPLICATION" in text else [])


CHANNEL_LAYERS = ("InMemoryChannelLayer", "RedisChannelLayer", "RedisPubSubChannelLayer")


def channel_layers(project, folder, settings):
    """The Channels layer backends the settings name (by text: the settings module, and its siblings when it is
    in a settings package, where a base module usually holds CHANNEL_LAYERS)."""
    path = module_file(project, folder, settings)
    if not path:
        return []
    paths = [path]
    parent = os.path.dirname(path)
    if "settings" in os.path.basename(parent) and os.path.isfile(os.path.join(parent, "__init__.py")):
        paths += sorted(os.path.join(parent, name) for name in os.listdir(parent) if name.endswith(".py"))
    text = "\n".join(read_text(found) or "" for found in dict.fromkeys(paths))
    return [backend for backend in CHANNEL_LAYERS if re.search(r"\b%s\b" % backend, text)]


def describe(project, requirements_file="", wanted_settings=""):
    """Everything the role needs to know about PROJECT, or a ProjectProblem."""
    if not os.path.isdir(project):
        raise ProjectProblem("%s is not a folder on the controller (django_app_project_src)." % project)
    folder = manage_dir(project)
    settings = settings_module(project, folder, wanted_settings)
    return {
        "manage_dir": folder,
        # Where manage.py is in the image (the project is unpacked at /app).
        "workdir": ("/app/" + folder).rstrip("/"),
        "settings_module": settings,
        "asgi": asgi_modules(project, folder, settings),
        "channel_layers": channel_layers(project, folder, settings),
        "dependencies": dependencies(project, requirements_file),
        "identity": identity(project),
    }
