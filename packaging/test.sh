#!/usr/bin/env bash
# Builds Kabinet and runs every test: unit tests (also under AddressSanitizer/UBSan), integration tests
# and browser tests, once on SQLite and once on PostgreSQL (a private server the suite starts itself).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/deps.sh test
jobs=$(nproc)
# 1. The sanitizer build of the unit tests.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKABINET_SANITIZE=ON -DKABINET_UNIT_ONLY=ON >/dev/null
cmake --build build-asan -j"$jobs" --target unit_tests
# 2. The libFuzzer targets of the driver frame decoders (clang).
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKABINET_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs"
# 3. The main build, with the sanitizer unit tests and the fuzzers registered.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKABINET_ASAN_UNIT_TESTS="$PWD/build-asan/tests/unit_tests" \
  -DKABINET_FUZZ_BUILD="$PWD/build-fuzz" >/dev/null
cmake --build build -j"$jobs"
# 4. The browser tests' driver (playwright-core; the browser is Debian's chromium).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# 5. Everything, through CTest.
cd build
status=0
ctest --output-on-failure -j"$jobs" --timeout 900 || status=$?
# 6. On failure, the failed assertions again, last: a long test's own output can bury them.
if [ "$status" -ne 0 ]; then
  bash ../tests/support/failure_digest.sh Testing/Temporary/LastTest.log
fi
exit "$status"
