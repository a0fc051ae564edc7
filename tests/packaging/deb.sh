#!/usr/bin/env bash
# packaging.deb (root only): builds the Debian packages with cpack, lints them, installs them on this machine
# with apt, builds the example plugin against the installed SDK, runs the unit's ExecStart as the user kabinet
# with the source and build trees hidden (a private mount namespace: the installed server must find all its
# files by /etc/kabinet/kabinet.conf and the FHS paths), puts nginx with the packaged site in front, checks
# /healthz (a utility's own tenant added in /etc/kabinet/tenants), the portal and an asset through nginx, then
# again with the configuration pointed at a PostgreSQL database of the suite's server (KABINET_TEST_PG), then
# stops everything, purges the packages and checks that the machine is left as it was (users, groups, and every
# folder the packages write to).
# Usage: deb.sh BUILD_DIR SOURCE_DIR [PORT]  (kabinetd and nginx take the first free ports from PORT, 48180)
set -euo pipefail
build_dir=$(realpath "$1") source_dir=$(realpath "$2")
# Ports from PORT on that no socket holds (listening or connected: these may be in the ephemeral range).
free_port() { local p=$1; while ss -Htan "( sport = :$p )" | grep -q .; do p=$((p + 1)); done; echo "$p"; }
port=$(free_port "${3:-48180}")
nginx_port=$(free_port $((port + 1)))
tls_port=$(free_port $((nginx_port + 1)))
if [ "$(id -u)" != 0 ]; then
  echo "packaging.deb: skipped, needs root (installs and purges Debian packages)"
  exit 77
fi
for tool in cpack lintian apt-get nginx unshare setpriv curl ss openssl psql; do
  command -v "$tool" >/dev/null || { echo "packaging.deb: $tool is missing (bash packaging/deps.sh test)"; exit 1; }
done
# One run at a time on a machine: the packages and the user are machine-wide.
exec 9>/run/lock/kabinet-packaging-test.lock
flock -w 600 9
if dpkg-query -W -f='${Status}' kabinet 2>/dev/null | grep -q installed || getent passwd kabinet >/dev/null; then
  echo "packaging.deb: kabinet is already installed (or the user kabinet exists) on this machine; not touching it"
  exit 1
fi

work=$(mktemp -d /tmp/kabinet-deb.XXXXXX)
chmod 755 "$work"
server_pid=""
step() { printf '%(%H:%M:%S)T packaging.deb: %s\n' -1 "$*"; }
# The users, groups and every place the packages write to, to compare after the purge.
snapshot() {
  { getent passwd | cut -d: -f1 | sort; echo --; getent group | cut -d: -f1 | sort; echo --
    { find /etc/kabinet /etc/nginx/sites-available /etc/nginx/sites-enabled /etc/systemd/system \
         /lib/systemd/system/kabinet.service /lib/systemd/system/kabinet@.service /lib/systemd/system/kabinet.target \
         /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
         /usr/bin/kabinet /usr/bin/kabinetd /usr/include/kabinet /usr/lib/cmake/KabinetSDK /usr/lib/kabinet \
         /usr/share/kabinet /var/lib/kabinet /usr/share/doc/kabinet /usr/share/doc/kabinet-dev \
         /usr/share/man/man1/kabinet.1.gz /usr/share/man/man1/kabinetd.1.gz /usr/share/lintian/overrides/kabinet /usr/share/lintian/overrides/kabinet-dev \
         -maxdepth 3 2>/dev/null || true; } | sort; } >"$1"
}
cleanup() {
  local rc=$?
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && nginx -c "$work/nginx.conf" -s stop 2>/dev/null || true
  if dpkg-query -W -f='${Status}' kabinet-dev 2>/dev/null | grep -q installed; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq kabinet-dev >/dev/null 2>&1 || true
  fi
  if dpkg-query -W -f='${Status}' kabinet 2>/dev/null | grep -q -v not-installed; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq kabinet >/dev/null 2>&1 || true
  fi
  if [ $rc -ne 0 ]; then
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }; done
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
snapshot "$work/before.txt"

step "cpack -G DEB"
(cd "$build_dir" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/kabinet_*.deb)
dev=$(ls "$work"/out/kabinet-dev_*.deb)
ls -l "$deb" "$dev"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'

step "lintian"
# Errors and warnings fail the test; overrides live in packaging/deb/*.lintian-overrides with their reasons.
lintian --fail-on error,warning "$deb" "$dev" | tee "$work/lintian.log" || {
  echo "packaging.deb: lintian is not clean"; exit 1; }

step "apt-get install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" "$dev" >"$work/apt.log" 2>&1 || {
  cat "$work/apt.log"; exit 1; }
