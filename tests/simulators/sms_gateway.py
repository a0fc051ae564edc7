#!/usr/bin/python3
"""SMS gateway simulator for Kabinet's channel plugin tests (standard library only).

Run:  /usr/bin/python3 tests/simulators/sms_gateway.py --port 0 --token secret
The first line on stdout is "PORT <n>" (flushed); nothing else goes to stdout.

Message endpoint: POST to any path not starting with "/_", body JSON (application/json) or form
(application/x-www-form-urlencoded). The token is accepted as "Authorization: Bearer <token>", in the
header named by --token-header, or in the query parameter named by --token-query. Success answers
200 {"id": "sim-<n>", "status": "queued"}; a missing/wrong token answers 401.

Control endpoints:
  GET  /_messages  JSON list of every request received on the message endpoint (including failed ones),
                   each {"n", "path", "query", "format", "fields", "headers", "auth", "outcome"}.
  POST /_fail      {"mode": "500"|"429"|"timeout"|"reset"|"400"|"trickle"|"garbage", "count": N,
                    "retry_after": seconds (429 only, optional), "delay_ms": ms (timeout/trickle, default 3000)}
                   queues N injected failures; they are used up, in order, by the next message requests.
                   500 and 400 answers echo the received fields (to test that clients never leak them).
                   "trickle" starts a 200 answer and then sends one header byte every 100 ms for delay_ms
                   (defeats per-read socket timeouts); "garbage" answers 400 with 1 MiB of control
                   characters, terminal escapes, invalid UTF-8 and bidi overrides around the echoed fields.
  POST /_reset     forgets messages and queued failures, restarts the id counter.

Exits cleanly (status 0) on SIGTERM or SIGINT, and with --exit-on-stdin-eof when stdin closes (so a
crashed test harness does not leave it behind).
"""

import argparse
import json
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20
FAILURE_MODES = ("500", "429", "timeout", "reset", "400", "trickle", "garbage")
HEADERS_OF_INTEREST = ("authorization", "content-type", "user-agent", "accept", "idempotency-key")


