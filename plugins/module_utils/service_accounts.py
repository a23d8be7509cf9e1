# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The apps a service (a database server, Redis) holds, each with an account of its own, recorded on the host.

<root>/apps/<app>/account holds the names the app's account uses, as KEY=VALUE lines (no secret; the
scheduled backup script reads them); <root>/apps/<app>/client.env the app's client environment (its URL
with the password, 0600). One account per app: sharing data between apps is never implicit.

A host made by an earlier version kept one account for every app in <root>/client.env. An app that ran
there before (a container labelled djangodocker.deploy.app=<app> exists) keeps that account - its data
is there - instead of getting a new, empty one.
"""

from __future__ import annotations

import os
import re

from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import ensure_file, ensure_folder, read_text

APP = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


class AccountProblem(Exception):
    """An account that cannot be given as asked; the message says why (never a secret)."""


def app_folder(root, app):
    if not APP.match(app):
        raise AccountProblem("app name %r: lower-case letters, digits, _ . - only" % app)
    return os.path.join(root, "apps", app)


def parse(text):
    """KEY=VALUE lines as a dict (other lines ignored)."""
    found = {}
    for line in (text or "").splitlines():
        match = LINE.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def records(root):
    """{app: its account's KEY=VALUE dict} of every app recorded under ROOT."""
    folder = os.path.join(root, "apps")
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return {}
    found = {}
    for name in names:
        text = read_text(os.path.join(folder, name, "account"))
        if APP.match(name) and text is not None:
            found[name] = parse(text)
    return found


def legacy_env(root):
    """The one client environment of an earlier version's layout (KEY=VALUE dict), or None."""
    text = read_text(os.path.join(root, "client.env"))
    return None if text is None else parse(text)


def ran_before(docker, app):
    """Whether the engine has a container of APP (the django_app role labels every one)."""
    return docker.available and bool(docker.container_names("label=djangodocker.deploy.app=%s" % app))


def keeps_legacy(root, app, docker, recorded=None):
    """Whether APP, not recorded yet, is an app of the earlier layout that keeps its account (RECORDED: records()
    when the caller has read them already)."""
    recorded = records(root) if recorded is None else recorded
    return legacy_env(root) is not None and app not in recorded and ran_before(docker, app)


def make_folder(root, app, check_mode=False):
    """Make APP's folder (root's, 0700); the reasons."""
    reasons = ensure_folder(os.path.join(root, "apps"), "0700", check_mode=check_mode)
    return reasons + ensure_folder(app_folder(root, app), "0700", check_mode=check_mode)


def write(root, app, account, client_env, check_mode):
    """Record APP's ACCOUNT (dict, no secret) and write its CLIENT_ENV (text with the secret); the reasons."""
    folder = app_folder(root, app)
    reasons = make_folder(root, app, check_mode)
    if check_mode and not os.path.isdir(folder):
        return reasons + ["%s would be made" % folder]
    reasons += ensure_file(os.path.join(folder, "client.env"), client_env.encode("utf-8"), "0600",
                           check_mode=check_mode, secret=True)
    text = "".join("%s=%s\n" % (key, account[key]) for key in sorted(account))
    reasons += ensure_file(os.path.join(folder, "account"), text.encode("utf-8"), "0600", check_mode=check_mode)
    return reasons
