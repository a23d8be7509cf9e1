"""Probe a URL every 50 ms until a stop file appears (or a time bound), and
report failed probes and the longest gap between successful answers."""

import json
import os
import sys
import time
import urllib.request

url, stop_file, max_seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
interval = 0.05
deadline = time.monotonic() + max_seconds
probes = failed = 0
last_ok = None
longest_gap = 0.0
while time.monotonic() < deadline and not os.path.exists(stop_file):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            ok = response.status == 200
    except OSError:
        ok = False
    probes += 1
    now = time.monotonic()
    if ok:
        if last_ok is not None:
            longest_gap = max(longest_gap, now - last_ok)
        last_ok = now
    else:
        failed += 1
    time.sleep(max(0.0, interval - (time.monotonic() - started)))
print(json.dumps({"probes": probes, "failed": failed, "longest_gap_s": round(longest_gap, 3)}))
