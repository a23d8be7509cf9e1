"""Ask a site for a page and a static file every 50 ms until a stop file appears.

usage: prober.py HOST_HEADER PAGE_PATH STATIC_PATH STOP_FILE OUT_FILE
Writes OUT_FILE.started after the first good answer, then, at the stop file
(or after 600 s), OUT_FILE as JSON: requests, failures (with the first ones
described), and the longest time between two good page answers.
"""

import http.client
import json
import os
import sys
import time


def ask(host_header, path):
    conn = http.client.HTTPConnection("127.0.0.1", 80, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": host_header})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def main(host_header, page, static, stop_file, out_file):
    requests, failures, seen = 0, 0, []
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
        json.dump({"requests": requests, "failures": failures, "first_failures": seen,
                   "longest_gap": round(longest or 0, 3)}, handle)


if __name__ == "__main__":
    main(*sys.argv[1:6])
