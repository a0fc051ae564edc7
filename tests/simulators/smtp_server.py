#!/usr/bin/python3
"""SMTP server simulator for Kabinet's mail transport tests (Debian's python3-aiosmtpd).

Run:  /usr/bin/python3 tests/simulators/smtp_server.py --port 0 --dir /tmp/mail [options]
The first line on stdout is "PORT <n>" (flushed); nothing else goes to stdout (logs go to stderr).
It listens on 127.0.0.1 only.

Every accepted message n (1, 2, ...) is stored as
  DIR/<n>.json  {"mail_from", "rcpt_tos", "auth_user", "tls"}   (written first)
  DIR/<n>.eml   the message bytes as received after DATA (dot-unstuffed, CRLF kept)
each written to a temporary name and renamed, so a reader never sees half a file. Refused messages
are not stored.

Options:
  --port N           port to listen on; 0 picks a free one
  --dir DIR          where accepted messages go (created if missing; required)
  --starttls         offer STARTTLS with a self-signed certificate for localhost / 127.0.0.1 (generated
                     at start with the openssl command line into a temporary directory)
  --smtps            implicit TLS (the whole connection is TLS), same certificate; excludes --starttls
  --cert-out FILE    also write that certificate (PEM) to FILE, for clients that verify it (ca_file)
  --cert-host NAME   the certificate names only NAME (DNS) instead of localhost and 127.0.0.1, for testing
                     a client's host-name check
  --require-tls      with --starttls: refuse MAIL (and everything but EHLO/HELO/NOOP/RSET/QUIT/STARTTLS)
                     before STARTTLS (530)
  --auth USER:PASS   require AUTH (PLAIN or LOGIN) with these credentials before MAIL (530); a wrong
                     password answers 535. With --starttls, AUTH is offered only after STARTTLS.
  --auth-mechanism M offer only PLAIN or only LOGIN (default: both)
  --fail N           answer the first N messages with "451 4.3.0 try again later" (transient), then accept
  --fail-stage S     where --fail answers: "eom" (after the message data, the default) or "command"
                     (to the DATA command itself, before 354)
  --exit-on-stdin-eof  exit when stdin closes (so a crashed test harness does not leave it behind)

Exits cleanly (status 0) on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import json
import logging
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomically(path, data):
    """Writes bytes to path through a temporary file in the same directory and a rename."""
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def make_certificate(workdir, host=None):
    """Generates a self-signed certificate for localhost and 127.0.0.1 (or only for the DNS name host);
    returns (cert, key) paths."""
    cert = os.path.join(workdir, "cert.pem")
    key = os.path.join(workdir, "key.pem")
    names = "DNS:%s" % host if host else "DNS:localhost,IP:127.0.0.1"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=%s" % (host or "localhost"),
         "-addext", "subjectAltName=" + names],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


class Store:
    """Numbers and stores accepted messages; counts injected failures."""

    def __init__(self, directory, fail_count):
        self.directory = directory
        self.failures_left = fail_count
        self.count = 0  # the event loop is single-threaded: no lock needed

    def take_failure(self):
        if self.failures_left > 0:
            self.failures_left -= 1
            return True
        return False

    def save(self, envelope_info, content):
        self.count += 1
        n = self.count
        base = os.path.join(self.directory, str(n))
        write_atomically(base + ".json", json.dumps(envelope_info, ensure_ascii=False).encode("utf-8"))
        write_atomically(base + ".eml", content)
        return n


def uses_tls(server, session):
    if session.ssl is not None:
        return True
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


class Handler:
    def __init__(self, store, fail_stage):
        self.store = store
        self.fail_stage = fail_stage

    async def handle_DATA(self, server, session, envelope):
        if self.fail_stage == "eom" and self.store.take_failure():
            return "451 4.3.0 try again later"
        auth_user = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            auth_user = session.auth_data.login.decode("utf-8", "replace")
        info = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "auth_user": auth_user,
            "tls": uses_tls(server, session),
        }
        n = self.store.save(info, envelope.original_content)
        return "250 2.0.0 OK queued as %d" % n


class SimulatorSMTP(SMTP):
    """aiosmtpd's SMTP with an optional transient failure of the DATA command itself."""

    def __init__(self, handler, store, fail_stage, **kwargs):
        super().__init__(handler, **kwargs)
        self._store = store
        self._fail_stage = fail_stage

    async def smtp_DATA(self, arg):
        if (self._fail_stage == "command" and self.envelope.rcpt_tos
                and self._store.take_failure()):
            await self.push("451 4.3.0 try again later")
            return
        await super().smtp_DATA(arg)


