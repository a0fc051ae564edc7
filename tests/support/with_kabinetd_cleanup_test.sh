#!/usr/bin/env bash
# with_kabinetd.sh stops everything it starts: runs it in a session of its own with a command that lists the
# session's processes (kabinetd and the two simulators must be among them), then checks that once it has
# exited no process of that session is left. Usage: with_kabinetd_cleanup_test.sh sqlite|postgresql
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/kabinet-cleanup-XXXXXX")
trap 'rm -rf "$out"' EXIT
# The command runs as a child of with_kabinetd.sh, inside the session setsid made for it.
setsid -w "$here/with_kabinetd.sh" "${1:?sqlite|postgresql}" bash -c \
  'ps -o sid= -p $$ | tr -d " " >"$0/sid"; ps -o pid=,args= -s "$(cat "$0/sid")" >"$0/during"' "$out"
sid=$(cat "$out/sid")
echo "while running, session $sid held:"; cat "$out/during"
grep -q 'core/kabinetd' "$out/during" || { echo "FAIL: kabinetd not seen in the session" >&2; exit 1; }
grep -q 'smtp_server.py' "$out/during" || { echo "FAIL: the SMTP simulator not seen in the session" >&2; exit 1; }
grep -q 'sms_gateway.py' "$out/during" || { echo "FAIL: the SMS gateway simulator not seen in the session" >&2; exit 1; }
sleep 0.2
left=$(ps -o pid=,args= -s "$sid" || true)
if [ -n "$left" ]; then
  echo "FAIL: processes left behind by with_kabinetd.sh:" >&2; echo "$left" >&2
  exit 1
fi
echo "ok: nothing left behind"
