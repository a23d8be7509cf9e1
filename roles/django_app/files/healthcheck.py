"""Docker HEALTHCHECK: healthy when uWSGI answers below HTTP 500."""

import os
import sys
import urllib.error
import urllib.request

url = "http://127.0.0.1:%s%s" % (os.environ["DJANGODOCKER_PORT"], os.environ["DJANGODOCKER_HEALTH_PATH"])
try:
    status = urllib.request.urlopen(url, timeout=5).status
except urllib.error.HTTPError as error:
    status = error.code
except OSError:
    sys.exit(1)
sys.exit(0 if status < 500 else 1)