def parse_args():
    p = argparse.ArgumentParser(description="SMTP server simulator for Kabinet's tests")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dir", required=True)
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--smtps", action="store_true")
    p.add_argument("--cert-out")
    p.add_argument("--cert-host")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--auth-mechanism", choices=("PLAIN", "LOGIN"))
    p.add_argument("--fail", type=int, default=0)
    p.add_argument("--fail-stage", choices=("eom", "command"), default="eom")
    p.add_argument("--exit-on-stdin-eof", action="store_true")
    args = p.parse_args()
    if args.starttls and args.smtps:
        p.error("--starttls and --smtps exclude each other")
    if args.require_tls and not args.starttls:
        p.error("--require-tls needs --starttls")
    if args.auth is not None and ":" not in args.auth:
        p.error("--auth takes USER:PASS")
    return args


async def serve(args, stop_event):
    os.makedirs(args.dir, exist_ok=True)
    store = Store(args.dir, args.fail)
    handler = Handler(store, args.fail_stage)
    workdir = tempfile.mkdtemp(prefix="smtp-sim-")
    try:
        tls_context = None
        if args.starttls or args.smtps:
            cert, key = make_certificate(workdir, args.cert_host)
            if args.cert_out:
                shutil.copyfile(cert, args.cert_out)
            tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls_context.load_cert_chain(cert, key)

        authenticator = None
        if args.auth is not None:
            user, password = args.auth.split(":", 1)

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = (isinstance(auth_data, LoginPassword)
                      and auth_data.login == user.encode("utf-8")
                      and auth_data.password == password.encode("utf-8"))
                return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        excluded = []
        if args.auth_mechanism:
            excluded = [m for m in ("PLAIN", "LOGIN") if m != args.auth_mechanism]

        loop = asyncio.get_running_loop()

        def factory():
            return SimulatorSMTP(
                handler, store, args.fail_stage,
                hostname="smtp-simulator.test",
                tls_context=tls_context if args.starttls else None,
                require_starttls=args.require_tls,
                authenticator=authenticator,
                auth_required=authenticator is not None,
                auth_require_tls=bool(args.starttls),
                auth_exclude_mechanism=excluded,
                loop=loop)

        server = await loop.create_server(
            factory, host="127.0.0.1", port=args.port,
            ssl=tls_context if args.smtps else None)
        port = server.sockets[0].getsockname()[1]
        sys.stdout.write("PORT %d\n" % port)
        sys.stdout.flush()
        async with server:
            await stop_event.wait()
        # Sessions still open (clients that never said QUIT) end with the server.
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    args = parse_args()
    # aiosmtpd logs every session at INFO and deprecation notes at WARNING; keep stderr for errors.
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    # --auth without --starttls is deliberate here (tests on loopback); aiosmtpd warns on every session.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    stop_event = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop_event.set)
    if args.exit_on_stdin_eof:
        stdin_fd = sys.stdin.fileno()

        def on_stdin():
            try:
                data = os.read(stdin_fd, 4096)
            except OSError:
                data = b""
            if not data:
                loop.remove_reader(stdin_fd)
                stop_event.set()

        try:
            loop.add_reader(stdin_fd, on_stdin)
        except (PermissionError, ValueError, OSError):  # stdin is a file or /dev/null: nothing to watch
            sys.stderr.write("smtp_server: --exit-on-stdin-eof ignored: stdin cannot be watched\n")
    try:
        loop.run_until_complete(serve(args, stop_event))
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
