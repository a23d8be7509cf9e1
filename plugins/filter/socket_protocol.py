# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: socket_protocol
short_description: What an application server's release socket speaks behind Nginx
version_added: 0.11.0
description:
  - V(uwsgi) for uWSGI (Nginx's C(uwsgi_pass)), V(http) for Gunicorn and Granian (C(proxy_pass)); the release probe
    asks the socket in the same protocol (one decision, module_utils/app_image.py).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  _input:
    description: The application server (C(django_app_server)).
    type: str
    required: true
"""

EXAMPLES = r"""
protocol: "{{ 'granian' | djangodocker.deploy.socket_protocol }}"
# http
"""

RETURN = r"""
_value:
  description: V(uwsgi) or V(http).
  type: str
"""

from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import socket_protocol


class FilterModule:

    def filters(self):
        return {"socket_protocol": socket_protocol}
