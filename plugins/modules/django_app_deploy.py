#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: django_app_deploy
short_description: Release a Django app - lock, build, migrate, start, probe, switch, retire - with one undo path
version_added: 0.5.0
description:
  - An action plugin that carries out a whole release from the controller as one straight
    sequence (C(plugins/plugin_utils/release_pipeline.py)); each host step is one module call.
  - "With O(build): send the build context and take the deploy lock (M(djangodocker.deploy.django_app_context)),
    build the image (M(community.docker.docker_image)). Without it (a rollback): take the lock
    (M(djangodocker.deploy.deploy_lock)). In check mode it stops there."
  - "With O(migrate): the deployment checks and the migration plan in a one-off container; only when
    migrations are pending, the backup (O(backup)) and the migrations in a second one. A failed migration
    never restores the database (others kept writing meanwhile): the failure names the migrations that were
    applied and the backup made before them."
  - "With O(celery): the release's worker, started beside the serving one's and asked for a ping; after
    the switch only it and beat (on the new release) stay."
  - "With O(front) (Nginx mode): the new release starts as C(<name>-next) beside the serving one, its static
    files are copied and it must answer on its socket (M(djangodocker.deploy.django_app_probe)), the site is
    pointed at it (M(djangodocker.deploy.nginx_site), a graceful reload), then
    M(djangodocker.deploy.django_app_release) switches (and without Celery retires in the same call).
    With O(port) (single mode): the new release takes the published port over and must answer at O(port.probe)."
  - "Any failure before the switch (Nginx mode) or before the new release answers (single mode) undoes what this
    release did: the site points where it did, C(<name>-next) and the new worker are removed, the serving
    release serves. The deploy lock is given back in every case."
  - O(state=serving) is a run with nothing to release - the serving release's Celery worker runs and answers,
    beat runs, nothing else of the app's Celery.
author: djangodocker.deploy developers (!UNKNOWN)
options:
  state:
    description:
      - V(released) carries out a release.
      - V(check) compares the wanted release (O(container), O(image)) with the serving container in check mode and
        returns RV(release_needed), RV(serving) and RV(next_socket); nothing changes.
      - V(serving) only keeps the serving release's Celery containers (O(celery) required).
    type: str
    choices: [released, check, serving]
    default: released
  name:
    description: The app's container name.
    type: str
    required: true
  image:
    description: The release's image (C(<name>:<tag>)).
    type: str
    required: true
  lock:
    description:
      - The deploy lock (one deploy at a time on the host), as M(djangodocker.deploy.deploy_lock) takes it.
      - Required with O(state=released).
    type: dict
    suboptions:
      path:
        description: The lock file.
        type: path
        required: true
      holder:
        description: This run's name in it; by default the controller's user and host, the time and a random run id.
        type: str
      timeout:
        description: Seconds to wait for another run's lock.
        type: int
        default: 600
  build:
    description: Build the image first (omitted - a rollback - the image must be on the host).
    type: dict
    suboptions:
      context:
        description: M(djangodocker.deploy.django_app_context)'s options (it takes O(lock) after asking the mirrors).
        type: dict
        required: true
      image:
        description: M(community.docker.docker_image)'s options for the build.
        type: dict
        required: true
  migrate:
    description: Check and migrate before the switch (omitted - a rollback - the database is not touched).
    type: dict
    suboptions:
      plan_command:
        description: The checks and the plan; its output's last line says when migrations are pending.
        type: list
        elements: str
        required: true
      migrate_command:
        description: The migrations.
        type: list
        elements: str
        required: true
      load_fixture:
        description: A fixture to load after migrating (a move from sqlite).
        type: str
        default: ""
  backup:
    description: The module that backs the database up before migrations, and its options; RV(backup) is its C(backup).
    type: dict
    suboptions:
      module:
        description: The module's name.
        type: str
        required: true
      args:
        description: Its options.
        type: dict
        required: true
  one_off:
    description: M(community.docker.docker_container)'s options for the one-off containers (mounts, networks, hardening).
    type: dict
    default: {}
  container:
    description: M(community.docker.docker_container)'s options for the release's container (name, image and state are set here).
    type: dict
    default: {}
  celery:
    description: The app's Celery containers.
    type: dict
    suboptions:
      prefix:
        description: A worker is named C(<prefix><image tag>).
        type: str
        required: true
      worker:
        description: M(community.docker.docker_container)'s options for the worker.
        type: dict
        required: true
      beat:
        description: Its options for beat, C(<name>-beat); omitted, no beat.
        type: dict
      ping:
        description: The command that asks the worker for a ping inside its container.
        type: list
        elements: str
        required: true
      ready_timeout:
        description: Seconds the worker has to answer.
        type: int
        default: 60
      stop_timeout:
        description: Seconds a worker of another release has to finish its tasks.
        type: int
        default: 60
  front:
    description: Nginx mode.
    type: dict
    suboptions:
      probe:
        description: M(djangodocker.deploy.django_app_probe)'s options for the new release (its socket, static files).
        type: dict
        required: true
      site:
        description: M(djangodocker.deploy.nginx_site)'s options pointing the site at the new release (the nginx_front role's C(nginx_front_site_plan)).
        type: dict
        required: true
  port:
    description: Single mode.
    type: dict
    suboptions:
      probe:
        description: M(djangodocker.deploy.django_app_probe)'s options asking the published port.
        type: dict
        required: true
  retire:
    description: M(djangodocker.deploy.django_app_release)'s O(djangodocker.deploy.django_app_release#module:retire) policy.
    type: dict
    default: {}
