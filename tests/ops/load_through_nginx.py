#!/usr/bin/python3
"""A short load run through nginx (the packaged site) in front of one kabinetd:  load_through_nginx.py sqlite|postgresql

1. What nginx passes on: a login through nginx records the client's address as nginx saw it (not the
   X-Forwarded-For the client wrote itself) and sets a Secure cookie (X-Forwarded-Proto https); the same
   headers sent straight to kabinetd change nothing (kabinetd trusts 127.0.0.1 only, the client comes from
   127.0.0.3). Portal assets are answered by nginx itself, API calls by kabinetd.
2. 8 clients on keep-alive HTTPS connections for 8 s (API reads, portal pages, a write answered 405): no
   request fails. Requests per second are printed (bench/ops/nginx_bench.sh measures them properly).
"""

import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opslib as ops  # noqa: E402

MIX = [("GET", "/healthz", None), ("GET", "/t/voek/api/v1/tenant", None), ("GET", "/t/voek/", None),
       ("GET", "/t/voek/api/v1/forms/registration", None), ("POST", "/healthz", b"{}")]


def session_address(backend, db_url, email):
    sql = ("SELECT s.client_address FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id "
           "WHERE u.email = '%s'" % email)
    if backend == "sqlite":
        with sqlite3.connect(db_url[len("sqlite://"):]) as c:
            return [r[0] for r in c.execute(sql)]
    return [r[0] for r in ops.psql(sql, db=ops.db_name(db_url))]


def login(port, tls, db_url, backend, n, headers):
    email = "ops-admin-%d@voek.example" % n
    ops.cli(["users", "create-admin", "--tenant", "voek", "--email", email, "--database", db_url, "--tenants",
             os.path.join(ops.SRC, "tenants"), "--scripts", os.path.join(ops.SRC, "scripts")],
            env={"KABINET_ADMIN_PASSWORD": "Admin-Password-9"})
    body = ('{"login":"%s","password":"Admin-Password-9"}' % email).encode()
    status, h, _ = ops.request(port, "POST", "/t/voek/api/v1/session", body,
                               dict(headers, **{"Content-Type": "application/json"}), tls=tls, source="127.0.0.3")
    if status != 200:
        ops.fail("login answered %d" % status)
    return h.get("Set-Cookie", ""), session_address(backend, db_url, email)


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    with ops.Stack("load") as st:
        db = ops.database(st, backend)
        k = ops.Kabinetd(st, "load", db)
        ng = ops.Nginx(st, [k])

        spoof = {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"}
        cookie, where = login(ng.https, True, db, backend, 1, spoof)
        ops.log("through nginx: session recorded for %s, cookie %s" % (where, "Secure" if "Secure" in cookie else "not Secure"))
        if where != ["127.0.0.3"] or "; Secure" not in cookie:
            ops.fail("through nginx the client must be 127.0.0.3 (nginx's view) and the cookie Secure")
        cookie, where = login(k.port, False, db, backend, 2, spoof)
        ops.log("straight to kabinetd with forged headers: session recorded for %s, cookie %s" % (where, "Secure" if "Secure" in cookie else "not Secure"))
        if where != ["127.0.0.3"] or "Secure" in cookie:
            ops.fail("forged X-Forwarded-* from a client that is not a proxy must be ignored")

        status, h, body = ops.request(ng.https, "GET", "/t/voek/assets/app.js")
        if status != 200 or "X-Request-Id" in h or not body:
            ops.fail("a portal asset must come from nginx (status %d, headers %s)" % (status, h))
        status, h, _ = ops.request(ng.https, "GET", "/t/voek/api/v1/tenant")
        if status != 200 or "X-Request-Id" not in h:
            ops.fail("an API call must reach kabinetd")

        load = ops.Load(ng.https, MIX, threads=8).start()
        ops.time.sleep(8)
        load.stop()
        ops.log("through nginx:", load.summary())
        if load.failures:
            ops.fail("requests failed: %s" % load.failures[:5])
        if set(load.statuses) - {200, 405}:
            ops.fail("unexpected statuses %s" % load.statuses)
        ops.log("PASS")


if __name__ == "__main__":
    main()
