#!/usr/bin/python3
"""Two kabinetd instances on one PostgreSQL database behind nginx; one is killed with kill -9 during a load
run:  failover.py postgresql   (PostgreSQL only: a SQLite database is one file for one instance)

Instance A (ops-a) starts alone and takes leased work of all three kinds, each held up so that A still holds
it when it dies:
  * a delivery — a mail (password reset) whose SMTP server accepts the connection and never answers (A's
    --smtp is such a server; B's is the SMTP simulator);
  * a stored job — an archive build waiting for a table this test keeps locked;
  * polling — the gateway leases of every tenant's demo meter behind a gateway that never answers.
Then B (ops-b) starts, nginx sends a load of GETs and POSTs to both, and A is killed with kill -9. Checked:
  * no GET fails (nginx retries them on B), and only POSTs in flight on A when it died may fail;
  * after A's leases expire (--lease-seconds 20 on both, above the 15 s SMTP timeout) B takes over: the mail is delivered to B's SMTP
    server, the archive is built, the gateways are leased by B.
The failover gap (kill to each takeover) is printed.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opslib as ops  # noqa: E402

LEASE = 20
MIX = [("GET", "/healthz", None), ("GET", "/t/voek/api/v1/tenant", None), ("GET", "/t/voek/", None),
       ("GET", "/t/voek/api/v1/forms/registration", None), ("POST", "/healthz", b"{}")]
EMAIL = "ops-failover@voek.example"


def now():
    return int(time.time())


def start_smtp(st):
    d = os.path.join(st.work, "mail-b")
    out = open(os.path.join(st.work, "smtp.port"), "w+")
    p = subprocess.Popen(["/usr/bin/python3", os.path.join(ops.SRC, "tests", "simulators", "smtp_server.py"), "--port", "0",
                          "--dir", d], stdout=out, stderr=open(os.path.join(st.work, "smtp.log"), "w"))
    st.on_stop(lambda: ops.stop_process(p))
    port = ops.wait_for("the SMTP simulator", lambda: re.search(r"PORT (\d+)", open(out.name).read()), 10)
    return int(port.group(1)), d


def requests_served(k):
    """The requests an instance has answered, from its /metrics."""
    _, _, body = ops.request(k.port, "GET", "/metrics", tls=False)
    return sum(int(float(m)) for m in re.findall(rb'^kabinet_http_requests_total\{[^}]*\} (\S+)$', body, re.M))


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "postgresql"
    if backend != "postgresql":
        print("failover: PostgreSQL only — several instances share one database server; SQLite is one file, one instance")
        return
    with ops.Stack("failover") as st:
        db = ops.database(st, backend)
        dbn = ops.db_name(db)
        # The tenants as shipped, but voek builds archives at once (not the next day), so a job runs in the test.
        tenants = os.path.join(st.work, "tenants")
        shutil.copytree(os.path.join(ops.SRC, "tenants"), tenants)
        lua = os.path.join(tenants, "voek", "tenant.lua")
        text = open(lua).read()
        if text.count('ready = "next_day"') != 1:
            ops.fail("tenants/voek/tenant.lua: archive setting 'ready' not found")
        open(lua, "w").write(text.replace('ready = "next_day"', 'ready = "immediately"'))
        common = ["--database", db, "--tenants", tenants, "--scripts", os.path.join(ops.SRC, "scripts")]

        t0 = time.time()
        ops.cli(["demo", "seed", "--years", "1", "--data-dir", st.work] + common)
        gateway = ops.Blackhole(st)
        ops.cli(["demo", "polling", "--gateways", "mercury=127.0.0.1:%d" % gateway.port] + common)
        ops.cli(["users", "create-admin", "--tenant", "voek", "--email", EMAIL] + common,
                env={"KABINET_ADMIN_PASSWORD": "Admin-Password-9"})
        ops.log("database seeded in %.1f s" % (time.time() - t0))

        silent_smtp = ops.Blackhole(st)
        smtp_port, mail_dir = start_smtp(st)
        # The demo meters behind the silent gateway wait a minute for each answer (a dialogue in progress).
        both = ["--lease-seconds", str(LEASE), "--poll-tick-ms", "200", "--drivers", json.dumps({"mercury": {"timeout_ms": 60000}})]
        a = ops.Kabinetd(st, "ops-a", db, both + ["--smtp", "smtp://127.0.0.1:%d" % silent_smtp.port], tenants=tenants)

        # A takes a job: the archive build waits for metering_points, locked by this test.
        lock = ops.HeldTransaction(dbn, "LOCK TABLE metering_points IN ACCESS EXCLUSIVE MODE;")
        st.on_stop(lock.release)
        status, h, body = ops.request(a.port, "POST", "/t/voek/api/v1/session",
                                      json.dumps({"login": EMAIL, "password": "Admin-Password-9"}).encode(),
                                      {"Content-Type": "application/json"}, tls=False)
        if status != 200:
            ops.fail("login on A answered %d" % status)
        auth = {"Cookie": h["Set-Cookie"].split(";")[0], "X-CSRF-Token": json.loads(body)["csrf"], "Content-Type": "application/json"}
        today = time.strftime("%Y-%m-%d")
        status, _, body = ops.request(a.port, "POST", "/t/voek/api/v1/archive", json.dumps({"from": today, "to": today}).encode(),
                                      auth, tls=False)
        if status != 201:
            ops.fail("archive request answered %d %s" % (status, body[:200]))
        job = json.loads(body)["id"]
        # A takes a delivery: the password reset mail, stuck at an SMTP server that never answers.
        status, _, _ = ops.request(a.port, "POST", "/t/voek/api/v1/password/reset", json.dumps({"email": EMAIL}).encode(),
                                   {"Content-Type": "application/json"}, tls=False)
        if status != 202:
            ops.fail("password reset answered %d" % status)

        def held_by_a():
            j = ops.psql("SELECT state, lease_until FROM jobs WHERE job_id = '%s'" % job, db=dbn)
            m = ops.psql("SELECT message_id, attempts, lease_until FROM outbox WHERE recipient = '%s' AND state = 'queued'" % EMAIL, db=dbn)
            g = ops.psql("SELECT tenant_id, gateway_id FROM gateways WHERE lease_owner = 'ops-a' AND lease_until > %d" % now(), db=dbn)
            seen["now"] = (j, m, g)
            if j and j[0][0] == "running" and m and int(m[0][1]) >= 1 and int(m[0][2]) > now() and g:
                return m[0][0], g
            return None
        seen = {}
        try:
            message, gateways = ops.wait_for("A to hold a job, a delivery and gateway leases", held_by_a, 20)
        except AssertionError:
            ops.log("last seen: job %s, message %s, gateways %s" % seen.get("now", ()))
            raise
        ops.log("A holds: archive job %s (building), message %s (sending), %d gateway leases" % (job, message, len(gateways)))

        b = ops.Kabinetd(st, "ops-b", db, both + ["--smtp", "smtp://127.0.0.1:%d" % smtp_port], tenants=tenants)
        ng = ops.Nginx(st, [a, b])
        load = ops.Load(ng.https, MIX, threads=8).start()
        time.sleep(3)
        served_by_a = requests_served(a)
        if served_by_a < 100:
            ops.fail("the load did not reach A before the kill (%d requests)" % served_by_a)
        expiry = {
            "delivery": int(ops.psql("SELECT lease_until FROM outbox WHERE message_id = '%s'" % message, db=dbn)[0][0]),
            "job": int(ops.psql("SELECT lease_until FROM jobs WHERE job_id = '%s'" % job, db=dbn)[0][0]),
            "polling": max(int(r[0]) for r in ops.psql("SELECT lease_until FROM gateways WHERE lease_owner = 'ops-a'", db=dbn)),
        }
        killed = time.time()
        a.kill9()
        lock.release()
        ops.log("A killed with kill -9 (pid %d)" % a.pid)

        # B takes over each kind of work once A's lease has expired.
        took = {}

        def taken():
            if "delivery" not in took and ops.psql("SELECT 1 FROM outbox WHERE message_id = '%s' AND state = 'sent'" % message, db=dbn):
                took["delivery"] = time.time() - killed
            if "job" not in took and ops.psql("SELECT 1 FROM jobs WHERE job_id = '%s' AND state = 'done'" % job, db=dbn):
                took["job"] = time.time() - killed
            if "polling" not in took and ops.psql(
                    "SELECT 1 FROM gateways WHERE lease_owner = 'ops-b' AND (tenant_id, gateway_id) IN (%s)"
                    % ",".join("('%s','%s')" % (t, g) for t, g in gateways), db=dbn):
                took["polling"] = time.time() - killed
            return len(took) == 3
        ops.wait_for("B to take over the delivery, the job and the gateways", taken, LEASE + 30, interval=0.1)
        load.stop()
        gateway.stop()  # B's dialogues with the silent gateway end at once, so B stops promptly

        ops.log("load through nginx:", load.summary())
        gets = [f for f in load.failures if f[1] == "GET"]
        posts = [f for f in load.failures if f[1] != "GET"]
        for f in load.failures:
            ops.log("failed: %s %s %s at kill%+.3f s" % (f[1], f[2], f[3], f[0] - killed))
        if gets:
            ops.fail("%d GETs failed: nginx must retry them on the surviving instance" % len(gets))
        if len(posts) > 8 or any(abs(f[0] - killed) > 2 for f in posts):
            ops.fail("POSTs failed that were not in flight on the killed instance")
        mails = glob.glob(os.path.join(mail_dir, "*.eml"))
        if not any(EMAIL in open(m, errors="replace").read() for m in mails):
            ops.fail("the mail A was sending did not reach B's SMTP server")
        ops.log("A served %d requests before the kill" % served_by_a)
        ops.log("failover gap (kill -9 to takeover, lease %d s): delivery %.1f s, archive job %.1f s, polling %.1f s"
                % (LEASE, took["delivery"], took["job"], took["polling"]))
        ops.log("  of which waiting for A's leases to expire: delivery %.1f s, archive job %.1f s, polling %.1f s"
                % tuple(max(0.0, expiry[k] + 1 - killed) for k in ("delivery", "job", "polling")))
        ops.log("requests failed: %d (GET %d, POST %d)" % (len(load.failures), len(gets), len(posts)))
        ops.log("PASS")


if __name__ == "__main__":
    main()
