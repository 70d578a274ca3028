#!/usr/bin/env bash
# Seeds both fuzz targets' working corpora (fuzz/corpus/, git-ignored) from the real-data corpus
# (corpus/) and the samples: every YAML and JSON file. The dump target's first byte picks the
# read size, so its seeds get one in front (7: reads of 8 bytes).
#   fuzz/seed.sh && cd fuzz && cargo +nightly fuzz run dump corpus/dump -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/load fuzz/corpus/dump
n=0
while IFS= read -r -d '' f; do
  [ "$(stat -c %s "$f")" -le 200000 ] || continue
  n=$((n + 1))
  cp "$f" "fuzz/corpus/load/seed-$n"
  { printf '\007'; cat "$f"; } > "fuzz/corpus/dump/seed-$n"
done < <(find corpus samples -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -print0)
echo "seeded $n files into fuzz/corpus/load and fuzz/corpus/dump"
