#!/usr/bin/env bash
# Prints the failed assertions found in a CTest log (Catch's "FAILED:" blocks with their test case, node's
# "not ok" lines), at most 40 lines, for the end of a test run: a long test's own output can bury them.
# Usage: failure_digest.sh LastTest.log
set -euo pipefail
log=${1:?usage: failure_digest.sh LastTest.log}
[ -f "$log" ] || exit 0
echo "---- failed assertions ($log) ----"
awk '
  /^-+$/ && length($0) == 79 { rule++; if (rule % 2 == 1) { grab = 1; name = "" } else grab = 0; next }
  grab { sub(/^ +/, ""); name = name (name == "" ? "" : " / ") $0; next }
  /^\{"ts":/ { next }
  /FAILED:$|: FAILED:/ { print "* " name; print "  " $0; left = 6; next }
  /^not ok / { print "* " $0; left = 4; next }
  left > 0 { if ($0 != "") { print "  " $0; left-- } }
' "$log" | tail -n 40
