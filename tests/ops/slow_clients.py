#!/usr/bin/python3
"""The slow-client attack through nginx (the packaged site): usage  slow_clients.py sqlite|postgresql

kabinetd runs with only 4 worker threads behind nginx. From 60 loopback addresses, 120 attackers open TLS
connections and stall: half send a request head and stop before its end (slowloris), half send a whole head
announcing a body and stop after 10 bytes of it. One more address opens 40 such stalled bodies at once.
Meanwhile an ordinary client (another address) must be served every time, kabinetd must hold no more than a
handful of connections (the attack never reaches it: nginx buffers heads and bodies), the address over the
per-address limit must get 429 for the connections beyond it, and nginx must cut every stalled connection at
its timeout (head 10 s, body 15 s between reads).
"""

import os
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opslib as ops  # noqa: E402

HEAD_TIMEOUT, BODY_TIMEOUT, PER_ADDRESS = 10, 15, 32


def established(port):
    """Established TCP connections whose local port is `port` (kabinetd's side), from /proc/net/tcp."""
    n = 0
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":
                n += 1
    return n


class Attacker:
    """One TLS connection from `source` that sends `data` and then stalls."""

    def __init__(self, port, source, data):
        raw = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
        self.s = ops.TLS.wrap_socket(raw, server_hostname="localhost")
        self.s.sendall(data)
        self.sent = time.time()
        self.closed_at = None
        self.answer = b""

    def poll_closed(self):
        """Reads what is there without waiting; notes when nginx has closed the connection."""
        if self.closed_at:
            return True
        self.s.settimeout(0.01)
        try:
            chunk = self.s.recv(4096)
            if not chunk:
                self.closed_at = time.time()
            else:
                self.answer += chunk
        except (socket.timeout, ssl.SSLWantReadError):
            pass
        except (OSError, ssl.SSLError):
            self.closed_at = time.time()
        return bool(self.closed_at)


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    with ops.Stack("slow") as st:
        db = ops.database(st, backend)
        k = ops.Kabinetd(st, "slow", db, ["--threads", "4"])
        ng = ops.Nginx(st, [k])
        good = lambda: ops.request(ng.https, "GET", "/t/voek/api/v1/tenant", source="127.0.0.2", timeout=5)
        assert good()[0] == 200

        heads, bodies, crowd = [], [], []
        head = b"GET /t/voek/api/v1/tenant HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
        body = (b"POST /t/voek/api/v1/feedback HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n{\"text\":\"")
        for i in range(60):
            src = "127.0.1.%d" % (i + 10)
            heads.append(Attacker(ng.https, src, head))
            bodies.append(Attacker(ng.https, src, body))
        for i in range(40):
            crowd.append(Attacker(ng.https, "127.0.0.9", body))
        ops.log("attack: %d stalled heads, %d stalled bodies, %d stalled bodies from one address" % (len(heads), len(bodies), len(crowd)))

        # While the attack stands: the ordinary client is served, kabinetd sees a handful of connections.
        worst, most = 0.0, 0
        for _ in range(20):
            t0 = time.time()
            status, _, _ = good()
            worst = max(worst, time.time() - t0)
            if status != 200:
                ops.fail("an ordinary client got %d during the attack" % status)
            most = max(most, established(k.port))
            time.sleep(0.2)
        ops.log("ordinary client: 20 of 20 served during the attack, slowest %.3f s; kabinetd held at most %d connections"
                % (worst, most))
        if most > 8:
            ops.fail("kabinetd held %d connections: the attack got through nginx" % most)

        # The address over the per-address limit: the connections beyond it were refused with 429 at once.
        for a in crowd:
            a.poll_closed()
        refused = sum(1 for a in crowd if a.answer.startswith(b"HTTP/1.1 429"))
        ops.log("one address, 40 stalled bodies: %d answered 429 (limit %d)" % (refused, PER_ADDRESS))
        if refused != len(crowd) - PER_ADDRESS:
            ops.fail("expected %d refusals over the per-address limit, got %d" % (len(crowd) - PER_ADDRESS, refused))

        # nginx cuts every stalled connection at its timeout.
        everyone = heads + bodies + crowd
        deadline = time.time() + BODY_TIMEOUT + 8
        while time.time() < deadline and not all(a.poll_closed() for a in everyone):
            time.sleep(0.1)
        open_left = [a for a in everyone if not a.closed_at]
        if open_left:
            ops.fail("%d stalled connections were still open after %d s" % (len(open_left), BODY_TIMEOUT + 8))
        head_cut = max(a.closed_at - a.sent for a in heads)
        body_cut = max(a.closed_at - a.sent for a in bodies)
        ops.log("stalled heads cut after at most %.1f s, stalled bodies after at most %.1f s" % (head_cut, body_cut))
        if head_cut < HEAD_TIMEOUT - 1 or body_cut < BODY_TIMEOUT - 1:
            ops.fail("connections were cut before their timeout")
        if good()[0] != 200:
            ops.fail("the ordinary client is not served after the attack")
        ops.log("PASS")


if __name__ == "__main__":
    main()
