#!/usr/bin/env bash
# Builds Kabinet and runs kabinetd with the embedded default: a SQLite file in ./kabinet-data, the five
# seed tenants with demo data, the portal on http://localhost:8080 (override with KABINET_LISTEN,
# KABINET_DATABASE, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/deps.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target kabinetd kabinet kabinet-plugin-sms-http \
  kabinet-plugin-mercury kabinet-plugin-iec62056-21 kabinet-plugin-dlms kabinet-meter-sim \
  kabinet-plugin-supplier-http kabinet-plugin-waviot kabinet-plugin-energosfera
export KABINET_DATA_DIR=${KABINET_DATA_DIR:-$PWD/kabinet-data}
mkdir -p "$KABINET_DATA_DIR"
./build/core/kabinet tenants check
# A fresh database gets the demo consumers, meters and three years of data (README lists the logins).
if [ ! -f "$KABINET_DATA_DIR/.demo-seeded" ]; then
  ./build/core/kabinet demo seed --json "$KABINET_DATA_DIR/demo-accounts.json" && touch "$KABINET_DATA_DIR/.demo-seeded"
fi
# Simulated meters behind three RS-485/TCP gateways, one per protocol (Mercury 230, Energomera CE over
# IEC 62056-21, DLMS/COSEM SPODES over HDLC), five meters each: kabinetd polls them like real ones and every
# tenant's demo consumer sees one meter per protocol. KABINET_SIM_PORT moves the three ports.
sim=./build/tests/simulators/meter-sim/kabinet-meter-sim
port=${KABINET_SIM_PORT:-47001}
"$sim" --protocol mercury --port "$port" --meters 5 --installed-at 1735689600 </dev/null >"$KABINET_DATA_DIR/sim-mercury.json" &
"$sim" --protocol iec --port $((port + 1)) --meters 5 --installed-at 1735689600 </dev/null >"$KABINET_DATA_DIR/sim-iec.json" &
"$sim" --protocol dlms --port $((port + 2)) --first-address 17 --meters 5 --installed-at 1735689600 </dev/null >"$KABINET_DATA_DIR/sim-dlms.json" &
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
./build/core/kabinet demo polling \
  --gateways "mercury=127.0.0.1:$port,iec62056-21=127.0.0.1:$((port + 1)),dlms=127.0.0.1:$((port + 2))"
# Upstream connectors: each block adds one "<tenant>":{…} entry of --connectors.
connectors=()
# ОЭС 360 supplier billing (tests/simulators/supplier_server.py): README lists the demo supplier logins.
supplier_port=${KABINET_SUPPLIER_PORT:-47011}
/usr/bin/python3 tests/simulators/supplier_server.py --port "$supplier_port" --window 1-31 </dev/null >"$KABINET_DATA_DIR/sim-supplier.port" 2>&1 &
connectors+=("\"oes360\":{\"supplier\":{\"base_url\":\"http://127.0.0.1:$supplier_port\"}}")
# WAVIoT (КЭС Оренбуржья): the demo platform (tests/simulators/waviot_server.py, wall clock, four ФОБОС modems,
# three of them КЭС's demo points — tenants/kes-orenburg) and КЭС's waviot connector pointing at it.
waviot_port=${KABINET_WAVIOT_PORT:-47021}
/usr/bin/python3 tests/simulators/waviot_server.py --port "$waviot_port" --login kes-orenburg --password waviot-demo \
  </dev/null >"$KABINET_DATA_DIR/sim-waviot.port" 2>&1 &
connectors+=("\"kes-orenburg\":{\"waviot\":{\"api_url\":\"http://127.0.0.1:$waviot_port/\",\"auth_url\":\"http://127.0.0.1:$waviot_port/auth/\",\"login\":\"kes-orenburg\",\"password\":\"waviot-demo\",\"tree_id\":\"1\"}}")
# ПК «Энергосфера» (СИГМА): the generator writes two weeks of XML 80020 files for СИГМА's demo points into a
# drop folder once; the energosfera connector imports them (and any file dropped there later).
drop80020="$KABINET_DATA_DIR/80020-drop"
if [ ! -d "$drop80020" ]; then
  mkdir -p "$drop80020"
  /usr/bin/python3 tests/simulators/gen80020.py --out "$drop80020" --from "$(date -u -d '-15 days' +%F)" --days 14 \
    --codes 910000000001401,910000000001402,910000000002781,910000000003111 --first-number 1 >/dev/null
fi
connectors+=("\"sigma\":{\"energosfera\":{\"drop_dir\":\"$drop80020\",\"min_age_s\":0}}")
./build/core/kabinetd --listen "${KABINET_LISTEN:-127.0.0.1:8080}" --connectors "{$(IFS=,; echo "${connectors[*]}")}" "$@"
