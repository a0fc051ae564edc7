#!/usr/bin/env bash
# plugin.out_of_tree: installs the SDK headers from the build tree into a temporary prefix, builds the example
# driver under plugins/examples/line-driver and the example connector under plugins/examples/echo-connector
# against them alone (separate CMake projects), and has the already-built `kabinet` load them (`kabinet plugins
# list`): nothing of kabinetd is rebuilt.
set -euo pipefail
build_dir=$1 source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --component sdk --prefix "$work/sdk" >/dev/null
test -f "$work/sdk/include/kabinet/driver.hpp"
test -f "$work/sdk/include/kabinet/connector.hpp"
cmake -S "$source_dir/plugins/examples/line-driver" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null
cmake --build "$work/build" >/dev/null
listing=$("$build_dir/core/kabinet" plugins list "$work/build/plugins")
echo "$listing"
grep -P '^line-driver\tdriver\t0\.1\.0\tabi 1\.2\t' <<<"$listing"
cmake -S "$source_dir/plugins/examples/echo-connector" -B "$work/echo" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null
cmake --build "$work/echo" >/dev/null
listing=$("$build_dir/core/kabinet" plugins list "$work/echo/plugins")
echo "$listing"
grep -P '^echo-connector\tconnector\t0\.1\.0\tabi 1\.2\t' <<<"$listing"
