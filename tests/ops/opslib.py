"""What the operations tests (tests/ops) and benchmarks (bench/ops) share: ports, kabinetd processes, nginx
with the packaged site (packaging/nginx/kabinet.conf) in front of them, PostgreSQL through psql, HTTPS
clients and a load run that counts every request that failed.

Everything a test starts is registered with a Stack and stopped (and its database dropped) when the test
ends, however it ends. Environment: KABINET_SOURCE_DIR, KABINET_BINARY_DIR, KABINET_TEST_PG (for the
PostgreSQL backend), KABINET_OPS_PORTS ("48200-48299": the ports nginx and kabinetd may use; default: free
ports the system picks).
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.environ.get("KABINET_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("KABINET_BINARY_DIR") or os.path.join(SRC, "build")
PG = os.environ.get("KABINET_TEST_PG", "postgresql://kabinet:kabinet@127.0.0.1:55439")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def log(*args):
    print("[%s]" % time.strftime("%H:%M:%S"), *args, flush=True)


def fail(message):
    log("FAIL:", message)
    raise AssertionError(message)


class Ports:
    """Hands out TCP ports on 127.0.0.1: from KABINET_OPS_PORTS when set (each checked free), else any free."""

    def __init__(self):
        spec = os.environ.get("KABINET_OPS_PORTS", "")
        self.pool = []
        if re.fullmatch(r"\d+-\d+", spec):
            lo, hi = (int(x) for x in spec.split("-"))
            self.pool = list(range(lo, hi + 1))

    @staticmethod
    def _free(port):
        s = socket.socket()
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            return s.getsockname()[1]
        except OSError:
            return None
        finally:
            s.close()

    def take(self):
        while self.pool:
            p = self._free(self.pool.pop(0))
            if p:
                return p
        if os.environ.get("KABINET_OPS_PORTS"):
            fail("no free port left in KABINET_OPS_PORTS")
        return self._free(0)


class Stack:
    """Things to stop at the end, last started first stopped."""

    def __init__(self, tag):
        self.work = tempfile.mkdtemp(prefix="kabinet-ops-%s-" % tag)
        os.chmod(self.work, 0o755)  # nginx's workers read the site's files from here
        self.stops = []
        self.ports = Ports()
        self.keep = False

    def on_stop(self, fn):
        self.stops.append(fn)

    def close(self):
        for fn in reversed(self.stops):
            try:
                fn()
            except Exception as e:  # stop everything, whatever fails on the way
                log("cleanup:", e)
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None:
            self.dump_logs()
        self.close()
        return False

    def dump_logs(self):
        for name in sorted(os.listdir(self.work)):
            if name.endswith(".log"):
                path = os.path.join(self.work, name)
                with open(path, errors="replace") as f:
                    lines = f.readlines()[-25:]
                sys.stderr.write("--- %s (last %d lines) ---\n%s" % (name, len(lines), "".join(lines)))


def stop_process(p, grace=10):
    if p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


# --- PostgreSQL -----------------------------------------------------------------------------------------

def psql(sql, db="kabinet_test", capture=True):
    """Runs SQL with psql on the test server; returns the rows as lists of fields."""
    port = PG.rsplit(":", 1)[1].split("/")[0]
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", port, "-U", "kabinet", "-d", db, "-q", "-At", "-F", "\t",
                          "-v", "ON_ERROR_STOP=1", "-c", sql],
                         env=dict(os.environ, PGPASSWORD="kabinet"), capture_output=True, text=True)
    if out.returncode != 0:
        fail("psql: %s: %s" % (sql[:80], out.stderr.strip()))
    return [line.split("\t") for line in out.stdout.splitlines() if line]


class HeldTransaction:
    """A psql session kept open inside one transaction (to hold a lock while a test acts)."""

    def __init__(self, db, statements):
        port = PG.rsplit(":", 1)[1].split("/")[0]
        self.p = subprocess.Popen(["psql", "-h", "127.0.0.1", "-p", port, "-U", "kabinet", "-d", db, "-q", "-v",
                                   "ON_ERROR_STOP=1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, env=dict(os.environ, PGPASSWORD="kabinet"))
        self.p.stdin.write("BEGIN;\n" + statements + "\n\\echo held\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if line.strip() != "held":
            fail("could not hold the transaction: " + line)

    def release(self):
        if self.p.poll() is None:
            self.p.stdin.write("ROLLBACK;\n")
            self.p.stdin.close()
            self.p.wait(10)


def database(stack, backend):
    """A fresh database of the backend: its URL (PostgreSQL: dropped at the end)."""
    if backend == "sqlite":
        return "sqlite://%s/kabinet.db" % stack.work
    name = "kb_ops_%d_%d" % (os.getpid(), int(time.time() * 1000) % 100000)
    psql("CREATE DATABASE %s" % name)
    stack.on_stop(lambda: psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name))
    return "%s/%s" % (PG.rstrip("/"), name)


def db_name(url):
    return url.rsplit("/", 1)[1]


# --- kabinetd -------------------------------------------------------------------------------------------

class Kabinetd:
    """kabinetd as a child process, trusting nginx on 127.0.0.1; waits until /healthz answers."""

    def __init__(self, stack, name, db_url, extra=(), tenants=None, env=None):
        self.name = name
        self.port = stack.ports.take()
        self.data = os.path.join(stack.work, "data-" + name)
        os.makedirs(self.data, exist_ok=True)
        self.log_path = os.path.join(stack.work, "kabinetd-%s.log" % name)
        args = [os.path.join(BIN, "core", "kabinetd"), "--listen", "127.0.0.1:%d" % self.port, "--database", db_url,
                "--data-dir", self.data, "--tenants", tenants or os.path.join(SRC, "tenants"),
                "--scripts", os.path.join(SRC, "scripts"), "--portal", os.path.join(SRC, "portal"),
                "--plugins", os.path.join(BIN, "plugins-out"), "--trusted-proxies", "127.0.0.1",
                "--instance-id", name, "--log-level", "warn"] + list(extra)
        self.logf = open(self.log_path, "w")
        self.p = subprocess.Popen(args, stdout=self.logf, stderr=subprocess.STDOUT, env=dict(os.environ, **(env or {})))
        stack.on_stop(self.stop)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.p.poll() is not None:
                fail("kabinetd %s exited at start (status %s)" % (name, self.p.returncode))
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        fail("kabinetd %s did not answer /healthz" % name)

    @property
    def pid(self):
        return self.p.pid

    def kill9(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait()

    def stop(self):
        stop_process(self.p)
        self.logf.close()


def cli(args, env=None):
    """Runs the kabinet CLI; returns its output (fails the test on a non-zero exit)."""
    out = subprocess.run([os.path.join(BIN, "core", "kabinet")] + args, capture_output=True, text=True,
                         env=dict(os.environ, **(env or {})))
    if out.returncode != 0:
        fail("kabinet %s: %s%s" % (" ".join(args[:2]), out.stdout, out.stderr))
    return out.stdout


# --- nginx ----------------------------------------------------------------------------------------------

SITE = os.path.join(SRC, "packaging", "nginx", "kabinet.conf")


def _replace(text, pattern, replacement, count=1):
    new, n = re.subn(pattern, replacement, text, flags=re.M)
    if n != count:
        fail("packaging/nginx/kabinet.conf: expected %d of %r, found %d" % (count, pattern, n))
    return new


class Nginx:
    """nginx with the packaged site, as shipped but for: its listen ports (here on 127.0.0.1), a self-signed
    certificate made for the test, the upstream servers (the given kabinetd instances) and the portal folder
    (the source tree's). Every other directive — timeouts, limits, headers, retries — is the packaged one."""

    def __init__(self, stack, upstreams, overrides=()):
        self.stack = stack
        self.https = stack.ports.take()
        self.http = stack.ports.take()
        d = os.path.join(stack.work, "nginx")
        for sub in ("", "tmp"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        os.chmod(os.path.join(d, "tmp"), 0o777)
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        os.chmod(key, 0o644)
        with open(SITE) as f:
            site = f.read()
        site = _replace(site, r"^\s*listen \[::\]:80;\n", "")
        site = _replace(site, r"^\s*listen \[::\]:443 ssl http2;\n", "")
        site = _replace(site, r"listen 80;", "listen 127.0.0.1:%d;" % self.http)
        site = _replace(site, r"listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % self.https)
        site = _replace(site, r"ssl_certificate\s+/etc/ssl/certs/ssl-cert-snakeoil.pem;", "ssl_certificate %s;" % cert)
        site = _replace(site, r"ssl_certificate_key\s+/etc/ssl/private/ssl-cert-snakeoil.key;", "ssl_certificate_key %s;" % key)
        site = _replace(site, r"(\n\s*server 127\.0\.0\.1:\d+ max_fails=1 fail_timeout=10s;)+",
                        "".join("\n    server 127.0.0.1:%d max_fails=1 fail_timeout=10s;" % k.port for k in upstreams))
        site = _replace(site, r"/usr/share/kabinet/portal/", os.path.join(SRC, "portal") + "/", count=2)
        for pattern, replacement in overrides:
            site = _replace(site, pattern, replacement)
        with open(os.path.join(d, "site.conf"), "w") as f:
            f.write(site)
        tmp = os.path.join(d, "tmp")
        conf = """
pid %(d)s/nginx.pid;
error_log %(work)s/nginx-error.log warn;
daemon off;
worker_processes 1;
%(user)s
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log %(work)s/nginx-access.log;
    client_body_temp_path %(tmp)s/body;
    proxy_temp_path %(tmp)s/proxy;
    fastcgi_temp_path %(tmp)s/fastcgi;
    uwsgi_temp_path %(tmp)s/uwsgi;
    scgi_temp_path %(tmp)s/scgi;
    include %(d)s/site.conf;
}
""" % {"d": d, "work": stack.work, "tmp": tmp, "user": "user root;" if os.geteuid() == 0 else ""}
        self.conf = os.path.join(d, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        check = subprocess.run([NGINX, "-t", "-q", "-p", d, "-e", os.path.join(stack.work, "nginx-error.log"), "-c", self.conf],
                               capture_output=True, text=True)
        if check.returncode != 0:
            fail("nginx -t: " + check.stderr)
        self.p = subprocess.Popen([NGINX, "-p", d, "-e", os.path.join(stack.work, "nginx-error.log"), "-c", self.conf],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stack.on_stop(self.stop)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.p.poll() is not None:
                fail("nginx exited at start")
            try:
                socket.create_connection(("127.0.0.1", self.https), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        fail("nginx did not listen")

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGQUIT)  # graceful: finish the requests in flight
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


# --- clients --------------------------------------------------------------------------------------------

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def connection(port, tls, source="127.0.0.1", timeout=10):
    if tls:
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=TLS, source_address=(source, 0))
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))


def request(port, method, path, body=None, headers=None, tls=True, source="127.0.0.1", timeout=10):
    """One request on a fresh connection: (status, headers dict, body bytes)."""
    c = connection(port, tls, source, timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


class Load:
    """A load run: `threads` clients, each on its own keep-alive connection (a new one after an error),
    sending its requests in turn until stopped. Counts answers by status and the failed requests (an error on
    the connection or a 5xx), with the time of each failure."""

    def __init__(self, port, requests, threads=8, tls=True):
        self.port, self.requests, self.tls = port, requests, tls
        self.lock = threading.Lock()
        self.statuses = {}
        self.failures = []  # (time, method, path, what)
        self.done = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, i):
        c = None
        k = i
        while not self.stopping.is_set():
            method, path, body = self.requests[k % len(self.requests)]
            k += 1
            what = None
            try:
                if c is None:
                    c = connection(self.port, self.tls, timeout=15)
                c.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
                r = c.getresponse()
                r.read()
                status = r.status
                if r.getheader("Connection", "").lower() == "close":
                    c.close()
                    c = None
                if status >= 500:
                    what = "HTTP %d" % status
            except Exception as e:
                status = 0
                what = type(e).__name__
                if c is not None:
                    c.close()
                c = None
            with self.lock:
                self.done += 1
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if what:
                    self.failures.append((time.time(), method, path, what))
        if c is not None:
            c.close()

    def start(self):
        self.t0 = time.time()
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(30)
        self.seconds = time.time() - self.t0
        return self

    def summary(self):
        return "%d requests in %.1f s (%.0f/s), statuses %s, failed %d" % (
            self.done, self.seconds, self.done / max(self.seconds, 1e-9), json.dumps(self.statuses, sort_keys=True),
            len(self.failures))


def wait_for(what, fn, timeout, interval=0.2):
    """Polls fn until it returns a true value (returned) or timeout seconds pass (the test fails)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(interval)
    fail("timed out after %d s waiting for %s" % (timeout, what))


class Blackhole:
    """A TCP server that accepts connections and never answers (an SMTP server or a meter gateway that hangs)."""

    def __init__(self, stack):
        self.s = socket.socket()
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.port = stack.ports.take()
        self.s.bind(("127.0.0.1", self.port))
        self.s.listen(64)
        self.held = []
        self.accepted = 0
        self.stopping = False
        threading.Thread(target=self._run, daemon=True).start()
        stack.on_stop(self.stop)

    def _run(self):
        while not self.stopping:
            try:
                c, _ = self.s.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(c)

    def stop(self):
        self.stopping = True
        self.s.close()
        for c in self.held:
            c.close()
