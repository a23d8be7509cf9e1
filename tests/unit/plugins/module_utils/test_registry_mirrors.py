"""Registry mirror lists: each mirror is asked for the manifests the play needs; only those serving stay."""

import http.server
import json
import socket
import threading

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import registry_mirrors as rm


@pytest.mark.parametrize("image, reference", [
    ("python:3.13-slim", ("library/python", "3.13-slim")),
    ("goacme/lego", ("goacme/lego", "latest")),
    ("docker.io/library/redis:8.0", ("library/redis", "8.0")),
    ("postgres@sha256:abc", ("library/postgres", "sha256:abc")),
    ("localhost:5000/app:1", None),
    ("registry.cn-hangzhou.aliyuncs.com/team/app:1", None),
])
def test_docker_hub_references(image, reference):
    assert rm.hub_reference(image) == reference


@pytest.fixture(scope="module")
def registry():
    """A mirror that holds library/python:3.13-slim; goacme/lego only with an anonymous token."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            base = "http://127.0.0.1:%d" % self.server.server_address[1]
            if self.path.startswith("/token?"):
                assert "scope=repository:goacme/lego:pull" in self.path
                body = json.dumps({"token": "anon"}).encode()
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body)
                return
            if self.path == "/v2/library/python/manifests/3.13-slim":
                assert "manifest.list.v2+json" in self.headers["Accept"]
                self.send_response(200)
            elif self.path == "/v2/goacme/lego/manifests/v4" and self.headers.get("Authorization") == "Bearer anon":
                self.send_response(200)
            elif self.path.startswith("/v2/goacme/"):
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Bearer realm="%s/token",service="mirror"' % base)
            elif self.path == "/v2/":
                self.send_response(401)
            else:
                self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()


@pytest.fixture
def black_hole():
    """A port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield "http://127.0.0.1:%d" % sock.getsockname()[1]
    sock.close()


def test_a_mirror_serving_the_image_serves(registry):
    assert rm.ask(registry, "python:3.13-slim", 2).served


def test_the_anonymous_token_flow_is_followed(registry):
    assert rm.ask(registry, "goacme/lego:v4", 2).served


def test_a_missing_image_is_named(registry):
    answer = rm.ask(registry, "redis:8.0", 2)
    assert not answer.served and not answer.timed_out
    assert answer.reason == "it does not have redis:8.0 (HTTP 404)"


def test_a_refusing_mirror_is_dead_not_slow():
    answer = rm.ask("http://127.0.0.1:9", "python:3.13-slim", 2)
    assert not answer.served and not answer.timed_out and "refused" in answer.reason.lower()


def test_a_black_hole_times_out(black_hole):
    answer = rm.ask(black_hole, "python:3.13-slim", 1)
    assert not answer.served and answer.timed_out


def test_a_mirror_serves_only_when_it_serves_every_image(registry):
    assert rm.judge(registry, ["python:3.13-slim", "goacme/lego:v4"], 2).served
    assert not rm.judge(registry, ["python:3.13-slim", "redis:8.0"], 2).served


def test_with_no_images_the_api_root_is_asked(registry):
    assert rm.judge(registry, [], 2).served
    assert not rm.judge("http://127.0.0.1:9", [], 2).served


def test_images_of_other_registries_are_not_asked_of_mirrors():
    assert rm.ask("http://127.0.0.1:9", "localhost:5000/app:1", 1).served


def test_dead_and_lacking_mirrors_are_left_out_with_a_warning_each(registry, black_hole):
    kept, warnings, error = rm.select(["http://127.0.0.1:9", black_hole, registry], ["python:3.13-slim"], [], 1)
    assert kept == [registry] and error is None
    assert len(warnings) == 2 and "http://127.0.0.1:9 is left out" in warnings[0]
    assert black_hole in warnings[1]


def test_a_configured_mirror_that_is_only_slow_is_kept(registry, black_hole):
    kept, warnings, error = rm.select([black_hole, registry], ["python:3.13-slim"], [black_hole], 1)
    assert kept == [black_hole, registry] and error is None
    assert "kept, as it is configured already" in warnings[0]


def test_a_configured_mirror_that_refuses_or_lacks_an_image_is_dropped(registry):
    kept, dummy, error = rm.select(["http://127.0.0.1:9", registry], ["redis:8.0"], ["http://127.0.0.1:9"], 1)
    assert kept == [] and "No registry mirror serves" in error
    assert "it does not have redis:8.0" in error


def test_no_serving_mirror_is_an_error_even_when_a_slow_one_is_configured(black_hole):
    kept, dummy, error = rm.select([black_hole], ["python:3.13-slim"], [black_hole], 1)
    assert kept == [] and error


def test_with_no_images_a_black_hole_is_only_slow(black_hole):
    answer = rm.judge(black_hole, [], 1)
    assert not answer.served and answer.timed_out
