#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: site_maintenance
short_description: Turn the Nginx front's maintenance page on or off for some or all of a host's sites
version_added: 0.11.0
description:
  - A site's configuration (the nginx_front role's) answers 503 with C(Retry-After) for everything but its static
    and media files while C(<sites_dir>/<site>/maintenance/on) exists, with C(maintenance/page.html) when the site has
    one. This module makes or removes that file, so turning maintenance on or off needs no reload (no request fails),
    and the state outlives releases, C(site.yml) runs and Nginx restarts until it is turned off.
  - Every site named must be on the host, with a configuration that reads the file (one written by an earlier
    version does not, so re-run C(site.yml) first); otherwise the module fails and changes nothing.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  state:
    description: V(on) answers 503; V(off) serves the sites again.
    type: str
    choices: ["on", "off"]
    required: true
  sites:
    description: The sites (the apps' names); empty means every site on the host.
    type: list
    elements: str
    default: []
  conf_dir:
    description: The folder of the sites' configurations (C(site-<name>.conf)).
    type: path
    required: true
  sites_dir:
    description: The folder of the sites' files (C(<name>/static), C(<name>/run)).
    type: path
    required: true
  page:
    description: O(state=on) - the page's HTML; empty uses the plain default page (O(switch=user) only).
    type: str
    default: ""
  switch:
    description:
      - V(user) is maintenance.yml's switch (C(maintenance/on)); V(busy) is a job's that stops the app (a database
        move), so that the job's end does not end the user's maintenance, nor the user's the job's.
    type: str
    choices: [user, busy]
    default: user
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Answer 503 for mysite while the database moves
  djangodocker.deploy.site_maintenance:
    state: "on"
    sites: [mysite]
    conf_dir: /srv/nginx/conf.d
    sites_dir: /srv/nginx/sites
    page: "{{ lookup('ansible.builtin.file', 'maintenance.html') }}"
"""

RETURN = r"""
sites:
  description: The sites acted on, each with C(name) and C(changed).
  returned: success
  type: list
  elements: dict
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import ensure_file, ensure_folder

SITE_FILE = re.compile(r"^site-(?P<name>.+)\.conf$")


def host_sites(conf_dir):
    """The names of the sites whose configuration is in CONF_DIR, sorted."""
    try:
        names = os.listdir(conf_dir)
    except FileNotFoundError:
        return []
    return sorted(SITE_FILE.match(name).group("name") for name in names if SITE_FILE.match(name))


def flag(sites_dir, site, switch="user"):
    return os.path.join(sites_dir, site, "maintenance", "on" if switch == "user" else "busy")


def reads_flag(conf_dir, site):
    """Whether the site's configuration asks for the flag file (written by this version of the role)."""
    try:
        with open(os.path.join(conf_dir, "site-%s.conf" % site), encoding="utf-8") as handle:
            return "/srv/sites/%s/maintenance/busy" % site in handle.read()
    except OSError:
        return False


def problems(wanted, present, conf_dir):
    """Why the request cannot be carried out; empty when it can."""
    if not present:
        return ["there is no site on this host (%s has no site-*.conf)" % conf_dir]
    unknown = [site for site in wanted if site not in present]
    if unknown:
        return ["no site %s on this host (its sites: %s)" % (", ".join(unknown), ", ".join(present))]
    old = [site for site in (wanted or present) if not reads_flag(conf_dir, site)]
    if old:
        return ["the configuration of %s was written by an earlier version and has no maintenance switch: run "
                "site.yml first" % ", ".join(old)]
    return []


def remove(path, check_mode):
    if not os.path.exists(path):
        return False
    if not check_mode:
        os.unlink(path)
    return True


def switch(site, state, sites_dir, page, check_mode, which="user"):
    """Whether SITE's maintenance files changed; the page first, then the flag (on), or the flag only (off)."""
    folder = os.path.dirname(flag(sites_dir, site))
    if state == "off":
        return remove(flag(sites_dir, site, which), check_mode)
    # Nginx's worker reads them: 0755 and 0644, root's.
    changed = bool(ensure_folder(folder, "0755", check_mode=check_mode))
    if check_mode and changed:
        return True
    if which == "user":
        page_path = os.path.join(folder, "page.html")
        changed = (bool(ensure_file(page_path, page.encode("utf-8"), "0644", check_mode=check_mode)) if page
                   else remove(page_path, check_mode)) or changed
    return bool(ensure_file(flag(sites_dir, site, which), b"", "0644", check_mode=check_mode)) or changed


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", choices=["on", "off"], required=True),
            sites=dict(type="list", elements="str", default=[]),
            conf_dir=dict(type="path", required=True),
            sites_dir=dict(type="path", required=True),
            page=dict(type="str", default=""),
            switch=dict(type="str", choices=["user", "busy"], default="user"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    present = host_sites(params["conf_dir"])
    found = problems(params["sites"], present, params["conf_dir"])
    if found:
        module.fail_json(msg="Nothing was changed: %s." % "; ".join(found))
    done = [dict(name=site, changed=switch(site, params["state"], params["sites_dir"], params["page"],
                                           module.check_mode, params["switch"]))
            for site in (params["sites"] or present)]
    module.exit_json(changed=any(site["changed"] for site in done), sites=done)


if __name__ == "__main__":
    main()
