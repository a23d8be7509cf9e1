"""django_app_probe: a uwsgi-protocol GET on a unix socket, repeated until the status is wanted."""

import os
import socket
import stat
import struct
import threading

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_probe as module


def parse_packet(data):
    modifier1, size, modifier2 = struct.unpack("<BHB", data[:4])
    body, variables = data[4:4 + size], {}
    while body:
        (klen,) = struct.unpack("<H", body[:2])
        key, body = body[2:2 + klen], body[2 + klen:]
        (vlen,) = struct.unpack("<H", body[:2])
        variables[key.decode()], body = body[2:2 + vlen].decode(), body[2 + vlen:]
    return modifier1, modifier2, size, variables


def test_the_packet_is_what_uwsgi_reads():
    variables = module.request_variables("www.example.com", "/healthz?x=1", "https")
    modifier1, modifier2, size, parsed = parse_packet(module.uwsgi_packet(variables))
    assert (modifier1, modifier2) == (0, 0) and size == len(module.uwsgi_packet(variables)) - 4
    assert parsed["HTTP_HOST"] == "www.example.com" and parsed["PATH_INFO"] == "/healthz"
    assert parsed["QUERY_STRING"] == "x=1" and parsed["HTTP_X_FORWARDED_PROTO"] == "https"
    assert parsed["SERVER_PORT"] == "443"


