"""Mirror probes: a dead or wrong mirror is named, with the reason, quickly."""

import http.server
import json
import threading

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import mirror_probe


@pytest.fixture(scope="module")
def server():
    """A local server: /v2/ answers 401 (a registry), /simple/ 200, anything else 404."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            status = {"/v2/": 401, "/simple/pip/": 200}.get(self.path, 404)
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()


def test_a_registry_is_asked_for_its_api_root():
    assert mirror_probe.registry_probe_url("https://x.mirror.aliyuncs.com/") == "https://x.mirror.aliyuncs.com/v2/"


def test_live_mirrors_pass(server):
    assert mirror_probe.probe(server + "/simple/pip/", 2) is None
    assert mirror_probe.probe(server + "/v2/", 2, (200, 401)) is None


def test_a_wrong_path_is_named_with_its_status(server):
    assert mirror_probe.probe(server + "/nothing/", 2) == "HTTP 404"


def test_a_dead_mirror_is_named_with_the_reason():
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    reason = mirror_probe.probe("http://127.0.0.1:9/simple/", 2)
    assert reason and "refused" in reason.lower()


def test_failures_name_every_dead_mirror(server):
    failures = mirror_probe.probe_all([
        {"name": "PyPI index", "url": server + "/simple/pip/"},
        {"name": "registry mirror", "url": "http://127.0.0.1:9/v2/", "alive": [200, 401]},
        {"name": "docker-ce repository", "url": server + "/linux/debian/gpg"},
    ], 2)
    assert [f["name"] for f in failures] == ["registry mirror", "docker-ce repository"]
    text = mirror_probe.describe(failures)
    assert "registry mirror http://127.0.0.1:9/v2/:" in text and "HTTP 404" in text


def test_the_failure_message_names_each_mirror_and_why():
    failures = [{"name": "PyPI index", "url": "http://m/simple/django/", "reason": "HTTP 404"},
                {"name": "registry mirror", "url": "http://r/v2/", "reason": "timed out"}]
    assert mirror_probe.failure_message(failures, 3) == (
        "These mirrors did not answer within 3s: PyPI index http://m/simple/django/: HTTP 404; "
        "registry mirror http://r/v2/: timed out")


class FakeModule:
    """What check_mirrors uses of AnsibleModule: docker info, fail_json, warn."""

    def __init__(self, engine_mirrors=None):
        self.engine_mirrors, self.warnings, self.failed = engine_mirrors, [], None

    def get_bin_path(self, name):
        return None if self.engine_mirrors is None else "/usr/bin/" + name

    def run_command(self, argv):
        assert argv[1:3] == ["info", "--format"]
        return 0, json.dumps(self.engine_mirrors), ""

    def fail_json(self, **result):
        self.failed = result
        raise SystemExit(1)

    def warn(self, message):
        self.warnings.append(message)


def test_a_dead_engine_registry_mirror_fails_before_anything_changes(server):
    module = FakeModule(engine_mirrors=["http://127.0.0.1:9/"])
    with pytest.raises(SystemExit):
        mirror_probe.check_mirrors(module, [{"name": "PyPI index", "url": server + "/simple/pip/", "alive": [200]}],
                                   True, 2, "fail")
    assert module.failed["failures"] == [
        {"name": "registry mirror", "url": "http://127.0.0.1:9/v2/", "reason": module.failed["failures"][0]["reason"]}]
    assert "Nothing was changed" in module.failed["msg"] and "http://127.0.0.1:9/v2/" in module.failed["msg"]


def test_warn_goes_on_and_a_host_without_an_engine_has_no_registry_mirrors(server):
    module = FakeModule()
    targets, failures = mirror_probe.check_mirrors(
        module, [{"name": "PyPI index", "url": server + "/missing", "alive": [200]}], True, 2, "warn")
    assert [t["url"] for t in targets] == [server + "/missing"] and len(failures) == 1
    assert module.warnings and module.failed is None
