"""Write rows through the site (POST a small upload) one after another until
a stop file appears (or a time bound); report the rows the site said it
wrote (201) and the requests that failed. Each row's file is named
<prefix>-<n>.txt, so the database can be asked how many arrived."""

import json
import os
import sys
import time
import urllib.request

url, host, prefix, stop_file, max_seconds = sys.argv[1:6]
deadline = time.monotonic() + float(max_seconds)
boundary = "djd-bench-writer"
written = failed = 0
n = 0
while time.monotonic() < deadline and not os.path.exists(stop_file):
    n += 1
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{prefix}-{n}.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nrow {n}\r\n--{boundary}--\r\n").encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Host": host, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            if response.status == 201:
                written += 1
            else:
                failed += 1
    except OSError:
        failed += 1
    time.sleep(0.02)
print(json.dumps({"written": written, "failed": failed}))
