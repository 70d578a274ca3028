#!/usr/bin/env bash
# A live change reaching the terminal UI (BENCHMARKS.md, "Only what changed, sent at once"):
# quorum-testapi serves the generated 150,000-pod cluster, the real `quorum tui` follows it in
# tmux, and a node is cordoned and uncordoned through the API (curl, as kubectl would); each line
# is the milliseconds from sending the PATCH to the node's row changing on the screen (the
# screen is read every 10 ms); then a pod on that node is deleted and created again (its row
# counts the node's pods). Writes only under generated/.
#   QUORUM=BIN   another quorum binary (an older build, for a before/after)
#   NODE=NAME    the node to cordon (default node-00004, on the first screen)
#   TIMES=N      cordon/uncordon pairs, and pod delete/create pairs (default 4)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux > /dev/null && command -v curl > /dev/null || { echo "needs tmux and curl" >&2; exit 2; }
file=generated/${PODS:-150000}.json
q=${QUORUM:-target/release/quorum}
node=${NODE:-node-00004}
cargo build --release -p quorum -p quorum-testapi
[ -s "$file" ] || target/release/quorum generate --pods "${PODS:-150000}" -o "$file"
kc=generated/tui-live.kubeconfig
log=generated/tui-live.server.log
rm -f "$log"
target/release/quorum-testapi --context bench --kubeconfig "$kc" --server-version v1.37.2 "$file" > "$log" 2>&1 &
server=$!
sock=quorum-live-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; kill $server 2>/dev/null || true' EXIT
until grep -q '^ready' "$log"; do
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 1
done
ca=generated/tui-live.ca.pem
grep certificate-authority-data "$kc" | awk '{print $2}' | base64 -d > "$ca"
token=$(grep 'token:' "$kc" | awk '{print $2}')
server_url=$(grep 'server:' "$kc" | awk '{print $2}')
tmux -L "$sock" -f /dev/null new-session -d -s b -x 220 -y 50 "$q tui --kubeconfig $kc --context bench"
# The node's row, matched in the shell: one process per read (the tmux client), so that reading
# the screen every 10 ms takes as little as it can of the two cores the update is computed on.
row() {
  local screen
  screen=$(tmux -L "$sock" capture-pane -p -t b)
  [[ $screen =~ $node\ [^│]* ]] && echo "${BASH_REMATCH[0]}"
  true
}
until [ -n "$(row)" ]; do sleep 1; done
sleep 3
patch() {
  curl -s --cacert "$ca" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/merge-patch+json' -X PATCH \
    "$server_url/api/v1/nodes/$node" -d "{\"spec\":{\"unschedulable\":$1}}" -o /dev/null
}
for _ in $(seq 1 "${TIMES:-4}"); do
  for cordon in true false; do
    before=$(row)
    start=$(date +%s%N)
    patch "$cordon"
    until [ "$(row)" != "$before" ]; do sleep 0.01; done
    echo "cordoned=$cordon: $(( ($(date +%s%N) - start) / 1000000 )) ms"
    sleep 2
  done
done
# A pod of the node deleted, then created again (as its controller would, bound to the node).
api() {
  curl -s --cacert "$ca" -H "Authorization: Bearer $token" "$@"
}
for _ in $(seq 1 "${TIMES:-4}"); do
  pod=$(api "$server_url/api/v1/pods?fieldSelector=spec.nodeName=$node&limit=1" |
    python3 -c 'import json,sys; p=json.load(sys.stdin)["items"][0]; m=p["metadata"]; [m.pop(k,None) for k in ("resourceVersion","uid","creationTimestamp")]; print(json.dumps(p))')
  ns=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["metadata"]["namespace"])' "$pod")
  name=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["metadata"]["name"])' "$pod")
  before=$(row)
  start=$(date +%s%N)
  api -X DELETE "$server_url/api/v1/namespaces/$ns/pods/$name" -o /dev/null
  until [ "$(row)" != "$before" ]; do sleep 0.01; done
  echo "pod deleted: $(( ($(date +%s%N) - start) / 1000000 )) ms"
  sleep 2
  before=$(row)
  start=$(date +%s%N)
  api -H 'Content-Type: application/json' -X POST "$server_url/api/v1/namespaces/$ns/pods" -d "$pod" -o /dev/null
  until [ "$(row)" != "$before" ]; do sleep 0.01; done
  echo "pod created: $(( ($(date +%s%N) - start) / 1000000 )) ms"
  sleep 2
done
