#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: database_account
short_description: Give one app its own database and user on a database server container
version_added: 0.9.0
description:
  - Makes the app's database and its user (not a superuser; on PostgreSQL the database's owner, other
    users may not connect to it; on MySQL/MariaDB all privileges on that database only) in the server
    container, through O(admin_command) run with C(docker exec -i) - the SQL, with the password, goes
    on its standard input, never on a command line.
  - Keeps the app's password in C(<root>/apps/<app>/password) (generated once, or given), writes its
    C(DATABASE_URL) into C(<root>/apps/<app>/client.env) (0600) and records its names in
    C(<root>/apps/<app>/account) (no secret; the scheduled backups read it).
  - One database per app. A database or user another app's record names is an error before anything
    changes; so is a given password that differs from the kept one.
  - A host made by an earlier version kept one database for every app (C(<root>/client.env)); an app
    that ran there keeps that database (its data is there), recorded as C(legacy); a new app gets its
    own. Once recorded, an app keeps its database; other names asked for later are reported, not
    switched to (the data would seem gone).
  - O(state=absent) (a purge of the app, remove.yml) drops the app's database and user, and deletes its record,
    its password and its backup folder; the database of an earlier version's layout, shared by every app then, is
    kept (only the record goes). An app with no record changes nothing.
  - Nothing secret is in the result.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  root:
    description: The database server's folder on the host (the database role's C(database_root)).
    type: path
    required: true
  app:
    description: The app's name (the django_app role's).
    type: str
    required: true
  state:
    description: Whether the app has its database and user (V(present)) or not (V(absent)).
    type: str
    choices: [present, absent]
    default: present
  name:
    description: The app's database (an identifier). Required with O(state=present).
    type: str
  user:
    description: The app's user (an identifier). Required with O(state=present).
    type: str
  password:
    description: The user's password; empty generates one once and keeps it.
    type: str
    default: ""
  reserved_users:
    description: Users no app may be given (the server's own, root).
    type: list
    elements: str
    default: []
  family:
    description: The SQL dialect of the server.
    type: str
    choices: [postgresql, mysql]
    required: true
  container:
    description: The server's container; also the host name in C(DATABASE_URL).
    type: str
    required: true
  admin_command:
    description: The command, run in the container, that reads an administrator's SQL on its input and
      prints each row's first column as a line.
    type: list
    elements: str
    required: true
  url:
    description: C(DATABASE_URL) with C({user}), C({password}) (percent-encoded) and C({name}) to fill in.
      Required with O(state=present).
    type: str
  lock:
    description:
      - The app's deploy lock (recorded; the scheduled backups take it, so none runs during a release).
      - Not given, the recorded one is kept.
    type: path
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Keep the app's own database and user on the server
  djangodocker.deploy.database_account:
    root: /srv/databases/postgresql
    app: shop
    name: shop
    user: shop
    family: postgresql
    container: postgresql
    admin_command: [sh, -c, 'exec psql -X -q -t -A -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres']
    url: "postgres://{user}:{password}@postgresql:5432/{name}"
"""

RETURN = r"""
env_file:
  description: The app's client environment on the host (C(DATABASE_URL), with the password).
  returned: success
  type: str
name:
  description: The app's database.
  returned: success
  type: str
user:
  description: The app's user.
  returned: success
  type: str
legacy:
  description: Whether the app keeps the one database of an earlier version's layout.
  returned: success
  type: bool
shared_with:
  description: Other apps recorded with the same database (only ever apps of the earlier layout).
  returned: success
  type: list
  elements: str
backup_dir:
  description: Where the app's database's backups go.
  returned: success
  type: str
reasons:
  description: What was not as it should be (never a secret).
  returned: success
  type: list
  elements: str
"""

import os
import re
import shutil

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves.urllib.parse import quote, unquote, urlsplit

from ansible_collections.djangodocker.deploy.plugins.module_utils import service_accounts
from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError
from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import FileProblem, ensure_file, read_text
from ansible_collections.djangodocker.deploy.plugins.module_utils.secret_values import generate, secret_problem

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
USER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")

# What exists, as lines "user:<count>" and "database:<count>"; then what makes the missing parts.
# Names are checked identifiers and the password holds no quote or backslash (secret_values).
SQL = {
    "postgresql": {
        "exists": ("SELECT 'user:' || count(*) FROM pg_roles WHERE rolname = '{user}';\n"
                   "SELECT 'database:' || count(*) FROM pg_database WHERE datname = '{name}';\n"),
        "user": "CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}';\n",
        "password": "ALTER ROLE \"{user}\" PASSWORD '{password}';\n",
        "database": "CREATE DATABASE \"{name}\" OWNER \"{user}\";\n",
        # Other apps' users may not even connect.
        "grant": "REVOKE CONNECT, TEMPORARY ON DATABASE \"{name}\" FROM PUBLIC;\n",
        # Sessions still open (a psql of the user's) would make DROP DATABASE fail.
        "drop": ("SELECT 'closed:' || count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{name}';\n"
                 "DROP DATABASE IF EXISTS \"{name}\";\nDROP ROLE IF EXISTS \"{user}\";\n"),
    },
    "mysql": {
        "exists": ("SELECT CONCAT('user:', COUNT(*)) FROM mysql.user WHERE User = '{user}' AND Host = '%';\n"
                   "SELECT CONCAT('database:', COUNT(*)) FROM information_schema.SCHEMATA"
                   " WHERE SCHEMA_NAME = '{name}';\n"),
        "user": "CREATE USER '{user}'@'%' IDENTIFIED BY '{password}';\n",
        "password": "ALTER USER '{user}'@'%' IDENTIFIED BY '{password}';\n",
        "database": "CREATE DATABASE `{name}`;\n",
        "grant": "GRANT ALL PRIVILEGES ON `{name}`.* TO '{user}'@'%';\n",
        "drop": "DROP DATABASE IF EXISTS `{name}`;\nDROP USER IF EXISTS '{user}'@'%';\n",
    },
}


def legacy_account(root):
    """The names in the earlier layout's DATABASE_URL: {name, user}."""
    url = urlsplit((service_accounts.legacy_env(root) or {}).get("DATABASE_URL", ""))
    return {"name": url.path.lstrip("/"), "user": unquote(url.username or "")}


def wanted(root, app, params, docker, recorded):
    """(account dict, legacy) the app is to have: its record's, the earlier layout's, or the asked for.
    RECORDED: every app's record on the server (service_accounts.records)."""
    kept = recorded.get(app)
    if kept:
        return {"name": kept["DB_NAME"], "user": kept["DB_USER"], "backup_dir": kept["BACKUP_DIR"]}, \
            kept.get("LEGACY") == "1"
    if service_accounts.keeps_legacy(root, app, docker, recorded):
        return dict(legacy_account(root), backup_dir=os.path.join(root, "backups")), True
    return {"name": params["name"], "user": params["user"], "backup_dir": os.path.join(root, "backups", app)}, False


def clashes(recorded, app, account, legacy):
    """Other apps in RECORDED with ACCOUNT's database or user: (apps sharing the earlier layout's, problems)."""
    shared, problems = [], []
    for other, kept in recorded.items():
        if other == app:
            continue
        same = [what for what, key in (("database", "DB_NAME"), ("user", "DB_USER"))
                if kept.get(key) == account[what if what == "user" else "name"]]
        if not same:
            continue
        if legacy and kept.get("LEGACY") == "1":
            shared.append(other)
        else:
            problems.append("the %s of app %s (%s) is app %s's: each app gets its own; set database_name and "
                            "database_user" % (" and ".join(same), app, account["name"], other))
    return shared, problems


def present(docker, params, account):
    """{'user': bool, 'database': bool}: what the server has of ACCOUNT."""
    out = docker.run("exec", "-i", params["container"], *params["admin_command"],
                     data=SQL[params["family"]]["exists"].format(**account))
    found = {}
    for line in out.splitlines():
        what, dummy, count = line.strip().partition(":")
        if what in ("user", "database"):
            found[what] = count.strip() not in ("", "0")
    return {"user": found.get("user", False), "database": found.get("database", False)}


def provision(docker, params, account, password, have, recorded):
    """Make what the server lacks; the reasons. A user made by a run that did not get to record it gets
    the kept password again."""
    sql, reasons = SQL[params["family"]], []
    statements = []
    if not have["user"]:
        statements.append(sql["user"])
        reasons.append("user %s made" % account["user"])
    elif not recorded:
        statements.append(sql["password"])
    if not have["database"]:
        statements.append(sql["database"])
        reasons.append("database %s made" % account["name"])
    if statements:
        statements.append(sql["grant"])
        values = dict(account, password=password)
        try:
            docker.run("exec", "-i", params["container"], *params["admin_command"],
                       data="".join(one.format(**values) for one in statements))
        except DockerError as error:
            # A server may quote the statement it refused.
            raise DockerError(str(error).replace(password, "********"))
    return reasons


def password_for(folder, given, check_mode):
    """(the app's password, reasons): the given one (its characters checked by run() first), else the kept one,
    else generated; a given one that differs from the kept one is an error (the server was made with the kept one)."""
    path = os.path.join(folder, "password")
    kept = (read_text(path) or "").strip()
    if given:
        if kept and kept != given:
            raise service_accounts.AccountProblem(
                "database_password differs from the one kept in %s, which the user was made with; change it in "
                "the server first, then here (or leave it empty to keep the kept one)" % folder)
    value = given or kept or generate()
    if check_mode and not os.path.isdir(folder):
        return value, ["%s would be written" % path]
    return value, ensure_file(path, (value + "\n").encode("ascii"), "0600", check_mode=check_mode, secret=True)


def drop(module, docker):
    """State absent: the app's database, user, record and backups gone; the reasons."""
    p = module.params
    root, app = p["root"], p["app"]
    folder = service_accounts.app_folder(root, app)
    kept = service_accounts.records(root).get(app)
    if not kept:
        return {"reasons": []}
    account = {"name": kept["DB_NAME"], "user": kept["DB_USER"]}
    reasons = []
    if kept.get("LEGACY") == "1":
        module.warn("app %s used the one database of an earlier version's layout (%s), which other apps may use: "
                    "it is kept; only the app's record goes" % (app, account["name"]))
    else:
        reasons.append("database %s and user %s dropped" % (account["name"], account["user"]))
        if os.path.isdir(kept.get("BACKUP_DIR", "")):
            reasons.append("backups in %s deleted" % kept["BACKUP_DIR"])
    reasons.append("record %s deleted" % folder)
    if module.check_mode:
        return {"reasons": reasons}
    if kept.get("LEGACY") != "1":
        for what, pattern in (("name", NAME), ("user", USER)):
            if not pattern.match(account[what]):
                raise service_accounts.AccountProblem("the record of app %s names %r, not an identifier" % (app, account[what]))
        docker.run("exec", "-i", p["container"], *p["admin_command"], data=SQL[p["family"]]["drop"].format(**account))
        if os.path.isdir(kept.get("BACKUP_DIR", "")) and kept["BACKUP_DIR"] != os.path.join(root, "backups"):
            shutil.rmtree(kept["BACKUP_DIR"])
    shutil.rmtree(folder)
    return {"reasons": reasons}


def run(module, docker):
    p = module.params
    for what, pattern, value in (("database_name", NAME, p["name"]), ("database_user", USER, p["user"])):
        if not pattern.match(value):
            raise service_accounts.AccountProblem(
                "%s %r: an identifier (letters, digits, _; not starting with a digit; up to %s)"
                % (what, value, 63 if what == "database_name" else 32))
    # Before anything is made: the password goes into an SQL string and a URL.
    problem = secret_problem("database_password", p["password"]) if p["password"] else None
    if problem:
        raise service_accounts.AccountProblem(problem)
    root, app = p["root"], p["app"]
    folder = service_accounts.app_folder(root, app)
    # Read once: every app's record on the server.
    all_records = service_accounts.records(root)
    recorded = app in all_records
    account, legacy = wanted(root, app, p, docker, all_records)
    shared, problems = clashes(all_records, app, account, legacy)
    if not legacy and account["user"] in p["reserved_users"]:
        problems.append("database_user %s is the server's own user: an app gets a user of its own" % account["user"])
    if problems:
        raise service_accounts.AccountProblem("; ".join(problems))
    result = {"legacy": legacy, "shared_with": shared, "name": account["name"], "user": account["user"],
              "backup_dir": account["backup_dir"], "env_file": os.path.join(folder, "client.env"), "reasons": []}
    if recorded and (account["name"], account["user"]) != (p["name"], p["user"]):
        module.warn("app %s keeps its database %s (user %s), recorded in %s; database_name and database_user "
                    "ask for %s (%s): a database is never switched silently" % (
                        app, account["name"], account["user"], folder, p["name"], p["user"]))
    if legacy:
        # The earlier layout's client environment as it is: the server's password, not one of the app's.
        client_env = read_text(os.path.join(root, "client.env"))
    else:
        if not module.check_mode:
            result["reasons"] += service_accounts.make_folder(root, app)
        password, reasons = password_for(folder, p["password"], module.check_mode)
        result["reasons"] += reasons
        if docker.available and not module.check_mode:
            have = present(docker, p, account)
            result["reasons"] += provision(docker, p, account, password, have, recorded)
        elif not recorded:
            result["reasons"].append("database %s and user %s would be made" % (account["name"], account["user"]))
        client_env = "DATABASE_URL=%s\n" % p["url"].format(
            user=quote(account["user"], safe=""), password=quote(password, safe=""), name=account["name"])
    record = {"DB_NAME": account["name"], "DB_USER": account["user"], "BACKUP_DIR": account["backup_dir"],
              "LEGACY": "1" if legacy else "0",
              # A call without the lock (a dump or restore of its own) keeps the recorded one.
              "LOCK": p["lock"] if p["lock"] is not None else all_records.get(app, {}).get("LOCK", "")}
    result["reasons"] += service_accounts.write(root, app, record, client_env, module.check_mode)
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type="path", required=True),
            app=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            name=dict(type="str"),
            user=dict(type="str"),
            password=dict(type="str", default="", no_log=True),
            family=dict(type="str", choices=["postgresql", "mysql"], required=True),
            container=dict(type="str", required=True),
            reserved_users=dict(type="list", elements="str", default=[]),
            admin_command=dict(type="list", elements="str", required=True),
            url=dict(type="str"),
            lock=dict(type="path"),
        ),
        required_if=[("state", "present", ["name", "user", "url"])],
        supports_check_mode=True,
    )
    try:
        result = (run if module.params["state"] == "present" else drop)(module, Docker(module))
    except (service_accounts.AccountProblem, DockerError, FileProblem, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(result["reasons"]), **result)


if __name__ == "__main__":
    main()
