#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time: fuzz.sh NAME EXECUTABLE PLUGIN_DIR SECONDS ARTIFACT_DIR.
# Seeds: PLUGIN_DIR/fuzz/corpus/<decoder>/ where NAME ends in _<decoder> (all corpus folders if none matches);
# new inputs go to a scratch folder, so the tree stays as it is. A crash leaves its input in ARTIFACT_DIR
# (add it as a regression test of the decoder).
set -euo pipefail
name=$1 exe=$2 dir=$3 seconds=$4 artifacts=$5
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
seeds=()
for c in "$dir"/fuzz/corpus/*/; do
  [ -d "$c" ] || continue
  d=$(basename "$c")
  [[ "$name" == *_"$d" ]] && seeds=("$c")
done
if [ ${#seeds[@]} -eq 0 ]; then
  for c in "$dir"/fuzz/corpus/*/; do [ -d "$c" ] && seeds+=("$c"); done
fi
exec "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$name-" "$scratch" "${seeds[@]}"
