"""WebSockets through Nginx during a release: python3 ws_probe.py HOST PATH STOPFILE OUTFILE.

Two clients at once, with the standard library only: `held` opens one connection and sends a
message every 0.2 s on it until it is closed (the release that took it ends); `fresh` opens a
new connection every 0.2 s and sends one message. Each answer is recorded with its time and the
release (container) that sent it. Writes OUTFILE.started after the held connection's first
answer; ends when STOPFILE exists (or after 300 s); writes OUTFILE (JSON).
"""

import base64
import json
import os
import socket
import struct
import sys
import threading
import time

HOST, PATH, STOP, OUT = sys.argv[1:5]
DEADLINE = time.monotonic() + 300


def going():
    return not os.path.exists(STOP) and time.monotonic() < DEADLINE


def connect():
    conn = socket.create_connection(("127.0.0.1", 80), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    conn.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (PATH, HOST, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = conn.recv(1)
        if not chunk:
            raise OSError("closed during the handshake")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise OSError("no upgrade: %r" % head.split(b"\r\n", 1)[0])
    return conn


def send(conn, text):
    data, mask = text.encode(), os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    conn.sendall(struct.pack("!BB", 0x81, 0x80 | len(data)) + mask + masked)


def exactly(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError("connection closed")
        data += chunk
    return data


def receive(conn):
    first, second = exactly(conn, 2)
    if first & 0x0F == 0x8:
        raise OSError("closed by the server")
    size = second & 0x7F
    if size == 126:
        size = struct.unpack("!H", exactly(conn, 2))[0]
    elif size == 127:
        size = struct.unpack("!Q", exactly(conn, 8))[0]
    return json.loads(exactly(conn, size))


def held(result):
    try:
        conn = connect()
        while going():
            send(conn, "held")
            answer = receive(conn)
            result["held"].append([time.time(), answer["release"], answer["version"]])
            if len(result["held"]) == 1:
                open(OUT + ".started", "w").close()
            time.sleep(0.2)
        result["held_end"] = "stopped while open"
    except OSError as error:
        result["held_end"] = "closed at %.3f: %s" % (time.time(), error)


def fresh(result):
    while going():
        try:
            conn = connect()
            send(conn, "fresh")
            answer = receive(conn)
            conn.close()
            result["fresh"].append([time.time(), answer["release"], answer["version"]])
        except OSError as error:
            result["fresh_failures"].append([time.time(), str(error)])
        time.sleep(0.2)


result = {"held": [], "fresh": [], "fresh_failures": [], "held_end": ""}
threads = [threading.Thread(target=held, args=(result,)), threading.Thread(target=fresh, args=(result,))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with open(OUT + ".tmp", "w") as handle:
    json.dump(result, handle)
os.rename(OUT + ".tmp", OUT)
