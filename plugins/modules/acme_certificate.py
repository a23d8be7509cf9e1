#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acme_certificate
short_description: A site's certificate from an ACME CA by lego, checked and put where Nginx reads it
version_added: 0.10.0
description:
  - Keeps the site's lego data folder (root's, mode 0700, with lego's account and certificates), the DNS provider's
    credentials as files in it (0600; lego's container gets C(<NAME>_FILE) variables naming them, never
    their values) and the settings the site's renewal timer reads (O(data_dir)C(/settings.json)).
  - Orders a certificate with lego's container (O(image)) when the site has none for O(domains) from
    O(directory) by this challenge (the first run, or the names, the CA or the challenge changed); otherwise
    orders nothing, renewal being the timer's (C(python3 acme_lego.py renew <settings>), module_utils
    C(acme_lego)).
  - Installs lego's certificate and key as O(certs_dir)C(/<site>.crt) and C(.key) (0600) when they are new
    and pass the checks (every name covered, not expired, the key is the certificate's); the caller reloads
    Nginx with the site's configuration.
  - A failed order fails with lego's last lines; what Nginx served stays.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  site:
    description: The site's name (the installed files' names).
    type: str
    required: true
  domains:
    description: The names the certificate covers (a wildcard C(*.example.com) needs O(challenge=dns)).
    type: list
    elements: str
    required: true
  email:
    description: The ACME account's e-mail address.
    type: str
    required: true
  directory:
    description: The ACME directory URL of the CA.
    type: str
    required: true
  challenge:
    description: C(http) (HTTP-01, files in O(webroot), which Nginx serves on port 80) or C(dns) (DNS-01 through
      O(dns_provider)).
    type: str
    choices: [http, dns]
    default: http
  dns_provider:
    description: lego's name of the DNS provider (C(alidns), C(tencentcloud), C(cloudflare), C(httpreq), ...).
    type: str
    default: ""
  dns_env:
    description: The provider's variables (for example C(ALICLOUD_ACCESS_KEY), C(ALICLOUD_SECRET_KEY)), written
      as files; never printed.
    type: dict
    default: {}
  dns_resolvers:
    description: DNS servers (C(host:port)) lego asks when it checks the challenge's record.
    type: list
    elements: str
    default: []
  dns_propagation_wait:
    description: Seconds to wait for the record instead of lego's check of the zone's name servers (0, the
      check).
    type: int
    default: 0
  eab_kid:
    description: The key identifier of the CA's External Account Binding (ZeroSSL and most commercial CAs need
      one to open an account); with O(eab_hmac).
    type: str
    default: ""
  eab_hmac:
    description: The binding's MAC key (base64url), written to the data folder (0600) and given to lego from
      that file on each run (lego wants it for renewals too); never printed, never in a container's configuration.
    type: str
    default: ""
  renew_days:
    description: For the timer, renew when fewer days are left; 0 lets lego decide (a third of the lifetime
      left, a half for short-lived certificates, or the CA's renewal window, ACME Renewal Information).
    type: int
    default: 0
  key_type:
    description: The certificate key's type (lego's C(--key-type)).
    type: str
    default: ec256
  image:
    description: lego's image (the official C(goacme/lego:<version>)).
    type: str
    required: true
  api_ca:
    description: The certificate (PEM) of a CA to trust for the ACME server's own HTTPS API, for a private CA
      (step-ca); empty, the system's.
    type: str
    default: ""
  data_dir:
    description: The site's lego data folder on the host.
    type: path
    required: true
  webroot:
    description: The folder Nginx serves C(/.well-known/acme-challenge/) from (O(challenge=http)).
    type: path
    default: ""
  certs_dir:
    description: The folder of the certificates Nginx reads.
    type: path
    required: true
  nginx_container:
    description: The Nginx container the timer reloads after a renewal.
    type: str
    required: true
  warning_days:
    description: A warning when the installed certificate has fewer days left (its renewal timer has not renewed
      it).
    type: int
    default: 10
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Get the site's certificate from Let's Encrypt by HTTP-01
  djangodocker.deploy.acme_certificate:
    site: mysite
    domains: [www.example.com]
    email: ops@example.com
    directory: https://acme-v02.api.letsencrypt.org/directory
    image: goacme/lego:v4.35.2
    data_dir: /srv/nginx/acme/mysite
    webroot: /srv/nginx/sites/.acme
    certs_dir: /srv/nginx/certs
    nginx_container: nginx

