#!/usr/bin/env bash
# The "Terminal UI" measurements of BENCHMARKS.md: frame time of every view on the 150,000-pod
# cluster (rendered into ratatui's TestBackend), and the CPU the real binary uses while idle.
# FILE defaults to generated/150000.json (bench/scale.sh writes it). Needs tmux for the idle part.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${FILE:-generated/150000.json}
[ -s "$file" ] || { echo "no $file: run bench/scale.sh first (or FILE=...)" >&2; exit 2; }
file=$(realpath "$file")
echo "== frame time"
QUORUM_TUI_BENCH_FILE="$file" cargo test --release -p quorum --bin quorum -- \
  --ignored --nocapture --test-threads 1 frame_time_on_a_big_cluster
command -v tmux > /dev/null || { echo "no tmux: skipping the idle CPU measurement"; exit 0; }
cargo build --release -p quorum
echo "== idle CPU"
sock=quorum-bench-$$
tmux -L "$sock" -f /dev/null new-session -d -s b -x 200 -y 60 "target/release/quorum tui '$file'"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true' EXIT
pid=$(tmux -L "$sock" display -p -t b '#{pane_pid}')
until tmux -L "$sock" capture-pane -p -t b | grep -q 'leaders ' ; do sleep 1; done
sleep 2
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
a=$(ticks); sleep "${IDLE_SECONDS:-30}"; b=$(ticks)
echo "idle: $((b - a)) ticks of CPU in ${IDLE_SECONDS:-30} s (${hz} ticks/s)"
grep VmRSS "/proc/$pid/status"
