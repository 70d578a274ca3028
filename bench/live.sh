#!/usr/bin/env bash
# Live reading at scale (BENCHMARKS.md, "Live clusters"): quorum-testapi serves the generated
# 150,000-pod cluster on 127.0.0.1; `quorum analyze --context` reads it through a kubeconfig as it
# would a real cluster. Prints the time to the first complete snapshot, the requests made, the
# reader's peak memory, and the server's own load time, and at the end the bytes the server sent
# per path. Writes only under generated/.
#   EXTRA=FILE   serve FILE too (bench/metadata_kinds.py writes the ConfigMaps, Endpoints and
#                Namespaces the generator does not make)
#   QUORUM=BIN   read with another quorum binary (an older build, for a before/after)
#   LATENCY=0    skip core/examples/live_latency.rs
#   SERVER_VERSION=v1.33.0   the release the server says it is (default v1.37.2, which streams a
#                watch's initial state; 1.33 does not, so each kind is read in LIST pages)
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${PODS:-150000}
page=${PAGE:-500}
mkdir -p generated
cargo build --release -p quorum -p quorum-testapi
q=${QUORUM:-target/release/quorum}
file=generated/${pods}.json
[ -s "$file" ] || $q generate --pods "$pods" -o "$file"
kc=generated/live-bench.kubeconfig
log=generated/live-bench.server.log
version=${SERVER_VERSION:-v1.37.2}
# An earlier server's log says "ready" too: gone first, so the wait below waits for this one.
rm -f "$log"
target/release/quorum-testapi --context bench --kubeconfig "$kc" --server-version "$version" "$file" ${EXTRA:-} > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until grep -q '^ready' "$log"; do
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 1
done
cat "$log"
for run in $(seq 1 "${RUNS:-3}"); do
  echo "== run $run: quorum analyze --context bench (pages of $page)"
  QUORUM_TIMINGS=1 /usr/bin/time -f "wall %e s, peak RSS %M KB" \
    $q analyze --kubeconfig "$kc" --context bench --page-size "$page" --live-timeout 600 \
    -o json --fail-on never > generated/live-bench.json
done
ls -l "$file" ${EXTRA:-}
# The server prints the bytes it sent per path when interrupted.
kill -INT $server
wait $server || true
grep '^sent' "$log"
[ "${LATENCY:-1}" = 0 ] && exit 0
# An earlier server's log says "ready" too: gone first, so the wait below waits for this one.
rm -f "$log"
target/release/quorum-testapi --context bench --kubeconfig "$kc" --server-version "$version" "$file" ${EXTRA:-} > "$log" 2>&1 &
server=$!
until grep -q '^ready' "$log"; do sleep 1; done
echo "== a change reaching the analysis (core/examples/live_latency.rs)"
cargo build --release -p quorum-core --features live --example live_latency
target/release/examples/live_latency "$kc" bench
