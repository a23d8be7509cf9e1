# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: stack_images
short_description: The Docker Hub images site.yml pulls on a host
version_added: 0.9.0
description:
  - Lists the images the play will pull on the host it runs for, each once - the app's base
    image, Nginx and lego (ACME) in nginx mode, the database engine's image, Redis, restic for
    off-site backups - from the host's variables, else the roles' defaults.
  - site.yml gives them to the docker_daemon role (C(docker_daemon_mirror_images)), which asks
    each registry mirror for their manifests before it writes the mirror list.
author: djangodocker.deploy developers (!UNKNOWN)
options: {}
"""

EXAMPLES = r"""
- name: Configure the engine, asking the mirrors for what the stack pulls
  ansible.builtin.include_role:
    name: djangodocker.deploy.docker_daemon
  vars:
    docker_daemon_mirror_images: "{{ lookup('djangodocker.deploy.stack_images', wantlist=true) }}"
"""

RETURN = r"""
_raw:
  description: Image references, as the roles pull them.
  type: list
  elements: str
"""

from ansible.plugins.lookup import LookupBase

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.stack_images import role_layers, stack_images


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        defaults, engines = role_layers()

        def get(name):
            if name in variables:
                return self._templar.template(variables[name])
            return defaults.get(name)

        return stack_images(get, engines)