getent passwd kabinet | grep -q ':/var/lib/kabinet:'
test "$(stat -c %U:%a /var/lib/kabinet)" = kabinet:750
test "$(stat -c %U:%G:%a /etc/kabinet/kabinet.conf)" = root:kabinet:640
test -x /usr/bin/kabinetd -a -x /usr/bin/kabinet -a -d /etc/kabinet/tenants
test -d /usr/share/kabinet/scripts -a -d /usr/share/kabinet/tenants -a -d /usr/share/kabinet/portal -a -d /usr/share/kabinet/sql
ls /usr/lib/kabinet/plugins/*/manifest.json >/dev/null
if command -v systemd-analyze >/dev/null; then
  # The units are well-formed (no systemd is running here, so only offline checks).
  systemd-analyze verify /lib/systemd/system/kabinet.service /lib/systemd/system/kabinet.target 2>&1 | tee "$work/verify.log"
  ! grep -Eqi "unknown|invalid|not executable|bad unit|missing" "$work/verify.log"
  systemd-analyze security --offline=true /lib/systemd/system/kabinet.service 2>/dev/null | tail -n 1 || true
fi
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/kabinet.service)
test -n "$exec_start"
# Inside a private mount namespace: an empty source tree (the build tree is inside it or hidden too) and a
# private /tmp (the unit's PrivateTmp), then the unit's user and the unit's command, with a clean environment
# but the listening port of this test.
hide="mount -t tmpfs -o size=1m,mode=755 hidden '$source_dir'"
case "$build_dir/" in "$source_dir"/*) ;; *) hide="$hide && mount -t tmpfs -o size=1m,mode=755 hidden '$build_dir'";; esac
# The shell command run in that namespace for: COMMAND [ARGS...]
as_kabinet() {
  echo "$hide && mount -t tmpfs -o size=64m tmp /tmp && cd / && \
    exec setpriv --reuid=kabinet --regid=kabinet --init-groups --no-new-privs -- env -i PATH=/usr/bin:/bin \
    KABINET_LISTEN=127.0.0.1:$port $*"
}

step "the installed tool as user kabinet (reads /etc/kabinet/kabinet.conf by itself)"
unshare -m --propagation private sh -c "$(as_kabinet kabinet tenants check)" | tee "$work/tenants.log"
unshare -m --propagation private sh -c "$(as_kabinet kabinet plugins list)" | tee "$work/plugins.log"
grep -q '^mercury' "$work/plugins.log"

step "the example plugin against the installed SDK (kabinet-dev)"
cmake -S "$source_dir/plugins/examples/line-driver" -B "$work/line-driver" >"$work/sdk.log" 2>&1
cmake --build "$work/line-driver" >>"$work/sdk.log" 2>&1
chmod -R a+rX "$work/line-driver"
/usr/bin/kabinet plugins list "$work/line-driver/plugins" | grep -P '^line-driver\tdriver\t'

step "a utility's own tenant in /etc/kabinet/tenants (beside the seed tenants)"
cp -r /usr/share/kabinet/tenants/voek /etc/kabinet/tenants/own-utility
sed -i -e 's/^  id = "voek",/  id = "own-utility",/' -e 's/"voek\.kabinet\.localhost"/"own-utility.kabinet.localhost"/' \
  /etc/kabinet/tenants/own-utility/tenant.lua

# Runs the unit's ExecStart as user kabinet in the namespace (output to LOG) until /healthz answers; sets server_pid.
# unshare, sh, setpriv and env each exec the next: $! is kabinetd.
start_server() {
  unshare -m --propagation private sh -c "$(as_kabinet "$exec_start")" >"$1" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "packaging.deb: kabinetd exited"; cat "$1"; exit 1; }
    sleep 0.1
  done
}
# Stops it (SIGTERM) and checks that it ended cleanly.
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || { echo "packaging.deb: kabinetd did not stop cleanly"; cat "$1"; exit 1; }
  server_pid=""
}

step "ExecStart as user kabinet: $exec_start"
start_server "$work/kabinetd.log"
test "$(stat -c %U /var/lib/kabinet/kabinet.db)" = kabinet
test "$(stat -c %U /var/lib/kabinet/secret.key)" = kabinet

step "nginx in front with the packaged site"
site=/etc/nginx/sites-available/kabinet
scheme=http front=$nginx_port
if [ -f "$site" ]; then
  # The packaged site, moved to this test's ports (HTTPS, if it terminates TLS, with a throw-away
  # certificate), its upstream on this test's kabinetd only.
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
  sed -E -e "/^\s*listen\s+\[::\]/d" \
         -e "s/^(\s*)listen\s+[^;]*443[^;]*;/\1listen 127.0.0.1:$tls_port ssl;/" \
         -e "/listen 127.0.0.1:$tls_port ssl;/!s/^(\s*)listen\s+[^;]*;/\1listen 127.0.0.1:$nginx_port;/" \
         -e "s/(127\.0\.0\.1|localhost):8080\b/127.0.0.1:$port/g" \
         -e "/^\s*server\s+127\.0\.0\.1:$port\b/!{/^\s*server\s+[^ ;]+:[0-9]+/d}" \
         -e "s#^(\s*)ssl_certificate\s+[^;]*;#\1ssl_certificate $work/tls.crt;#" \
         -e "s#^(\s*)ssl_certificate_key\s+[^;]*;#\1ssl_certificate_key $work/tls.key;#" "$site" >"$work/site.conf"
  if grep -q " ssl;" "$work/site.conf"; then scheme=https front=$tls_port; fi
else
  # Until the package carries a site: the least a reverse proxy does.
  cat >"$work/site.conf" <<EOF
server {
  listen 127.0.0.1:$nginx_port;
  location / {
    proxy_pass http://127.0.0.1:$port;
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
  }
}
EOF
fi
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  include $work/site.conf;
}
EOF
nginx -t -q -c "$work/nginx.conf"
nginx -c "$work/nginx.conf"
for _ in $(seq 1 50); do [ -f "$work/nginx.pid" ] && break; sleep 0.1; done
grep -E "listen|server 127|proxy_pass|ssl_cert" "$work/site.conf"
code=$(curl -sk -o "$work/healthz.json" -w '%{http_code}' "$scheme://127.0.0.1:$front/healthz")
cat "$work/healthz.json"; echo
test "$code" = 200
grep -q '"status":"ok"' "$work/healthz.json"
grep -q '"tenants":\["[a-z]' "$work/healthz.json"
grep -q '"own-utility"' "$work/healthz.json"
grep -q '"voek"' "$work/healthz.json"
grep -q '"mercury"' "$work/healthz.json"
# The portal's files come from /usr/share/kabinet/portal (the source tree is hidden from the server).
code=$(curl -sk -o "$work/index.html" -w '%{http_code}' "$scheme://127.0.0.1:$front/")
test "$code" = 200
grep -q '<html' "$work/index.html"
# A portal asset (the packaged site serves them from /usr/share/kabinet/portal/assets itself).
tenant=$(sed -E 's/.*"tenants":\["([^"]+)".*/\1/' "$work/healthz.json")
code=$(curl -sk -o "$work/app.js" -w '%{http_code}' "$scheme://127.0.0.1:$front/t/$tenant/assets/app.js")
test "$code" = 200
cmp -s "$work/app.js" /usr/share/kabinet/portal/assets/app.js

