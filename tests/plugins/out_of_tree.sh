#!/usr/bin/env bash
# plugin.out_of_tree: installs the SDK headers from the build tree into a temporary prefix, builds the example
# driver under plugins/examples/line-driver against them alone (a separate CMake project), and has the
# already-built `kabinet` load it (`kabinet plugins list`): nothing of kabinetd is rebuilt.
set -euo pipefail
build_dir=$1 source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --component sdk --prefix "$work/sdk" >/dev/null
test -f "$work/sdk/include/kabinet/driver.hpp"
cmake -S "$source_dir/plugins/examples/line-driver" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null
cmake --build "$work/build" >/dev/null
listing=$("$build_dir/core/kabinet" plugins list "$work/build/plugins")
echo "$listing"
grep -P '^line-driver\tdriver\t0\.1\.0\tabi 1\.1\t' <<<"$listing"