extends_documentation_fragment:
  - djangodocker.deploy.attributes
attributes:
  check_mode:
    support: partial
    details: Sends nothing; asks the mirrors and reports whether the image would be built.
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Release the new image
  djangodocker.deploy.django_app_deploy:
    name: mysite
    image: mysite:0123456789ab
    lock: {path: /srv/django/mysite/deploy.lock, holder: "me@laptop run 1"}
    build:
      context: {src: ~/mysite, files: {}, dest: /srv/django/mysite/build/0123456789ab, sha256: "..."}
      image: {name: mysite, tag: 0123456789ab, source: build, build: {path: /srv/django/mysite/build/0123456789ab}}
    migrate:
      plan_command: [python, -m, djangodocker_deploy.release, plan]
      migrate_command: [python, -m, djangodocker_deploy.release, migrate]
    port:
      probe: {url: "http://127.0.0.1:80/"}
"""

RETURN = r"""
image:
  description: The release's image.
  returned: always
  type: str
previous_image:
  description: The image of the release that served before; empty when none.
  returned: always
  type: str
backup:
  description: The backup made before the migrations; empty when none was needed.
  returned: always
  type: str
migrations_applied:
  description: The migrations this release applied (also when one of them failed).
  returned: always
  type: list
  elements: str
plan:
  description: The last lines of the checks and the migration plan.
  returned: always
  type: list
  elements: str
steps:
  description: The steps that were carried out, in order.
  returned: always
  type: list
  elements: str
release_needed:
  description:
    - With O(state=check), whether the wanted release is not the one running as wanted (new image, other
      settings, stopped), or the serving container is unhealthy or restarting.
  returned: state=check
  type: bool
serving:
  description: With O(state=check), the serving container's C(id), C(hostname), C(image) and C(tag); empty when none.
  returned: state=check
  type: dict
next_socket:
  description:
    - With O(state=check), the hostname the next release's container gets (its uWSGI socket's name) - the same for
      the same release, never the serving container's.
  returned: state=check
  type: str
failed_step:
  description: The step that failed.
  returned: failed
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.release_spec import ARGUMENT_SPEC, REQUIRED_IF


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, required_if=REQUIRED_IF, supports_check_mode=True)
    module.fail_json(msg="django_app_deploy runs through its action plugin, on the controller")


if __name__ == "__main__":
    main()