def test_a_real_unix_socket_round_trip(tmp_path):
    path = str(tmp_path / "app.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    seen = {}

    def answer():
        conn, dummy = server.accept()
        header = conn.recv(4)
        size = struct.unpack("<BHB", header)[1]
        body = b""
        while len(body) < size:
            body += conn.recv(size - len(body))
        seen.update(parse_packet(header + body)[3])
        conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nno")
        conn.close()

    thread = threading.Thread(target=answer)
    thread.start()
    assert module.ask(path, module.request_variables("shop.example", "/", "http")) == (503, "")
    thread.join()
    server.close()
    assert seen["HTTP_HOST"] == "shop.example" and seen["REQUEST_METHOD"] == "GET"


def test_http_on_a_unix_socket_as_gunicorn_and_granian_speak_it(tmp_path):
    path = str(tmp_path / "app.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    seen = []

    def answer():
        conn, dummy = server.accept()
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        seen.append(request.decode())
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /login/\r\nContent-Length: 0\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=answer)
    thread.start()
    params = {"socket": path, "url": None, "protocol": "http"}
    assert module.request_for(params) is module.ask_unix_http
    assert module.ask_unix_http(path, module.request_variables("shop.example", "/?a=1", "https")) == (302, "/login/")
    thread.join()
    server.close()
    assert seen[0].startswith("GET /?a=1 HTTP/1.1\r\n") and "Host: shop.example\r\n" in seen[0]
    assert "X-Forwarded-Proto: https\r\n" in seen[0]
    assert module.request_for(dict(params, protocol="uwsgi")) is module.ask


def test_probe_retries_until_the_status_is_wanted():
    answers = [OSError("No such file or directory"), 503, 200]

    def request(path, variables):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer, ""

    clock = iter(range(100))
    status, attempts, error = module.probe("/x.sock", ("shop.example", "/", "http"), [200], 90, request=request,
                                           clock=lambda: next(clock), sleep=lambda s: None)
    assert (status, attempts, error) == (200, 3, "")


def test_probe_gives_up_at_the_deadline_with_the_last_error():
    def request(path, variables):
        raise ConnectionRefusedError("Connection refused")

    clock = iter([0, 1, 2, 3, 4, 5])
    status, attempts, error = module.probe("/x.sock", ("shop.example", "/", "http"), [200], 3, request=request,
                                           clock=lambda: next(clock), sleep=lambda s: None)
    assert status == 0 and attempts == 3 and "refused" in error


def test_a_302_to_a_page_that_fails_is_the_failure_not_a_healthy_302():
    pages = {"/": (302, "/accounts/login/?next=/"), "/accounts/login/": (500, "")}
    asked = []

    def request(path, variables):
        asked.append((variables["PATH_INFO"], variables["QUERY_STRING"], variables["HTTP_HOST"]))
        return pages[variables["PATH_INFO"]]

    clock = iter(range(100))
    status, attempts, error = module.probe("/x.sock", ("shop.example", "/", "http"), [200, 302], 2, request=request,
                                           clock=lambda: next(clock), sleep=lambda s: None)
    assert status == 500 and "the answer of /accounts/login/?next=/, where / redirects" in error
    assert asked[:2] == [("/", "", "shop.example"), ("/accounts/login/", "next=/", "shop.example")]


def test_the_location_is_read_from_the_uwsgi_answer():
    answer = b"HTTP/1.1 302 Found\r\nContent-Type: text/html\r\nLocation: /login/\r\n\r\n"
    assert module.location_of(answer) == "/login/" and module.location_of(b"HTTP/1.1 200 OK\r\n\r\n") == ""


def test_an_answer_that_is_not_http_is_an_error():
    import pytest
    with pytest.raises(ValueError):
        module.status_of(b"\x00\x01garbage")
    assert module.status_of(b"HTTP/1.0 404 Not Found\r\n") == 404


def fake_docker_cp(tree, calls, code=0):
    """A `docker cp CONTAINER:SRC/. TARGET` that writes TREE ({relative path: text}) into TARGET."""
    def run(argv):
        calls.append(argv)
        if code:
            return code, "Error: No such container\n"
        target = argv[-1]
        for relative, text in tree.items():
            path = os.path.join(target, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as handle:
                handle.write(text)
            os.chmod(path, 0o600)
        os.chmod(os.path.join(target, "css"), 0o700)
        return 0, ""
    return run


def test_static_files_are_copied_complete_and_readable_by_nginx(tmp_path):
    calls, dest = [], str(tmp_path / "static" / "0123456789ab")
    os.makedirs(tmp_path / "static")
    run = fake_docker_cp({"css/site.css": "body {}"}, calls)
    assert module.copy_static(run, "mysite-next", "/app/staticfiles/", dest, "/static/") is True
    assert calls == [["docker", "cp", "mysite-next:/app/staticfiles/.",
                      str(tmp_path / "static" / ".0123456789ab.partial" / "static")]]
    copied = tmp_path / "static" / "0123456789ab" / "static" / "css"
    assert (copied / "site.css").read_text() == "body {}"
    assert stat.S_IMODE(os.stat(copied / "site.css").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(copied).st_mode) == 0o755
    assert os.listdir(tmp_path / "static") == ["0123456789ab"]
    # There already: nothing is copied again.
    assert module.copy_static(run, "mysite-next", "/app/staticfiles", dest, "/static/") is False
    assert len(calls) == 1


def test_a_failed_copy_leaves_no_folder_for_nginx(tmp_path):
    os.makedirs(tmp_path / "static" / ".0123456789ab.partial" / "stale")
    with pytest.raises(OSError, match="out of mysite-next failed: Error: No such container"):
        module.copy_static(fake_docker_cp({}, [], code=1), "mysite-next", "/app/staticfiles",
                           str(tmp_path / "static" / "0123456789ab"), "/static/")
    assert os.listdir(tmp_path / "static") == []


def probe_params(tmp_path, static=True):
    return {"socket": str(tmp_path / "x.sock"), "host": "www.example.com", "path": "/healthz", "scheme": "http",
            "status": [200], "timeout": 5,
            "static": {"container": "mysite-next", "source": "/app/staticfiles",
                       "dest": str(tmp_path / "static" / "0123456789ab"), "subdir": "/static/"} if static else None}


def test_a_release_that_does_not_answer_leaves_no_static_files(tmp_path):
    os.makedirs(tmp_path / "static")
    with pytest.raises(module.NoAnswer, match="did not answer 200 within 5 s: the last answer was 404"):
        module.copy_and_probe(probe_params(tmp_path), fake_docker_cp({"css/site.css": "x"}, []),
                              ask_until=lambda *args, **kwargs: (404, 3, ""))
    assert os.listdir(tmp_path / "static") == []


def test_a_release_that_answers_keeps_its_static_files_and_one_already_there_is_left_alone(tmp_path):
    os.makedirs(tmp_path / "static")
    calls = []
    assert module.copy_and_probe(probe_params(tmp_path), fake_docker_cp({"css/site.css": "x"}, calls),
                                 ask_until=lambda *args, **kwargs: (200, 1, "")) == (200, 1, True)
    assert os.listdir(tmp_path / "static") == ["0123456789ab"]
    # A rollback's release has its folder already: not copied, and not removed when it fails.
    with pytest.raises(module.NoAnswer):
        module.copy_and_probe(probe_params(tmp_path), fake_docker_cp({}, calls), ask_until=lambda *args, **kwargs: (502, 9, ""))
    assert os.listdir(tmp_path / "static") == ["0123456789ab"] and len(calls) == 1
