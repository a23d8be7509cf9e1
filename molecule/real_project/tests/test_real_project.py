"""The real-shaped example after converge and idempotence (examples/bookshelf)."""

import json
import os
import re
from shlex import quote

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]
).get_hosts("all")

SITE = "http://127.0.0.1:80"
# What verify uploads; side_effect checks it is still served after a redeploy.
UPLOAD = "/tmp/djd-shelf-upload.txt"
UPLOAD_TEXT = "an upload written in verify"


def curl(host, args):
    return host.check_output(f"curl -sS --max-time 10 {args}")


def image(host):
    return host.check_output("docker inspect -f '{{.Config.Image}}' bookshelf")


def test_the_production_settings_serve_with_the_image_environment(host):
    api = json.loads(curl(host, f"{SITE}/api/uploads/"))
    # Read at import time from django_app_image_env, quotes and $ as written.
    assert api["title"] == 'Molecule\'s "$helf" of books'
    # The production settings (DEBUG off): an unknown page is a plain 404.
    page = curl(host, f"-w '%{{http_code}}' {SITE}/no-such-page/")
    assert page.endswith("404") and "Traceback" not in page and "URLconf" not in page


def test_offline_compressed_css_is_served_by_nginx_with_its_type(host):
    page = curl(host, f"{SITE}/")
    # COMPRESS_OFFLINE: the page names the bundle `manage.py compress` made at build time (without
    # it, this page fails); the bundle's source is WhiteNoise's hashed copy of style.css.
    css = re.search(r'href="(/static/CACHE/css/output\.[0-9a-f]{12}\.css)"', page)
    assert css, page
    headers = curl(host, f"-D - -o /dev/null {SITE}{css.group(1)}")
    assert re.search(r"^HTTP/1\.[01] 200", headers)
    assert re.search(r"^Content-Type: text/css", headers, re.M | re.I)
    # By Nginx (the default mode), cached for a year: the name changes with the content.
    assert re.search(r"^Server: nginx", headers, re.M | re.I)
    assert re.search(r"^Cache-Control: public, max-age=31536000, immutable", headers, re.M | re.I)
    assert "font-family" in curl(host, f"{SITE}{css.group(1)}")


def test_translations_compiled_at_build_are_active_and_gettext_stayed_in_the_build(host):
    assert "Welcome to the shelf" in curl(host, f"{SITE}/")
    assert "Bienvenue sur l" in curl(host, f"-H 'Accept-Language: fr' {SITE}/")
    mo = "/app/shelf/locale/fr/LC_MESSAGES/django.mo"
    owner = host.check_output(f"docker run --rm --entrypoint stat {image(host)} -c %U {mo}")
    assert owner == "root"  # the code stays root's and read-only to the app
    assert host.run(f"docker run --rm --entrypoint sh {image(host)} -c 'command -v msgfmt'").rc != 0


def test_a_views_traceback_reaches_docker_logs_despite_the_projects_own_logging(host):
    # The project's LOGGING sends request errors to mail_admins only (Django's documented example).
    assert curl(host, f"-o /dev/null -w '%{{http_code}}' {SITE}/boom/") == "500"
    logs = host.check_output("docker logs --since 2m bookshelf 2>&1")
    assert "Traceback" in logs and "RuntimeError: bookshelf boom: a view that raises" in logs


def test_an_upload_is_typed_by_libmagic_and_served_from_the_data_folder(host):
    host.run(f"printf '%s\\n' '{UPLOAD_TEXT}' > {UPLOAD}")
    made = json.loads(curl(host, f"-F file=@{UPLOAD} {SITE}/api/uploads/"))
    assert made["mime"] == "text/plain"  # python-magic works: libmagic1 is in the image
    assert made["url"].startswith("/media/uploads/")
    assert curl(host, f"{SITE}{made['url']}").strip() == UPLOAD_TEXT
    name = made["url"].rsplit("/", 1)[1]
    stored = host.file(f"/srv/django/bookshelf/data/media/uploads/{name}")
    assert stored.exists and stored.uid == 10001


def test_os_packages_came_from_the_mirror(host):
    sources = host.check_output(f"docker run --rm --entrypoint cat {image(host)} /etc/apt/sources.list.d/debian.sources")
    # The world's Debian mirror: the test hosts have no other route to the archive.
    assert "URIs: %s\n" % os.environ["DJD_DEBIAN_WORLD"] in sources + "\n"
    assert "URIs: %s\n" % os.environ["DJD_DEBIAN_SECURITY_WORLD"] in sources + "\n"
    # libmagic is in the app's image, and was not in the base image.
    find = "python -c 'import ctypes.util; print(ctypes.util.find_library(\"magic\"))'"
    assert host.check_output(f"docker run --rm --entrypoint sh {image(host)} -c {quote(find)}") != "None"
    assert host.check_output(f"docker run --rm python:3.13-slim sh -c {quote(find)}") == "None"


def test_the_projects_uwsgi_pin_was_replaced_by_the_roles_server(host):
    listing = host.check_output(f"docker run --rm --entrypoint pip {image(host)} list --format freeze")
    names = {line.split("==")[0].lower() for line in listing.splitlines()}
    assert "pyuwsgi" in names and "uwsgi" not in names
    assert {"django", "whitenoise", "dj-database-url", "python-magic"} <= names
