# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: django_app_project
short_description: What a Django project on the controller is made of
version_added: 0.2.0
description:
  - Finds, on the controller and without writing anything, the folder of C(manage.py) (the
    project's root or C(src/)), the settings module (the one given, else the one
    C(manage.py) sets; it must be a module of the project), and the files the image's
    dependencies are installed from.
  - Dependencies come from the requirements file given (or C(requirements.txt)) with every
    file it includes (C(-r), C(-c), relative paths, any depth), or from C(pyproject.toml)
    with C(uv.lock) (installed as locked), or from C(pyproject.toml)'s C([project])
    dependencies. A C(uwsgi) pin is commented out (the role installs its own server).
  - A project that cannot be built as it is fails with a message that says what to set
    (an include outside the project or naming a URL, a missing file, a settings module that
    is not in the project, a C(pyproject.toml) without a dependencies list).
author: djangodocker.deploy developers (!UNKNOWN)
options:
  _terms:
    description: The project folder on the controller.
    required: true
    type: list
    elements: path
  requirements_file:
    description: The requirements file, relative to the project; empty to find one.
    type: str
    default: ""
  settings_module:
    description: The settings module; empty for the one C(manage.py) sets.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Read the project's layout
  ansible.builtin.set_fact:
    project: "{{ lookup('djangodocker.deploy.django_app_project', '/home/me/shop', settings_module='config.settings.production') }}"
"""

RETURN = r"""
_raw:
  description:
    - One mapping with C(manage_dir) (C('') or C(src)), C(settings_module), and C(dependencies)
      (C(mode) C(requirements) or C(uv), C(entry), the file pip or uv starts from, and C(files),
      the dependency files by their path in the build context).
  type: list
  elements: dict
"""

import os

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.djangodocker.deploy.plugins.module_utils.django_project import ProjectProblem, describe


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        results = []
        for term in terms:
            try:
                results.append(describe(os.path.abspath(os.path.expanduser(term)),
                                        kwargs.get("requirements_file") or "", kwargs.get("settings_module") or ""))
            except ProjectProblem as problem:
                raise AnsibleLookupError(str(problem))
        return results
