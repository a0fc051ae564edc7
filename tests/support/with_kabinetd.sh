#!/usr/bin/env bash
# Runs a command against a real kabinetd: with_kabinetd.sh sqlite|postgresql COMMAND...
# Starts a real SMTP server (tests/simulators/smtp_server.py) and the SMS gateway simulator, then kabinetd on a
# free port with a fresh database of that backend, mail to that SMTP server and text messages through the
# sms-http plugin to the gateway; waits for /healthz; exports KABINET_URL, KABINET_MAIL_DIR (each mail as
# <n>.eml) and KABINET_SMS_URL (GET $KABINET_SMS_URL/_messages); runs the command; stops everything and
# drops the database. The ОЭС 360 supplier simulator (tests/simulators/supplier_server.py) serves the tenant's
# connector "supplier" (KABINET_SUPPLIER_URL exported). The database is seeded with demo data first (KABINET_DEMO_ACCOUNTS: their logins);
# KABINET_DATABASE_URL and KABINET_CLI let a test make staff accounts with `kabinet users create-admin`;
# KABINET_INGEST_TOKEN (exported, also to kabinetd) lets it send meter data as a driver would.
set -euo pipefail
backend=${1:?sqlite|postgresql}; shift
src=${KABINET_SOURCE_DIR:?}; bin=${KABINET_BINARY_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/kabinet-with-XXXXXX")
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
db_name=""
pg=${KABINET_TEST_PG:-postgresql://kabinet:kabinet@127.0.0.1:55439}
pg_port=${pg##*:}
pg_sql() { PGPASSWORD=kabinet psql -h 127.0.0.1 -p "$pg_port" -U kabinet -d kabinet_test -q -v ON_ERROR_STOP=1 -c "$1"; }
case "$backend" in
  sqlite) db_url="sqlite://$work/kabinet.db" ;;
  postgresql) db_name="kb_with_$$"; pg_sql "CREATE DATABASE $db_name"; db_url="$pg/$db_name" ;;
  *) echo "with_kabinetd.sh: unknown backend $backend" >&2; exit 2 ;;
esac
mkdir -p "$work/mail-in"
# Simulators are started in this shell (never inside $(…), whose subshell would keep their pids from the
# cleanup); each writes "PORT <n>" to its file, read once it is there.
sims=()
start_sim() { # script args...: starts it, records its pid in sims
  /usr/bin/python3 "$src/tests/simulators/$1" --port 0 "${@:2}" >"$work/$1.port" 2>"$work/$1.log" &
  sims+=($!)
}
sim_port() { # script → prints its port once it is listening
  for _ in $(seq 1 100); do grep -q '^PORT ' "$work/$1.port" 2>/dev/null && break; sleep 0.05; done
  awk '/^PORT / {print $2; exit}' "$work/$1.port"
}
pid=""
cleanup() {
  set +e # stop everything, whatever fails on the way
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; fi
  for p in "${sims[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -n "$db_name" ] && pg_sql "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT
start_sim smtp_server.py --dir "$work/mail-in"
start_sim sms_gateway.py --token sms-token
start_sim supplier_server.py --window 1-31
smtp_port=$(sim_port smtp_server.py)
sms_port=$(sim_port sms_gateway.py)
supplier_port=$(sim_port supplier_server.py)
[ -n "$smtp_port" ] && [ -n "$sms_port" ] && [ -n "$supplier_port" ] || { echo "with_kabinetd.sh: simulators did not start" >&2; cat "$work"/*.log >&2; exit 1; }
export KABINET_SMS_GATEWAY="{\"url\":\"http://127.0.0.1:$sms_port/send\",\"token\":\"sms-token\",\"timeout_ms\":3000,\"retries\":2,\"backoff_ms\":50}"
# Demo consumers, meters and a year of data; their logins for the tests.
"$bin/core/kabinet" demo seed --years 1 --database "$db_url" --data-dir "$work" --tenants "$src/tenants" --scripts "$src/scripts" \
  --json "$work/demo-accounts.json" >"$work/demo.log" 2>&1 || { echo "with_kabinetd.sh: demo seed failed" >&2; cat "$work/demo.log" >&2; exit 1; }
export KABINET_DEMO_ACCOUNTS="$work/demo-accounts.json" KABINET_DATABASE_URL="$db_url" KABINET_CLI="$bin/core/kabinet"
# The ingest token kabinetd accepts (a test sends meter events, e.g. a tamper event, as a driver would).
export KABINET_INGEST_TOKEN="${KABINET_INGEST_TOKEN:-browser-ingest-token-0123456789}"
"$bin/core/kabinetd" --smtp "smtp://127.0.0.1:$smtp_port" --public-url "http://127.0.0.1:$port" --listen "127.0.0.1:$port" --database "$db_url" --data-dir "$work" \
  --tenants "$src/tenants" --scripts "$src/scripts" --portal "$src/portal" --plugins "$bin/plugins-out" \
  --connectors "{\"oes360\":{\"supplier\":{\"base_url\":\"http://127.0.0.1:$supplier_port\",\"timeout_ms\":3000}}}" \
  >"$work/kabinetd.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "kabinetd exited:" >&2; cat "$work/kabinetd.log" >&2; exit 1; fi
  sleep 0.1
done
export KABINET_URL="http://127.0.0.1:$port" KABINET_MAIL_DIR="$work/mail-in" KABINET_SMS_URL="http://127.0.0.1:$sms_port"
export KABINET_SUPPLIER_URL="http://127.0.0.1:$supplier_port" # the supplier simulator: /_control, /_truth
set +e
"$@"
rc=$?
set -e
if [ $rc -ne 0 ]; then echo "--- kabinetd log (last 40 lines) ---" >&2; tail -n 40 "$work/kabinetd.log" >&2; fi
exit $rc
