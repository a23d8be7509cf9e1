"""Two apps behind one Nginx: by name, over HTTPS with a test CA, static and media by Nginx."""

import os
import re

import pytest

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("all")

CA = "/tmp/djd-ca.crt"


def curl(host, args):
    return host.check_output(f"curl -sS --max-time 10 {args}")


def ca_on_host(host):
    certs = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "certs", "ca.crt")
    with open(certs) as handle:
        content = handle.read()
    host.run(f"cat > {CA} <<'PEM'\n{content}PEM")
    return CA


def test_https_chain_verifies_with_the_test_ca(host):
    ca = ca_on_host(host)
    # --cacert: the chain is checked against the test CA (no -k).
    headers = curl(host, f"--cacert {ca} -D - -o /dev/null https://alpha.test/")
    assert headers.startswith("HTTP/1.1 200") or headers.startswith("HTTP/2 200")
    assert re.search(r"^Strict-Transport-Security: max-age=3600", headers, re.M | re.I)
    assert re.search(r"^Server: nginx\r?$", headers, re.M | re.I)  # no version


def test_http_redirects_to_https_by_default_with_a_certificate(host):
    headers = curl(host, "-D - -o /dev/null http://alpha.test/notes/?x=1")
    assert headers.startswith("HTTP/1.1 301")
    assert re.search(r"^Location: https://alpha.test/notes/\?x=1", headers, re.M | re.I)


def test_cookies_are_secure_over_https_only_sites(host):
    secure = curl(host, f"--cacert {ca_on_host(host)} -D - -o /dev/null https://alpha.test/admin/login/")
    assert re.search(r"^Set-Cookie: csrftoken=[^\r\n]*; Secure", secure, re.M | re.I), secure
    # beta has no certificate: its cookies must work over HTTP.
    plain = curl(host, "-D - -o /dev/null http://beta.test/admin/login/")
    assert re.search(r"^Set-Cookie: csrftoken=", plain, re.M | re.I) and "Secure" not in plain, plain


def test_two_apps_share_the_port_by_name(host):
    assert "<form" in curl(host, "http://beta.test/")
    # beta has no certificate: an HTTPS handshake for it is refused, not
    # answered with alpha's certificate.
    assert host.run(f"curl -sS --max-time 10 --cacert {ca_on_host(host)} https://beta.test/").rc != 0


def test_unknown_names_get_nothing(host):
    assert host.run("curl -sS --max-time 10 http://unknown.test/").rc == 52  # empty reply (444)
    handshake = host.run("curl -sS --max-time 10 -k https://unknown.test/")
    assert handshake.rc == 35, handshake.stderr  # TLS handshake refused


def test_static_files_by_nginx_with_cache_headers(host):
    headers = curl(host, "-D - -o /dev/null http://beta.test/static/notes/style.css")
    assert re.search(r"^Content-Type: text/css", headers, re.M | re.I)
    assert re.search(r"^Cache-Control: public, max-age=3600", headers, re.M | re.I)


def test_text_is_gzipped(host):
    headers = curl(host, "-D - -o /dev/null -H 'Accept-Encoding: gzip' http://beta.test/static/admin/css/base.css")
    assert re.search(r"^Content-Encoding: gzip", headers, re.M | re.I)


def test_media_files_by_nginx_from_the_data_folder(host):
    host.run("install -o 10001 -g 10001 -m 0644 /dev/null /srv/django/beta/data/media/hello.txt"
             " && echo hello-media > /srv/django/beta/data/media/hello.txt")
    headers = curl(host, "-D - http://beta.test/media/hello.txt")
    assert "hello-media" in headers
    assert re.search(r"^X-Content-Type-Options: nosniff", headers, re.M | re.I)
    assert re.search(r"^Content-Type: text/plain", headers, re.M | re.I)


