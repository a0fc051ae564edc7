#!/usr/bin/env bash
# Starts or stops the throw-away PostgreSQL server of the test suite (a private cluster made with
# initdb, listening on 127.0.0.1:PORT only). Usage: pg.sh start|stop PORT
# Role "kabinet" (password "kabinet", CREATEDB) owns database "kabinet_test"; tests make their own
# databases beside it. WAL is kept for streaming replicas (pg_replica.sh makes one from this server).
set -euo pipefail
action=${1:?start|stop}
port=${2:?port}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
dir=${TMPDIR:-/tmp}/kabinet-test-pg-$port

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c wal_level=replica -c max_wal_senders=10" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE kabinet LOGIN PASSWORD 'kabinet' CREATEDB" \
    -c "CREATE DATABASE kabinet_test OWNER kabinet" >/dev/null
  echo "pg.sh: PostgreSQL on 127.0.0.1:$port ($dir)"
  ;;
stop)
  if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: pg.sh start|stop PORT" >&2; exit 2 ;;
esac
