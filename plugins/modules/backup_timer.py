#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_timer
short_description: A backup script on the host run by a systemd timer, in one call
version_added: 0.9.0
description:
  - Writes O(script) to C(/usr/local/sbin/<name>) (root's, 0700), a oneshot service that runs it and a timer
    (C(OnCalendar=<schedule>), C(Persistent=true), C(AccuracySec=1s) so that it runs at the time given rather than
    up to a minute later; a run missed while the host was off happens at the next
    boot), then reloads systemd and enables and starts the timer when any of them changed or the timer is
    not active.
  - O(state=absent) stops and disables the timer and removes the three files.
  - The database role's scheduled dumps and the django_app role's sqlite backups both use it.
  - O(timers) manages several timers in one call (one round trip instead of one each), each with
    the options below.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  name:
    description: The units' and the script's name (C(<name>.service), C(<name>.timer)). Required without O(timers).
    type: str
  timers:
    description: Several timers, each with the options of one (as at the top level).
    type: list
    elements: dict
    version_added: 0.11.0
    suboptions:
      name:
        description: The units' and the script's name.
        type: str
        required: true
      state:
        description: Whether the timer and its script exist.
        type: str
        choices: [present, absent]
        default: present
      script:
        description: The script's content (with its C(#!) line).
        type: str
      arguments:
        description: Arguments the service gives the script.
        type: list
        elements: str
        default: []
      schedule:
        description: When it runs (systemd OnCalendar syntax).
        type: str
      description:
        description: What it acts on, for the units' descriptions.
        type: str
        default: backup
      verb:
        description: What it does, for the units' descriptions.
        type: str
        default: Back up
      requires_docker:
        description: The service starts after, and requires, C(docker.service).
        type: bool
        default: true
  state:
    description: Whether the timer and its script exist.
    type: str
    choices: [present, absent]
    default: present
  script:
    description: The script's content (with its C(#!) line).
    type: str
  arguments:
    description: Arguments the service gives the script.
    type: list
    elements: str
    default: []
  schedule:
    description: When it runs (systemd OnCalendar syntax).
    type: str
  description:
    description: What it acts on, for the units' descriptions (after O(verb)).
    type: str
    default: backup
  verb:
    description: What it does, for the units' descriptions (the ACME renewal timers say C(Renew)).
    type: str
    default: Back up
    version_added: 0.10.0
  requires_docker:
    description: The service starts after, and requires, C(docker.service).
    type: bool
    default: true
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Back up the app's sqlite database every night
  djangodocker.deploy.backup_timer:
    name: djangodocker-backup-mysite
    script: "#!/bin/sh\nexec python3 /usr/local/lib/djangodocker/sqlite_backup.py /srv/django/mysite/data/db.sqlite3 /srv/django/mysite/backups\n"
    schedule: "*-*-* 03:15:00"
    description: the sqlite database of mysite
"""

RETURN = r"""
changed_timers:
  description: The names of the timers that were (or would be) changed.
  returned: success
  type: list
  elements: str
reasons:
  description: What was not as it should be.
  returned: success
  type: list
  elements: str
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import FileProblem, ensure_file

NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
SBIN = "/usr/local/sbin"
UNITS = "/etc/systemd/system"


def systemd_word(value):
    """VALUE as one word of an ExecStart= line (quoted; % and $ are systemd's own)."""
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")


def unit_texts(name, description, schedule, requires_docker, arguments=(), verb="Back up"):
    """{suffix: text} of the service and the timer."""
    docker = "Requires=docker.service\nAfter=docker.service\n" if requires_docker else ""
    command = " ".join([os.path.join(SBIN, name)] + [systemd_word(one) for one in arguments])
    service = ("# Managed by djangodocker.deploy\n[Unit]\nDescription=%s %s\n%s\n[Service]\nType=oneshot\n"
               "ExecStart=%s\n" % (verb, description, docker, command))
    timer = ("# Managed by djangodocker.deploy\n[Unit]\nDescription=%s %s on a schedule\n\n[Timer]\n"
             "OnCalendar=%s\nPersistent=true\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n" % (verb, description, schedule))
    return {"service": service, "timer": timer}


TIMER_OPTIONS = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    script=dict(type="str"),
    arguments=dict(type="list", elements="str", default=[]),
    schedule=dict(type="str"),
    description=dict(type="str", default="backup"),
    verb=dict(type="str", default="Back up"),
    requires_docker=dict(type="bool", default=True),
)