- name: Get a wildcard certificate by DNS-01 on Aliyun DNS
  djangodocker.deploy.acme_certificate:
    site: mysite
    domains: [example.com, "*.example.com"]
    email: ops@example.com
    directory: https://acme-v02.api.letsencrypt.org/directory
    challenge: dns
    dns_provider: alidns
    dns_env:
      ALICLOUD_ACCESS_KEY: "{{ vault_alidns_key }}"
      ALICLOUD_SECRET_KEY: "{{ vault_alidns_secret }}"
    image: goacme/lego:v4.35.2
    data_dir: /srv/nginx/acme/mysite
    certs_dir: /srv/nginx/certs
    nginx_container: nginx
"""

RETURN = r"""
ordered:
  description: Whether lego ordered a certificate (or would, in check mode).
  returned: success
  type: bool
reason:
  description: Why it ordered (empty when it did not).
  returned: success
  type: str
installed:
  description: Whether a new certificate was put where Nginx reads it.
  returned: success
  type: bool
fingerprint:
  description: The SHA-256 fingerprint of the installed certificate (empty when none yet).
  returned: success
  type: str
not_after:
  description: When the installed certificate expires (UTC, ISO 8601; empty when none yet).
  returned: success
  type: str
days_left:
  description: Whole days until then (-1 when there is none).
  returned: success
  type: int
settings_file:
  description: The settings the renewal program reads (its argument).
  returned: success
  type: str
"""

import datetime
import json
import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.acme_lego import (
    API_CA_FILE, EAB_HMAC_FILE, AcmeError, order)
from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import (
    FileProblem, ensure_file, ensure_folder)

ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
DOMAIN = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def settings_of(p):
    """What lego's runs read (nothing secret: the credentials are files beside it)."""
    return {"site": p["site"], "domains": p["domains"], "email": p["email"], "directory": p["directory"],
            "challenge": p["challenge"], "dns_provider": p["dns_provider"],
            "dns_env_names": sorted(p["dns_env"]), "dns_resolvers": p["dns_resolvers"],
            "dns_propagation_wait": p["dns_propagation_wait"], "renew_days": p["renew_days"],
            "eab_kid": p["eab_kid"],
            "key_type": p["key_type"], "image": p["image"], "api_ca": bool(p["api_ca"]),
            "data_dir": p["data_dir"], "webroot": p["webroot"], "certs_dir": p["certs_dir"],
            "nginx_container": p["nginx_container"]}


def input_problems(p):
    """What is wrong with the options, before anything changes."""
    found = []
    for domain in p["domains"]:
        if not DOMAIN.match(domain):
            found.append("%r is not a host name a certificate can name" % domain)
        elif domain.startswith("*.") and p["challenge"] != "dns":
            found.append("the wildcard %s needs the DNS-01 challenge (HTTP-01 cannot prove it)" % domain)
    if not p["domains"]:
        found.append("a certificate needs at least one name")
    if p["challenge"] == "dns" and not p["dns_provider"]:
        found.append("the DNS-01 challenge needs dns_provider")
    if p["challenge"] == "http" and not p["webroot"]:
        found.append("the HTTP-01 challenge needs webroot")
    if bool(p["eab_kid"]) != bool(p["eab_hmac"]):
        found.append("External Account Binding needs both eab_kid and eab_hmac")
    bad = [name for name in p["dns_env"] if not ENV_NAME.match(name)]
    if bad:
        found.append("dns_env names must be upper-case variable names: %s" % ", ".join(sorted(bad)))
    return found


