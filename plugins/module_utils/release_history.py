# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An app's release history (<root>/releases: the images that served, oldest first) and the release a rollback
goes back to: one rule for the rollback (django_app_release) and for what status.yml shows."""

from __future__ import annotations


def read_history(history):
    try:
        with open(history, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def rollback_candidate(history, serving, images):
    """The newest release in HISTORY (lines) that served, is not SERVING and whose image is among IMAGES (still on
    the host; never a release that failed); '' when none."""
    return next((image for image in reversed(history) if image != serving and image in images), "")
