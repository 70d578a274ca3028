#!/usr/bin/env bash
# Smoke test of the real control plane:
#   1. build.sh (warm: should do nothing), start.sh in a temp dir with short timings;
#   2. three KWOK fake nodes in zones a/b/c, Ready, with renewing node leases;
#   3. a StatefulSet of 3 (one pod per node) and a PDB minAvailable=2;
#   4. stop the heartbeats of one node: it turns Unknown after the grace period
#      and gets the node.kubernetes.io/unreachable taints; its pod is evicted;
#   5. kubectl drain of a second node is refused by the PDB;
#   6. heartbeats restored: the node is Ready again and the StatefulSet heals;
#   7. stop.sh, and check nothing is left running.
# Prints what it saw and the timings. Exit 0 when every check passed.
#
# Usage: controlplane/smoke.sh [--version X.Y] [--keep]
#   --version X.Y  the Kubernetes release (default: the newest; also QUORUM_CP_VERSION)
#   --keep         leave the temp dir for inspection
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KEEP=0
VERSION="${QUORUM_CP_VERSION:-}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keep) KEEP=1; shift ;;
        --version) VERSION="${2:-}"; shift 2 || { echo "--version needs a value" >&2; exit 2; } ;;
        --version=*) VERSION="${1#*=}"; shift ;;
        *) echo "usage: $0 [--version X.Y] [--keep]" >&2; exit 2 ;;
    esac
done
# shellcheck source=release.sh
source "$HERE/release.sh"
resolve_release "$VERSION" || exit 2

