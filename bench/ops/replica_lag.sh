#!/usr/bin/env bash
# The read replica's lag as kabinetd sees it: a private PostgreSQL server (tests/support/pg.sh), a streaming
# replica of it (pg_replica.sh), kabinetd with --database-replica, and pgbench writing on the primary. Prints
# the lag kabinetd reports in /metrics while the primary is busy, while replay is paused, and the fallbacks.
# Usage: replica_lag.sh KABINETD SOURCE_DIR [PRIMARY_PORT REPLICA_PORT HTTP_PORT]
set -euo pipefail
kabinetd=${1:?kabinetd}; src=${2:?source dir}
pport=${3:-55491}; rport=${4:-55492}; hport=${5:-48991}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
data=$(mktemp -d); pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  bash "$src/tests/support/pg_replica.sh" stop "$rport" >/dev/null 2>&1 || true
  bash "$src/tests/support/pg.sh" stop "$pport" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
bash "$src/tests/support/pg.sh" start "$pport" >/dev/null
export PGPASSWORD=kabinet
"$bindir/pgbench" -q -i -s 5 -h 127.0.0.1 -p "$pport" -U kabinet kabinet_test >/dev/null 2>&1
bash "$src/tests/support/pg_replica.sh" start "$pport" "$rport" >/dev/null
"$kabinetd" --listen "127.0.0.1:$hport" --data-dir "$data" --log-level warn --poll-sessions 0 --connector-sessions 0 \
  --database "postgresql://kabinet:kabinet@127.0.0.1:$pport/kabinet_test" \
  --database-replica "postgresql://kabinet:kabinet@127.0.0.1:$rport/kabinet_test" --replica-max-lag-ms 2000 \
  >"$data/kabinetd.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$hport/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
metric() { curl -fsS "http://127.0.0.1:$hport/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
# sample LABEL SECONDS: the lag kabinetd reports, every 0.25 s
sample() {
  local label=$1 n=$(( $2 * 4 )) max=0 sum=0 count=0 v
  for _ in $(seq 1 "$n"); do
    v=$(metric kabinet_db_replica_lag_seconds); v=${v:--1}
    if awk -v v="$v" 'BEGIN{exit !(v >= 0)}'; then
      max=$(awk -v a="$max" -v b="$v" 'BEGIN{print (b > a) ? b : a}'); sum=$(awk -v a="$sum" -v b="$v" 'BEGIN{print a + b}')
      count=$((count + 1))
    fi
    sleep 0.25
  done
  printf '%-34s samples %3d  mean lag %6.3f s  max lag %6.3f s\n' "$label" "$count" \
    "$(awk -v s="$sum" -v c="$count" 'BEGIN{print c ? s / c : 0}')" "$max"
}
echo "replica lag seen by kabinetd (bound 2 s; pgbench on the primary, 2 clients)"
sample "idle primary" 3
"$bindir/pgbench" -n -c 2 -T 8 -h 127.0.0.1 -p "$pport" -U kabinet kabinet_test >"$data/pgbench.log" 2>&1 &
load=$!
sample "primary under pgbench" 6
bash "$src/tests/support/pg_replica.sh" pause "$rport"
sample "replay paused (lag grows)" 4
bash "$src/tests/support/pg_replica.sh" resume "$rport"
wait "$load" || true
sample "replay resumed" 3
echo "pgbench on the primary: $(grep -o 'tps = [0-9.]*' "$data/pgbench.log" | head -1)"
echo "replica state transitions in the log: $(grep -c replica "$data/kabinetd.log" || true)"
