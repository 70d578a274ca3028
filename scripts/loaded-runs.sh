#!/usr/bin/env bash
# Runs the tests that drive a real process (tmux, a window under Xvfb, the test API server, the
# real control plane) many times under CPU load, and records what failed.
#
#   scripts/loaded-runs.sh [--runs N] [--busy K] [--out DIR] [SUITE...]
#
# SUITE is one of: tmux live testapi gui controlplane fidelity (default: all of them).
# Each run of a suite has K busy processes beside it (default 2: on a 2-core machine the tests
# get what is left). Results go to DIR (default target/loaded-runs/<date>): one log per failed
# run and summary.tsv (suite, run, seconds, passed, failed, the failed tests).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=20
busy=2
out=""
suites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --busy) busy=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) suites+=("$1"); shift ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(tmux live testapi gui controlplane fidelity)
out=${out:-target/loaded-runs/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

# The cargo arguments of each suite's test binaries.
suite_args() {
  case "$1" in
    tmux) echo "-p quorum --test tui" ;;
    live) echo "-p quorum --test live;-p quorum-core --features live --test live" ;;
    testapi) echo "-p quorum-testapi" ;;
    gui) echo "-p quorum-gui" ;;
    controlplane) echo "-p quorum-fidelity --test controlplane;-p quorum-fidelity --test live_real;-p quorum-fidelity --test connect_real" ;;
    fidelity) echo "-p quorum-fidelity --test fidelity" ;;
    *) echo "unknown suite $1 (tmux live testapi gui controlplane fidelity)" >&2; exit 2 ;;
  esac
}

# What CI requires (.ci/run): a test whose tool is missing fails instead of skipping.
export QUORUM_REQUIRE_TOOLS=1 CARGO_TERM_COLOR=never

echo "building the test binaries once" >&2
for s in "${suites[@]}"; do
  IFS=';' read -ra sets <<<"$(suite_args "$s")"
  for a in "${sets[@]}"; do
    # shellcheck disable=SC2086
    cargo test $a --no-run -q 2>&1 | grep -v '^ *Executable' >&2 || true
  done
done

busy_pids=()
start_busy() { for _ in $(seq "$busy"); do (while :; do :; done) & busy_pids+=($!); done; }
stop_busy() { for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null || true; done; busy_pids=(); }
trap stop_busy EXIT

printf 'suite\trun\tseconds\tpassed\tfailed\tfailures\n' > "$out/summary.tsv"
for s in "${suites[@]}"; do
  IFS=';' read -ra sets <<<"$(suite_args "$s")"
  for r in $(seq "$runs"); do
    log="$out/$s-$r.log"
    start_busy
    t0=$(date +%s)
    : > "$log"
    for a in "${sets[@]}"; do
      # shellcheck disable=SC2086
      cargo test $a --no-fail-fast >>"$log" 2>&1 || true
    done
    t1=$(date +%s)
    stop_busy
    passed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^passed/) p += $i } END { print p + 0 }' "$log")
    failed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^failed/) f += $i } END { print f + 0 }' "$log")
    failures=$(grep -E '^test .* \.\.\. FAILED$' "$log" | awk '{print $2}' | paste -sd, - || true)
    if grep -q '^error: test failed\|could not compile' "$log" && [ "$failed" = 0 ]; then
      failures="(the run did not finish: see $log)"
      failed=1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$r" "$((t1 - t0))" "$passed" "$failed" "$failures" >> "$out/summary.tsv"
    echo "$s run $r: $passed passed, $failed failed in $((t1 - t0)) s ${failures:+($failures)}" >&2
    [ "$failed" != 0 ] || rm -f "$log"
  done
done
echo "summary: $out/summary.tsv" >&2
awk -F'\t' 'NR > 1 { runs[$1]++; if ($5 > 0) bad[$1]++; secs[$1] += $3 }
            END { for (s in runs) printf "%s: %d runs, %d with a failure, %.0f s a run\n", s, runs[s], bad[s] + 0, secs[s] / runs[s] }' "$out/summary.tsv"
