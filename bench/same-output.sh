#!/usr/bin/env bash
# Checks that a change made for speed changed no answer: runs two `quorum` binaries on every
# file of corpus/ and samples/ (each file alone, then each folder as one input) and on the
# generated clusters under generated/ (both shapes and formats when present), and compares
# `analyze -o json` and the exit code byte for byte.
#
#   bench/same-output.sh OLD_QUORUM NEW_QUORUM
#
# Prints each difference and exits 1 when there is one.
set -uo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: same-output.sh OLD_QUORUM NEW_QUORUM}
new=${2:?usage: same-output.sh OLD_QUORUM NEW_QUORUM}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=()
while IFS= read -r f; do inputs+=("$f"); done < <(
  find corpus samples -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort
  find corpus samples -mindepth 1 -maxdepth 2 -type d | sort
  find generated -maxdepth 1 -type f \( -name '*.json' -o -name '*.yaml' \) 2>/dev/null | sort
)
same=0
differ=0
for input in "${inputs[@]}"; do
  "$old" analyze "$input" -o json --fail-on never --now 2026-11-20T10:00:00Z > "$work/old" 2> "$work/old.err"
  a=$?
  "$new" analyze "$input" -o json --fail-on never --now 2026-11-20T10:00:00Z > "$work/new" 2> "$work/new.err"
  b=$?
  if [ "$a" = "$b" ] && cmp -s "$work/old" "$work/new" && cmp -s "$work/old.err" "$work/new.err"; then
    same=$((same + 1))
  else
    differ=$((differ + 1))
    echo "DIFFERS: $input (exit $a vs $b)"
    diff "$work/old" "$work/new" | head -5
    diff "$work/old.err" "$work/new.err" | head -5
  fi
done
echo "$same inputs give the same output, $differ differ"
[ "$differ" = 0 ]