def check_timer(module, p):
    """Fail the module, before anything is written, on a bad name or schedule."""
    if not NAME.match(p["name"] or ""):
        module.fail_json(msg="name %r: letters, digits, _ . - only" % p["name"])
    if p["state"] != "present":
        return
    if not p.get("script") or not p.get("schedule"):
        module.fail_json(msg="timer %s: state=present needs script and schedule" % p["name"])
    if "\n" in p["schedule"] or not p["schedule"].strip():
        module.fail_json(msg="schedule must be one OnCalendar expression (got %r)" % p["schedule"])
    analyze = module.get_bin_path("systemd-analyze")
    if analyze:
        code, out, err = module.run_command([analyze, "calendar", p["schedule"]])
        if code != 0:
            module.fail_json(msg="schedule %r is not a systemd calendar expression: %s" % (
                p["schedule"], (err or out).strip()))


def present(module, p):
    reasons = ensure_file(os.path.join(SBIN, p["name"]), p["script"].encode("utf-8"), "0700",
                          check_mode=module.check_mode)
    for suffix, text in unit_texts(p["name"], p["description"], p["schedule"], p["requires_docker"],
                                   p["arguments"], p["verb"]).items():
        reasons += ensure_file(os.path.join(UNITS, "%s.%s" % (p["name"], suffix)), text.encode("utf-8"), "0644",
                               check_mode=module.check_mode)
    timer = "%s.timer" % p["name"]
    active = module.run_command(["systemctl", "is-active", "--quiet", timer])[0] == 0
    enabled = module.run_command(["systemctl", "is-enabled", "--quiet", timer])[0] == 0
    if not (active and enabled):
        reasons.append("%s is not active and enabled" % timer)
    if reasons and not module.check_mode:
        module.run_command(["systemctl", "daemon-reload"], check_rc=True)
        module.run_command(["systemctl", "enable", "--now", timer], check_rc=True)
        if active:
            # A changed schedule takes effect.
            module.run_command(["systemctl", "restart", timer], check_rc=True)
    return reasons


def absent(module, p):
    paths = [os.path.join(UNITS, "%s.timer" % p["name"]), os.path.join(UNITS, "%s.service" % p["name"]),
             os.path.join(SBIN, p["name"])]
    found = [path for path in paths if os.path.lexists(path)]
    if found and not module.check_mode:
        module.run_command(["systemctl", "disable", "--now", "%s.timer" % p["name"]])
        for path in found:
            os.unlink(path)
        module.run_command(["systemctl", "daemon-reload"], check_rc=True)
    return ["%s removed" % path for path in found]


def timers_of(params):
    """The timers to manage: O(timers), or the one the top-level options describe."""
    if params["timers"] is not None:
        return params["timers"]
    return [dict((key, params[key]) for key in TIMER_OPTIONS)]


def main():
    top = dict(TIMER_OPTIONS, name=dict(type="str"))
    module = AnsibleModule(
        argument_spec=dict(top, timers=dict(type="list", elements="dict", options=TIMER_OPTIONS)),
        mutually_exclusive=[("name", "timers")],
        required_one_of=[("name", "timers")],
        supports_check_mode=True,
    )
    timers = timers_of(module.params)
    for p in timers:
        check_timer(module, p)
    reasons, changed_timers = [], []
    try:
        for p in timers:
            found = present(module, p) if p["state"] == "present" else absent(module, p)
            if found:
                changed_timers.append(p["name"])
            reasons += found
    except (FileProblem, OSError) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(reasons), reasons=reasons, changed_timers=changed_timers)


if __name__ == "__main__":
    main()
