# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where an app keeps its files below its root on the host, in one place (django_app_host makes them,
the release plan builds in and prunes them)."""

from __future__ import annotations


def app_paths(root):
    root = root.rstrip("/")
    return dict(
        # A generated secret key, kept (root's, 0600).
        secret_file=root + "/secret_key",
        # The environment files, one per content (release-<checksum>.env): a release set aside keeps
        # the file it was started with, so a rollback is exact.
        env_dir=root + "/env",
        # One build folder per release (its content tag), so that nothing of an interrupted or other
        # release's build is ever taken into this one.
        build_dir=root + "/build",
    )
