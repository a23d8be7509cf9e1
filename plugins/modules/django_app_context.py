#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_context
short_description: Put a Django project's image build context on the host in one transfer
version_added: 0.2.0
description:
  - Packs the project (without the excluded names, without symbolic links) and the
    generated build files into one reproducible tar on the controller, checks that the
    project is still the one the image tag was computed from, and unpacks the tar into
    O(dest) on the host.
  - The tar on the controller is private (mode 0600) and removed even when the transfer fails.
  - This is an action plugin; the work happens on the controller and in M(ansible.builtin.unarchive).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  src:
    description: The project on the controller (the folder with manage.py).
    type: path
    required: true
  exclude:
    description: File and folder names (shell patterns) left out at any depth.
    type: list
    elements: str
    default: []
  files:
    description: Generated files of the context, as a mapping of relative path to text.
    type: dict
    required: true
  dest:
    description: The folder on the host to unpack into (it must exist).
    type: path
    required: true
  sha256:
    description:
      - Checksum of the project's tar the image tag was made from
        (see the P(djangodocker.deploy.django_app_tag#lookup) lookup).
    type: str
    required: true
extends_documentation_fragment:
  - djangodocker.deploy.attributes
  - djangodocker.deploy.attributes.ACTION
attributes:
  action:
    support: full
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Put the build context on the host
  djangodocker.deploy.django_app_context:
    src: /home/me/mysite
    exclude: [.git, __pycache__]
    files:
      Dockerfile: "FROM python:3.13-slim\n"
    dest: /srv/django/mysite/build
    sha256: "{{ release.sha256 }}"
"""

RETURN = r"""
dest:
  description: Where the context was unpacked.
  returned: success
  type: str
"""
