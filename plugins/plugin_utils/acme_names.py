# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether the names of an HTTP-01 certificate lead to the host, as seen from the controller.

The CA fetches the challenge from whatever a name resolves to. A name that points elsewhere is a
warning, not an error: it may be a load balancer or CDN that forwards /.well-known/acme-challenge/
to the host, and a cloud VM's public address is often not on its own interfaces.
"""

from __future__ import annotations

import socket


def addresses(name, resolve=socket.getaddrinfo):
    """The addresses NAME resolves to (an empty set when it does not)."""
    try:
        return {info[4][0] for info in resolve(name, None)}
    except (OSError, UnicodeError):
        return set()


def http01_warnings(names, host_names, host_addresses, resolve=socket.getaddrinfo):
    """A warning for each of NAMES that resolves to none of the host's addresses (HOST_ADDRESSES and
    what HOST_NAMES, the names Ansible reaches it by, resolve to)."""
    own = set(host_addresses)
    for host in host_names:
        own |= addresses(host, resolve)
    found = []
    for name in names:
        points = addresses(name, resolve)
        if not points:
            found.append("%s does not resolve (from the controller): the CA's HTTP-01 check needs it to lead "
                         "to this host's port 80." % name)
        elif not points & own:
            found.append("%s resolves to %s, not to this host (%s): the HTTP-01 check reaches this host only if that "
                         "forwards /.well-known/acme-challenge/ here (a load balancer may)."
                         % (name, ", ".join(sorted(points)), ", ".join(sorted(own)) or "address unknown"))
    return found
