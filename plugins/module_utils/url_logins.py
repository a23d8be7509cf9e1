# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logins written into URLs (a private PyPI index's, a mirror's: scheme://user:password@host/...) kept out of
what is printed: modules add the passwords to their no-log values, action plugins mask their results."""

from __future__ import annotations

import re

from ansible.module_utils.common.parameters import remove_values

# scheme://user:password@ - the password ends at the last "@" before the host.
_LOGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s]+)@")


def url_passwords(value):
    """The passwords of the URLs with a login anywhere in VALUE (a string, or lists and dicts of them)."""
    found = set()
    if isinstance(value, str):
        found.update(match.group(1) for match in _LOGIN.finditer(value))
    elif isinstance(value, dict):
        for item in value.values():
            found |= url_passwords(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= url_passwords(item)
    return found


def hide_url_passwords(module):
    """MODULE masks the URL passwords of its parameters wherever they appear in its result (its invocation,
    its messages), as it does the values of no_log options."""
    module.no_log_values.update(url_passwords(module.params))


def masked(result, args):
    """RESULT of an action plugin with the URL passwords of its ARGS masked."""
    passwords = url_passwords(args)
    return remove_values(result, passwords) if passwords else result
