"""The world's DNS provider API for DNS-01 tests: lego's `httpreq` provider posts
{"fqdn", "value"} to /present and /cleanup; this turns them into
pebble-challtestsrv's /set-txt and /clear-txt, the records Pebble's DNS asks.
Usage: acme_dns_api.py PORT CHALLTESTSRV_MANAGEMENT_URL"""
import http.server
import json
import sys
import urllib.request

CHALLTESTSRV = sys.argv[2].rstrip("/")
CALLS = {"/present": "/set-txt", "/cleanup": "/clear-txt"}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        target = CALLS.get(self.path)
        if target is None or "fqdn" not in body:
            self.send_error(404)
            return
        record = {"host": body["fqdn"]}
        if target == "/set-txt":
            record["value"] = body.get("value", "")
        request = urllib.request.Request(CHALLTESTSRV + target, data=json.dumps(record).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            self.send_response(answer.status)
        self.end_headers()


http.server.ThreadingHTTPServer(("", int(sys.argv[1])), Handler).serve_forever()
