#!/usr/bin/env bash
# Builds Kabinet and runs kabinetd with the embedded default: a SQLite file in ./kabinet-data, the five
# seed tenants with demo data, the portal on http://localhost:8080 (override with KABINET_LISTEN,
# KABINET_DATABASE, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/deps.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target kabinetd kabinet kabinet-plugin-sms-http
export KABINET_DATA_DIR=${KABINET_DATA_DIR:-$PWD/kabinet-data}
mkdir -p "$KABINET_DATA_DIR"
./build/core/kabinet tenants check
# A fresh database gets the demo consumers, meters and three years of data (README lists the logins).
if [ ! -f "$KABINET_DATA_DIR/.demo-seeded" ]; then
  ./build/core/kabinet demo seed --json "$KABINET_DATA_DIR/demo-accounts.json" && touch "$KABINET_DATA_DIR/.demo-seeded"
fi
exec ./build/core/kabinetd --listen "${KABINET_LISTEN:-127.0.0.1:8080}" "$@"
