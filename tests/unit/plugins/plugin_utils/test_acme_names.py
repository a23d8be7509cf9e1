"""acme_names: HTTP-01 names that do not lead to the host are warnings (a load balancer may forward)."""

import socket

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.acme_names import http01_warnings

DNS = {"www.example.com": ["203.0.113.7"], "lb.example.com": ["198.51.100.9"], "vm1": ["10.0.0.5"]}


def resolve(name, port):
    if name not in DNS:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0)) for address in DNS[name]]


def test_a_name_that_leads_to_the_host_is_no_warning():
    assert http01_warnings(["www.example.com"], ["vm1"], ["203.0.113.7"], resolve) == []
    assert http01_warnings(["www.example.com"], ["www.example.com"], [], resolve) == []


def test_a_name_elsewhere_or_nowhere_is_a_warning_naming_it():
    found = http01_warnings(["lb.example.com", "new.example.com"], ["vm1"], ["203.0.113.7"], resolve)
    assert "lb.example.com resolves to 198.51.100.9, not to this host (10.0.0.5, 203.0.113.7)" in found[0]
    assert "load balancer" in found[0]
    assert found[1].startswith("new.example.com does not resolve")
