# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: tls_pair
short_description: Check a certificate file and its key file on the controller
version_added: 0.3.0
description:
  - Reads a PEM certificate (chain) and its PEM private key on the controller (either may be
    encrypted with ansible-vault) and fails when the key does not match the certificate or when
    the certificate has expired. Which of O(names) it does not cover is returned.
  - The key's content is never part of the result or of an error.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  _terms:
    description: The certificate file, then the key file.
    required: true
    type: list
    elements: path
  names:
    description: Host names the certificate should cover.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Check the site's certificate before anything changes
  ansible.builtin.set_fact:
    tls: "{{ lookup('djangodocker.deploy.tls_pair', 'files/site.crt', 'files/site.key', names=['www.example.com']) }}"
"""

RETURN = r"""
_raw:
  description: One mapping with C(names) (what the certificate covers), C(not_after), C(days_left) and C(uncovered) (those of O(names) it does not cover).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.lookup import LookupBase

from ansible_collections.djangodocker.deploy.plugins.module_utils.tls_pair import TlsPairError, inspect, uncovered


class LookupModule(LookupBase):

    def _read(self, path):
        found = self.find_file_in_search_path({}, "files", path, ignore_missing=True) or path
        try:
            # The loader decrypts vault-encrypted files.
            content, dummy = self._loader._get_file_contents(found)
        except Exception as error:
            raise AnsibleLookupError("cannot read %s: %s" % (path, error))
        return to_bytes(content)

    def run(self, terms, variables=None, **kwargs):
        if len(terms) != 2:
            raise AnsibleLookupError("tls_pair takes the certificate file and the key file")
        # Read directly, so the plugin also works when loaded outside a play.
        names = list(kwargs.get("names") or [])
        cert_path, key_path = terms
        try:
            found = inspect(self._read(cert_path), self._read(key_path))
        except TlsPairError as error:
            raise AnsibleLookupError("%s / %s: %s" % (cert_path, key_path, error))
        found["uncovered"] = uncovered(found["names"], names)
        return [found]