def keep_files(p, check_mode):
    """The data folder, credentials, API CA and settings; the reasons any was not as wanted."""
    data = p["data_dir"]
    env = os.path.join(data, "env")
    reasons = ensure_folder(data, "0700", check_mode=check_mode)
    if p["webroot"]:
        reasons += ensure_folder(p["webroot"], "0755", check_mode=check_mode)
    if p["dns_env"] or os.path.isdir(env):
        reasons += ensure_folder(env, "0700", check_mode=check_mode)
        for name, value in sorted(p["dns_env"].items()):
            reasons += ensure_file(os.path.join(env, name), ("%s" % value).encode("utf-8"), "0600",
                                   check_mode=check_mode, secret=True)
        for gone in sorted(set(os.listdir(env) if os.path.isdir(env) else []) - set(p["dns_env"])):
            reasons.append("%s is no longer a credential" % gone)
            if not check_mode:
                os.unlink(os.path.join(env, gone))
    hmac = os.path.join(data, EAB_HMAC_FILE)
    if p["eab_hmac"]:
        reasons += ensure_file(hmac, p["eab_hmac"].encode("utf-8"), "0600", check_mode=check_mode, secret=True)
    elif os.path.exists(hmac):
        reasons.append("the External Account Binding's key is no longer wanted")
        if not check_mode:
            os.unlink(hmac)
    api_ca = os.path.join(data, API_CA_FILE)
    if p["api_ca"]:
        reasons += ensure_file(api_ca, p["api_ca"].encode("utf-8"), "0644", check_mode=check_mode)
    elif os.path.exists(api_ca):
        reasons.append("%s is no longer wanted" % api_ca)
        if not check_mode:
            os.unlink(api_ca)
    settings = json.dumps(settings_of(p), indent=1, sort_keys=True).encode("utf-8") + b"\n"
    reasons += ensure_file(os.path.join(data, "settings.json"), settings, "0600", check_mode=check_mode)
    return reasons


def main():
    module = AnsibleModule(
        argument_spec=dict(
            site=dict(type="str", required=True),
            domains=dict(type="list", elements="str", required=True),
            email=dict(type="str", required=True),
            directory=dict(type="str", required=True),
            challenge=dict(type="str", choices=["http", "dns"], default="http"),
            dns_provider=dict(type="str", default=""),
            dns_env=dict(type="dict", default={}, no_log=True),
            dns_resolvers=dict(type="list", elements="str", default=[]),
            dns_propagation_wait=dict(type="int", default=0),
            eab_kid=dict(type="str", default=""),
            eab_hmac=dict(type="str", default="", no_log=True),
            renew_days=dict(type="int", default=0),
            key_type=dict(type="str", default="ec256"),
            image=dict(type="str", required=True),
            api_ca=dict(type="str", default=""),
            data_dir=dict(type="path", required=True),
            webroot=dict(type="path", default=""),
            certs_dir=dict(type="path", required=True),
            nginx_container=dict(type="str", required=True),
            warning_days=dict(type="int", default=10),
        ),
        supports_check_mode=True,
    )
    p = module.params
    p["domains"] = [domain.lower() for domain in p["domains"]]
    found = input_problems(p)
    if found:
        module.fail_json(msg="The site's ACME settings cannot work: %s." % "; ".join(found))

    def run(argv, timeout=None):
        return module.run_command(argv)

    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        reasons = keep_files(p, module.check_mode)
        result = order(run, settings_of(p), now, check_mode=module.check_mode)
    except (AcmeError, FileProblem, OSError) as error:
        module.fail_json(msg=str(error))
    if 0 <= result["days_left"] < p["warning_days"]:
        left = (p["site"], result["days_left"], result["not_after"], p["site"])
        module.warn("The certificate of %s has %s days left (until %s): its renewal timer has not renewed it; "
                    "see journalctl -u djangodocker-acme-%s" % left)
    module.exit_json(changed=bool(reasons) or result.pop("changed"), reasons=reasons,
                     settings_file=os.path.join(p["data_dir"], "settings.json"),
                     **dict((k, v) for k, v in result.items() if k != "changed"))


if __name__ == "__main__":
    main()
