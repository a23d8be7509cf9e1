#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_preflight
short_description: Check a Django app's settings, project and certificate before anything on the host changes
version_added: 0.6.0
description:
  - An action plugin; runs on the controller only, in one task (the django_app role's first).
  - Checks every rule of O(settings) (C(plugins/plugin_utils/app_checks.py) - ports in range, values written into the
    Dockerfile and uwsgi.ini being plain, names that would clash, settings that need each other) and fails with all
    the broken ones at once, each naming its variable. Values of the app's environment, the image's environment and
    uWSGI's options are never quoted (they may be secret).
  - Then reads the project's layout (M(djangodocker.deploy.django_app_project)'s lookup, RV(layout)), and with
    O(tls.certificate) the certificate and key (vault-encrypted files welcome) - the key must match, the certificate
    must not have expired; one expiring within O(tls.warning_days) or not covering a name of O(tls.names) is a warning.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  settings:
    description:
      - The django_app role's variables the rules read, without the C(django_app_) prefix - C(project_src), C(name),
        C(host_port), C(container_port), C(health_path), C(static_url), C(media_url), C(check_fail_level),
        C(keep_images), C(pip_index_url), C(base_image), C(env), C(image_env), C(uwsgi_requirement), C(wsgi_module),
        C(uwsgi_options), C(os_packages), C(build_packages), C(build_commands), C(apt_mirror_url), C(apt_security_mirror_url), C(mode),
        C(allowed_hosts), C(tls_certificate), C(tls_key), C(max_body_size), C(hsts_seconds), C(database),
        C(database_conn_max_age), C(redis), C(redis_sessions), C(celery_app), C(celery_broker_url),
        C(celery_ready_timeout), C(celery_stop_timeout).
    type: dict
    required: true
  project:
    description: The project's folder on the controller.
    type: path
    required: true
  requirements_file:
    description: The requirements file, relative to the project; empty to find one.
    type: str
    default: ""
  settings_module:
    description: The settings module; empty for the one C(manage.py) sets.
    type: str
    default: ""
  tls:
    description: The site's certificate and key files on the controller (empty - none).
    type: dict
    default: {}
    suboptions:
      certificate:
        description: The certificate file (PEM, the chain after it).
        type: str
        default: ""
      key:
        description: Its key file (PEM, unencrypted; vault-encrypted as a file welcome).
        type: str
        default: ""
      names:
        description: The site's names the certificate should cover.
        type: list
        elements: str
        default: []
      warning_days:
        description: A certificate with fewer days left is a warning.
        type: int
        default: 30
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Check the project and the settings
  djangodocker.deploy.django_app_preflight:
    project: /home/me/mysite
    settings:
      project_src: /home/me/mysite
      name: mysite
      host_port: 80
      # ... every variable the description lists
  register: preflight
"""

RETURN = r"""
layout:
  description:
    - The project's layout - C(manage_dir), C(workdir) (where manage.py is in the image), C(settings_module),
      C(dependencies) (C(mode), C(entry), C(files)) and C(identity).
  returned: success
  type: dict
image:
  description:
    - The app image's interface (C(plugins/module_utils/app_image.py)) - C(uid) (the app's user), C(env_mount) (where
      the environment file is mounted), C(socket_mount) (the socket folder in Nginx mode) - and what it installs -
      C(drivers) (database and Redis drivers, each C(modules) and C(tools)), C(tools) (the role's hash-pinned files).
  returned: success
  type: dict
tls:
  description: With O(tls.certificate), the certificate's C(names), C(not_after), C(days_left) and the O(tls.names) it does not cover (C(uncovered)).
  returned: success and O(tls.certificate) set
  type: dict
problems:
  description: The rules the settings break, one message each.
  returned: failed on the settings
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.preflight_spec import ARGUMENT_SPEC


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="django_app_preflight runs through its action plugin, on the controller")


if __name__ == "__main__":
    main()
