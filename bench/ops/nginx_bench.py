#!/usr/bin/python3
"""Prints requests per second straight to kabinetd and through nginx (the packaged site, TLS), and the failover
gap of two instances on one PostgreSQL database (tests/ops/failover.py: kill -9 to the survivor taking over the
leased delivery, job and gateways; requests failed).

Usage: nginx_bench.py [seconds per run, default 8]. Environment: KABINET_SOURCE_DIR, KABINET_BINARY_DIR, and
KABINET_TEST_PG=postgresql://kabinet:kabinet@127.0.0.1:PORT for the failover part (skipped, saying so, when no
server answers there; `bash tests/support/pg.sh start PORT` starts one).
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "ops"))
import opslib as ops  # noqa: E402

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 8
PATHS = ["/healthz", "/t/voek/api/v1/tenant"]


def wrk(url, connections):
    out = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % SECONDS, "--latency", url], capture_output=True, text=True)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out.stdout)
    return float(rps.group(1)) if rps else 0.0, p99.group(1) if p99 else "?", errors.group(0) if errors else "no errors"


def throughput():
    with ops.Stack("bench") as st:
        k = ops.Kabinetd(st, "bench", ops.database(st, "sqlite"))
        ng = ops.Nginx(st, [k])
        print("bench nginx (wrk, 2 threads, %d s per run; kabinetd --threads 16, SQLite)" % SECONDS)
        for path in PATHS:
            for c in (8, 32):  # 32: the site's limit_conn per client address (wrk is one address)
                direct = wrk("http://127.0.0.1:%d%s" % (k.port, path), c)
                proxied = wrk("https://127.0.0.1:%d%s" % (ng.https, path), c)
                print("  %-24s %3d conns: direct %8.0f req/s (p99 %s, %s) | through nginx+TLS %8.0f req/s (p99 %s, %s) = %3.0f%%"
                      % (path, c, direct[0], direct[1], direct[2], proxied[0], proxied[1], proxied[2],
                         100 * proxied[0] / max(direct[0], 1)))


def failover():
    try:
        ops.psql("SELECT 1")
    except AssertionError:
        print("bench failover: skipped (no PostgreSQL at KABINET_TEST_PG)")
        return
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "..", "..", "tests", "ops", "failover.py"), "postgresql"],
                         capture_output=True, text=True)
    print("bench failover (two kabinetd on one PostgreSQL behind nginx, one killed with kill -9 under load)")
    for line in out.stdout.splitlines():
        if re.search(r"failover gap|of which|requests failed|load through nginx|failed: |A served", line):
            print("  " + line.split("] ", 1)[-1])
    if out.returncode != 0:
        print("  the failover run failed:\n" + out.stdout[-2000:] + out.stderr[-2000:])


if __name__ == "__main__":
    throughput()
    failover()
