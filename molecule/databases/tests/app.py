"""What the scenario's tests share: the hosts of one engine, and the app's Python."""

import json
import os

import testinfra.utils.ansible_runner


def hosts(suffix=""):
    """The scenario's hosts whose names end with SUFFIX (all of them by default)."""
    every = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all")
    return [name for name in every if name.endswith(suffix)]


def django(host, code):
    """CODE run by the app's Python with the deployment's settings, in the serving container."""
    script = f"import django; django.setup(); {code}"
    return host.check_output(f"docker exec bookshelf python -c {json.dumps(script)}")
