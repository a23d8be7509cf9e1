"""The worker of the swarm: its engine may reach the swarm's registry over plain HTTP."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("swarm_workers")


def test_the_worker_is_an_active_node_that_may_reach_the_registry_over_http(host):
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["Swarm"]["LocalNodeState"] == "active" and info["Swarm"]["ControlAvailable"] is False
    manager = info["Swarm"]["RemoteManagers"][0]["Addr"].rsplit(":", 1)[0]
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert config["insecure-registries"] == [f"{manager}:5000"]
    assert f"{manager}:5000" in info["RegistryConfig"]["IndexConfigs"] and \
        info["RegistryConfig"]["IndexConfigs"][f"{manager}:5000"]["Secure"] is False
