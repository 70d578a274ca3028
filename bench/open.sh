#!/usr/bin/env bash
# Opening the 150,000-pod file in the front ends against `quorum analyze`, as paired runs: each
# round runs analyze, then the terminal UI in a tmux pane (time from launch to the first screen,
# and to the full view: the overview's leaders line), then the desktop app under Xvfb
# (`--measure`'s "first frame with the cluster"). Prints every round and the median ratios.
# BENCHMARKS.md reports it ("Opening a file in the front ends").
#
#   bench/open.sh                                  # both shapes, 3 rounds
#   SHAPES=rich ROUNDS=5 bench/open.sh
#   QUORUM_BIN_DIR=/path/to/other/release bench/open.sh   # another build's quorum and quorum-gui
#
# Needs tmux, and xvfb-run for the desktop app (skipped with a word when missing). Writes only
# under generated/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${PODS:-150000}
rounds=${ROUNDS:-3}
shapes=${SHAPES:-rich lean}
if [ -z "${QUORUM_BIN_DIR:-}" ]; then
  cargo build --release -q -p quorum -p quorum-gui
  QUORUM_BIN_DIR=target/release
fi
q=$QUORUM_BIN_DIR/quorum
gui=$QUORUM_BIN_DIR/quorum-gui
command -v tmux > /dev/null || { echo "needs tmux" >&2; exit 2; }
have_xvfb=1
command -v xvfb-run > /dev/null || { have_xvfb=0; echo "no xvfb-run: the desktop app is skipped"; }
mkdir -p generated


analyze_seconds() {
  /usr/bin/time -f "%e" -o generated/.time "$q" analyze "$1" -o json --fail-on never > /dev/null 2>&1 || true
  cat generated/.time
}

# "first full" seconds from launch: the first non-blank screen, then the leaders line. The poll
# forks only tmux (bash's own clock and pattern matching): the app has the 2 cores.
tui_seconds() {
  local file=$1 sock=quorum-open-$$ start first="" out t
  start=$EPOCHREALTIME
  tmux -L "$sock" -f /dev/null new-session -d -s b -x 200 -y 60 "$q tui '$file'"
  while :; do
    out=$(tmux -L "$sock" capture-pane -p -t b 2> /dev/null || true)
    t=$EPOCHREALTIME
    [ -z "$first" ] && [[ $out == *[![:space:]]* ]] && first=$t
    [[ $out == *"leaders "[0-9]* ]] && break
    if (( ${t%.*} - ${start%.*} > 600 )); then echo "the terminal UI did not show the cluster in 600 s" >&2; break; fi
    sleep 0.1
  done
  first=$(echo "${first:-$t} - $start" | bc)
  tmux -L "$sock" kill-server 2> /dev/null || true
  printf '%.2f %.2f\n' "$first" "$(echo "$t - $start" | bc)"
}

gui_seconds() {
  xvfb-run -a -s "-screen 0 1600x1000x24" "$gui" "$1" --measure 2> /dev/null \
    | sed -n 's/^time to first frame with the cluster: \([0-9.]*\) s$/\1/p'
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

for shape in $shapes; do
  file=generated/${pods}-${shape}.json
  [ -s "$file" ] || "$q" generate --pods "$pods" --shape "$shape" -o "$file"
  cat "$file" > /dev/null   # warm the page cache
  echo "== $file ($(du -m "$file" | cut -f1) MB)"
  tui_ratios=(); gui_ratios=()
  for round in $(seq "$rounds"); do
    a=$(analyze_seconds "$file")
    read -r first full <<< "$(tui_seconds "$file")"
    tr=$(echo "scale=3; $full / $a" | bc); tui_ratios+=("$tr")
    line="round $round: analyze ${a} s; terminal UI first screen ${first} s, full view ${full} s (${tr}x)"
    if [ "$have_xvfb" = 1 ]; then
      g=$(gui_seconds "$file")
      gr=$(echo "scale=3; $g / $a" | bc); gui_ratios+=("$gr")
      line="$line; desktop app first frame with the cluster ${g} s (${gr}x)"
    fi
    echo "$line"
  done
  summary="median: terminal UI $(median "${tui_ratios[@]}")x of analyze"
  [ "$have_xvfb" = 1 ] && summary="$summary, desktop app $(median "${gui_ratios[@]}")x"
  echo "$summary"
done
