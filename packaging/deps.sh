#!/usr/bin/env bash
# Installs the Debian packages Kabinet needs, only those missing. Usage: deps.sh run|test
#   run  — build and run the server
#   test — also the test suite's own servers and browser (PostgreSQL, Chromium, Node.js, SMTP server)
set -euo pipefail
mode=${1:-run}
pkgs=(build-essential cmake pkg-config curl ca-certificates
      libpoco-dev libsoci-dev libsqlite3-dev libpq-dev liblua5.4-dev
      libboost-dev libboost-filesystem-dev libssl-dev libargon2-dev libxlsxwriter-dev libqrencode-dev
      libpango1.0-dev libcairo2-dev fonts-dejavu-core)
if [ "$mode" = test ]; then
  pkgs+=(catch2 postgresql python3 python3-aiosmtpd chromium clang libclang-rt-14-dev poppler-utils)
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm >/dev/null 2>&1 || pkgs+=(npm)
  # tests/ops and bench/ops: nginx in front of kabinetd (any Debian flavour of it), a load generator, certificates
  [ -x /usr/sbin/nginx ] || pkgs+=(nginx-light)
  pkgs+=(wrk openssl)
  # packaging.deb: cpack's dependency scan and lintian (nginx and openssl: above).
  pkgs+=(dpkg-dev lintian)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
