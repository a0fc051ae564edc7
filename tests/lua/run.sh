#!/usr/bin/env bash
# Runs tests/lua/*_test.lua with a standalone lua5.4, each in a sandbox like
# the server's (tests/lua/support/sandbox.lua). Usage: tests/lua/run.sh [name-filter]
# Prints one line per test file and "N passed, N failed"; exits non-zero on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lua=${LUA:-lua5.4}

if ! command -v "$lua" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing lua5.4 ..." >&2
  apt-get install -y lua5.4 >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y lua5.4 >/dev/null 2>&1; }
fi
if ! command -v "$lua" >/dev/null 2>&1; then
  echo "lua5.4 not found: apt-get install -y lua5.4" >&2
  exit 2
fi

passed=0
failed=0
for test in "$here"/*_test.lua; do
  name=$(basename "$test")
  case "$name" in *"${1:-}"*) ;; *) continue ;; esac
  if out=$("$lua" "$here/support/sandbox.lua" "$root" "$test" 2>&1); then
    echo "ok    $name"
    passed=$((passed + 1))
  else
    echo "FAIL  $name"
    printf '%s\n' "$out" | sed 's/^/      /'
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
