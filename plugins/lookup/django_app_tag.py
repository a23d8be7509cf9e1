# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: django_app_tag
short_description: The content tag of a Django project's image
version_added: 0.2.0
description:
  - Computes, on the controller and without writing anything, the checksum of the
    project's reproducible tars (its assets and its code) and the image tag made from it
    and the generated build files. Same content, same tag; any change to either gives a new tag.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  _terms:
    description: The project folder on the controller.
    required: true
    type: list
    elements: path
  exclude:
    description: File and folder names (shell patterns) left out at any depth.
    type: list
    elements: str
    default: []
  code:
    description:
      - File names (shell patterns) of the project's code, which goes into the image's last layer;
        every other file goes into the layer before it.
    type: list
    elements: str
    default: []
  files:
    description: The generated build files, as a mapping of relative path to text.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Tag the image by its content
  ansible.builtin.set_fact:
    release: "{{ lookup('djangodocker.deploy.django_app_tag', '/home/me/mysite', exclude=['.git'], code=['*.py'], files=files) }}"
"""

RETURN = r"""
_raw:
  description: One mapping with C(tag) (12 hex digits), C(sha256) over the project's two tars and C(files), the number of project files.
  type: list
  elements: dict
"""

import os

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.djangodocker.deploy.plugins.module_utils.project_pack import image_tag, project_checksum


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        # Read directly, so the plugin also works when loaded outside a play.
        exclude = list(kwargs.get("exclude") or [])
        code = list(kwargs.get("code") or [])
        files = dict(kwargs.get("files") or {})
        results = []
        for term in terms:
            src = os.path.abspath(os.path.expanduser(term))
            if not os.path.isdir(src):
                raise AnsibleLookupError("%s is not a folder" % src)
            sha256, count = project_checksum(src, exclude, code)
            results.append({"tag": image_tag(sha256, files), "sha256": sha256, "files": count})
        return results
