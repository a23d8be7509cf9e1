"""Docker HEALTHCHECK: healthy when the health page answers one of the healthy statuses
(django_app_health_status) at the end of the site's own redirects: the release gate's rule
(site_answer.py, the collection's module_utils/site_answer.py), so Docker and the gate agree."""

import http.client
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import health_socket, load_config  # noqa: E402  pylint: disable=wrong-import-position
from site_answer import UnixHTTPConnection, final_answer  # noqa: E402  pylint: disable=wrong-import-position

PORT = int(os.environ["DJANGODOCKER_PORT"])
HOST = "127.0.0.1:%s" % PORT
HEALTHY = [int(code) for code in os.environ.get("DJANGODOCKER_HEALTH_STATUS", "200").split(",") if code]
# A server that listens on its unix socket only (Granian): asked there (serve.py decides both).
SOCKET = health_socket(load_config(), socket.gethostname())


def ask(path, scheme):
    conn = UnixHTTPConnection(SOCKET, 5) if SOCKET else http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": scheme,
                                           "User-Agent": "djangodocker.deploy healthcheck"})
        response = conn.getresponse()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


try:
    status, page = final_answer(ask, os.environ["DJANGODOCKER_HEALTH_PATH"], "http", HOST)
except (OSError, ValueError) as error:
    print(error)
    sys.exit(1)
print("%s answered %s" % (page, status))
sys.exit(0 if status in HEALTHY else 1)
