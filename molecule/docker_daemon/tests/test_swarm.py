"""The swarm of three nodes (a manager, labelled database, and two workers), as converge formed it."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("swarm_managers")


def test_the_manager_sees_three_ready_nodes_itself_labelled_database(host):
    nodes = [json.loads(line) for line in host.check_output(
        "docker node ls --format '{{json .}}'").splitlines()]
    assert len(nodes) == 3, nodes
    assert {node["Status"] for node in nodes} == {"Ready"}
    assert {node["Availability"] for node in nodes} == {"Active"}
    assert [node["ManagerStatus"] for node in nodes].count("Leader") == 1
    labels = {node["Hostname"]: json.loads(host.check_output(
        f"docker node inspect -f '{{{{json .Spec.Labels}}}}' {node['ID']}")) for node in nodes}
    assert labels == {"ubuntu2204": {"database": "true"}, "ubuntu2604": {}, "debian12": {}}


def test_the_engine_is_a_manager_with_no_live_restore(host):
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["Swarm"]["LocalNodeState"] == "active" and info["Swarm"]["ControlAvailable"] is True
    assert info["LiveRestoreEnabled"] is False


def test_the_registry_runs_on_the_managers_swarm_address_only(host):
    address = host.check_output("docker info --format '{{.Swarm.NodeAddr}}'")
    ports = host.check_output("docker port swarm-registry 5000/tcp")
    assert ports.splitlines() == [f"{address}:5000"]
    assert host.check_output("curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "
                             f"http://{address}:5000/v2/") == "200"
