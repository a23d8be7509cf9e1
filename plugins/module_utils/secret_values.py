# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a service's password may hold, and a generated one (service_secrets, database_account)."""

from __future__ import annotations

import re
import secrets as random_source
import string

# Printable ASCII without whitespace, quotes, backslash or backtick: what a URL
# (percent-encoded), an option file (quoted), an environment file, a
# server's configuration line and an SQL string literal all keep as it is.
ALLOWED = re.compile(r"^[A-Za-z0-9!#$%&()*+,\-./:;<=>?@\[\]^_{|}~]{8,128}$")
GENERATED = string.ascii_letters + string.digits


def secret_problem(name, value):
    """Why VALUE cannot be the secret NAME, or None (the value is never named)."""
    if ALLOWED.match(value):
        return None
    if len(value) < 8 or len(value) > 128:
        return "%s must be 8 to 128 characters long" % name
    return ("%s holds a character that cannot be used (allowed: printable ASCII without spaces, "
            "quotes, backslash or backtick)" % name)


def generate():
    """32 letters and digits."""
    return "".join(random_source.choice(GENERATED) for dummy in range(32))
