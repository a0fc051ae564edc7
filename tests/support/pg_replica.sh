#!/usr/bin/env bash
# A streaming replica of the test PostgreSQL server (pg.sh): pg_basebackup -R from the server on PRIMARY_PORT
# into a private hot-standby cluster listening on 127.0.0.1:PORT only.
# Usage: pg_replica.sh start PRIMARY_PORT PORT   make it, start it, wait until it accepts reads
#        pg_replica.sh pause PORT | resume PORT   pg_wal_replay_pause() / pg_wal_replay_resume() (lag on demand)
#        pg_replica.sh kill PORT                  stop it at once (as a crash would), leaving its files
#        pg_replica.sh stop PORT                  stop it and remove its files
set -euo pipefail
action=${1:?start|pause|resume|kill|stop}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_basebackup" ] || { echo "pg_replica.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
sql() { as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt -c "$1"; }

case "$action" in
start)
  primary=${2:?primary port}
  port=${3:?replica port}
  pdir=${TMPDIR:-/tmp}/kabinet-test-pg-$primary
  dir=${TMPDIR:-/tmp}/kabinet-test-pg-replica-$port
  [ -d "$pdir/data" ] || { echo "pg_replica.sh: no test server on port $primary (pg.sh start $primary)" >&2; exit 1; }
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_owner "$bindir/pg_basebackup" -h "$pdir" -p "$primary" -U postgres -D "$dir/data" -R -X stream -c fast \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c hot_standby=on -c fsync=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  for _ in $(seq 1 100); do
    [ "$(sql 'SELECT pg_is_in_recovery()' 2>/dev/null || true)" = t ] && break
    sleep 0.1
  done
  [ "$(sql 'SELECT pg_is_in_recovery()')" = t ] || { echo "pg_replica.sh: the replica is not in recovery" >&2; exit 1; }
  echo "pg_replica.sh: streaming replica of 127.0.0.1:$primary on 127.0.0.1:$port ($dir)"
  ;;
pause | resume)
  port=${2:?replica port}
  dir=${TMPDIR:-/tmp}/kabinet-test-pg-replica-$port
  sql "SELECT pg_wal_replay_$action()" >/dev/null
  ;;
kill)
  port=${2:?replica port}
  dir=${TMPDIR:-/tmp}/kabinet-test-pg-replica-$port
  if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  ;;
stop)
  port=${2:?replica port}
  dir=${TMPDIR:-/tmp}/kabinet-test-pg-replica-$port
  if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: pg_replica.sh start PRIMARY_PORT PORT | pause|resume|kill|stop PORT" >&2; exit 2 ;;
esac
