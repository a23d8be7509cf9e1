# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: csrf_origins
short_description: The origins browsers send for a site's host names, for Django's CSRF_TRUSTED_ORIGINS
version_added: 0.6.0
description:
  - Each host name as C(http://) origin with the HTTP port, then each as C(https://) origin with the HTTPS port; a
    port is left out when it is the scheme's default (80, 443), as browsers leave it out of the Origin header.
  - Names with a wildcard (C(*)) are left out (an origin is never a pattern).
author: djangodocker.deploy developers (!UNKNOWN)
positional: http_port, https_port
options:
  _input:
    description: The site's host names (C(ALLOWED_HOSTS)).
    type: list
    elements: str
    required: true
  http_port:
    description: The port browsers use for HTTP.
    type: int
    default: 80
  https_port:
    description: The port browsers use for HTTPS.
    type: int
    default: 443
"""

EXAMPLES = r"""
origins: "{{ ['example.com', '*.example.com'] | djangodocker.deploy.csrf_origins(8080, 443) }}"
# ['http://example.com:8080', 'https://example.com']
"""

RETURN = r"""
_value:
  description: The origins, HTTP ones first.
  type: list
  elements: str
"""


def csrf_origins(hosts, http_port=80, https_port=443):
    names = [host for host in hosts or [] if "*" not in host]
    http = "" if int(http_port) == 80 else ":%s" % http_port
    https = "" if int(https_port) == 443 else ":%s" % https_port
    return ["http://%s%s" % (name, http) for name in names] + ["https://%s%s" % (name, https) for name in names]


class FilterModule:

    def filters(self):
        return {"csrf_origins": csrf_origins}
