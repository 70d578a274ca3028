#!/usr/bin/env bash
# The 150,000-pod measurement of BENCHMARKS.md: analyze against the parser's floor, wall time and
# peak memory. Needs GNU time (/usr/bin/time). Writes only under generated/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${PODS:-150000}
mkdir -p generated
cargo build --release -p quorum
cargo build --release -p quorum-core --example floor
q=target/release/quorum
floor=target/release/examples/floor
for fmt in json yaml; do
  file=generated/${pods}.${fmt}
  [ -s "$file" ] || $q generate --pods "$pods" --format "$fmt" -o "$file"
  ls -l "$file"
  cat "$file" > /dev/null   # warm the page cache for both runs
  echo "== floor ($fmt)"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" $floor "$file"
  echo "== quorum analyze ($fmt)"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" $q analyze "$file" -o json --fail-on never > generated/analyze.${fmt}.json
done