say() { printf '[smoke] %s\n' "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { awk "BEGIN{printf \"%.1f\", ($(now_ms) - $1)/1000}"; }

FAILS=0
PASSES=0
ok() { PASSES=$((PASSES + 1)); say "PASS: $*"; }
bad() { FAILS=$((FAILS + 1)); say "FAIL: $*"; }

# ---- 1. build (warm) and start -----------------------------------------------
t=$(now_ms)
BIN="$("$HERE/build.sh" --version "$RELEASE" | tail -n1)" || { say "FAIL: build.sh failed"; exit 1; }
BUILD_S=$(secs_since "$t")
say "build.sh took ${BUILD_S}s; binaries in $BIN"
"$BIN/kube-apiserver" --version | sed 's/^/[smoke]   /'
"$BIN/etcd" --version | head -1 | sed 's/^/[smoke]   /'
"$BIN/kwok" --version 2>/dev/null | head -1 | sed 's/^/[smoke]   /' || true

DIR="$(mktemp -d "${TMPDIR:-/tmp}/quorum-cp-smoke.XXXXXX")"
cleanup() {
    "$HERE/stop.sh" "$DIR" 2>/dev/null
    if [[ $KEEP == 1 || $FAILS -gt 0 ]]; then
        say "state and logs kept in $DIR"
    else
        rm -rf "$DIR"
    fi
}
trap cleanup EXIT

t=$(now_ms)
if ! "$HERE/start.sh" "$DIR" --short-timings --version "$RELEASE" --bin-dir "$BIN" --watch-pid $$; then
    FAILS=$((FAILS + 1))
    say "FAIL: start.sh failed"
    exit 1
fi
START_S=$(secs_since "$t")
say "start.sh took ${START_S}s until ready"
sed -e '/^#/d' -e 's/^/[smoke]   /' "$DIR/params.env"

export KUBECONFIG="$DIR/kubeconfig"
k() { "$BIN/kubectl" --request-timeout=10s "$@"; }

# wait_until SECONDS CMD... : poll CMD every 0.25 s; 0 when it succeeds in time.
wait_until() {
    local limit="$1"; shift
    local end=$(( $(now_ms) + limit * 1000 ))
    while (( $(now_ms) < end )); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    return 1
}

k version 2>&1 | sed 's/^/[smoke]   /'
server_version="$(k get --raw /version | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["gitVersion"], v["buildDate"])')"
[[ "$server_version" == "$KUBERNETES_VERSION $KUBERNETES_BUILD_DATE" ]] \
    && ok "the API server's /version is $server_version" || bad "/version is '$server_version', want $KUBERNETES_VERSION $KUBERNETES_BUILD_DATE"
k config current-context | grep -qx quorum-real && ok "kubeconfig context is quorum-real" || bad "kubeconfig context"

# ---- 2. fake nodes -------------------------------------------------------------
for z in a b c; do
    cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: node-$z
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    quorum.dev/kwok-managed: "true"
    kubernetes.io/hostname: node-$z
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: $z
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
---
EOF
done | k create -f - >/dev/null || bad "creating nodes"
t=$(now_ms)
nodes_ready() {
    [[ "$(k get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$')" == 3 ]]
}
if wait_until 30 nodes_ready; then ok "3 fake nodes Ready after $(secs_since "$t")s"; else bad "nodes not Ready"; fi
k get nodes -L topology.kubernetes.io/zone | sed 's/^/[smoke]   /'

lease_renew() { k -n kube-node-lease get lease "$1" -o jsonpath='{.spec.renewTime}'; }
leases_exist() { for z in a b c; do [[ -n "$(lease_renew node-$z)" ]] || return 1; done; }
if wait_until 20 leases_exist; then
    r1="$(lease_renew node-a)"; sleep 3; r2="$(lease_renew node-a)"
    holder="$(k -n kube-node-lease get lease node-a -o jsonpath='{.spec.holderIdentity} {.spec.leaseDurationSeconds}s')"
    if [[ -n "$r1" && "$r1" != "$r2" ]]; then ok "node leases renew in kube-node-lease (node-a: $r1 -> $r2; holder/duration $holder)"
    else bad "node-a lease did not renew in 3s ($r1 -> $r2)"; fi
else
    bad "node leases not created in kube-node-lease"
fi

# ---- 3. StatefulSet + PDB ------------------------------------------------------
k apply -f - >/dev/null <<'EOF' || bad "creating StatefulSet/PDB"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  podManagementPolicy: Parallel
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels: {app: web}
            topologyKey: kubernetes.io/hostname
      containers:
      - name: web
        image: registry.k8s.io/pause:3.10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
EOF
t=$(now_ms)
pods_ready() {
    [[ "$(k get pods -l app=web -o jsonpath='{range .items[*]}{.status.phase}/{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^Running/True$')" == 3 ]]
}
if wait_until 40 pods_ready; then ok "3 StatefulSet pods Running and Ready after $(secs_since "$t")s"; else bad "StatefulSet pods not Running/Ready"; fi
k get pods -l app=web -o wide | sed 's/^/[smoke]   /'
distinct="$(k get pods -l app=web -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | grep -c .)"
[[ "$distinct" == 3 ]] && ok "pods are on 3 distinct nodes" || bad "pods on $distinct distinct nodes"
pdb_allowed() { k get pdb web -o jsonpath='{.status.disruptionsAllowed}'; }
pdb_is() { [[ "$(pdb_allowed)" == "$1" ]]; }
if wait_until 15 pdb_is 1; then ok "PDB web: disruptionsAllowed=1 with 3 healthy"; else bad "PDB disruptionsAllowed=$(pdb_allowed), want 1"; fi

# ---- 4. node failure -------------------------------------------------------------
FAILED=node-c
FAILED_POD="$(k get pods -l app=web --field-selector spec.nodeName=$FAILED -o jsonpath='{.items[0].metadata.name}')"
say "stopping heartbeats of $FAILED (removing label quorum.dev/kwok-managed); its pod is $FAILED_POD"
k label node $FAILED quorum.dev/kwok-managed- >/dev/null || bad "unlabel $FAILED"
t=$(now_ms)
last_renew="$(lease_renew $FAILED)"
node_ready_status() { k get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'; }
node_not_ready() { [[ "$(node_ready_status "$1")" != "True" ]]; }
if wait_until 40 node_not_ready $FAILED; then
    ok "$FAILED Ready=$(node_ready_status $FAILED) $(secs_since "$t")s after its heartbeats stopped (grace period $(grep ^NODE_MONITOR_GRACE_PERIOD= "$DIR/params.env" | cut -d= -f2))"
else
    bad "$FAILED still Ready 40s after its heartbeats stopped"
fi
[[ "$(lease_renew $FAILED)" == "$last_renew" ]] && ok "$FAILED lease no longer renewed (renewTime stays $last_renew)" || bad "$FAILED lease still renewed"
has_unreachable_taint() { k get node "$1" -o jsonpath='{range .spec.taints[*]}{.key}:{.effect}{"\n"}{end}' | grep -qx 'node.kubernetes.io/unreachable:NoExecute'; }
if wait_until 15 has_unreachable_taint $FAILED; then
    ok "$FAILED tainted after $(secs_since "$t")s: $(k get node $FAILED -o jsonpath='{range .spec.taints[*]}{.key}:{.effect} {end}')"
else
    bad "$FAILED has no node.kubernetes.io/unreachable:NoExecute taint"
fi
pod_deleting() { [[ -n "$(k get pod "$1" -o jsonpath='{.metadata.deletionTimestamp}')" ]]; }
if wait_until 30 pod_deleting "$FAILED_POD"; then
    ok "$FAILED_POD on $FAILED evicted by the taint manager after $(secs_since "$t")s (Terminating: no kubelet confirms it)"
else
    bad "$FAILED_POD not evicted from $FAILED"
fi
if wait_until 15 pdb_is 0; then ok "PDB web: disruptionsAllowed=0 with one pod down"; else bad "PDB disruptionsAllowed=$(pdb_allowed), want 0"; fi

# ---- 5. drain refused by the PDB ----------------------------------------------------
DRAINED=node-a
say "kubectl drain $DRAINED (expect refusal by the PDB)"
drain_out="$("$BIN/kubectl" drain $DRAINED --ignore-daemonsets --delete-emptydir-data --timeout=12s 2>&1)"
drain_rc=$?
printf '%s\n' "$drain_out" | sed 's/^/[smoke]   /'
if [[ $drain_rc -ne 0 ]] && grep -q "Cannot evict pod as it would violate the pod's disruption budget" <<<"$drain_out"; then
    ok "drain of $DRAINED refused by the PDB (kubectl exit $drain_rc)"
else
    bad "drain of $DRAINED was not refused by the PDB (exit $drain_rc)"
fi
[[ "$(k get pods -l app=web --field-selector spec.nodeName=$DRAINED -o name | grep -c .)" == 1 ]] \
    && ok "the pod on $DRAINED is still there" || bad "the pod on $DRAINED is gone"

# ---- 6. recovery ---------------------------------------------------------------------
say "restoring heartbeats of $FAILED and uncordoning $DRAINED"
k label node $FAILED quorum.dev/kwok-managed=true >/dev/null || bad "relabel $FAILED"
k uncordon $DRAINED >/dev/null || bad "uncordon $DRAINED"
t=$(now_ms)
node_ready() { [[ "$(node_ready_status "$1")" == "True" ]]; }
if wait_until 30 node_ready $FAILED; then ok "$FAILED Ready again after $(secs_since "$t")s"; else bad "$FAILED not Ready again"; fi
no_unreachable_taint() { ! has_unreachable_taint "$1"; }
if wait_until 30 no_unreachable_taint $FAILED; then ok "unreachable taint removed from $FAILED after $(secs_since "$t")s"; else bad "$FAILED still tainted"; fi
if wait_until 60 pods_ready; then ok "StatefulSet healed: 3 pods Running and Ready after $(secs_since "$t")s"; else bad "StatefulSet did not heal"; fi
k get pods -l app=web -o wide | sed 's/^/[smoke]   /'

# ---- 7. stop ---------------------------------------------------------------------------
pids="$(grep -E '^QUORUM_CP_[A-Z]+_PID=' "$DIR/env" | cut -d= -f2 | tr '\n' ' ')"
t=$(now_ms)
"$HERE/stop.sh" "$DIR"
STOP_S=$(secs_since "$t")
left=""
for p in $pids; do kill -0 "$p" 2>/dev/null && left+="$p "; done
[[ -z "$left" ]] && ok "stop.sh stopped every process in ${STOP_S}s" || bad "processes still running after stop.sh: $left"
"$HERE/stop.sh" "$DIR" && ok "stop.sh is idempotent" || bad "second stop.sh failed"

say "Kubernetes $KUBERNETES_VERSION: timings: build (warm) ${BUILD_S}s, start until ready ${START_S}s, stop ${STOP_S}s"
echo "$PASSES passed, $FAILS failed"
[[ $FAILS -eq 0 ]]
