#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_ce_signing_key
short_description: Install exactly one pinned repository signing key as an apt key ring
version_added: 0.2.0
description:
  - Downloads a repository's signing key file, checks that one of its primary keys has
    the pinned fingerprint, and writes a key ring holding that key alone. Any other key
    the file carries (a mirror's own key, say) is left out, so apt never trusts it.
  - A subkey's fingerprint does not satisfy the pin.
  - Nothing is written when the check fails.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  url:
    description: Where the key file is (armored or binary OpenPGP).
    type: str
    required: true
  fingerprint:
    description: Fingerprint of the primary key to trust (spaces allowed, any case).
    type: str
    required: true
  dest:
    description: The key ring to write (its folder is created, mode 0755).
    type: path
    required: true
  untrust_elsewhere:
    description:
      - Also take the pinned key out of apt's global key rings, where C(apt-key add) put it
        (C(/etc/apt/trusted.gpg), C(/etc/apt/trusted.gpg.d)); there apt trusts it for every source,
        and apt refuses a source whose C(Signed-By) names a key it also trusts globally.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for the mirror.
    type: int
    default: 30
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
requirements:
  - gpg on the host
"""

EXAMPLES = r"""
- name: Trust Docker's release key, and nothing else the mirror serves
  djangodocker.deploy.docker_ce_signing_key:
    url: https://mirrors.aliyun.com/docker-ce/linux/debian/gpg
    fingerprint: 9DC8 5822 9FC7 DD38 854A E2D8 8D81 803C 0EBF CD88
    dest: /etc/apt/keyrings/docker.asc
"""

RETURN = r"""
found:
  description: Primary and subkey fingerprints in the downloaded file.
  returned: when the file was downloaded
  type: dict
untrusted:
  description: Global key rings the pinned key was taken out of.
  returned: success
  type: list
  elements: str
left_out:
  description: Primary keys of the downloaded file that were not written.
  returned: success
  type: list
  elements: str
reasons:
  description: Why the key ring was (or in check mode would be) written.
  returned: success
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import fetch_url

from ansible_collections.djangodocker.deploy.plugins.module_utils.host_files import (
    FileProblem,
    ensure_file,
    ensure_folder,
)
from ansible_collections.djangodocker.deploy.plugins.module_utils.openpgp import (
    KeyProblem,
    global_keyrings_with,
    remove_from_keyring,
    normalise_fingerprint,
    pinned_key,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            fingerprint=dict(type="str", required=True),
            dest=dict(type="path", required=True),
            untrust_elsewhere=dict(type="bool", default=True),
            timeout=dict(type="int", default=30),
        ),
        supports_check_mode=True,
    )
    url = module.params["url"]
    fingerprint = normalise_fingerprint(module.params["fingerprint"])
    response, info = fetch_url(module, url, timeout=module.params["timeout"])
    if info["status"] != 200 or response is None:
        module.fail_json(msg="Could not download the signing key from %s: %s %s"
                         % (url, info["status"], info.get("msg", "")))
    data = response.read()
    if module.check_mode and module.get_bin_path("gpg") is None:
        # A fresh host in check mode: gpg is among what the role would install first.
        module.exit_json(changed=True, reasons=["gpg is not installed yet; the key would be checked and "
                                                "written after installing it"], untrusted=[], left_out=[])
    try:
        key, found = pinned_key(data, fingerprint, url)
        reasons = ensure_folder(os.path.dirname(module.params["dest"]), "0755", check_mode=module.check_mode)
        reasons += ensure_file(module.params["dest"], key, "0644", check_mode=module.check_mode)
        untrusted = global_keyrings_with(fingerprint) if module.params["untrust_elsewhere"] else []
        for path in untrusted:
            reasons.append("%s (apt-key) trusted the key for every source" % path)
            if not module.check_mode:
                remove_from_keyring(path, fingerprint)
    except (KeyProblem, FileProblem) as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=bool(reasons), reasons=reasons, found=found, untrusted=untrusted,
                     left_out=[f for f in found["primary"] if f != fingerprint])


if __name__ == "__main__":
    main()
