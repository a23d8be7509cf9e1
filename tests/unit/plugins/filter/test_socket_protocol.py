"""socket_protocol: Nginx's site and the release probe speak what the server's socket speaks."""

from ansible_collections.djangodocker.deploy.plugins.filter.socket_protocol import FilterModule
from ansible_collections.djangodocker.deploy.plugins.plugin_utils.release_plan import front_probe


def test_uwsgi_speaks_uwsgi_the_others_http_for_the_site_and_the_probe_alike():
    protocol = FilterModule().filters()["socket_protocol"]
    app = {"server_names": ["a.example"], "tls": False, "static_url": "/static/",
           "health": {"path": "/", "status": [200], "timeout": 5}}
    args = {"site": {"dirs": {"run": "/run", "static": "/static"}}}
    for server, wanted in (("uwsgi", "uwsgi"), ("gunicorn", "http"), ("granian", "http")):
        assert protocol(server) == wanted
        assert front_probe(dict(app, server=server), args, "r1", "t", "c")["protocol"] == wanted
