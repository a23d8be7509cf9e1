"""Ask a site for a page and a static file every 50 ms until a stop file appears.

usage: prober.py HOST_HEADER PAGE_PATH STATIC_PATH STOP_FILE OUT_FILE [CA_FILE]
With CA_FILE, over HTTPS to HOST_HEADER (which must resolve to the host),
its certificate checked against CA_FILE; else over HTTP to 127.0.0.1.
Writes OUT_FILE.started after the first good answer, then, at the stop file
(or after 600 s), OUT_FILE as JSON: requests, failures (with the first ones
described), the count of each path's answers by status, and the longest time
between two good page answers.
"""

import http.client
import json
import os
import ssl
import sys
import time

CA_FILE = sys.argv[6] if len(sys.argv) > 6 else ""


def ask(host_header, path):
    if CA_FILE:
        conn = http.client.HTTPSConnection(host_header, 443, timeout=5,
                                           context=ssl.create_default_context(cafile=CA_FILE))
    else:
        conn = http.client.HTTPConnection("127.0.0.1", 80, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": host_header})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def main(host_header, page, static, stop_file, out_file):
    requests, failures, seen, statuses = 0, 0, [], {}
    last_good = longest = None
    deadline = time.monotonic() + 600
    while not os.path.exists(stop_file) and time.monotonic() < deadline:
        for path in (page, static):
            requests += 1
            try:
                status = ask(host_header, path)
            except OSError as error:
                status = repr(error)
            now = time.monotonic()
            # Per answer (a connection error counts under its repr).
            key = "%s %s" % (path, status if isinstance(status, int) else "error")
            statuses[key] = statuses.get(key, 0) + 1
            if status == 200:
                if path == page:
                    if last_good is None:
                        open(out_file + ".started", "w").close()
                    elif longest is None or now - last_good > longest:
                        longest = now - last_good
                    last_good = now
            else:
                failures += 1
                if len(seen) < 10:
                    seen.append("%s: %s" % (path, status))
        time.sleep(0.05)
    with open(out_file, "w") as handle:
        json.dump({"requests": requests, "failures": failures, "first_failures": seen, "statuses": statuses,
                   "longest_gap": round(longest or 0, 3)}, handle)


if __name__ == "__main__":
    main(*sys.argv[1:6])