step "stop: SIGTERM to kabinetd"
stop_server "$work/kabinetd.log"
grep -q '"stopped"\|stopped' "$work/kabinetd.log"

if [ -n "${KABINET_TEST_PG:-}" ]; then
  step "on PostgreSQL: database = in /etc/kabinet/kabinet.conf, the same ExecStart, /healthz through nginx"
  # A database of the suite's server for this run; the installed server migrates it at start.
  pg_db="kabinet_deb_$$"
  psql "$KABINET_TEST_PG/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
  drop_pg() { psql "$KABINET_TEST_PG/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; }
  trap 'rc=$?; drop_pg; (exit $rc); cleanup' EXIT
  cp /etc/kabinet/kabinet.conf "$work/kabinet.conf.sqlite"
  printf '\ndatabase = %s/%s\n' "$KABINET_TEST_PG" "$pg_db" >>/etc/kabinet/kabinet.conf
  start_server "$work/kabinetd-pg.log"
  code=$(curl -sk -o "$work/healthz-pg.json" -w '%{http_code}' "$scheme://127.0.0.1:$front/healthz")
  cat "$work/healthz-pg.json"; echo
  test "$code" = 200
  grep -q '"database":"postgresql"' "$work/healthz-pg.json"
  grep -q '"status":"ok"' "$work/healthz-pg.json"
  grep -q '"own-utility"' "$work/healthz-pg.json"
  # The schema and the tenants' records are in that database, written by the installed server.
  test "$(psql "$KABINET_TEST_PG/$pg_db" -Atc "SELECT COUNT(*) FROM tenants WHERE tenant_id = 'own-utility'")" = 1
  test "$(psql "$KABINET_TEST_PG/$pg_db" -Atc "SELECT MAX(version) FROM schema_version")" -gt 0
  stop_server "$work/kabinetd-pg.log"
  cp "$work/kabinet.conf.sqlite" /etc/kabinet/kabinet.conf
  drop_pg
else
  step "PostgreSQL: skipped (KABINET_TEST_PG not set)"
fi

step "nginx stopped"
nginx -c "$work/nginx.conf" -s stop
for _ in $(seq 1 50); do [ -f "$work/nginx.pid" ] || break; sleep 0.1; done

step "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq kabinet kabinet-dev >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; exit 1; }
snapshot "$work/after.txt"
if ! diff -u "$work/before.txt" "$work/after.txt"; then
  echo "packaging.deb: the machine is not as it was before the test (above: - before, + after)"
  exit 1
fi
step "ok: installed, served /healthz through nginx (SQLite${KABINET_TEST_PG:+ and PostgreSQL}), purged without a trace"