def test_uploaded_html_runs_no_script_and_https_sites_keep_hsts_on_files(host):
    host.run("install -o 10001 -g 10001 -m 0644 /dev/null /srv/django/alpha/data/media/page.html"
             " && echo '<script>alert(1)</script>' > /srv/django/alpha/data/media/page.html")
    ca = ca_on_host(host)
    media = curl(host, f"--cacert {ca} -D - -o /dev/null https://alpha.test/media/page.html")
    assert re.search(r"^Content-Security-Policy: default-src 'none';.*sandbox", media, re.M | re.I)
    assert re.search(r"^Strict-Transport-Security: max-age=3600", media, re.M | re.I)
    static = curl(host, f"--cacert {ca} -D - -o /dev/null https://alpha.test/static/notes/style.css")
    assert re.search(r"^Strict-Transport-Security: max-age=3600", static, re.M | re.I)


def test_apps_publish_no_port_and_speak_on_their_sockets(host):
    for app in ("alpha", "beta", "gamma"):
        assert host.check_output(f"docker port {app}") == ""
        hostname = host.check_output(f"docker inspect -f '{{{{.Config.Hostname}}}}' {app}")
        socket = f"/srv/nginx/sites/{app}/run/{hostname}.sock"
        # The serving container's own socket (named by its hostname, which the
        # release chose before it started), and the one the site passes requests to.
        assert host.file(socket).is_socket
        assert f"server unix:{socket.replace('/srv/nginx/sites', '/srv/sites')};" in \
            host.file(f"/srv/nginx/conf.d/site-{app}.conf").content_string


@pytest.mark.parametrize("app, server", [("alpha", "uwsgi"), ("beta", "gunicorn"), ("gamma", "granian")])
def test_no_other_local_user_can_speak_to_an_app_whatever_its_server(host, app, server):
    # The socket folder is the app's and Nginx's worker's group (setgid), 2750: no other user gets
    # in. The socket: 0660 in that group (uWSGI, Granian); Gunicorn gives it its own group, so 0777.
    assert server in host.check_output(f"docker top {app} -o pid,args")
    run = host.file(f"/srv/nginx/sites/{app}/run")
    assert run.mode == 0o2750 and run.uid == 10001 and run.gid == 101
    hostname = host.check_output(f"docker inspect -f '{{{{.Config.Hostname}}}}' {app}")
    socket = f"/srv/nginx/sites/{app}/run/{hostname}.sock"
    mode, gid = host.file(socket).mode, host.file(socket).gid
    assert (mode, gid) == ((0o777, 10001) if server == "gunicorn" else (0o660, 101))
    connect = f"python3 -c 'import socket; socket.socket(socket.AF_UNIX).connect(\"{socket}\")'"
    denied = host.run(f"setpriv --reuid 65534 --regid 65534 --clear-groups {connect}")
    assert denied.rc != 0 and "Permission denied" in denied.stderr
    # Nginx's worker's group may (the sites answer through it: test_two_apps_share_the_port_by_name).
    allowed = host.run(f"setpriv --reuid 101 --regid 101 --clear-groups {connect}")
    assert allowed.rc == 0, allowed.stderr


def test_the_key_is_roots_only(host):
    key = host.file("/srv/nginx/certs/alpha.key")
    assert key.mode == 0o600 and key.user == "root"


def test_django_knows_the_request_came_over_https(host):
    # Django's CSRF check over HTTPS needs request.is_secure(): a POST with a
    # good token and an https Referer passes only if X-Forwarded-Proto is trusted.
    ca = ca_on_host(host)
    jar = "/tmp/djd-jar"
    page = curl(host, f"--cacert {ca} -c {jar} https://alpha.test/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status = curl(host, f"--cacert {ca} -b {jar} -o /dev/null -w '%{{http_code}}' -e https://alpha.test/ "
                        f"-d csrfmiddlewaretoken={token} -d text=over-https https://alpha.test/")
    assert status == "302"


def test_nginx_runs_with_the_few_capabilities_it_needs(host):
    caps = host.check_output("docker inspect -f '{{.HostConfig.CapDrop}} {{.HostConfig.CapAdd}}' nginx")
    assert caps.startswith("[ALL]")
    added = sorted(cap.replace("CAP_", "") for cap in caps.split(" ", 1)[1].strip("[]").split())
    assert added == ["CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID"]
    options = host.check_output("docker inspect -f '{{.HostConfig.SecurityOpt}}' nginx")
    assert "no-new-privileges:true" in options
