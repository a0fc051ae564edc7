#!/usr/bin/env bash
# A storm of wrong-password logins against a real kabinetd (SQLite, the five seed tenants, 16 Argon2 hashes
# at a time), then its resident memory once it is idle again: Argon2's working memory must go back to the
# system after each hash. Prints VmRSS before the storm, the peak (VmHWM) and VmRSS 3 s after it
# (target: after ≤ 100 MB). The logins name accounts that do not exist (the server still runs a full
# Argon2 verification for each) and come from many loopback addresses, so that the throttle lets them
# through. Usage: login_storm_memory.sh path/to/kabinetd source-dir [requests] [concurrency]
set -euo pipefail
bin=${1:?kabinetd}; src=${2:?source dir}; requests=${3:-400}; concurrency=${4:-32}
work=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" --listen "127.0.0.1:$port" --data-dir "$work" --tenants "$src/tenants" --scripts "$src/scripts" \
  --portal "$src/portal" --hash-threads 16 --threads 32 --log-level warn >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
for t in kes-orenburg sigma voek vges oes360; do curl -fs "http://127.0.0.1:$port/t/$t/api/v1/forms/registration" >/dev/null; done
sleep 1
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
before=$(kb VmRSS)
# Request i: an unknown user name, from address 127.0.<i mod 200 / 100>.<i mod 100 + 2> (≤ 19 failures each).
storm() {
  local i=$1
  curl -s -o /dev/null -w '%{http_code}\n' --interface "127.0.$(( (i % 200) / 100 + 1 )).$(( i % 100 + 2 ))" \
    -H 'Content-Type: application/json' -d "{\"login\":\"storm$i\",\"password\":\"wrong-password-$i\"}" \
    "http://127.0.0.1:$port/t/vges/api/v1/session"
}
export -f storm
export port
t0=$(date +%s.%N)
codes=$(seq 1 "$requests" | xargs -P "$concurrency" -I{} bash -c 'storm {}' | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
t1=$(date +%s.%N)
peak=$(kb VmHWM)
sleep 3
after=$(kb VmRSS)
awk -v b="$before" -v p="$peak" -v a="$after" -v n="$requests" -v c="$concurrency" -v t0="$t0" -v t1="$t1" -v codes="$codes" 'BEGIN {
  printf "bench login storm memory\n"
  printf "  %d wrong-password logins, %d at a time, in %.1f s (answers: %s)\n", n, c, t1 - t0, codes
  printf "  kabinetd RSS before: %6.1f MB\n", b / 1024
  printf "  kabinetd RSS peak:   %6.1f MB\n", p / 1024
  printf "  kabinetd RSS after:  %6.1f MB (idle 3 s after the storm; target <= 100 MB)\n", a / 1024
}'
