#!/usr/bin/env bash
# `quorum analyze` against the parse floor, as paired runs: each round runs the floor, then
# analyze, on the same warm file; prints every round and the median of the per-round ratios.
# BENCHMARKS.md reports it for both of the generator's shapes.
#
#   bench/floor-ratio.sh                      # rich and lean JSON, 150,000 pods, 5 rounds
#   SHAPES=lean FORMATS=yaml ROUNDS=3 bench/floor-ratio.sh
#   QUORUM=/path/to/other/quorum bench/floor-ratio.sh   # another build, same floor
#
# Needs GNU time (/usr/bin/time). Writes only under generated/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${PODS:-150000}
rounds=${ROUNDS:-5}
shapes=${SHAPES:-rich lean}
formats=${FORMATS:-json}
if [ -z "${QUORUM:-}" ]; then
  cargo build --release -q -p quorum
  QUORUM=target/release/quorum
fi
cargo build --release -q -p quorum-core --example floor
floor=target/release/examples/floor
mkdir -p generated

seconds() { # COMMAND... -> "wall peak_kb" on stdout
  /usr/bin/time -f "%e %M" -o generated/.time "$@" > /dev/null 2>&1 || true
  cat generated/.time
}

for fmt in $formats; do
  for shape in $shapes; do
    file=generated/${pods}-${shape}.${fmt}
    [ -s "$file" ] || $QUORUM generate --pods "$pods" --shape "$shape" --format "$fmt" -o "$file"
    cat "$file" > /dev/null   # warm the page cache
    echo "== $file ($(du -m "$file" | cut -f1) MB)"
    ratios=()
    for round in $(seq "$rounds"); do
      read -r fw fm <<< "$(seconds "$floor" "$file")"
      read -r aw am <<< "$(seconds "$QUORUM" analyze "$file" -o json --fail-on never)"
      ratio=$(echo "scale=3; $aw / $fw" | bc)
      ratios+=("$ratio")
      echo "round $round: floor ${fw} s (${fm} KB), analyze ${aw} s (${am} KB), ratio ${ratio}"
    done
    median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
    echo "median ratio ${median}x"
  done
done
