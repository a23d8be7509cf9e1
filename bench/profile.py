"""Where a run's time went, from a log bench/run wrote (profile_roles'
timestamps): each task's duration, the slow ones in order, and the totals.

    python3 bench/profile.py LOG [THRESHOLD_SECONDS]

Tasks above the threshold (default 0.1 s) are the ones that reached a host
(a module run over SSH, or work on the host); the rest are controller-only
(set_fact, assert, skipped tasks and includes), whose sum is the cost of the
play's length itself.
"""

import re
import sys

HEADER = re.compile(r"^(?:TASK|RUNNING HANDLER) \[(.*)\]")
STAMP = re.compile(r"\((\d+):(\d+):([\d.]+)\)\s+\d+:\d+:[\d.]+")


def durations(lines):
    """[(seconds, task)]: profile_roles prints the previous task's duration under the next header."""
    found, current, name = [], None, None
    for line in lines:
        header = HEADER.match(line)
        if header:
            name = header.group(1)
        stamp = STAMP.search(line)
        if stamp:
            seconds = int(stamp.group(1)) * 3600 + int(stamp.group(2)) * 60 + float(stamp.group(3))
            if current is not None:
                found.append((seconds, current))
            current = name
    return found


def main(path, threshold=0.1):
    tasks = durations(open(path, encoding="utf-8").read().splitlines())
    slow = [(seconds, name) for seconds, name in tasks if seconds > threshold]
    for seconds, name in slow:
        print("%6.2f  %s" % (seconds, name))
    print("tasks %d, of them above %.2f s: %d taking %.2f s; the other %d: %.2f s"
          % (len(tasks), threshold, len(slow), sum(seconds for seconds, dummy in slow), len(tasks) - len(slow),
             sum(seconds for seconds, dummy in tasks if seconds <= threshold)))


if __name__ == "__main__":
    main(sys.argv[1], *(float(a) for a in sys.argv[2:3]))
