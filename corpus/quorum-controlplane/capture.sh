#!/usr/bin/env bash
# Makes the captures in this directory: the real `kubectl cluster-info dump` of a small cluster
# run by the project's real control plane (controlplane/: kube-apiserver, controller manager,
# scheduler and etcd of the pinned release; KWOK plays the kubelets, so no container runs and
# every log request fails as it does for a pod whose node is gone).
#
# The cluster: six nodes in three zones; a StatefulSet `db/pg` of 3 replicas on local volumes
# pinned to their nodes, with a budget; a Deployment `ops/ctrl` of 2 replicas whose Lease one of
# them holds (client-go's `<pod>_<uuid>`); a Deployment `web/shop` of 2 replicas without a budget.
#
#   corpus/quorum-controlplane/capture.sh          # rewrites dump-stdout.json and dump-dir/
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
bin="$("$root/controlplane/build.sh" | tail -n1)"
dir="$(mktemp -d "${TMPDIR:-/tmp}/quorum-capture.XXXXXX")"
trap '"$root/controlplane/stop.sh" "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$root/controlplane/start.sh" "$dir" --bin-dir "$bin" --watch-pid $$ >/dev/null
export KUBECONFIG="$dir/kubeconfig"
k() { "$bin/kubectl" --request-timeout=20s "$@"; }

for z in a b c; do
  for i in 1 2; do
    cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: node-$z$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels:
    type: kwok
    quorum.dev/kwok-managed: "true"
    kubernetes.io/hostname: node-$z$i
    topology.kubernetes.io/zone: eu-$z
    topology.kubernetes.io/region: eu
status:
  allocatable: {cpu: "16", memory: 64Gi, pods: "110"}
  capacity: {cpu: "16", memory: 64Gi, pods: "110"}
---
EOF
  done
done | k create -f - >/dev/null
k create namespace db >/dev/null
k create namespace ops >/dev/null
k create namespace web >/dev/null
# Local volumes, one per node of pg's replicas, bound to pg's claims in advance.
i=0
for n in node-a1 node-b1 node-c1; do
  cat <<EOF
apiVersion: v1
kind: PersistentVolume
metadata: {name: local-pg-$i}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: local
  local: {path: /mnt/disks/pg}
  claimRef: {namespace: db, name: data-pg-$i}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [$n]}
---
EOF
  i=$((i + 1))
done | k create -f - >/dev/null
k apply -f - >/dev/null <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: db}
spec:
  serviceName: pg
  replicas: 3
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec:
      tolerations: [{key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule}]
      containers: [{name: pg, image: postgres:16}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: local
      resources: {requests: {storage: 10Gi}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pg, namespace: db}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: pg}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ctrl, namespace: ops}
spec:
  replicas: 2
  selector: {matchLabels: {app: ctrl}}
  template:
    metadata: {labels: {app: ctrl}}
    spec:
      tolerations: [{key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule}]
      containers: [{name: ctrl, image: example/ctrl:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      tolerations: [{key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule}]
      containers: [{name: shop, image: example/shop:1}]
EOF
ready() { [ "$(k get pods -A --field-selector=status.phase=Running -o name | wc -l)" -ge 7 ]; }
for _ in $(seq 120); do ready && break; sleep 1; done
ready || { k get pods -A -o wide >&2; echo "the pods never ran" >&2; exit 1; }
holder="$(k -n ops get pods -l app=ctrl -o jsonpath='{.items[0].metadata.name}')"
now="$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"
k apply -f - >/dev/null <<EOF
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: ctrl, namespace: ops}
spec:
  holderIdentity: ${holder}_5b1f2d0e-8c9a-4e61-9a57-2f3c1d7b6e40
  leaseDurationSeconds: 15
  acquireTime: "$now"
  renewTime: "$now"
  leaseTransitions: 0
EOF
# Both forms kubectl writes: one stream on standard output (the lists with container logs
# between them), and a folder of one file per list plus a logs.txt per pod.
k cluster-info dump --all-namespaces > "$here/dump-stdout.json"
rm -rf "$here/dump-dir"
k cluster-info dump --all-namespaces --output-directory="$here/dump-dir" >/dev/null
# The Lease is no part of a cluster-info dump: it goes beside it, as a user would add it.
k get leases -A -o yaml > "$here/leases.yaml"
echo "wrote $here/dump-stdout.json, $here/dump-dir/ and $here/leases.yaml"
