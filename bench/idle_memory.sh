#!/usr/bin/env bash
# Starts kabinetd with the five seed tenants on SQLite, lets it settle, and prints its resident memory
# (target: < 100 MB idle). Usage: idle_memory.sh path/to/kabinetd source-dir
set -euo pipefail
bin=${1:?kabinetd}; src=${2:?source dir}
work=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" --listen "127.0.0.1:$port" --data-dir "$work" --tenants "$src/tenants" --scripts "$src/scripts" \
  --portal "$src/portal" --log-level warn >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
for t in kes-orenburg sigma voek vges oes360; do curl -fs "http://127.0.0.1:$port/t/$t/api/v1/forms/registration" >/dev/null; done
sleep 1
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
awk -v k="$rss_kb" 'BEGIN { printf "bench idle memory\n  kabinetd, five tenants, idle: %6.1f MB RSS (target < 100 MB)\n", k / 1024 }'
