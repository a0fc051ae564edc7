#!/usr/bin/env bash
# Many tenants in one process: makes COUNT copies of a seed tenant (sigma, or $SEED) (each with its own id and host) in a
# temporary directory, starts kabinetd on SQLite and prints, for each COUNT:
#   * start time until /healthz answers, the first start (every tenant checked in Lua) and a restart (tenants
#     whose files did not change start from <data-dir>/tenants.cache without Lua), and how long a stop takes;
#   * resident memory idle, after TOUCH tenants served their registration form, and once their Lua states
#     were closed for being idle (--tenant-idle 2).
# Targets: 10,000 tenants start in under 5 s and stay under 1 GB.
# Usage: [SEED=sigma] [TOUCH=200] tenants_scale.sh path/to/kabinetd source-dir [COUNT...]   (default counts: 1000 10000)
set -euo pipefail
bin=${1:?kabinetd}; src=${2:?source dir}; shift 2
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1000 10000)
touch_n=${TOUCH:-200}
seed=${SEED:-sigma} # the seed tenant copied; SEED=voek: one with cases (appeals, tech connection)
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket
for p in range(48700, 48800):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass')

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
ms_now() { date +%s%3N; }

# Starts kabinetd on data dir $1 with tenants dir $2; sets pid, and took to the milliseconds until /healthz answers.
start() {
  local t0; t0=$(ms_now)
  "$bin" --listen "127.0.0.1:$port" --data-dir "$1" --tenants "$2" --scripts "$src/scripts" --portal "$src/portal" \
    --log-level info --tenant-idle 2 >>"$1/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 6000); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && { took=$(( $(ms_now) - t0 )); return; }
    kill -0 "$pid" 2>/dev/null || { echo "kabinetd ended; log:" >&2; tail -20 "$1/log" >&2; exit 1; }
    sleep 0.02
  done
  echo "kabinetd did not answer" >&2; exit 1
}
# Stops kabinetd with SIGTERM (as systemd does); sets stopped to the milliseconds until it exited.
stop() { local t0; t0=$(ms_now); kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; stopped=$(( $(ms_now) - t0 )); }

echo "bench tenants: copies of the seed tenant $seed in one kabinetd (SQLite), $(nproc) cores"
for n in "${counts[@]}"; do
  tenants="$work/tenants-$n"; data="$work/data-$n"
  mkdir -p "$tenants" "$data"
  /usr/bin/python3 - "$src/tenants/$seed" "$seed" "$tenants" "$n" <<'EOF'
import os, shutil, sys
folder, seed, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
text = open(os.path.join(folder, "tenant.lua"), encoding="utf-8").read()
modules = [f for f in os.listdir(folder) if f.endswith(".lua") and f not in ("tenant.lua", "demo.lua")]
for i in range(n):
    tid = "t%05d" % i
    os.makedirs(os.path.join(out, tid))
    copy = text.replace('id = "%s"' % seed, 'id = "%s"' % tid).replace('"%s.kabinet.localhost"' % seed, '"%s.kabinet.localhost"' % tid)
    open(os.path.join(out, tid, "tenant.lua"), "w", encoding="utf-8").write(copy)
    for m in modules:  # the tenant's own modules (hooks, forms) come along
        shutil.copy(os.path.join(folder, m), os.path.join(out, tid, m))
EOF
  start "$data" "$tenants"; cold=$took
  # How the first start checked its tenants: in the threads' shared states, or alone (TenantChecker).
  checks=$(grep '"tenants loaded"' "$data/log" | tail -1 | /usr/bin/python3 -c 'import json,sys
l = json.loads(sys.stdin.read())
print("%s ms checking, %s shared, %s alone" % (l.get("check_ms"), l.get("checked_shared"), l.get("checked_alone")))')
  sleep 3
  idle=$(rss_mb)
  loaded=$(curl -fs "http://127.0.0.1:$port/healthz" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("tenants", [])))')
  t0=$(ms_now)
  for i in $(seq 0 $(( (touch_n < n ? touch_n : n) - 1 ))); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/t/$(printf 't%05d' "$i")/api/v1/forms/registration"
  done
  touch_ms=$(( $(ms_now) - t0 ))
  touched=$(rss_mb)
  sleep 5
  released=$(rss_mb)
  stop; first_stop=$stopped
  start "$data" "$tenants"; warm=$took
  sleep 3
  warm_idle=$(rss_mb)
  stop; warm_stop=$stopped
  printf '  %6d tenants (%d loaded): start %6.2f s first (%s), %5.2f s restart (target < 5 s for 10,000)\n' \
    "$n" "$loaded" "$(echo "$cold / 1000" | bc -l)" "$checks" "$(echo "$warm / 1000" | bc -l)"
  printf '                  stop (SIGTERM to exit) %5.2f s after the first start, %5.2f s after the restart\n' \
    "$(echo "$first_stop / 1000" | bc -l)" "$(echo "$warm_stop / 1000" | bc -l)"
  printf '                  RSS idle %7.1f MB, after touching %d tenants %7.1f MB (%d ms), states closed %7.1f MB, restart idle %7.1f MB (target < 1 GB)\n' \
    "$idle" "$touch_n" "$touched" "$touch_ms" "$released" "$warm_idle"
  rm -rf "$tenants" "$data"
done
