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
  - What each step is given is composed from O(app) and what the host and the other roles gave the app
    (O(host), O(services), O(site)) in one place (C(plugins/plugin_utils/release_plan.py)).
  - "A release (not O(rolling_back)): send the build context and take the deploy lock (M(djangodocker.deploy.django_app_context)),
    build the image (M(community.docker.docker_image)). A rollback: take the lock
    (M(djangodocker.deploy.deploy_lock)). In check mode it stops there."
  - "Then (not O(rolling_back)): the deployment checks and the migration plan in a one-off container; only when
    migrations are pending, the backup (the database role's dump, or the sqlite copy) and the migrations in a second
    one. A failed migration never restores the database (others kept writing meanwhile): the failure names the
    migrations that were applied and the backup made before them."
  - "With Celery (O(app.celery.app)): the release's worker, started beside the serving one's and asked for a ping; after
    the switch only it and beat (on the new release) stay."
  - "Nginx mode: the new release starts as C(<name>-next) beside the serving one, its static
    files are copied and it must answer on its socket (M(djangodocker.deploy.django_app_probe)), the site is
    pointed at it (M(djangodocker.deploy.nginx_site), a graceful reload), then
    M(djangodocker.deploy.django_app_release) switches (and without Celery retires in the same call).
    Single mode: the new release takes the published port over and must answer there.
    Swarm mode: the image is pushed to O(app.registry) with the build; the environment file becomes a Swarm secret
    named by its content, the service is updated to the release (M(community.docker.docker_swarm_service): start-first,
    gated by the image's health check, rolled back by Swarm itself on failure) and the action waits for Swarm
    (M(djangodocker.deploy.swarm_rollout))."
  - "Any failure before the switch (Nginx mode) or before the new release answers (single mode) undoes what this
    release did: the site points where it did, C(<name>-next) and the new worker are removed, the serving
    release serves. The deploy lock is given back in every case."
author: djangodocker.deploy developers (!UNKNOWN)
options:
  state:
    description:
      - V(released) carries out a release.
      - V(check) compares the wanted release (the container O(app) and O(host) make, image C(<name>:<tag>)) with the
        serving container in check mode and returns RV(release_needed), RV(serving) and RV(next_socket); nothing changes.
      - V(serving) is a run with nothing to release - the serving release answers (restarted once when it was
        unhealthy, see O(serving)), its static files are on the host for Nginx (copied again from its container when
        they went), its Celery worker runs and answers, beat runs, nothing else of the app's Celery.
    type: str
    choices: [released, check, serving]
    default: released
  app:
    description:
      - The app's settings the release needs (the django_app role's variables of the same names, unprefixed).
        The action composes the containers, probes, build, backup and retire policy from them
        (C(plugins/plugin_utils/release_plan.py)).
    type: dict
    required: true
    suboptions:
      name:
        description: The app's name (its container's).
        type: str
        required: true
      root:
        description: The app's folder on the host (its environment files and builds are below it - C(plugins/module_utils/app_paths.py)).
        type: path
        required: true
      data_dir:
        description: The app's data folder (mounted at C(/data)).
        type: path
        required: true
      lock_file:
        description: The deploy lock (one deploy at a time on the host).
        type: path
        required: true
      backup_dir:
        description: sqlite - where the backup before migrations goes.
        type: path
        required: true
      history_file:
        description: The images of the releases that served, oldest first - what a rollback goes back along.
        type: path
        required: true
      mode:
        description: C(nginx) (behind the Nginx front), C(single) (a published port) or C(swarm) (a Swarm service).
        type: str
        choices:
        - nginx
        - single
        - swarm
        required: true
      registry:
        description: Swarm mode - the registry the release is pushed to and the nodes pull from (an image name's prefix).
        type: str
        default: ''
      replicas:
        description: Swarm mode - the service's replicas.
        type: int
        default: 2
      constraints:
        description: Swarm mode - the service's placement constraints (C(node.role == worker)); empty for any node.
        type: list
        elements: str
        default: []
      drain_timeout:
        description: Swarm mode - the stop grace period of a task (seconds), which leaves DNS when told to stop.
        type: int
        default: 30
      server_names:
        description: The site's names; the first that is not a wildcard is the probe's C(Host).
        type: list
        elements: str
        default: []
      host_address:
        description: Single mode - the address the port is bound to; empty for all.
        type: str
        default: ''
      host_port:
        description: Single mode - the published port.
        type: int
        default: 80
      container_port:
        description: Single mode - the container's port.
        type: int
        default: 8000
      server:
        description: The application server; what its socket speaks (the probe's protocol) follows from it.
        type: str
        choices: [uwsgi, gunicorn, granian]
        default: uwsgi
        version_added: 0.11.0
      interface:
        description: C(wsgi) or C(asgi); with O(app.server), the package the PyPI index must have.
        type: str
        choices: [wsgi, asgi]
        default: wsgi
        version_added: 0.11.0
      health:
        description: The health probe.
        type: dict
        required: true
        suboptions:
          path:
            description: The path asked.
            type: str
            required: true
          status:
            description: The statuses that count as healthy.
            type: list
            elements: int
            required: true
          timeout:
            description: Seconds the new release has to answer.
            type: int
            required: true
      tls:
        description: Whether the site has TLS (the probe then asks as C(https)).
        type: bool
        default: false
      static_url:
        description: The static files' URL path.
        type: str
        default: /static/
      read_only:
        description: A read-only root file system for the app's containers.
        type: bool
        default: false
      pids_limit:
        description: Process limit of the app's container.
        type: int
        default: 512
      memory:
        description: Memory limit of the app's container; empty for none.
        type: str
        default: ''
      networks:
        description: Further networks the app's containers join (after the database's and Redis').
        type: list
        elements: str
        default: []
      database:
        description: C(sqlite), or the database server's kind (its dump from O(services.database)).
        type: str
        default: sqlite
      celery:
        description: The app's Celery containers (none when O(app.celery.app) is empty).
        type: dict
        default: {}
        suboptions:
          app:
            description: What C(celery -A) takes; empty for no Celery.
            type: str
            default: ''
          beat:
            description: Run beat (one per app).
            type: bool
            default: false
          worker_options:
            description: Further options of C(celery worker).
            type: list
            elements: str
            default: []
          ready_timeout:
            description: Seconds a new worker has to answer a ping.
            type: int
            default: 60
          stop_timeout:
            description: Seconds a worker of another release has to finish its tasks.
            type: int
            default: 60
          replicas:
            description: Swarm mode - the worker service's tasks.
            type: int
            default: 1
      keep_images:
        description: Image tags of the app kept on the host (at least the new and the previous).
        type: int
        default: 3
      backup_keep:
        description: sqlite - backups kept per label.
        type: int
        default: 5
      offsite_dir:
        description:
          - The app's off-site folder when off-site backups are on (the backup before migrations is queued for upload,
            M(djangodocker.deploy.offsite_backup) O(djangodocker.deploy.offsite_backup#module:state=queued)); empty for none.
        type: str
        default: ""
      lock_timeout:
        description: Seconds to wait for another run's deploy lock.
        type: int
        default: 600
      check_deploy:
        description: Run C(manage.py check --deploy) before migrating.
        type: bool
        default: true
      check_fail_level:
        description: The level at which its findings stop the release.
        type: str
        default: ERROR
      project:
        description: The project on the controller.
        type: dict
        required: true
        suboptions:
          src:
            description: Its folder.
            type: path
            required: true
          exclude:
            description: Patterns left out of the build context.
            type: list
            elements: str
            default: []
          code:
            description: Patterns of the code layer (the rest goes in the assets tar).
            type: list
            elements: str
            default: []
      pip_index_url:
        description: The PyPI index the build uses (asked before the build).
        type: str
        required: true
      apt_mirror_url:
        description: The Debian mirror the build uses (asked when O(app.os_packages)).
        type: str
        default: ''
      os_packages:
        description: Whether the image installs Debian packages.
        type: bool
        default: false
      offline_dir:
        description:
          - The air-gap bundle's folder on the host (wheels and Debian packages); the build asks no mirror then.
        type: str
        default: ''
      mirror_check:
        description: A mirror that does not answer - V(fail) stops, V(warn) goes on, V(skip) does not ask.
        type: str
        choices:
        - fail
        - warn
        - skip
        default: fail
      mirror_timeout:
        description: Seconds a mirror has to answer.
        type: int
        default: 10
  release:
    description:
      - The release - its image is C(<name>:<tag>) - as the C(djangodocker.deploy.django_app_tag) lookup returns it
        (C(tag), C(sha256), the project tar's checksum the context upload checks), or
        M(djangodocker.deploy.django_app_release)'s O(djangodocker.deploy.django_app_release#module:state=target) for a
        rollback (C(tag)). Other keys are ignored.
    type: dict
    required: true
  rolling_back:
    description: A rollback - nothing is built, no migration runs, the database is not touched; the image must be on the host.
    type: bool
    default: false
  host:
    description:
      - What M(djangodocker.deploy.django_app_host) returned - C(env_file) and C(env_sha256) (the environment file the
        containers mount; a changed one is a new release), C(built_assets) (assets tars the host has, not sent again),
        C(static_releases) (the static folders on the host).
    type: dict
    required: true
  services:
    description: What the database and redis roles' entry points C(app) gave the app (C(database_client), C(redis_client)) - networks, and the database's dump.
    type: dict
    default: {}
    suboptions:
      database: {description: C(database_client)., type: dict}
      redis: {description: C(redis_client)., type: dict}
  site:
    description: Nginx mode - what the nginx_front role gave the app.
    type: dict
    default: {}
    suboptions:
      dirs: {description: C(nginx_front_site_dirs) (the socket and static folders)., type: dict, default: {}}
      plan: {description: C(nginx_front_site_plan) (the site pointed at the new release; entry point C(site_prepared))., type: dict, default: {}}
  next_socket:
    description: Nginx mode - the new release's hostname (its socket's name), as O(state=check) returned it.
    type: str
    default: ""
  serving:
    description:
      - O(state=serving) - the serving release (C(tag), C(hostname), C(unhealthy)) as O(state=check) returned it.
      - When C(unhealthy), the serving container is restarted once and must then answer the release's probe; otherwise
        the run fails naming it, with its last log lines.
    type: dict
    default: {}
  context_files:
    description: The build context's files besides the project's tar (rendered on the controller).
    type: dict
    default: {}
  load_fixture:
    description: A fixture to load after migrating (a move from sqlite).
    type: str
    default: ""
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
    app:
      name: mysite
      root: /srv/django/mysite
      data_dir: /srv/django/mysite/data
      mode: single
      health: {path: /, status: [200], timeout: 90}
      project: {src: ~/mysite}
      pip_index_url: https://mirrors.aliyun.com/pypi/simple/
    release: {tag: 0123456789ab, sha256: "..."}
    host: {env_file: /srv/django/mysite/env/release-1.env, env_sha256: "..."}
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
restarted:
  description: With O(state=serving), whether the serving release was restarted (it was unhealthy).
  returned: state=serving
  type: bool
steps:
  description: The steps that were carried out, in order.
  returned: always
  type: list
  elements: str
release_needed:
  description:
    - With O(state=check), whether the wanted release is not the one running as wanted (new image, other
      settings, stopped). An unhealthy or restarting container of the wanted release needs no release (the same
      image again would not fix it); RV(serving) says C(unhealthy).
  returned: state=check
  type: bool
serving:
  description:
    - With O(state=check), the serving container's C(id), C(hostname), C(image), C(tag) and C(unhealthy) (the wanted
      release, but Docker finds it unhealthy or it restarts); empty when none.
  returned: state=check
  type: dict
next_socket:
  description:
    - With O(state=check), the hostname the next release's container gets (its uWSGI socket's name) - the same for
      the same release, never the serving container's.
  returned: state=check
  type: str
site:
  description:
    - With O(state=check), what the app's Nginx site points at after this run - C(socket) (the next release's socket
      name when a release is needed, else the serving one's), C(release) (its tag) and C(static_releases) (its static
      folder, then the newest other one on the host).
  returned: state=check
  type: dict
failed_step:
  description: The step that failed.
  returned: failed
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.djangodocker.deploy.plugins.module_utils.release_spec import ARGUMENT_SPEC


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="django_app_deploy runs through its action plugin, on the controller")


if __name__ == "__main__":
    main()