class GatewayState:
    """Everything the simulator remembers, guarded by one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.failures = []  # list of dicts {"mode", "remaining", "retry_after", "delay_ms"}
        self.next_id = 1

    def reset(self):
        with self.lock:
            self.messages.clear()
            self.failures.clear()
            self.next_id = 1

    def take_failure(self):
        """Returns the failure to inject into the current request, or None."""
        with self.lock:
            while self.failures:
                failure = self.failures[0]
                if failure["remaining"] > 0:
                    failure["remaining"] -= 1
                    if failure["remaining"] == 0:
                        self.failures.pop(0)
                    return dict(failure)
                self.failures.pop(0)
            return None

    def record(self, entry):
        with self.lock:
            entry["n"] = len(self.messages) + 1
            self.messages.append(entry)
            return entry["n"]

    def allocate_id(self):
        with self.lock:
            value = "sim-%d" % self.next_id
            self.next_id += 1
            return value


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, options):
        super().__init__(address, GatewayHandler)
        self.options = options
        self.state = GatewayState()


class GatewayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KabinetSmsGatewaySimulator/1.0"

    # --- plumbing -----------------------------------------------------------------------------

    def log_message(self, fmt, *args):
        if self.server.options.verbose:
            sys.stderr.write("sms_gateway: " + (fmt % args) + "\n")

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def _answer(self, status, payload, extra_headers=None):
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _reset_connection(self):
        """Drops the connection with a TCP RST instead of answering."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def _trickle(self, delay_ms):
        """Starts a valid answer, then dribbles header bytes so that no single read ever times out."""
        self.close_connection = True
        end = time.monotonic() + delay_ms / 1000.0
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while time.monotonic() < end:
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    def _garbage(self, fields):
        """A hostile 400 answer: huge, with control characters, escapes, invalid UTF-8, bidi overrides."""
        echo = json.dumps(fields, ensure_ascii=False).encode("utf-8")
        chunk = b"\x1b[31m\x00\x07\r\n\xff\xfe\xc3\x28" + "\u202e\u2066".encode("utf-8") + echo
        body = (b"error: " + chunk * (1 + (1 << 20) // len(chunk)))[: 1 << 20]
        self.close_connection = True
        self.send_response(400)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    # --- control endpoints --------------------------------------------------------------------

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_messages":
            with self.server.state.lock:
                snapshot = json.loads(json.dumps(self.server.state.messages))
            self._answer(200, snapshot)
        elif path == "/_health":
            self._answer(200, {"status": "ok"})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._answer(413, {"error": "body too large"})
            return
        if path == "/_fail":
            self._control_fail(body)
        elif path == "/_reset":
            self.server.state.reset()
            self._answer(200, {"status": "reset"})
        elif path.startswith("/_"):
            self._answer(404, {"error": "not found"})
        else:
            self._message(body)

    def _control_fail(self, body):
        try:
            spec = json.loads(body or b"{}")
            mode = str(spec["mode"])
            count = int(spec.get("count", 1))
            if mode not in FAILURE_MODES or count < 1:
                raise ValueError
            failure = {
                "mode": mode,
                "remaining": count,
                "retry_after": spec.get("retry_after"),
                "delay_ms": int(spec.get("delay_ms", 3000)),
            }
        except (ValueError, KeyError, TypeError):
            self._answer(400, {"error": "expected {\"mode\": one of %s, \"count\": N >= 1}" % "|".join(FAILURE_MODES)})
            return
        with self.server.state.lock:
            self.server.state.failures.append(failure)
        self._answer(200, {"status": "armed", "mode": mode, "count": count})

    # --- the message endpoint -----------------------------------------------------------------

    def _parse_fields(self, body):
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/json":
            value = json.loads(body.decode("utf-8"))
            if not isinstance(value, dict):
                raise ValueError("JSON body is not an object")
            return "json", value
        if content_type == "application/x-www-form-urlencoded":
            pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            return "form", {name: value for name, value in pairs}
        raise ValueError("unsupported content type")

    def _auth(self, query):
        options = self.server.options
        if options.token is None:
            return "none"
        presented = []
        authorization = self.headers.get("Authorization")
        if authorization is not None:
            presented.append(("bearer", authorization[7:] if authorization.startswith("Bearer ") else None))
        if options.token_header and self.headers.get(options.token_header) is not None:
            presented.append(("header", self.headers.get(options.token_header)))
        if options.token_query and options.token_query in query:
            presented.append(("query", query[options.token_query]))
        if not presented:
            return "missing"
        for how, value in presented:
            if value == options.token:
                return how
        return "wrong"

    def _message(self, body):
        state = self.server.state
        split = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        headers = {name.lower(): value for name, value in self.headers.items()
                   if name.lower() in HEADERS_OF_INTEREST or name.lower().startswith("x-")
                   or (self.server.options.token_header and name.lower() == self.server.options.token_header.lower())}
        entry = {"path": split.path, "query": query, "headers": headers, "format": None, "fields": {},
                 "auth": self._auth(query), "outcome": None}
        try:
            entry["format"], entry["fields"] = self._parse_fields(body)
        except (ValueError, UnicodeDecodeError):
            entry["outcome"] = "400 unparsable body"
            state.record(entry)
            self._answer(400, {"error": "cannot parse body"})
            return

        failure = state.take_failure()
        if failure is not None:
            mode = failure["mode"]
            entry["outcome"] = "injected " + mode
            state.record(entry)
            echo = {"error": "injected failure", "echo": entry["fields"]}
            if mode == "500":
                self._answer(500, echo)
            elif mode == "400":
                self._answer(400, echo)
            elif mode == "429":
                extra = {}
                if failure.get("retry_after") is not None:
                    extra["Retry-After"] = str(failure["retry_after"])
                self._answer(429, {"error": "too many requests"}, extra)
            elif mode == "timeout":
                time.sleep(failure["delay_ms"] / 1000.0)
                self.close_connection = True
            elif mode == "reset":
                self._reset_connection()
            elif mode == "trickle":
                self._trickle(failure["delay_ms"])
            elif mode == "garbage":
                self._garbage(entry["fields"])
            return

        if entry["auth"] in ("missing", "wrong"):
            entry["outcome"] = "401"
            state.record(entry)
            self._answer(401, {"error": "unauthorized"})
            return

        message_id = state.allocate_id()
        entry["outcome"] = "accepted"
        entry["id"] = message_id
        state.record(entry)
        self._answer(200, {"id": message_id, "status": "queued"})


def main():
    parser = argparse.ArgumentParser(description="SMS gateway simulator")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = pick a free one)")
    parser.add_argument("--token", default=None, help="expected token (no check when omitted)")
    parser.add_argument("--token-header", default="X-Api-Key", help="header that may carry the token")
    parser.add_argument("--token-query", default="api_key", help="query parameter that may carry the token")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin is closed")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    options = parser.parse_args()

    server = GatewayServer(("127.0.0.1", options.port), options)
    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if options.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="serve", daemon=True)
    serving.start()
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()

    while not stop.wait(0.1):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
